package units_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

var (
	june30 = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	july1  = units.TwoTierValidFrom
)

// snapshot is every unit and succession row, to tell that a refused import changed nothing.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	var us []units.Unit
	var ss []units.Succession
	ctx := context.Background()
	if err := st.DB(ctx).Order("id").Find(&us).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.DB(ctx).Order("id").Find(&ss).Error; err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, u := range us {
		to := "-"
		if u.ValidTo != nil {
			to = u.ValidTo.UTC().Format(time.DateOnly)
		}
		b.WriteString(strings.Join([]string{u.Code, u.Name, u.Path, u.ValidFrom.UTC().Format(time.DateOnly), to}, "|") + "\n")
	}
	for _, s := range ss {
		b.WriteString(strings.Join([]string{s.OldCode, s.NewCode, string(s.Share)}, "|") + "\n")
	}
	return b.String()
}

func twoTierLangSon(t *testing.T) (*units.Service, *store.Store) {
	t.Helper()
	st := testkit.NewDB(t)
	svc := units.NewService(st)
	testkit.ImportUnits(t, svc, "20", "01")
	if _, err := svc.ImportTwoTier(context.Background(), "20"); err != nil {
		t.Fatal(err)
	}
	return svc, st
}

func TestTwoTierImportIsDatedAndIdempotent(t *testing.T) {
	ctx := context.Background()
	svc, st := twoTierLangSon(t)
	before := snapshot(t, st)
	res, err := svc.ImportTwoTier(ctx, "20")
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted+res.Updated+res.Retired+res.Successions+res.SuccessionsUpdated != 0 || res.Unchanged != 66 {
		t.Fatalf("second import = %+v", res)
	}
	if after := snapshot(t, st); after != before {
		t.Fatal("the second import changed the tables")
	}

	old, err := svc.ChildrenOn(ctx, "20", june30)
	if err != nil || len(old) != 11 || old[0].Level != units.District {
		t.Fatalf("Lạng Sơn on 30 June 2025: %d units %v", len(old), err)
	}
	now, err := svc.ChildrenOn(ctx, "20", july1)
	if err != nil || len(now) != 65 {
		t.Fatalf("Lạng Sơn on 1 July 2025: %d units %v", len(now), err)
	}
	kinds := map[string]int{}
	for _, u := range now {
		kinds[u.Kind]++
		if u.Level != units.Commune || u.Parent() != "20" || u.Path != "/20/"+u.Code {
			t.Fatalf("two-tier unit %+v", u)
		}
	}
	if kinds["Xã"] != 61 || kinds["Phường"] != 4 {
		t.Fatalf("kinds = %v, want 61 Xã and 4 Phường", kinds)
	}
	if _, err := svc.ChildrenOn(ctx, "183", july1); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("Cao Lộc after the reform: %v", err)
	}
	// Hà Nội was outside the imported provinces: left as it was.
	if kids, err := svc.ChildrenOn(ctx, "01", july1); err != nil || len(kids) != 30 {
		t.Fatalf("Hà Nội's districts: %d %v", len(kids), err)
	}

	// 06220: Xã Hải Yến of Cao Lộc until 30 June, Xã Công Sơn under the province since.
	hy, err := svc.GetOn(ctx, "06220", june30)
	if err != nil || hy.Name != "Xã Hải Yến" || hy.Parent() != "183" || hy.ValidTo == nil || hy.ValidTo.UTC().Format(time.DateOnly) != "2025-06-30" {
		t.Fatalf("06220 on 30 June: %+v %v", hy, err)
	}
	cs, err := svc.GetOn(ctx, "06220", july1)
	if err != nil || cs.Name != "Xã Công Sơn" || cs.Parent() != "20" || cs.ValidTo != nil {
		t.Fatalf("06220 on 1 July: %+v %v", cs, err)
	}
	if cur, _ := svc.Get(ctx, "06220"); cur.Name != "Xã Công Sơn" {
		t.Fatalf("current 06220 = %+v", cur)
	}
	succ, err := svc.Successors(ctx, "06220", june30)
	if err != nil || len(succ) != 1 || succ[0] != (units.Link{Code: "06220", Name: "Xã Công Sơn", Share: units.ShareFull}) {
		t.Fatalf("successors of Hải Yến: %+v %v", succ, err)
	}
	pred, err := svc.Predecessors(ctx, "06220", july1)
	if err != nil || len(pred) != 3 || pred[0] != (units.Link{Code: "06220", Name: "Xã Hải Yến", Share: units.ShareFull}) {
		t.Fatalf("predecessors of Công Sơn: %+v %v", pred, err)
	}
	if s, _ := svc.Successors(ctx, "06220", july1); len(s) != 0 {
		t.Fatalf("Công Sơn has no successor yet: %+v", s)
	}

	// Phường Đông Kinh = Vĩnh Trại + Đông Kinh + Mai Pha + Yên Trạch (from Cao Lộc).
	pred, err = svc.Predecessors(ctx, "05977", july1)
	names := []string{}
	for _, p := range pred {
		names = append(names, p.Name)
	}
	if err != nil || strings.Join(names, ", ") != "Phường Vĩnh Trại, Phường Đông Kinh, Xã Mai Pha, Xã Yên Trạch" {
		t.Fatalf("predecessors of Đông Kinh: %v %v", names, err)
	}
	if yt, _ := svc.GetOn(ctx, "06247", june30); yt.Parent() != "183" || yt.Name != "Xã Yên Trạch" {
		t.Fatalf("Yên Trạch: %+v", yt)
	}

	// Bính Xá was split between Đình Lập and Kiên Mộc.
	succ, err = svc.Successors(ctx, "06622", june30)
	if err != nil || len(succ) != 2 || succ[0].Share != units.SharePartial || succ[1].Share != units.SharePartial {
		t.Fatalf("successors of Bính Xá: %+v %v", succ, err)
	}
	// The province went on unchanged: one row, its own successor.
	p, _ := svc.GetOn(ctx, "20", june30)
	if p2, _ := svc.GetOn(ctx, "20", july1); p2.ID != p.ID || p.ValidTo != nil {
		t.Fatalf("Lạng Sơn split into versions: %+v %+v", p, p2)
	}
}

func TestTwoTierImportRefusesBadInputAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	svc, st := twoTierLangSon(t)
	rows, succ, err := units.TwoTierRows("20")
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st)
	parse := func(s string) []units.Row {
		rows, err := units.ParseCSV(strings.NewReader("code,level,name,kind,parent_code\n" + s))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	parseS := func(s string) []units.SuccessionRow {
		rows, err := units.ParseSuccessionCSV(strings.NewReader("old_code,level,new_code,share\n" + s))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	cases := []struct {
		name  string
		rows  []units.Row
		succ  []units.SuccessionRow
		from  time.Time
		field string
	}{
		{"overlapping date", rows, succ, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), fmt.Sprintf("line %d", rows[1].Line)},
		{"unknown parent", parse("06220,commune,Xã Công Sơn,Xã,20\n06223,commune,Xã Mới,Xã,99\n"), nil, july1, "line 3"},
		{"unknown old code", rows, append(append([]units.SuccessionRow{}, succ...), parseS("06220,commune,06220,full\n06999,commune,06220,full\n")[1:]...), july1, "succession line 3"},
		{"unknown new code", rows, parseS("06220,commune,06220,full\n06223,commune,07777,full\n"), july1, "succession line 3"},
		{"cycle", parse("20,province,Tỉnh Lạng Sơn,Tỉnh,\n06220,commune,Xã A,Xã,20\n05977,commune,Xã B,Xã,20\n"),
			parseS("06220,commune,05977,full\n05977,commune,06220,full\n"), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "succession line 2"},
	}
	for _, c := range cases {
		_, err := svc.ImportWithSuccession(ctx, c.rows, c.succ, c.from)
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) || ve.Fields[c.field] == "" {
			t.Errorf("%s: err = %v, want a problem at %q", c.name, err, c.field)
			continue
		}
		if after := snapshot(t, st); after != before {
			t.Errorf("%s: a refused import changed the tables", c.name)
		}
	}
}

func TestParseSuccessionRejectsBadRows(t *testing.T) {
	for name, body := range map[string]string{
		"bad share":  "old_code,level,new_code,share\n06220,commune,06220,most\n",
		"bad level":  "old_code,level,new_code,share\n06220,ward,06220,full\n",
		"short code": "old_code,level,new_code,share\n0622,commune,06220,full\n",
		"duplicate":  "old_code,level,new_code,share\n06220,commune,06220,full\n06220,commune,06220,full\n",
		"bad header": "old,level,new,share\n06220,commune,06220,full\n",
	} {
		var ve *apperr.ValidationError
		if _, err := units.ParseSuccessionCSV(strings.NewReader(body)); !errors.As(err, &ve) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// TestWholeCountryTwoTier imports both shipped lists for the whole country, twice.
func TestWholeCountryTwoTier(t *testing.T) {
	if testing.Short() {
		t.Skip("whole country")
	}
	ctx := context.Background()
	st := testkit.NewDB(t)
	svc := units.NewService(st)
	testkit.ImportUnits(t, svc)
	start := time.Now()
	res, err := svc.ImportTwoTier(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("two-tier import: %v, %+v", time.Since(start), res)
	start = time.Now()
	again, err := svc.ImportTwoTier(ctx)
	if err != nil || again.Inserted+again.Updated+again.Retired+again.Successions+again.SuccessionsUpdated != 0 {
		t.Fatalf("second import = %+v %v", again, err)
	}
	t.Logf("second two-tier import: %v", time.Since(start))
	provinces, _ := svc.ChildrenOn(ctx, "", july1)
	oldProvinces, _ := svc.ChildrenOn(ctx, "", june30)
	counts, _ := svc.Counts(ctx)
	if len(provinces) != 34 || len(oldProvinces) != 63 || counts[units.Province] != 34 || counts[units.District] != 0 || counts[units.Commune] != 3321 {
		t.Fatalf("provinces %d (before %d), counts %v", len(provinces), len(oldProvinces), counts)
	}
	if _, err := svc.GetOn(ctx, "02", july1); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("Hà Giang after the merger: %v", err)
	}
	if s, _ := svc.Successors(ctx, "02", june30); len(s) != 1 || s[0].Code != "08" {
		t.Fatalf("Hà Giang's successor: %+v", s)
	}
}

// TestYearsAcrossTheReform: the movement's years count the 2025-03-01 tree up to 2024 and
// the two-tier tree from 2025 (its 31 December).
func TestYearsAcrossTheReform(t *testing.T) {
	ctx := context.Background()
	svc, _ := twoTierLangSon(t)
	for year, want := range map[int]int{2020: 11, 2024: 11, 2025: 65, 2026: 65} {
		if list, err := svc.ChildrenInYear(ctx, "20", year); err != nil || len(list) != want {
			t.Errorf("Lạng Sơn's units in %d: %d %v, want %d", year, len(list), err, want)
		}
	}
	if u, err := svc.GetInYear(ctx, "06220", 2024); err != nil || u.Name != "Xã Hải Yến" {
		t.Errorf("06220 in 2024: %+v %v", u, err)
	}
	if u, err := svc.GetInYear(ctx, "06220", 2025); err != nil || u.Name != "Xã Công Sơn" {
		t.Errorf("06220 in 2025: %+v %v", u, err)
	}
}
