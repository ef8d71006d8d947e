package nomination_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(3 * time.Hour) // mid-morning in Vietnam, the same date
}

func gardenInput(commune string) nomination.Input {
	title := "Vườn cam của ông Hoàng Văn Thắng"
	return nomination.Input{Type: string(criteria.ModelGarden), CommuneCode: commune, Title: &title,
		Subject: json.RawMessage(`{"owner_name":"Hoàng Văn Thắng","village":"Thôn Pắc Cáp","area_m2":400,"main_crops":"Cam","annual_income_vnd":1}`)}
}

// periods is the app with the people of Cao Lộc and no criteria set yet: each test
// publishes the sets, with their periods, it needs.
func newPeriods(t *testing.T) (*titles, func(criteria.Type, string, *string) *criteria.Set) {
	t.Helper()
	a := testkit.NewApp(t)
	w := &titles{a: a}
	for who, p := range map[string]**authz.Principal{"xa.haiyen": &w.officer, "caoloc": &w.district, "tinh": &w.province} {
		var err error
		if *p, err = a.Identity.PrincipalFor(context.Background(), who); err != nil {
			t.Fatal(err)
		}
	}
	publish := func(typ criteria.Type, from string, to *string) *criteria.Set {
		t.Helper()
		for _, s := range criteria.DemoSets("20") {
			if s.Type == typ {
				s.ValidFrom, s.ValidTo = from, to
				pub, err := a.Criteria.PublishAsSystem(context.Background(), s)
				if err != nil {
					t.Fatal(err)
				}
				return pub
			}
		}
		t.Fatalf("no demo set %s", typ)
		return nil
	}
	return w, publish
}

// A nomination takes the newest published set of its type and province valid on its
// creation date (a record: on its decision date); with none valid that day it is a 422 on
// type naming the day, and nothing is saved.
func TestNominationTakesTheSetValidOnItsDate(t *testing.T) {
	ctx := context.Background()
	w, publish := newPeriods(t)
	end2025 := "2025-12-31"
	// Two garden sets with consecutive periods, then one published later for 2100 on: it
	// is the newest version, but not valid before 2100.
	g1 := publish(criteria.ModelGarden, "2021-01-01", &end2025)
	g2 := publish(criteria.ModelGarden, "2026-01-01", nil)
	publish(criteria.ModelGarden, "2100-01-01", nil)
	for on, want := range map[string]int64{"2021-01-01": g1.ID, "2025-12-31": g1.ID, "2026-01-01": g2.ID, "2026-06-15": g2.ID} {
		v, _, err := w.a.Nominations.AsOf(day(t, on)).Create(ctx, w.officer, gardenInput("06220"), "")
		if err != nil || v.CriteriaSetID != want {
			t.Errorf("created on %s: set %d, want %d (%v)", on, v.CriteriaSetID, want, err)
		}
	}
	if got, err := w.a.Criteria.CurrentOn(ctx, criteria.ModelGarden, "20", day(t, "2100-02-01")); err != nil || got.Version != 3 {
		t.Fatalf("CurrentOn 2100: %+v %v", got, err)
	}
	// Before the first period no garden set is valid: 422 naming the day, nothing saved.
	_, _, err := w.a.Nominations.AsOf(day(t, "2020-12-31")).Create(ctx, w.officer, gardenInput("06220"), "")
	if msg := fieldOf(err, "type"); !strings.Contains(msg, "valid on 31/12/2020") {
		t.Fatalf("created before any period: %v", err)
	}
	list, err := w.a.Nominations.List(ctx, w.province, nomination.Filter{Type: string(criteria.ModelGarden), Limit: 100})
	if err != nil || len(list.Items) != 4 {
		t.Fatalf("%d gardens saved, want 4 (%v)", len(list.Items), err)
	}

	// The national NTM set from 2010 (as the demo has it) and a 2026–2030 set from
	// 15 February 2026: a record takes the set of its decision date.
	ntm := publish(criteria.NTMCommune, "2010-01-01", nil)
	ntm2026 := publish(criteria.NTMCommune, "2026-02-15", nil)
	rec, err := w.a.Nominations.AsOf(day(t, "2019-12-21")).Record(ctx, w.province, titleInput(criteria.NTMCommune, "06220", nil),
		nomination.Decision{Number: "2001/QĐ-UBND", Date: "2019-12-20", Signer: "Lâm Thị Phương Thanh"})
	if err != nil || rec.CriteriaSetID != ntm.ID {
		t.Fatalf("record of 2019: set %d, want %d (%v)", rec.CriteriaSetID, ntm.ID, err)
	}
	rec, err = w.a.Nominations.AsOf(day(t, "2026-03-02")).Record(ctx, w.province, titleInput(criteria.NTMCommune, "06247", nil),
		nomination.Decision{Number: "301/QĐ-UBND", Date: "2026-03-01", Signer: "Hồ Tiến Thiệu"})
	if err != nil || rec.CriteriaSetID != ntm2026.ID {
		t.Fatalf("record of 2026: set %d, want %d (%v)", rec.CriteriaSetID, ntm2026.ID, err)
	}
	_, err = w.a.Nominations.AsOf(day(t, "2009-06-02")).Record(ctx, w.province, titleInput(criteria.NTMCommune, "06238", nil),
		nomination.Decision{Number: "9/QĐ-UBND", Date: "2009-06-01", Signer: "Hồ Tiến Thiệu"})
	if msg := fieldOf(err, "type"); !strings.Contains(msg, "valid on 01/06/2009") {
		t.Fatalf("record of 2009: %v", err)
	}
}

// After the reform import, a code whose commune ended is a 422 on commune_code naming what
// it went into; a record keeps the commune of its decision date.
func TestNominationForAnEndedCommune(t *testing.T) {
	ctx := context.Background()
	w := newTitles(t)
	if _, err := w.a.Units.ImportTwoTier(ctx, "20"); err != nil {
		t.Fatal(err)
	}
	_, _, err := w.a.Nominations.Create(ctx, w.province, gardenInput("06247"), "")
	if msg := fieldOf(err, "commune_code"); msg != "Xã Yên Trạch ended on 30/06/2025; it is now part of Phường Đông Kinh (05977)" {
		t.Fatalf("Yên Trạch: %v (%q)", err, msg)
	}
	// Bính Xá was split between the new Đình Lập and Kiên Mộc.
	_, _, err = w.a.Nominations.Create(ctx, w.province, gardenInput("06622"), "")
	if msg := fieldOf(err, "commune_code"); !strings.HasPrefix(msg, "Xã Bính Xá ended on 30/06/2025; it was divided among ") ||
		!strings.Contains(msg, "Đình Lập (") || !strings.Contains(msg, "Kiên Mộc (") {
		t.Fatalf("Bính Xá: %v (%q)", err, msg)
	}
	// A code reused by a new commune names that one today (06220: Xã Công Sơn): no 422.
	if _, _, err := w.a.Nominations.Create(ctx, w.province, gardenInput("06220"), ""); fieldOf(err, "commune_code") != "" {
		t.Fatalf("06220 today: %v", err)
	}
	if _, _, err := w.a.Nominations.Create(ctx, w.province, gardenInput("99999"), ""); fieldOf(err, "commune_code") != "is not a current commune" {
		t.Fatalf("unknown code: %v", err)
	}

	// A decision of 2019 on Yên Trạch is recorded in Yên Trạch of Cao Lộc, as it then was.
	rec, err := w.a.Nominations.AsOf(day(t, "2019-12-21")).Record(ctx, w.province, titleInput(criteria.NTMCommune, "06247", nil),
		nomination.Decision{Number: "2002/QĐ-UBND", Date: "2019-12-20", Signer: "Lâm Thị Phương Thanh"})
	if err != nil || rec.CommuneCode != "06247" || rec.DistrictCode != "183" {
		t.Fatalf("record of 2019 in Yên Trạch: %+v %v", rec, err)
	}
	// A decision after the reform cannot be made in it.
	_, err = w.a.Nominations.AsOf(day(t, "2025-08-02")).Record(ctx, w.province, titleInput(criteria.NTMCommune, "06247", nil),
		nomination.Decision{Number: "2003/QĐ-UBND", Date: "2025-08-01", Signer: "Hồ Tiến Thiệu"})
	if msg := fieldOf(err, "commune_code"); !strings.Contains(msg, "Phường Đông Kinh (05977)") {
		t.Fatalf("record after the reform in Yên Trạch: %v", err)
	}
}
