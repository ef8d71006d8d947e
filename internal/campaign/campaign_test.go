package campaign_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// A nil principal is nobody: every reader and writer refuses it, while the explicit
// system methods work without one.
func TestNilPrincipalIsRefusedAndSystemWorks(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	u := units.NewService(st)
	testkit.ImportUnits(t, u, "20")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := campaign.NewService(st, az, u)
	in := campaign.Input{Name: "Phong trào thử", ProvinceCode: "20", StartsOn: "2022-01-01", EndsOn: "2025-12-31"}
	targets := []campaign.Target{{Year: 2022, UnitCode: "183", Type: "model_garden", Min: 2}}

	v, err := svc.CreateAsSystem(ctx, in)
	if err != nil {
		t.Fatalf("CreateAsSystem: %v", err)
	}
	if v, err = svc.SetTargetsAsSystem(ctx, v.ID, targets); err != nil || len(v.Targets) != 1 {
		t.Fatalf("SetTargetsAsSystem: %+v, %v", v, err)
	}

	errs := map[string]error{}
	_, errs["Create"] = svc.Create(ctx, nil, in)
	_, errs["Load"] = svc.Load(ctx, nil, v.ID)
	_, errs["Get"] = svc.Get(ctx, nil, v.ID)
	_, errs["List"] = svc.List(ctx, nil)
	_, errs["Update"] = svc.Update(ctx, nil, v.ID, in)
	_, errs["SetTargets"] = svc.SetTargets(ctx, nil, v.ID, nil)
	_, errs["Progress"] = svc.Progress(ctx, nil, v.ID, 2022, "")
	for name, err := range errs {
		if !errors.Is(err, apperr.ErrUnauthenticated) {
			t.Errorf("%s(nil) = %v, want unauthenticated", name, err)
		}
	}
	if svc.CanManage(nil, campaign.Campaign{ProvinceCode: "20"}) {
		t.Error("CanManage(nil) = true")
	}
	got, err := svc.Get(ctx, nil, v.ID)
	if err == nil || len(got.Targets) != 0 {
		t.Errorf("Get(nil) returned the campaign: %+v", got)
	}

	// The targets were not touched by the refused SetTargets.
	approver := &authz.Principal{UserID: 1, Grants: []authz.Grant{{Role: authz.ProvinceApprover, UnitCode: "20", UnitPath: "/20"}}}
	if got, err := svc.Get(ctx, approver, v.ID); err != nil || len(got.Targets) != 1 {
		t.Fatalf("Get as the province: %+v, %v", got, err)
	}
	observer := &authz.Principal{UserID: 2, Grants: []authz.Grant{{Role: authz.Observer, UnitCode: "20", UnitPath: "/20"}}}
	if _, err := svc.SetTargets(ctx, observer, v.ID, nil); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("SetTargets as an observer: %v, want forbidden", err)
	}
}
