package progress_test

import (
	"testing"

	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestRebuildRepairsAndNationalReadsTheCounters: the counters kept by the workflow equal a
// fresh count; a damaged counter shows as drift, Rebuild repairs it, and the national
// totals read the same before and after, on either database.
func TestRebuildRepairsAndNationalReadsTheCounters(t *testing.T) {
	ctx := t.Context()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	camp := testkit.SeedCampaignWithRecognition(t, a)
	c := progress.New(a.Store)
	if drift, err := c.Drift(ctx); err != nil || drift != 0 {
		t.Fatalf("drift after the workflow = %d, %v", drift, err)
	}
	national := func(year int) map[string]progress.ProvinceTotal {
		rows, err := c.National(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]progress.ProvinceTotal{}
		for _, r := range rows {
			out[r.ProvinceCode+"/"+r.Type] = r
		}
		return out
	}
	// One garden in Cao Lộc decided in 2022, one in 2025 (the fixture's two approvals).
	for _, year := range []int{2022, 2025} {
		if got := national(year)["20/model_garden"]; got.Recognized != 1 || got.InPipeline != 0 {
			t.Errorf("national %d = %+v", year, got)
		}
	}
	recognized, pipeline, err := c.ByUnit(ctx, camp, 2022, "/20")
	inPipeline := 0
	for _, p := range pipeline {
		inPipeline += p.N // counter rows stay at zero once a nomination moves on
	}
	if err != nil || len(recognized) != 1 || recognized[0].Code != "183" || recognized[0].N != 1 || inPipeline != 0 {
		t.Fatalf("ByUnit(/20, 2022) = %+v, %+v, %v", recognized, pipeline, err)
	}
	before := national(2022)

	if err := a.Store.DB(ctx).Exec("UPDATE nomination_counts SET n = n + 5").Error; err != nil {
		t.Fatal(err)
	}
	if err := a.Store.DB(ctx).Exec("DELETE FROM recognition_counts").Error; err != nil {
		t.Fatal(err)
	}
	if drift, err := c.Drift(ctx); err != nil || drift == 0 {
		t.Fatalf("damaged counters show drift %d, %v", drift, err)
	}
	if err := c.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if drift, err := c.Drift(ctx); err != nil || drift != 0 {
		t.Fatalf("drift after Rebuild = %d, %v", drift, err)
	}
	if after := national(2022); len(after) != len(before) || after["20/model_garden"] != before["20/model_garden"] {
		t.Errorf("national after Rebuild = %+v, before %+v", after, before)
	}
}

// TestByUnitGroupsTwoTierCommunes: since the 2025 reform a commune sits directly under its
// province and its counter rows have no district. The province's children are then its
// communes, and a commune directly under the province (/20/05977, as deep as a district's
// path) is filtered by its commune code, not taken for a district.
func TestByUnitGroupsTwoTierCommunes(t *testing.T) {
	ctx := t.Context()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	camp := testkit.SeedCampaignWithRecognition(t, a)
	c := progress.New(a.Store)
	id := camp
	for _, ch := range []progress.Change{
		{Nomination: progress.Nomination{CampaignID: &id, CommuneCode: "05977", Type: "model_garden"}, To: "approved", Recognized: 1, RecognizedYear: 2026},
		{Nomination: progress.Nomination{CampaignID: &id, CommuneCode: "05977", Type: "model_garden"}, To: "submitted"},
		{Nomination: progress.Nomination{CampaignID: &id, DistrictCode: "183", CommuneCode: "06220", Type: "model_garden"}, To: "approved", Recognized: 1, RecognizedYear: 2026},
	} {
		if err := c.Apply(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	byCode := func(counts []progress.Count) map[string]int {
		out := map[string]int{}
		for _, n := range counts {
			out[n.Code] += n.N
		}
		return out
	}
	recognized, pipeline, err := c.ByUnit(ctx, camp, 2026, "/20")
	if err != nil {
		t.Fatal(err)
	}
	if got := byCode(recognized); got["05977"] != 1 || got["183"] != 1 || got[""] != 0 {
		t.Errorf("province children in 2026 = %v, want the two-tier commune 05977 and the district 183", got)
	}
	if got := byCode(pipeline); got["05977"] != 1 {
		t.Errorf("province pipeline = %v", got)
	}
	recognized, _, err = c.ByUnit(ctx, camp, 2026, "/20/05977")
	if got := byCode(recognized); err != nil || len(got) != 1 || got["05977"] != 1 {
		t.Errorf("the two-tier commune itself = %v, %v", got, err)
	}
}
