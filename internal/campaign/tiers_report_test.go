package campaign_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// tiersWorld is Lạng Sơn with the test campaign of 2022–2025 (2022 targets for every
// district, gardens of Hải Yến in Cao Lộc decided on 15/09/2022 and 01/06/2025), then —
// when reformed — the two-tier units of 1 July 2025 on top (SPEC §12).
func tiersWorld(t *testing.T, reformed bool) (*testkit.App, int64, *authz.Principal) {
	t.Helper()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	id := testkit.SeedCampaignWithRecognition(t, a)
	if reformed {
		if _, err := a.Units.ImportTwoTier(context.Background(), "20"); err != nil {
			t.Fatal(err)
		}
	}
	tinh, err := a.Identity.PrincipalFor(context.Background(), "tinh")
	if err != nil {
		t.Fatal(err)
	}
	return a, id, tinh
}

// childrenOf lists the child units of a report with how many rows each has.
func childrenOf(t *testing.T, rep campaign.Report) (codes []string, former []string) {
	t.Helper()
	per := map[string]int{}
	for _, r := range rep.Items {
		per[r.UnitCode]++
	}
	for _, ch := range rep.Children {
		codes = append(codes, ch.Code)
		if ch.Former {
			former = append(former, ch.Code)
		}
		if per[ch.Code] != len(campaign.Metrics) {
			t.Errorf("%s has %d rows, want %d", ch.Code, per[ch.Code], len(campaign.Metrics))
		}
	}
	if want := (len(rep.Children) + 1) * len(campaign.Metrics); len(rep.Items) != want {
		t.Errorf("%d rows for %d children, want %d", len(rep.Items), len(rep.Children), want)
	}
	return codes, former
}

func rowOf(rep campaign.Report, code, typ string) (campaign.Row, bool) {
	for _, r := range rep.Items {
		if r.UnitCode == code && r.Type == typ {
			return r, true
		}
	}
	return campaign.Row{}, false
}

// countQueries counts the queries run with the returned context on a's database.
func countQueries(t *testing.T, a *testkit.App) (context.Context, *atomic.Int64) {
	t.Helper()
	type key struct{}
	n := &atomic.Int64{}
	count := func(db *gorm.DB) {
		if db.Statement.Context != nil && db.Statement.Context.Value(key{}) != nil {
			n.Add(1)
		}
	}
	db := a.Store.DB(context.Background())
	if err := db.Callback().Query().After("gorm:query").Register("test:count_query", count); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Row().After("gorm:row").Register("test:count_row", count); err != nil {
		t.Fatal(err)
	}
	return context.WithValue(context.Background(), key{}, true), n
}

// A campaign reports on the tree of its year (SPEC §12): in a two-tier database the
// 2022–2025 campaign still shows the 11 districts of 2022 and drills into Cao Lộc with the
// communes of that time; its 2025 shows the 65 communes under the province plus Cao Lộc,
// whose garden was decided on 01/06/2025, before the district ended; a unit that did not
// stand in the year is not found. The number of queries does not grow with the rows.
func TestReportOnTheTreeOfItsYear(t *testing.T) {
	a, id, tinh := tiersWorld(t, true)
	ctx, queries := countQueries(t, a)

	queries.Store(0)
	rep, err := a.Campaigns.Progress(ctx, tinh, id, 2022, "20")
	if err != nil {
		t.Fatal(err)
	}
	q2022 := queries.Load()
	codes, former := childrenOf(t, rep)
	if len(codes) != 11 || len(former) != 0 || rep.Unit.Name != "Tỉnh Lạng Sơn" {
		t.Fatalf("2022 of a two-tier database: %v (former %v) under %q", codes, former, rep.Unit.Name)
	}
	for _, ch := range rep.Children {
		if ch.Level != units.District {
			t.Errorf("a child of 2022 is a %s: %+v", ch.Level, ch.Unit)
		}
	}
	if r, _ := rowOf(rep, "183", "model_garden"); r.Recognized != 1 || r.State == nil || *r.State != campaign.Met || r.UnitName != "Huyện Cao Lộc" {
		t.Errorf("Cao Lộc's gardens of 2022: %+v", r)
	}

	rep, err = a.Campaigns.Progress(ctx, tinh, id, 2022, "183")
	if err != nil {
		t.Fatalf("drill into Cao Lộc for 2022: %v", err)
	}
	codes, former = childrenOf(t, rep)
	if rep.Unit.Name != "Huyện Cao Lộc" || len(codes) < 10 || len(former) != 0 {
		t.Fatalf("Cao Lộc in 2022: %q, %d communes, former %v", rep.Unit.Name, len(codes), former)
	}
	if r, _ := rowOf(rep, "06220", "model_garden"); r.Recognized != 1 || r.UnitName != "Xã Hải Yến" {
		t.Errorf("Hải Yến in 2022 (the code is Xã Công Sơn's today): %+v", r)
	}

	queries.Store(0)
	rep, err = a.Campaigns.Progress(ctx, tinh, id, 2025, "20")
	if err != nil {
		t.Fatal(err)
	}
	q2025 := queries.Load()
	codes, former = childrenOf(t, rep)
	if len(codes) != 66 || strings.Join(former, ",") != "183" {
		t.Fatalf("2025 of a two-tier database: %d children, former %v; want the 65 communes and Cao Lộc", len(codes), former)
	}
	if last := rep.Children[65]; last.Name != "Huyện Cao Lộc" || last.ValidTo == nil {
		t.Errorf("the former district is named as it last stood: %+v", last.Unit)
	}
	for _, ch := range rep.Children[:65] {
		if ch.Level != units.Commune || ch.Parent() != "20" {
			t.Errorf("a child of 2025 is not a commune under the province: %+v", ch.Unit)
		}
	}
	if r, _ := rowOf(rep, "183", "model_garden"); r.Recognized != 1 {
		t.Errorf("Cao Lộc's garden of 01/06/2025: %+v", r)
	}
	if r, _ := rowOf(rep, "20", "model_garden"); r.Recognized != 1 {
		t.Errorf("the province's total of 2025: %+v", r)
	}
	// 66 rows take the queries of 11, plus the one look-up of the former units.
	if q2025 > q2022+2 {
		t.Errorf("queries: %d for 11 children in 2022, %d for 66 in 2025", q2022, q2025)
	}

	// Cao Lộc did not stand on 31/12/2025: no report of it for 2025.
	if _, err := a.Campaigns.Progress(ctx, tinh, id, 2025, "183"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("Cao Lộc in 2025 = %v, want not found", err)
	}
}

// The same campaign in a three-tier database (make run's world): the districts every year.
func TestReportThreeTierKeepsTheDistricts(t *testing.T) {
	a, id, tinh := tiersWorld(t, false)
	for _, year := range []int{2022, 2025} {
		rep, err := a.Campaigns.Progress(context.Background(), tinh, id, year, "")
		if err != nil {
			t.Fatal(err)
		}
		codes, former := childrenOf(t, rep)
		if len(codes) != 11 || len(former) != 0 || rep.Children[0].Level != units.District {
			t.Errorf("%d: %v, former %v", year, codes, former)
		}
		if r, _ := rowOf(rep, "183", "model_garden"); r.Recognized != 1 {
			t.Errorf("%d: Cao Lộc's garden: %+v", year, r)
		}
	}
}

// Targets name units of their year (SPEC §12): in a two-tier database the 2022–2025
// campaign's targets of 2022 and 2023 still name districts, a 2025 target may name Cao Lộc
// (it stood until 30/06/2025) or a new commune, and a campaign of 2026 targets communes;
// a district in 2026, or a unit of another province, is refused, naming the item.
func TestTargetsNameUnitsOfTheirYear(t *testing.T) {
	a, id, tinh := tiersWorld(t, true)
	ctx := context.Background()
	v, err := a.Campaigns.Get(ctx, tinh, id)
	if err != nil {
		t.Fatal(err)
	}
	items := append(v.Targets,
		campaign.Target{Year: 2023, UnitCode: "183", Type: "model_garden", Min: 3},
		campaign.Target{Year: 2025, UnitCode: "183", Type: "model_garden", Min: 1},
		campaign.Target{Year: 2025, UnitCode: "05977", Type: "model_garden", Min: 1})
	saved, err := a.Campaigns.SetTargets(ctx, tinh, id, items)
	if err != nil {
		t.Fatalf("targets of 2022, 2023 and 2025 in a two-tier database: %v", err)
	}
	if len(saved.Targets) != len(items) {
		t.Errorf("%d targets saved, want %d", len(saved.Targets), len(items))
	}
	rep, err := a.Campaigns.Progress(ctx, tinh, id, 2025, "20")
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := rowOf(rep, "183", "model_garden"); r.TargetMin == nil || *r.TargetMin != 1 || r.State == nil || *r.State != campaign.Met {
		t.Errorf("Cao Lộc's 2025 target: %+v", r)
	}
	if r, _ := rowOf(rep, "05977", "model_garden"); r.TargetMin == nil || *r.TargetMin != 1 {
		t.Errorf("Đông Kinh's 2025 target: %+v", r)
	}

	// A unit of another province is no unit of the campaign's, in any year.
	_, err = a.Campaigns.SetTargets(ctx, tinh, id, append(saved.Targets, campaign.Target{Year: 2023, UnitCode: "001", Type: "model_garden", Min: 1}))
	if f := fieldsOf(err); len(f) != 1 || !strings.Contains(f["items["+strconv.Itoa(len(saved.Targets))+"].unit_code"], "2023") {
		t.Errorf("a district of Hà Nội in 2023: %v", err)
	}

	later, err := a.Campaigns.CreateAsSystem(ctx, campaign.Input{Name: "Giai đoạn 2026–2030", ProvinceCode: "20", StartsOn: "2026-01-01", EndsOn: "2030-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Campaigns.SetTargets(ctx, tinh, later.ID, []campaign.Target{
		{Year: 2026, UnitCode: "20", Type: "ntm_commune", Min: 5},
		{Year: 2026, UnitCode: "05977", Type: "model_garden", Min: 1},
		{Year: 2026, UnitCode: "06463", Type: "model_residential_area", Min: 1},
	}); err != nil {
		t.Fatalf("commune targets of 2026: %v", err)
	}
	_, err = a.Campaigns.SetTargets(ctx, tinh, later.ID, []campaign.Target{{Year: 2026, UnitCode: "183", Type: "model_garden", Min: 1}})
	if f := fieldsOf(err); len(f) != 1 || f["items[0].unit_code"] == "" {
		t.Errorf("a district in 2026: %v", err)
	}
	rep, err = a.Campaigns.Progress(ctx, tinh, later.ID, 2026, "20")
	if err != nil {
		t.Fatal(err)
	}
	codes, former := childrenOf(t, rep)
	if len(codes) != 65 || len(former) != 0 {
		t.Errorf("the 2026 campaign: %d children, former %v", len(codes), former)
	}
	if r, _ := rowOf(rep, "06463", "model_residential_area"); r.TargetMin == nil || r.State == nil || *r.State != campaign.Behind {
		t.Errorf("Chi Lăng's 2026 target: %+v", r)
	}
}

func fieldsOf(err error) map[string]string {
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		return nil
	}
	return v.Fields
}
