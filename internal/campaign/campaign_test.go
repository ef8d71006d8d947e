package campaign_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// A nil principal is nobody: every reader and writer refuses it, while the explicit
// system methods work without one.
func TestNilPrincipalIsRefusedAndSystemWorks(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	u := units.NewService(st)
	testkit.ImportUnits(t, u, "20")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := campaign.NewService(st, az, u)
	in := campaign.Input{Name: "Phong trào thử", ProvinceCode: "20", StartsOn: "2022-01-01", EndsOn: "2025-12-31"}
	targets := []campaign.Target{{Year: 2022, UnitCode: "183", Type: "model_garden", Min: 2}}

	v, err := svc.CreateAsSystem(ctx, in)
	if err != nil {
		t.Fatalf("CreateAsSystem: %v", err)
	}
	if v, err = svc.SetTargetsAsSystem(ctx, v.ID, targets); err != nil || len(v.Targets) != 1 {
		t.Fatalf("SetTargetsAsSystem: %+v, %v", v, err)
	}

	errs := map[string]error{}
	_, errs["Create"] = svc.Create(ctx, nil, in)
	_, errs["Load"] = svc.Load(ctx, nil, v.ID)
	_, errs["Get"] = svc.Get(ctx, nil, v.ID)
	_, errs["List"] = svc.List(ctx, nil)
	_, errs["Update"] = svc.Update(ctx, nil, v.ID, in)
	_, errs["SetTargets"] = svc.SetTargets(ctx, nil, v.ID, nil)
	_, errs["Progress"] = svc.Progress(ctx, nil, v.ID, 2022, "")
	for name, err := range errs {
		if !errors.Is(err, apperr.ErrUnauthenticated) {
			t.Errorf("%s(nil) = %v, want unauthenticated", name, err)
		}
	}
	if svc.CanManage(nil, campaign.Campaign{ProvinceCode: "20"}) {
		t.Error("CanManage(nil) = true")
	}
	got, err := svc.Get(ctx, nil, v.ID)
	if err == nil || len(got.Targets) != 0 {
		t.Errorf("Get(nil) returned the campaign: %+v", got)
	}

	// The targets were not touched by the refused SetTargets.
	approver := &authz.Principal{UserID: 1, Grants: []authz.Grant{{Role: authz.ProvinceApprover, UnitCode: "20", UnitPath: "/20"}}}
	if got, err := svc.Get(ctx, approver, v.ID); err != nil || len(got.Targets) != 1 {
		t.Fatalf("Get as the province: %+v, %v", got, err)
	}
	observer := &authz.Principal{UserID: 2, Grants: []authz.Grant{{Role: authz.Observer, UnitCode: "20", UnitPath: "/20"}}}
	if _, err := svc.SetTargets(ctx, observer, v.ID, nil); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("SetTargets as an observer: %v, want forbidden", err)
	}
}

// fixedAverages stands in for package movement (which imports campaign): the average
// criteria per unit code, the same for every year, recording the years asked for.
type fixedAverages struct {
	values map[string]float64
	years  []int
}

func (f *fixedAverages) AverageMet(_ context.Context, unit units.Unit, year int) (map[string]float64, error) {
	f.years = append(f.years, year)
	out := map[string]float64{}
	for code, v := range f.values {
		if code == unit.Code || len(code) > len(unit.Code) {
			out[code] = v
		}
	}
	return out, nil
}

func newCampaign(t *testing.T) (*campaign.Service, int64, *authz.Principal) {
	t.Helper()
	ctx := context.Background()
	st := testkit.NewDB(t)
	u := units.NewService(st)
	testkit.ImportUnits(t, u, "20")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := campaign.NewService(st, az, u)
	v, err := svc.CreateAsSystem(ctx, campaign.Input{Name: "Lạng Sơn cùng cả nước xây dựng nông thôn mới giai đoạn 2022–2025",
		ProvinceCode: "20", StartsOn: "2022-01-01", EndsOn: "2025-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	approver := &authz.Principal{UserID: 1, Grants: []authz.Grant{{Role: authz.ProvinceApprover, UnitCode: "20", UnitPath: "/20"}}}
	return svc, v.ID, approver
}

func fptr(f float64) *float64 { return &f }

// Targets on the commune titles and on the average criteria (SPEC §11): the average takes
// a fractional min (14.5, kept exactly on both databases and written back as 14.5, while
// 2 is written as 2), counts only whole numbers, and bad bounds name the field.
func TestTargetsOnTitlesAndAverages(t *testing.T) {
	ctx := context.Background()
	svc, id, approver := newCampaign(t)
	items := []campaign.Target{
		{Year: 2022, UnitCode: "20", Type: "ntm_commune", Min: 10},
		{Year: 2022, UnitCode: "20", Type: "advanced_ntm_commune", Min: 5},
		{Year: 2022, UnitCode: "20", Type: campaign.AverageCriteria, Min: 14.5},
		{Year: 2022, UnitCode: "183", Type: campaign.AverageCriteria, Min: 13.25, Max: fptr(19)},
		{Year: 2022, UnitCode: "183", Type: "model_garden", Min: 2, Max: fptr(3)},
		{Year: 2023, UnitCode: "20", Type: "model_ntm_commune", Min: 1},
	}
	v, err := svc.SetTargets(ctx, approver, id, items)
	if err != nil {
		t.Fatalf("SetTargets: %v", err)
	}
	got, err := svc.Get(ctx, approver, id)
	if err != nil || len(got.Targets) != len(items) {
		t.Fatalf("Get: %+v, %v", got, err)
	}
	byKey := map[string]campaign.Target{}
	for _, tg := range got.Targets {
		byKey[tg.UnitCode+"/"+tg.Type] = tg
	}
	if avg := byKey["20/average_criteria"]; avg.Min != 14.5 || avg.Max != nil {
		t.Errorf("province average target read back as %+v", avg)
	}
	if avg := byKey["183/average_criteria"]; avg.Min != 13.25 || avg.Max == nil || *avg.Max != 19 {
		t.Errorf("district average target read back as %+v", avg)
	}
	raw, _ := json.Marshal(v.Targets)
	for _, want := range []string{`"min":14.5`, `"min":13.25`, `"type":"model_garden","min":2,"max":3}`, `"type":"ntm_commune","min":10,"max":null}`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("targets JSON lacks %s: %s", want, raw)
		}
	}

	bad := []struct {
		item  campaign.Target
		field string
	}{
		{campaign.Target{Year: 2022, UnitCode: "183", Type: "model_garden", Min: 2.5}, "items[0].min"},
		{campaign.Target{Year: 2022, UnitCode: "183", Type: "ntm_commune", Min: 1, Max: fptr(1.5)}, "items[0].max"},
		{campaign.Target{Year: 2022, UnitCode: "183", Type: "model_residential_area", Min: -1}, "items[0].min"},
		{campaign.Target{Year: 2022, UnitCode: "20", Type: campaign.AverageCriteria, Min: 19.5}, "items[0].min"},
		{campaign.Target{Year: 2022, UnitCode: "20", Type: campaign.AverageCriteria, Min: 14.555}, "items[0].min"},
		{campaign.Target{Year: 2022, UnitCode: "20", Type: campaign.AverageCriteria, Min: 15, Max: fptr(14.5)}, "items[0].max"},
		{campaign.Target{Year: 2022, UnitCode: "20", Type: campaign.AverageCriteria, Min: math.NaN()}, "items[0].min"},
		{campaign.Target{Year: 2022, UnitCode: "20", Type: "average", Min: 14}, "items[0].type"},
	}
	for _, b := range bad {
		_, err := svc.SetTargets(ctx, approver, id, []campaign.Target{b.item})
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) || ve.Fields[b.field] == "" || len(ve.Fields) != 1 {
			t.Errorf("%+v: %v, want 422 on %s", b.item, err, b.field)
		}
	}
	// Nothing of the refused writes was saved.
	if got, err := svc.Get(ctx, approver, id); err != nil || len(got.Targets) != len(items) {
		t.Fatalf("targets after refused writes: %+v, %v", got.Targets, err)
	}
}

// The progress report has a row per recognition type and one average_criteria row per
// unit: its value is the unit's average of the year, its state met or behind against a
// fractional min; counts rows carry no value. The year before the campaign is the
// read-only baseline: averages, no targets, no states; earlier years are refused.
func TestProgressAverageRowAndBaseline(t *testing.T) {
	ctx := context.Background()
	svc, id, approver := newCampaign(t)
	if _, err := svc.SetTargets(ctx, approver, id, []campaign.Target{
		{Year: 2022, UnitCode: "20", Type: campaign.AverageCriteria, Min: 14.5},
		{Year: 2022, UnitCode: "20", Type: "ntm_commune", Min: 10},
		{Year: 2022, UnitCode: "183", Type: campaign.AverageCriteria, Min: 14},
		{Year: 2022, UnitCode: "182", Type: campaign.AverageCriteria, Min: 14.5},
	}); err != nil {
		t.Fatal(err)
	}
	avg := &fixedAverages{values: map[string]float64{"20": 14.03, "183": 14.25, "182": 12.5}}

	// Without an averages source the rows are there, without value or state.
	rep, err := svc.Progress(ctx, approver, id, 2022, "20")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rep.Items); n != 12*len(campaign.Metrics) {
		t.Fatalf("%d rows, want %d (12 units × %d metrics)", n, 12*len(campaign.Metrics), len(campaign.Metrics))
	}
	if r := rep.Items[len(campaign.Metrics)-1]; r.Type != campaign.AverageCriteria || r.Value != nil || r.State != nil || *r.TargetMin != 14.5 {
		t.Fatalf("average row without a source: %+v", r)
	}

	svc.UseAverages(avg)
	rep, err = svc.Progress(ctx, approver, id, 2022, "20")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Baseline {
		t.Error("2022 reported as the baseline")
	}
	rows := map[string]campaign.Row{}
	for i, r := range rep.Items {
		if want := campaign.Metrics[i%len(campaign.Metrics)]; r.Type != want {
			t.Fatalf("row %d is %s, want %s (rows per unit in Metrics order)", i, r.Type, want)
		}
		rows[r.UnitCode+"/"+r.Type] = r
	}
	check := func(key string, value float64, state string) {
		t.Helper()
		r := rows[key]
		if r.Value == nil || *r.Value != value || r.State == nil || *r.State != state || r.Recognized != 0 || r.InPipeline != 0 {
			t.Errorf("%s = %+v, want value %v state %s", key, r, value, state)
		}
	}
	check("20/average_criteria", 14.03, campaign.Behind)
	check("183/average_criteria", 14.25, campaign.Met)
	check("182/average_criteria", 12.5, campaign.Behind)
	if r := rows["180/average_criteria"]; r.Value != nil || r.State != nil || r.TargetMin != nil {
		t.Errorf("a district without average or target: %+v", r)
	}
	if r := rows["20/ntm_commune"]; r.Value != nil || r.State == nil || *r.State != campaign.Behind || *r.TargetMin != 10 {
		t.Errorf("province ntm_commune row: %+v", r)
	}
	raw, _ := json.Marshal(rep.Items[:len(campaign.Metrics)])
	if strings.Count(string(raw), `"value"`) != 1 || !strings.Contains(string(raw), `"value":14.03,"state":"behind"`) {
		t.Errorf("only the average row has a value: %s", raw)
	}

	// The baseline year 2021: values, no targets, no states.
	rep, err = svc.Progress(ctx, approver, id, 2021, "20")
	if err != nil {
		t.Fatalf("baseline: %v", err)
	}
	if !rep.Baseline || rep.Year != 2021 || len(rep.Items) != 12*len(campaign.Metrics) {
		t.Fatalf("baseline report: %+v", rep)
	}
	for _, r := range rep.Items {
		if r.TargetMin != nil || r.TargetMax != nil || r.State != nil {
			t.Fatalf("baseline row with a target or state: %+v", r)
		}
	}
	if r := rep.Items[len(campaign.Metrics)-1]; r.Value == nil || *r.Value != 14.03 {
		t.Errorf("baseline average: %+v", r)
	}
	if got := avg.years; len(got) != 2 || got[0] != 2022 || got[1] != 2021 {
		t.Errorf("averages asked for years %v", got)
	}
	// Before the baseline, and after the campaign: 422 on year.
	for _, y := range []int{2020, 2026} {
		_, err := svc.Progress(ctx, approver, id, y, "20")
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) || ve.Fields["year"] == "" {
			t.Errorf("year %d: %v, want 422 on year", y, err)
		}
	}
}
