package movement_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/movement"
)

func TestSaveStatusRolesAndVersions(t *testing.T) {
	e := newEnv(t)
	in := movement.StatusInput{CriteriaSetID: e.set.ID, Met: []string{"3", "1", "2"}, Note: "  Đã rà soát  "}

	// The commune reports: created without If-Match, codes kept in the set's order.
	st, created, err := e.m.SaveStatus(e.ctx, e.p("xa.haiyen"), "06220", 2021, in, 0)
	if err != nil || !created {
		t.Fatalf("create: %v created=%v", err, created)
	}
	if st.Status != movement.Reported || st.Version != 1 || st.MetCount != 3 || strings.Join(st.Met, ",") != "1,2,3" ||
		st.UpdatedBy != "xa.haiyen" || st.Note != "Đã rà soát" || st.UnitCode != "06220" || st.Year != 2021 {
		t.Fatalf("created status = %+v", st)
	}
	// Changing it needs If-Match: absent → 428, stale → 412, current → version + 1.
	_, _, err = e.m.SaveStatus(e.ctx, e.p("xa.haiyen"), "06220", 2021, in, 0)
	wantErr(t, err, apperr.ErrPreconditionRequired)
	_, _, err = e.m.SaveStatus(e.ctx, e.p("xa.haiyen"), "06220", 2021, in, 7)
	wantErr(t, err, apperr.ErrVersionMismatch)
	in.Met = codes(12)
	st, created, err = e.m.SaveStatus(e.ctx, e.p("xa.haiyen"), "06220", 2021, in, 1)
	if err != nil || created || st.Version != 2 || st.MetCount != 12 {
		t.Fatalf("update: %+v created=%v %v", st, created, err)
	}
	// If-Match on something that does not exist yet is stale too, and saves nothing.
	_, _, err = e.m.SaveStatus(e.ctx, e.p("xa.mauson"), "06238", 2021, in, 3)
	wantErr(t, err, apperr.ErrVersionMismatch)
	_, err = e.m.GetStatus(e.ctx, e.p("xa.mauson"), "06238", 2021)
	wantErr(t, err, apperr.ErrNotFound)

	// A reviewer above saves as confirmed.
	st, _, err = e.m.SaveStatus(e.ctx, e.p("caoloc"), "06238", 2021, movement.StatusInput{CriteriaSetID: e.set.ID, Met: codes(19)}, 0)
	if err != nil || st.Status != movement.Confirmed || st.UpdatedBy != "caoloc" {
		t.Fatalf("reviewer's save: %+v %v", st, err)
	}
	// Scope: a neighbour's status is not there at all; another district's neither.
	_, _, err = e.m.SaveStatus(e.ctx, e.p("xa.haiyen"), "06238", 2021, in, 0)
	wantErr(t, err, apperr.ErrNotFound)
	_, err = e.m.GetStatus(e.ctx, e.p("xa.haiyen"), "06238", 2021)
	wantErr(t, err, apperr.ErrNotFound)
	_, err = e.m.Confirm(e.ctx, e.p("vanlang"), "06220", 2021, 2)
	wantErr(t, err, apperr.ErrNotFound)
	_, _, err = e.m.SaveStatus(e.ctx, e.p("vanlang"), "06220", 2021, in, 2)
	wantErr(t, err, apperr.ErrNotFound)
	// In scope but not the role: the commune cannot confirm, an observer cannot save.
	_, err = e.m.Confirm(e.ctx, e.p("xa.haiyen"), "06220", 2021, 2)
	wantErr(t, err, apperr.ErrForbidden)
	_, _, err = e.m.SaveStatus(e.ctx, e.p("quansat"), "06220", 2021, in, 2)
	wantErr(t, err, apperr.ErrForbidden)
	if got, err := e.m.GetStatus(e.ctx, e.p("quansat"), "06220", 2021); err != nil || got.Version != 2 {
		t.Fatalf("observer reads: %+v %v", got, err)
	}

	// Confirm: If-Match required and current; the reviewer of the district may.
	_, err = e.m.Confirm(e.ctx, e.p("caoloc"), "06220", 2021, 0)
	wantErr(t, err, apperr.ErrPreconditionRequired)
	_, err = e.m.Confirm(e.ctx, e.p("caoloc"), "06220", 2021, 1)
	wantErr(t, err, apperr.ErrVersionMismatch)
	st, err = e.m.Confirm(e.ctx, e.p("caoloc"), "06220", 2021, 2)
	if err != nil || st.Status != movement.Confirmed || st.Version != 3 || st.UpdatedBy != "caoloc" || st.MetCount != 12 {
		t.Fatalf("confirm: %+v %v", st, err)
	}
	// Confirming again changes nothing.
	if again, err := e.m.Confirm(e.ctx, e.p("tinh"), "06220", 2021, 3); err != nil || again.Version != 3 {
		t.Fatalf("confirm again: %+v %v", again, err)
	}
	// Nothing to confirm → 404.
	_, err = e.m.Confirm(e.ctx, e.p("caoloc"), "06241", 2021, 1)
	wantErr(t, err, apperr.ErrNotFound)
	// The commune saving again makes it reported, to be confirmed anew.
	st, _, err = e.m.SaveStatus(e.ctx, e.p("xa.haiyen"), "06220", 2021, in, 3)
	if err != nil || st.Status != movement.Reported || st.Version != 4 {
		t.Fatalf("commune's save after confirmation: %+v %v", st, err)
	}
}

func TestConfirmManyIsAllOrNothing(t *testing.T) {
	e := newEnv(t)
	for _, u := range []struct{ user, code string }{{"xa.haiyen", "06220"}, {"xa.mauson", "06238"}} {
		if _, _, err := e.m.SaveStatus(e.ctx, e.p(u.user), u.code, 2021, movement.StatusInput{CriteriaSetID: e.set.ID, Met: codes(9)}, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.m.ConfirmMany(e.ctx, e.p("caoloc"), 2021, []movement.Versioned{{UnitCode: "06220", Version: 1}, {UnitCode: "06238", Version: 5}})
	wantErr(t, err, apperr.ErrVersionMismatch)
	if st, _ := e.m.GetStatus(e.ctx, e.p("caoloc"), "06220", 2021); st.Status != movement.Reported || st.Version != 1 {
		t.Fatalf("a failed bulk confirmation changed 06220: %+v", st)
	}
	_, err = e.m.ConfirmMany(e.ctx, e.p("caoloc"), 2021, []movement.Versioned{{UnitCode: "06220", Version: 1}, {UnitCode: "06142", Version: 1}})
	wantErr(t, err, apperr.ErrNotFound)
	out, err := e.m.ConfirmMany(e.ctx, e.p("caoloc"), 2021, []movement.Versioned{{UnitCode: "06220", Version: 1}, {UnitCode: "06238", Version: 1}})
	if err != nil || len(out) != 2 || out[0].Status != movement.Confirmed || out[1].Status != movement.Confirmed {
		t.Fatalf("bulk confirmation: %+v %v", out, err)
	}
	g, err := e.m.Grid(e.ctx, e.p("caoloc"), "183", 2021)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Rows) != 20 || !g.CanConfirm || g.Set == nil || g.Set.ID != e.set.ID {
		t.Fatalf("grid: %d rows, can confirm %v, set %v", len(g.Rows), g.CanConfirm, g.Set)
	}
	reported := 0
	for _, r := range g.Rows {
		if r.Status != nil {
			reported++
		}
		if !r.Unit.IsRuralCommune() {
			t.Errorf("grid row %s is not a Xã", r.Unit.Code)
		}
	}
	if reported != 2 {
		t.Errorf("grid rows with a status = %d", reported)
	}
	if g, err := e.m.Grid(e.ctx, e.p("qs.caoloc"), "183", 2021); err != nil || g.CanConfirm {
		t.Errorf("an observer's grid: can confirm %v, %v", g.CanConfirm, err)
	}
	_, err = e.m.Grid(e.ctx, e.p("vanlang"), "183", 2021)
	wantErr(t, err, apperr.ErrNotFound)
}

func TestBadStatusInputNamesTheFieldAndSavesNothing(t *testing.T) {
	e := newEnv(t)
	var garden *criteria.Set
	for _, s := range criteria.DemoSets("20") {
		if s.Type == criteria.ModelGarden {
			pub, err := e.crit.PublishAsSystem(e.ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			garden = pub
		}
	}
	hanoiSet := publishFor(e, "01")
	ok := func() movement.StatusInput { return movement.StatusInput{CriteriaSetID: e.set.ID, Met: codes(3)} }
	cases := []struct {
		name, user, unit string
		year             int
		in               func(movement.StatusInput) movement.StatusInput
		field            string
	}{
		{"unknown code", "xa.haiyen", "06220", 2021, func(in movement.StatusInput) movement.StatusInput { in.Met = []string{"1", "20"}; return in }, "met[1]"},
		{"duplicate code", "xa.haiyen", "06220", 2021, func(in movement.StatusInput) movement.StatusInput { in.Met = []string{"1", "2", "1"}; return in }, "met[2]"},
		{"no set", "xa.haiyen", "06220", 2021, func(in movement.StatusInput) movement.StatusInput { in.CriteriaSetID = 0; return in }, "criteria_set_id"},
		{"missing set", "xa.haiyen", "06220", 2021, func(in movement.StatusInput) movement.StatusInput { in.CriteriaSetID = 99999; return in }, "criteria_set_id"},
		{"garden set", "xa.haiyen", "06220", 2021, func(in movement.StatusInput) movement.StatusInput { in.CriteriaSetID = garden.ID; return in }, "criteria_set_id"},
		{"another province's set", "xa.haiyen", "06220", 2021, func(in movement.StatusInput) movement.StatusInput { in.CriteriaSetID = hanoiSet; return in }, "criteria_set_id"},
		{"future year", "xa.haiyen", "06220", 2027, func(in movement.StatusInput) movement.StatusInput { return in }, "year"},
		{"before the window", "xa.haiyen", "06220", 2019, func(in movement.StatusInput) movement.StatusInput { return in }, "year"},
		{"after the window", "xa.haiyen", "06220", 2026, func(in movement.StatusInput) movement.StatusInput { return in }, "year"},
		{"note too long", "xa.haiyen", "06220", 2021, func(in movement.StatusInput) movement.StatusInput {
			in.Note = strings.Repeat("ư", movement.MaxNote+1)
			return in
		}, "note"},
		{"control character", "xa.haiyen", "06220", 2021, func(in movement.StatusInput) movement.StatusInput { in.Note = "a\x00b"; return in }, "note"},
		{"a ward", "phuong.dk", "05980", 2021, func(in movement.StatusInput) movement.StatusInput { return in }, "unit_code"},
		{"a district", "caoloc", "183", 2021, func(in movement.StatusInput) movement.StatusInput { return in }, "unit_code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := e.m.SaveStatus(e.ctx, e.p(c.user), c.unit, c.year, c.in(ok()), 0)
			wantField(t, err, c.field)
			if _, err := e.m.GetStatus(e.ctx, e.p("tinh"), c.unit, c.year); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("something was saved: %v", err)
			}
		})
	}
	// The window's ends are accepted: 2020 (the year before the baseline) and 2025.
	for _, y := range []int{2020, 2025} {
		if _, _, err := e.m.SaveStatus(e.ctx, e.p("xa.haiyen"), "06220", y, ok(), 0); err != nil {
			t.Errorf("year %d: %v", y, err)
		}
	}
	// An empty list is a commune meeting no criterion.
	if st, _, err := e.m.SaveStatus(e.ctx, e.p("xa.mauson"), "06238", 2021, movement.StatusInput{CriteriaSetID: e.set.ID}, 0); err != nil || st.MetCount != 0 || st.Met == nil {
		t.Errorf("no criterion met: %+v %v", st, err)
	}
}

func TestYears(t *testing.T) {
	e := newEnv(t)
	from, to, err := e.m.Years(e.ctx, "20")
	if err != nil || from != 2020 || to != 2025 {
		t.Errorf("Lạng Sơn's window = %d–%d %v, want 2020–2025", from, to, err)
	}
	from, to, err = e.m.Years(e.ctx, "01")
	if err != nil || from != 2025 || to != 2026 {
		t.Errorf("a province without campaign: %d–%d %v, want the current year and the one before", from, to, err)
	}
}

func TestImportStatusesAsSystem(t *testing.T) {
	e := newEnv(t)
	err := e.m.ImportStatusesAsSystem(e.ctx, 2020, e.set.ID, map[string][]string{"06220": codes(4), "05980": codes(2), "06238": {"1", "1"}})
	wantField(t, err, "met[05980]")
	wantField(t, err, "met[06238][1]")
	if _, err := e.m.GetStatus(e.ctx, e.p("tinh"), "06220", 2020); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a refused import saved a row: %v", err)
	}
	// Every Xã of the province in one call, then again: replaced, not doubled.
	g, err := e.m.Grid(e.ctx, e.p("tinh"), "20", 2020)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]string{}
	for i, r := range g.Rows {
		all[r.Unit.Code] = codes(10 + i%10)
	}
	for range 2 {
		if err := e.m.ImportStatusesAsSystem(e.ctx, 2020, e.set.ID, all); err != nil {
			t.Fatal(err)
		}
	}
	a, err := e.m.Aggregate(e.ctx, e.p("tinh"), "20", 2020)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, m := range all {
		want += len(m)
	}
	if a.Communes != 175 || a.Reported != 175 || a.Confirmed != 175 || a.AverageMet != float64(int(float64(want)*100/175+0.5))/100 {
		t.Errorf("after import: %+v (sum %d)", a, want)
	}
	st, err := e.m.GetStatus(e.ctx, e.p("tinh"), "06220", 2020)
	if err != nil || st.UpdatedBy != "" || st.Status != movement.Confirmed || !slices.Equal(st.Met, all["06220"]) {
		t.Errorf("imported status = %+v %v", st, err)
	}
}
