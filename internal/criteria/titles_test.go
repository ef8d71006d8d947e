package criteria_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

func fieldError(err error, field string) string {
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		return ""
	}
	return v.Fields[field]
}

// Every demo set is publishable; the commune titles' sets never expire.
func TestDemoSetsValidate(t *testing.T) {
	seen := map[criteria.Type]bool{}
	for _, set := range criteria.DemoSets("20") {
		if err := criteria.Validate(set); err != nil {
			t.Errorf("%s: %v", set.Type, err)
		}
		if set.Type.IsCommuneTitle() != (set.ValidityYears == 0) {
			t.Errorf("%s: validity %d", set.Type, set.ValidityYears)
		}
		seen[set.Type] = true
	}
	for _, typ := range criteria.Types {
		if !seen[typ] {
			t.Errorf("no demo set for %s", typ)
		}
	}
}

// A commune title has no expiry: its set must say validity 0; a garden's must not.
func TestValidityOfTitleSets(t *testing.T) {
	title := criteria.NationalNTMCommuneSet("20")
	title.ValidityYears = 5
	if msg := fieldError(criteria.Validate(title), "validity_years"); msg == "" {
		t.Error("a title set with a validity of 5 years was accepted")
	}
	garden := criteria.DemoSets("20")[0]
	garden.ValidityYears = 0
	if msg := fieldError(criteria.Validate(garden), "validity_years"); msg == "" {
		t.Error("a garden set without validity was accepted")
	}
}

// The national set: the 19 criteria of 2021–2025 by code "1".."19", each required; a
// commune passes with all 19 met and not with 18.
func TestNationalSet(t *testing.T) {
	set := criteria.NationalNTMCommuneSet("20")
	if len(set.Criteria) != 19 || set.Type != criteria.NTMCommune {
		t.Fatalf("%d criteria of %s", len(set.Criteria), set.Type)
	}
	values := map[string]any{}
	for i, c := range set.Criteria {
		if c.Code != strconv.Itoa(i+1) || !c.Required || c.Kind != criteria.Boolean || c.MaxScore != 1 || c.Title == "" {
			t.Errorf("criterion %d: %+v", i, c)
		}
		values[c.Code] = true
	}
	if got := set.Groups(); len(got) != 4 || got[0] != "Quy hoạch" || got[3] != "Văn hóa – xã hội – môi trường" {
		t.Errorf("groups %q", got)
	}
	if r := criteria.Evaluate(set, values); !r.Passes || r.Total != 19 {
		t.Errorf("all met: %+v", r)
	}
	values["17"] = false
	if r := criteria.Evaluate(set, values); r.Passes {
		t.Errorf("18 of 19 passes: %+v", r)
	}
}

// The list filters by the commune titles too; an unknown type is refused.
func TestListByTitleType(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	u := units.NewService(st)
	testkit.ImportUnits(t, u, "20")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := criteria.NewService(st, az, u)
	for _, set := range criteria.DemoSets("20") {
		if _, err := svc.PublishAsSystem(ctx, set); err != nil {
			t.Fatalf("publish %s: %v", set.Type, err)
		}
	}
	p := &authz.Principal{UserID: 1, Username: "tinh", Grants: []authz.Grant{{Role: authz.ProvinceApprover, UnitCode: "20", UnitPath: "/20"}}}
	for _, typ := range criteria.CommuneTitles {
		list, err := svc.List(ctx, p, string(typ))
		if err != nil || len(list) != 1 || list[0].Type != typ || list[0].ValidityYears != 0 {
			t.Fatalf("List(%s) = %+v, %v", typ, list, err)
		}
	}
	if _, err := svc.List(ctx, p, "ntm_village"); fieldError(err, "type") == "" {
		t.Fatalf("unknown type: %v", err)
	}
}
