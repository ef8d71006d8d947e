package authz_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/units"
	"github.com/ntmflow/ntmflow/policies"
)

// Fixture units for each relation, by the level of the grant (real Lạng Sơn codes:
// Cao Lộc 183 with Hải Yến 06220 and Mẫu Sơn 06238; Văn Lãng 182 with Tân Tác 06142;
// Hà Nội 01 / Ba Đình 001 / Phúc Xá 00001).
var grantUnit = map[string]string{"province": "/20", "district": "/20/183", "commune": "/20/183/06220"}

// A two-tier commune (since 1 July 2025) sits directly under its province: 99001 and 99002
// are fixture codes of such communes in Lạng Sơn.
var relationUnit = map[string]map[string]string{
	"province": {"own": "/20", "below": "/20/183/06220", "sibling": "/01", "other_province": "/01/001/00001",
		"two_tier_commune": "/20/99001"},
	"district": {"own": "/20/183", "below": "/20/183/06220", "sibling": "/20/182", "other_district": "/20/182/06142",
		"other_province": "/01/001/00001", "parent": "/20", "two_tier_commune": "/20/99001"},
	"commune": {"own": "/20/183/06220", "sibling": "/20/183/06238", "other_district": "/20/182/06142",
		"other_province": "/01/001/00001", "parent": "/20/183", "two_tier_commune": "/20/99001"},
}

// twoTierCommune is the commune rows' relations for a grant at a commune of the two-tier
// tree: its path is as deep as a district's, and its stored level alone says commune.
var twoTierCommune = map[string]string{"own": "/20/99001", "sibling": "/20/99002", "other_district": "/20/182/06142",
	"other_province": "/01/001/00001", "parent": "/20", "two_tier_commune": "/20/99002"}

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
	type grantCase struct {
		g     authz.Grant
		units map[string]string
		label string
	}
	for _, row := range rows {
		cases := []grantCase{{authz.Grant{Role: authz.Role(row.role), UnitPath: grantUnit[row.level], UnitLevel: units.Level(row.level)},
			relationUnit[row.level], ""}}
		if row.level == "commune" {
			cases = append(cases, grantCase{authz.Grant{Role: authz.Role(row.role), UnitPath: "/20/99001", UnitLevel: units.Commune},
				twoTierCommune, " (two-tier)"})
		}
		for _, gc := range cases {
			diffs = append(diffs, checkRow(t, az, row, relations, gc.g, gc.units, gc.label)...)
		}
	}
	return diffs
}

func checkRow(t *testing.T, az *authz.Authorizer, row matrixRow, relations []string, g authz.Grant, relUnits map[string]string, label string) []string {
	var diffs []string
	p := &authz.Principal{Grants: []authz.Grant{g}}
	{
		for _, rel := range relations {
			want := row.want[rel]
			unit, exists := relUnits[rel]
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
				diffs = append(diffs, fmt.Sprintf("%s held at a %s%s, %s.%s on %s unit: want %s, got %s",
					row.role, row.level, label, row.obj, row.act, rel, want, got))
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
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if len(f) != 6 {
			t.Errorf("policy line %q: want p, role, level, obj, act, reach", line)
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
	changed := strings.Replace(policies.Policy, "p, district_reviewer, district, nomination, endorse, subtree\n", "", 1)
	changed = strings.Replace(changed, "p, province_approver, province, nomination, approve, subtree", "p, province_approver, *, nomination, approve, subtree", 1)
	changed += "p, commune_officer, commune, nomination, approve, subtree\n"
	// Widening a reach is a change of the policy too.
	changed = strings.Replace(changed, "p, district_reviewer, district, report, read, subtree", "p, district_reviewer, district, report, read, province", 1)
	az, err := authz.NewFromStrings(policies.Model, changed)
	if err != nil {
		t.Fatal(err)
	}
	diffs := checkMatrix(t, az)
	joined := strings.Join(diffs, "\n")
	for _, want := range []string{
		"district_reviewer held at a district, nomination.endorse on own unit: want allow, got deny",
		"commune_officer held at a commune, nomination.approve on own unit: want deny, got allow",
		"district_reviewer held at a district, report.read on sibling unit: want deny, got allow",
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
	if sql != `(unit_path = ? OR unit_path LIKE ? ESCAPE '\')` || fmt.Sprint(args) != "[/20/183 /20/183/%]" {
		t.Errorf("SQL = %s %v", sql, args)
	}
}

// TestProvinceReadsFollowThePolicy: campaigns and criteria sets belong to a province and
// are read by everyone holding any role in it (before issue 11, hand-written provincesOf in
// campaign and criteria). The scope comes from the policy's province reach, for every role
// at every level identity lets it be held at.
func TestProvinceReadsFollowThePolicy(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range []string{authz.ObjCampaign, authz.ObjCriteriaSet} {
		for _, role := range authz.Roles {
			for _, level := range az.LevelsFor(role) {
				p := &authz.Principal{Grants: []authz.Grant{{Role: role, UnitPath: grantUnit[level]}}}
				if got := az.Scopes(p, obj, authz.ActRead); fmt.Sprint(got) != "[/20]" {
					t.Errorf("%s held at a %s: %s read scope = %v, want [/20]", role, level, obj, got)
				}
			}
		}
		two := &authz.Principal{Grants: []authz.Grant{
			{Role: authz.CommuneOfficer, UnitPath: "/20/183/06220"},
			{Role: authz.Observer, UnitPath: "/01/001"},
			{Role: authz.DistrictReviewer, UnitPath: "/20/182"},
		}}
		scope := az.Scopes(two, obj, authz.ActRead)
		if fmt.Sprint(scope) != "[/01 /20]" {
			t.Errorf("%s read scope of a user in two provinces = %v, want [/01 /20]", obj, scope)
		}
		if !az.Can(two, obj, authz.ActRead, "/01") || az.Can(two, obj, authz.ActRead, "/02") {
			t.Errorf("%s read: Can disagrees with the scope %v", obj, scope)
		}
		if az.Scopes(nil, obj, authz.ActRead) != nil || az.Can(nil, obj, authz.ActRead, "/20") {
			t.Errorf("%s read allowed to nobody signed in", obj)
		}
	}
	// Reach never widens what a subtree rule allows: a commune officer reads nominations of
	// its commune only.
	p := &authz.Principal{Grants: []authz.Grant{{Role: authz.CommuneOfficer, UnitPath: "/20/183/06220"}}}
	if got := az.Scopes(p, authz.ObjNomination, authz.ActRead); fmt.Sprint(got) != "[/20/183/06220]" {
		t.Errorf("nomination read scope = %v", got)
	}
}

// TestLevelsComeFromThePolicy: the levels a role may be granted at are the policy's level
// column, so a line at a new level is the whole change.
func TestLevelsComeFromThePolicy(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	want := map[authz.Role]string{
		authz.CommuneOfficer:   "[commune]",
		authz.DistrictReviewer: "[district]",
		authz.ProvinceReviewer: "[province]",
		authz.ProvinceApprover: "[province]",
		authz.Observer:         "[province district commune]",
		authz.Admin:            "[province]",
	}
	for _, role := range authz.Roles {
		if got := fmt.Sprint(az.LevelsFor(role)); got != want[role] {
			t.Errorf("LevelsFor(%s) = %s, want %s", role, got, want[role])
		}
	}
	if got := az.LevelsFor("nobody"); len(got) != 0 {
		t.Errorf("LevelsFor of an unknown role = %v", got)
	}
	// Every role of the policy is a role of the code and the other way round.
	inPolicy := map[authz.Role]bool{}
	for _, r := range az.Rules() {
		inPolicy[r.Role] = true
		if !r.Role.Valid() {
			t.Errorf("policy line %+v names an unknown role", r)
		}
	}
	for _, role := range authz.Roles {
		if !inPolicy[role] {
			t.Errorf("role %s has no policy line, so it could never be granted", role)
		}
	}
	changed, err := authz.NewFromStrings(policies.Model, policies.Policy+"p, district_reviewer, province, report, read, subtree\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(changed.LevelsFor(authz.DistrictReviewer)); got != "[province district]" {
		t.Errorf("after a province line, LevelsFor(district_reviewer) = %s", got)
	}
}

func TestMistypedPolicyLineStopsStartUp(t *testing.T) {
	for _, line := range []string{
		"p, observer, *, report, read, provinse",
		"p, observer, distrct, report, read, subtree",
	} {
		if _, err := authz.NewFromStrings(policies.Model, policies.Policy+line+"\n"); err == nil {
			t.Errorf("policy with %q accepted", line)
		}
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

func TestScopeProvincesKeepsOnlyWholeProvinces(t *testing.T) {
	got := authz.Scope{"/20", "/20/183", "/01", "/20/183/06220"}.Provinces()
	if strings.Join(got, ",") != "20,01" {
		t.Fatalf("Provinces() = %v, want [20 01]", got)
	}
	if authz.Scope(nil).Provinces() != nil {
		t.Fatal("an empty scope covers no province")
	}
}

// TestUnitReach: a rule of unit reach allows the grant's unit alone, never below it nor
// beside it, and Scopes says so with an exact root that every Scope method honours.
func TestUnitReach(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	caoloc := &authz.Principal{Grants: []authz.Grant{{Role: authz.DistrictReviewer, UnitCode: "183", UnitPath: "/20/183"}}}
	for path, want := range map[string]bool{"/20/183": true, "/20/183/06220": false, "/20": false, "/20/182": false, "/20/1830": false} {
		if got := az.Can(caoloc, authz.ObjMovementReport, authz.ActWrite, path); got != want {
			t.Errorf("district reviewer of 183 writes the movement report of %s: %v, want %v", path, got, want)
		}
	}
	if !az.Can(caoloc, authz.ObjMovementReport, authz.ActRead, "/20/183/06220") {
		t.Error("a district reviewer reads its communes' reports (subtree)")
	}
	scope := az.Scopes(caoloc, authz.ObjMovementReport, authz.ActWrite)
	if scope.Empty() || !scope.Contains("/20/183") || scope.Contains("/20/183/06220") {
		t.Errorf("write scope %v: must hold the district itself and nothing below", scope)
	}
	if sql, args := scope.SQL("unit_path"); sql != "(unit_path = ?)" || fmt.Sprint(args) != "[/20/183]" {
		t.Errorf("SQL of an exact root = %s %v", sql, args)
	}
	if n := scope.Narrow("/20"); !n.Contains("/20/183") || n.Contains("/20") {
		t.Errorf("Narrow above an exact root = %v", n)
	}
	if n := scope.Narrow("/20/183/06220"); !n.Empty() {
		t.Errorf("Narrow below an exact root = %v", n)
	}
	// Rows of nominations and recognitions belong to communes: an exact root above a
	// commune selects none of them, one at a commune selects that commune's.
	if sql, _ := scope.CodeSQL(authz.UnitCodeColumns); sql != "(1 = 0)" {
		t.Errorf("CodeSQL of an exact district root = %s", sql)
	}
	officer := &authz.Principal{Grants: []authz.Grant{{Role: authz.CommuneOfficer, UnitCode: "06220", UnitPath: "/20/183/06220"}}}
	if sql, args := az.Scopes(officer, authz.ObjMovementReport, authz.ActWrite).CodeSQL(authz.UnitCodeColumns); sql != "((commune_code = ? AND unit_path = ?))" || fmt.Sprint(args) != "[06220 /20/183/06220]" {
		t.Errorf("CodeSQL of an exact commune root = %s %v", sql, args)
	}
	tinh := &authz.Principal{Grants: []authz.Grant{{Role: authz.ProvinceApprover, UnitCode: "20", UnitPath: "/20"}, caoloc.Grants[0]}}
	both := az.Scopes(tinh, authz.ObjMovementReport, authz.ActWrite)
	if len(both) != 2 || !both.Contains("/20") || !both.Contains("/20/183") || both.Contains("/20/182") {
		t.Errorf("two exact roots, one above the other, must both stay and cover nothing else: %v", both)
	}
	if got := both.Provinces(); fmt.Sprint(got) != "[20]" {
		t.Errorf("an exact root at a province covers its own objects: Provinces() = %v", got)
	}
	// A subtree root covering an exact root folds it away.
	wide, err := authz.NewFromStrings(policies.Model, policies.Policy+"p, observer, *, movement_report, write, subtree\n")
	if err != nil {
		t.Fatal(err)
	}
	mixed := &authz.Principal{Grants: []authz.Grant{caoloc.Grants[0], {Role: authz.Observer, UnitCode: "20", UnitPath: "/20"}}}
	if got := wide.Scopes(mixed, authz.ObjMovementReport, authz.ActWrite); fmt.Sprint(got) != "[/20]" {
		t.Errorf("subtree /20 and exact /20/183 fold to %v, want [/20]", got)
	}
	if _, err := authz.NewFromStrings(policies.Model, policies.Policy+"p, observer, *, movement_report, write, unti\n"); err == nil {
		t.Error("a mistyped reach was accepted")
	}
}

// TestCodeSQLTakesTheLevelFromTheCode: a scope root's column is its unit's level, read from
// the code; a commune directly under its province (/20/05977, as deep as a district's
// path) filters on commune_code, exactly or as a subtree.
func TestCodeSQLTakesTheLevelFromTheCode(t *testing.T) {
	for _, c := range []struct {
		scope authz.Scope
		want  string
		arg   string
	}{
		{authz.Scope{"/20"}, "(province_code = ?)", "20"},
		{authz.Scope{"/20/183"}, "(district_code = ?)", "183"},
		{authz.Scope{"/20/183/06220"}, "(commune_code = ?)", "06220"},
		{authz.Scope{"/20/05977"}, "(commune_code = ?)", "05977"},
		{authz.Scope{"=/20/05977"}, "(commune_code = ?)", "05977"},
	} {
		codesOnly := authz.UnitCodeColumns
		codesOnly.Path = ""
		where, args := c.scope.CodeSQL(codesOnly)
		if where != c.want || len(args) != 1 || args[0] != c.arg {
			t.Errorf("%v: %s %v, want %s [%s]", c.scope, where, args, c.want, c.arg)
		}
	}
	if where, _ := (authz.Scope{"=/20/183"}).CodeSQL(authz.UnitCodeColumns); where != "(1 = 0)" {
		t.Errorf("an exact district root selects commune rows: %s", where)
	}
	// With the path column, a commune root also matches its path: the new Xã Công Sơn
	// (/20/06220, reusing Hải Yến's code) does not reach Hải Yến's (/20/183/06220) rows.
	where, args := (authz.Scope{"/20/06220"}).CodeSQL(authz.UnitCodeColumns)
	if where != "((commune_code = ? AND unit_path = ?))" || fmt.Sprint(args) != "[06220 /20/06220]" {
		t.Errorf("a commune root with its path: %s %v", where, args)
	}
}
