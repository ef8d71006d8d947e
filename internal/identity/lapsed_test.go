package identity_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/identity"
)

// TestLapsedGrantsSuggestWhereAndWhatToGrant: after the 2025 reform of Lạng Sơn, each
// lapsed grant names the units to grant again at and the role for each: a district
// reviewer's work went to the province reviewer, and no reviewer role is held at a
// commune; an observer is held anywhere; a commune officer stays a commune officer.
func TestLapsedGrantsSuggestWhereAndWhatToGrant(t *testing.T) {
	ctx := context.Background()
	svc, us := newService(t)
	for _, u := range []identity.NewUser{
		{Username: "caoloc", FullName: "Nông Văn Lộc", Roles: []identity.RoleAt{{Role: "district_reviewer", UnitCode: "183"}, {Role: "observer", UnitCode: "183"}}},
		{Username: "xa.yentrach", FullName: "Cán bộ xã Yên Trạch", Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06247"}}},
		{Username: "tinh", FullName: "Lãnh đạo tỉnh", Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "20"}}},
	} {
		u.Password = testPassword
		if _, err := svc.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := us.ImportTwoTier(ctx, "20"); err != nil {
		t.Fatal(err)
	}
	lapsed := func(username string) []identity.LapsedRole {
		t.Helper()
		p, err := svc.PrincipalFor(ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := svc.Me(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return acc.LapsedRoles
	}
	describe := func(r identity.LapsedRole) string {
		parts := []string{r.Role + "@" + r.UnitCode + " " + r.EndedOn + ":"}
		for _, s := range r.Successors {
			parts = append(parts, fmt.Sprintf("%s/%s/%s", s.Code, s.Share, s.Role))
		}
		return strings.Join(parts, " ")
	}

	communes := []string{"05977", "06184", "06187", "06196", "06211", "06220", "06286", "06316"}
	got := lapsed("caoloc")
	if len(got) != 2 {
		t.Fatalf("caoloc's lapsed grants: %+v", got)
	}
	byRole := map[string]identity.LapsedRole{got[0].Role: got[0], got[1].Role: got[1]}
	want := "district_reviewer@183 2025-06-30: 20/full/province_reviewer"
	for _, c := range communes {
		want += " " + c + "/partial/"
	}
	if s := describe(byRole["district_reviewer"]); s != want {
		t.Errorf("district reviewer:\n got %s\nwant %s", s, want)
	}
	dr := byRole["district_reviewer"]
	if g := dr.ByRole(); len(g) != 1 || g[0].Role != "province_reviewer" || strings.Join(g[0].Names, ",") != "Tỉnh Lạng Sơn" {
		t.Errorf("district reviewer, by role: %+v", g)
	}
	if e := dr.Elsewhere(); len(e) != len(communes) || e[0] != "Phường Đông Kinh" || e[5] != "Xã Công Sơn" {
		t.Errorf("district reviewer, the district's area: %v", e)
	}
	want = "observer@183 2025-06-30: 20/full/observer"
	for _, c := range communes {
		want += " " + c + "/partial/observer"
	}
	if s := describe(byRole["observer"]); s != want {
		t.Errorf("observer:\n got %s\nwant %s", s, want)
	}
	if e := byRole["observer"].Elsewhere(); len(e) != 0 {
		t.Errorf("an observer is held anywhere: %v", e)
	}

	if got := lapsed("xa.yentrach"); len(got) != 1 || describe(got[0]) != "commune_officer@06247 2025-06-30: 05977/full/commune_officer" ||
		got[0].Successors[0].Name != "Phường Đông Kinh" {
		t.Errorf("xa.yentrach's lapsed grants: %+v", got)
	}
	if got := lapsed("tinh"); len(got) != 0 {
		t.Errorf("the province's grant stands: %+v", got)
	}
}
