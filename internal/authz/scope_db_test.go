package authz_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// The demo users of SPEC §9 and one user holding grants in two places.
var fixtureUsers = map[string][]authz.Grant{
	"admin":     {{Role: authz.Admin, UnitCode: "20", UnitPath: "/20"}},
	"tinh":      {{Role: authz.ProvinceApprover, UnitCode: "20", UnitPath: "/20"}},
	"quansat":   {{Role: authz.Observer, UnitCode: "20", UnitPath: "/20"}},
	"caoloc":    {{Role: authz.DistrictReviewer, UnitCode: "183", UnitPath: "/20/183"}},
	"vanlang":   {{Role: authz.DistrictReviewer, UnitCode: "182", UnitPath: "/20/182"}},
	"xa.haiyen": {{Role: authz.CommuneOfficer, UnitCode: "06220", UnitPath: "/20/183/06220"}},
	"xa.mauson": {{Role: authz.CommuneOfficer, UnitCode: "06238", UnitPath: "/20/183/06238"}},
	"xa.tantac": {{Role: authz.CommuneOfficer, UnitCode: "06142", UnitPath: "/20/182/06142"}},
	"two.places": {
		{Role: authz.CommuneOfficer, UnitCode: "06220", UnitPath: "/20/183/06220"},
		{Role: authz.Observer, UnitCode: "001", UnitPath: "/01/001"},
	},
}

// TestScopedQueryEqualsCan proves, on the real database, that the SQL filter built from
// Scopes selects exactly the units on which Can allows the action: a list can never show
// what the object check would deny, nor hide what it would allow.
func TestScopedQueryEqualsCan(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	us := units.NewService(st)
	testkit.ImportUnits(t, us, "20", "01")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	var all []units.Unit
	if err := st.DB(ctx).Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	for name, grants := range fixtureUsers {
		p := &authz.Principal{Username: name, Grants: grants}
		for _, oa := range [][2]string{{"nomination", "read"}, {"nomination", "endorse"}, {"report", "read"}, {"user", "manage"},
			{"campaign", "read"}, {"criteria_set", "read"}, {"criteria_status", "read"}, {"criteria_status", "confirm"},
			{"movement_report", "read"}, {"movement_report", "write"}} {
			scope := az.Scopes(p, oa[0], oa[1])
			listed := map[string]bool{}
			if !scope.Empty() {
				where, args := scope.SQL("path")
				var got []units.Unit
				if err := st.DB(ctx).Where(where, args...).Find(&got).Error; err != nil {
					t.Fatal(err)
				}
				for _, u := range got {
					listed[u.Code] = true
				}
			}
			allowed := 0
			for _, u := range all {
				can := az.Can(p, oa[0], oa[1], u.Path)
				if can {
					allowed++
				}
				if can != listed[u.Code] {
					t.Errorf("%s %s.%s on %s (%s): Can=%v, listed=%v", name, oa[0], oa[1], u.Code, u.Path, can, listed[u.Code])
				}
			}
			if name == "caoloc" && oa[1] == "read" && oa[0] == "nomination" && allowed != 23 {
				t.Errorf("caoloc should see Cao Lộc and its 22 communes, sees %d units", allowed)
			}
			// Province reach: the commune officer of Hải Yến reads campaigns at the
			// province's unit, which lies outside its own subtree.
			if name == "xa.haiyen" && oa[0] == "campaign" && !listed["20"] {
				t.Error("xa.haiyen cannot read campaigns of Lạng Sơn")
			}
			t.Log(fmt.Sprintf("%s %s.%s: %d units", name, oa[0], oa[1], allowed))
		}
	}
}

// TestCodeSQLSelectsTheSameAsPathSQL: the code-column filter used on nominations and
// recognitions selects exactly the units the path filter selects, for every fixture user.
func TestCodeSQLSelectsTheSameAsPathSQL(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	us := units.NewService(st)
	testkit.ImportUnits(t, us, "20", "01")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	// A view with the code of every level per commune, like the nominations table.
	q := `SELECT c.code AS commune_code, COALESCE(d.code, '') AS district_code, p.code AS province_code, c.path AS unit_path
		FROM units c JOIN units d ON d.code = c.parent_code JOIN units p ON p.code = d.parent_code
		WHERE c.level = 'commune'`
	for name, grants := range fixtureUsers {
		p := &authz.Principal{Username: name, Grants: grants}
		scope := az.Scopes(p, "nomination", "read")
		codeWhere, codeArgs := scope.CodeSQL(authz.UnitCodeColumns)
		var byCode []string
		if err := st.DB(ctx).Raw("SELECT commune_code FROM ("+q+") AS x WHERE "+codeWhere+" ORDER BY commune_code", codeArgs...).Scan(&byCode).Error; err != nil {
			t.Fatal(err)
		}
		var byPath []string
		if !scope.Empty() {
			where, args := scope.SQL("path")
			if err := st.DB(ctx).Raw("SELECT code FROM units WHERE level = 'commune' AND "+where+" ORDER BY code", args...).Scan(&byPath).Error; err != nil {
				t.Fatal(err)
			}
		}
		if fmt.Sprint(byCode) != fmt.Sprint(byPath) {
			t.Errorf("%s: code filter selects %d communes, path filter %d", name, len(byCode), len(byPath))
		}
	}
}
