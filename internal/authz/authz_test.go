package authz_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/policies"
)

// Fixture units for each relation, by the level of the grant (real Lạng Sơn codes:
// Cao Lộc 183 with Hải Yến 06220 and Mẫu Sơn 06238; Văn Lãng 182 with Tân Tác 06142;
// Hà Nội 01 / Ba Đình 001 / Phúc Xá 00001).
var grantUnit = map[string]string{"province": "/20", "district": "/20/183", "commune": "/20/183/06220"}

var relationUnit = map[string]map[string]string{
	"province": {"own": "/20", "below": "/20/183/06220", "sibling": "/01", "other_province": "/01/001/00001"},
	"district": {"own": "/20/183", "below": "/20/183/06220", "sibling": "/20/182", "other_district": "/20/182/06142",
		"other_province": "/01/001/00001", "parent": "/20"},
	"commune": {"own": "/20/183/06220", "sibling": "/20/183/06238", "other_district": "/20/182/06142",
		"other_province": "/01/001/00001", "parent": "/20/183"},
}

type matrixRow struct {
	role, level, obj, act string
	want                  map[string]string // relation → allow|deny
}

func loadMatrix(t *testing.T) ([]matrixRow, []string) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(policies.ExpectedMatrix))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := recs[0]
	relations := header[4:]
	var rows []matrixRow
	for _, rec := range recs[1:] {
		row := matrixRow{role: rec[0], level: rec[1], obj: rec[2], act: rec[3], want: map[string]string{}}
		for i, rel := range relations {
			row.want[rel] = rec[4+i]
		}
		rows = append(rows, row)
	}
	return rows, relations
}

// checkMatrix returns one readable line per decision that differs from the expectation.
func checkMatrix(t *testing.T, az *authz.Authorizer) []string {
	rows, relations := loadMatrix(t)
	var diffs []string
	for _, row := range rows {
		g := authz.Grant{Role: authz.Role(row.role), UnitPath: grantUnit[row.level]}
		p := &authz.Principal{Grants: []authz.Grant{g}}
		for _, rel := range relations {
			want := row.want[rel]
			unit, exists := relationUnit[row.level][rel]
			if want == "-" {
				if exists {
					diffs = append(diffs, fmt.Sprintf("matrix has '-' for %s@%s %s", row.role, row.level, rel))
				}
				continue
			}
			got := "deny"
			if az.Can(p, row.obj, row.act, unit) {
				got = "allow"
			}
			raw, err := az.Enforce(g, row.obj, row.act, unit)
			if err != nil {
				t.Fatal(err)
			}
			if raw != (got == "allow") {
				diffs = append(diffs, fmt.Sprintf("memoised Can disagrees with casbin for %s@%s %s.%s %s", row.role, row.level, row.obj, row.act, rel))
			}
			if got != want {
				diffs = append(diffs, fmt.Sprintf("%s held at a %s, %s.%s on %s unit: want %s, got %s",
					row.role, row.level, row.obj, row.act, rel, want, got))
			}
		}
	}
	return diffs
}

func TestPolicyMatchesExpectedMatrix(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	if diffs := checkMatrix(t, az); len(diffs) > 0 {
		t.Fatalf("policy differs from policies/expected_matrix.csv:\n  %s", strings.Join(diffs, "\n  "))
	}
}

func TestEveryPolicyLineIsInTheMatrix(t *testing.T) {
	rows, _ := loadMatrix(t)
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.role+","+r.obj+","+r.act] = true
	}
	for _, line := range strings.Split(policies.Policy, "\n") {
		f := strings.Split(line, ",")
		if len(f) != 5 || strings.HasPrefix(line, "#") {
			continue
		}
		key := strings.TrimSpace(f[1]) + "," + strings.TrimSpace(f[3]) + "," + strings.TrimSpace(f[4])
		if !covered[key] {
			t.Errorf("policy line %q has no row in expected_matrix.csv", line)
		}
	}
}

func TestChangedPolicyLineFailsTheMatrix(t *testing.T) {
	// Dropping one line and widening another must both show up as readable differences.
	changed := strings.Replace(policies.Policy, "p, district_reviewer, district, nomination, endorse\n", "", 1)
	changed = strings.Replace(changed, "p, province_approver, province, nomination, approve", "p, province_approver, *, nomination, approve", 1)
	changed += "p, commune_officer, commune, nomination, approve\n"
	az, err := authz.NewFromStrings(policies.Model, changed)
	if err != nil {
		t.Fatal(err)
	}
	diffs := checkMatrix(t, az)
	joined := strings.Join(diffs, "\n")
	for _, want := range []string{
		"district_reviewer held at a district, nomination.endorse on own unit: want allow, got deny",
		"commune_officer held at a commune, nomination.approve on own unit: want deny, got allow",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("diff lacks %q; got:\n%s", want, joined)
		}
	}
}

func TestScopes(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	p := &authz.Principal{Grants: []authz.Grant{
		{Role: authz.DistrictReviewer, UnitCode: "183", UnitPath: "/20/183"},
		{Role: authz.Observer, UnitCode: "20", UnitPath: "/20"},
		{Role: authz.Observer, UnitCode: "182", UnitPath: "/20/182"},
		{Role: authz.CommuneOfficer, UnitCode: "06142", UnitPath: "/20/182/06142"},
	}}
	if got := az.Scopes(p, "nomination", "read"); fmt.Sprint(got) != "[/20]" {
		t.Errorf("read scope = %v, want [/20] (covered paths folded)", got)
	}
	got := az.Scopes(p, "nomination", "endorse")
	if fmt.Sprint(got) != "[/20/183]" {
		t.Errorf("endorse scope = %v", got)
	}
	if az.Scopes(p, "user", "manage") != nil {
		t.Error("no admin grant, yet a user scope")
	}
	if !got.Contains("/20/183/06220") || got.Contains("/20/1830") || got.Contains("/20/182/06142") {
		t.Error("Scope.Contains is not segment-safe")
	}
	if n := (authz.Scope{"/20"}).Narrow("/20/183"); fmt.Sprint(n) != "[/20/183]" {
		t.Errorf("Narrow inside = %v", n)
	}
	if n := (authz.Scope{"/20/183", "/20/182"}).Narrow("/20"); len(n) != 2 {
		t.Errorf("Narrow above = %v", n)
	}
	if n := (authz.Scope{"/20/183"}).Narrow("/01"); !n.Empty() {
		t.Errorf("Narrow outside = %v", n)
	}
	sql, args := authz.Scope{"/20/183"}.SQL("unit_path")
	if sql != "(unit_path = ? OR unit_path LIKE ?)" || fmt.Sprint(args) != "[/20/183 /20/183/%]" {
		t.Errorf("SQL = %s %v", sql, args)
	}
}

func BenchmarkCan(b *testing.B) {
	az, err := authz.New()
	if err != nil {
		b.Fatal(err)
	}
	p := &authz.Principal{Grants: []authz.Grant{
		{Role: authz.DistrictReviewer, UnitCode: "183", UnitPath: "/20/183"},
		{Role: authz.Observer, UnitCode: "182", UnitPath: "/20/182"},
	}}
	b.ReportAllocs()
	for b.Loop() {
		if !az.Can(p, "nomination", "endorse", "/20/183/06220") {
			b.Fatal("denied")
		}
	}
}

func BenchmarkEnforceUnmemoised(b *testing.B) {
	az, _ := authz.New()
	g := authz.Grant{Role: authz.DistrictReviewer, UnitCode: "183", UnitPath: "/20/183"}
	for b.Loop() {
		_, _ = az.Enforce(g, "nomination", "endorse", "/20/183/06220")
	}
}
