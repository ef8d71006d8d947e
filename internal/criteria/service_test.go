package criteria_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// A nil principal is nobody: Publish no longer treats it as the system, and the readers
// refuse it instead of failing; PublishAsSystem is the explicit form.
func TestNilPrincipalIsRefusedAndSystemWorks(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	u := units.NewService(st)
	testkit.ImportUnits(t, u, "20")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := criteria.NewService(st, az, u)
	sets := criteria.DemoSets("20")

	pub, err := svc.PublishAsSystem(ctx, sets[0])
	if err != nil || pub.Version != 1 {
		t.Fatalf("PublishAsSystem: %+v, %v", pub, err)
	}
	errs := map[string]error{}
	_, errs["Publish"] = svc.Publish(ctx, nil, sets[1])
	_, errs["GetVisible"] = svc.GetVisible(ctx, nil, pub.ID)
	_, errs["List"] = svc.List(ctx, nil, "")
	for name, err := range errs {
		if !errors.Is(err, apperr.ErrUnauthenticated) {
			t.Errorf("%s(nil) = %v, want unauthenticated", name, err)
		}
	}
	if _, err := svc.Current(ctx, sets[1].Type, "20"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("Publish(nil) stored a set: %v", err)
	}

	ids := identity.NewService(st, u, az, identity.Config{Secret: strings.Repeat("s", 32)})
	if _, err := ids.CreateUser(ctx, identity.NewUser{Username: "admin", FullName: "Quản trị", Password: "vuon-cam-duong-canh",
		Roles: []identity.RoleAt{{Role: "admin", UnitCode: "20"}}}); err != nil {
		t.Fatal(err)
	}
	admin, err := ids.PrincipalFor(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, admin, sets[1]); err != nil {
		t.Fatalf("Publish as the province's admin: %v", err)
	}
	if list, err := svc.List(ctx, admin, ""); err != nil || len(list) != 2 {
		t.Fatalf("List as the admin: %d sets, %v", len(list), err)
	}
}
