package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/movement"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/units"
)

// seedMovement adds the movement's figures of the source document (SPEC §11) for Lạng
// Sơn: the commune titles decided before ntmflow, the criteria status of every Xã for 2020
// and 2021, and the province's 2021 movement report. Each part is skipped when already
// there (titles commune by commune), so a second run adds nothing.
func seedMovement(ctx context.Context, s *Services, out io.Writer) error {
	province, err := s.Units.Get(ctx, demoProvince)
	if err != nil {
		return err
	}
	xa, err := demoXa(ctx, s, province)
	if err != nil {
		return err
	}
	plan, err := planDemoMovement(xa, usedDecisionNumbers())
	if err != nil {
		return err
	}
	if err := seedTitles(ctx, s, province, plan, out); err != nil {
		return err
	}
	if err := seedStatuses(ctx, s, province, plan, out); err != nil {
		return err
	}
	return seedReport(ctx, s, province, out)
}

// demoXa lists the codes of the province's Xã in code order (175 in the units file).
func demoXa(ctx context.Context, s *Services, province units.Unit) ([]string, error) {
	var xa []string
	districts, err := s.Units.Children(ctx, province.Code)
	if err != nil {
		return nil, err
	}
	for _, d := range districts {
		communes, err := s.Units.Children(ctx, d.Code)
		if err != nil {
			return nil, err
		}
		for _, c := range communes {
			if c.IsRuralCommune() {
				xa = append(xa, c.Code)
			}
		}
	}
	slices.Sort(xa) // the plan spreads the titles in code order
	return xa, nil
}

// usedDecisionNumbers are the decision numbers of the demo nominations, which the titles
// must not take: a number is unique in a province.
func usedDecisionNumbers() map[string]bool {
	used := map[string]bool{}
	for _, d := range demoNominations {
		if d.decision != nil {
			used[d.decision.Number] = true
		}
	}
	return used
}

// seedTitles records the titles through the workflow's record action, as the province
// approver, each dated on its decision day, skipping the communes that already hold it.
func seedTitles(ctx context.Context, s *Services, province units.Unit, plan demoPlan, out io.Writer) error {
	last := plan.titles[len(plan.titles)-1].metIn
	// One grouped count per commune path (every commune path has the same length).
	held, err := s.Recognitions.CommuneTitles(ctx, "/"+province.Code, len("/20/183/06220"), last)
	if err != nil {
		return err
	}
	tinh, err := s.Identity.PrincipalFor(ctx, "tinh")
	if err != nil {
		return err
	}
	paths := map[string]string{}
	codes := make([]string, 0, len(plan.titles))
	for _, t := range plan.titles {
		codes = append(codes, t.code)
	}
	byCode, err := s.Units.GetMany(ctx, codes)
	if err != nil {
		return err
	}
	for code, u := range byCode {
		paths[code] = u.Path
	}
	recorded := 0
	for _, t := range plan.titles {
		if held[paths[t.code]][criteria.Type(t.typ)].Held > 0 {
			continue
		}
		u := byCode[t.code]
		title := fmt.Sprintf("%s đạt chuẩn %s năm %d", u.Name, demoTitleNames[t.typ], t.metIn)
		subject, _ := json.Marshal(map[string]float64{"satisfaction_pct": 90 + float64(t.position%9)})
		day, _ := time.Parse(time.DateOnly, t.date)
		_, err := s.Nominations.AsOf(day.Add(2*time.Hour)).Record(ctx, tinh,
			nomination.Input{Type: t.typ, CommuneCode: t.code, Title: &title, Subject: subject},
			nomination.Decision{Number: t.number, Date: t.date, Signer: t.signer})
		if err != nil {
			return fmt.Errorf("demo title %s of %s: %w", t.typ, t.code, err)
		}
		recorded++
	}
	if recorded > 0 {
		fmt.Fprintf(out, "demo commune titles recorded: %d\n", recorded)
	}
	return nil
}

// demoTitleNames are the titles as a decision names them.
var demoTitleNames = map[string]string{
	string(criteria.NTMCommune):         "nông thôn mới",
	string(criteria.AdvancedNTMCommune): "nông thôn mới nâng cao",
	string(criteria.ModelNTMCommune):    "nông thôn mới kiểu mẫu",
}

// seedStatuses imports the criteria status of every Xã for 2020 and 2021 against the
// province's national NTM commune set, unless the year already has statuses.
func seedStatuses(ctx context.Context, s *Services, province units.Unit, plan demoPlan, out io.Writer) error {
	set, err := s.Criteria.Current(ctx, criteria.NTMCommune, province.Code)
	if err != nil {
		return fmt.Errorf("demo criteria status: %w", err)
	}
	for _, year := range []int{2020, 2021} {
		agg, err := s.Movement.AggregateFor(ctx, province, year)
		if err != nil {
			return err
		}
		if agg.Reported > 0 {
			continue
		}
		met := make(map[string][]string, len(plan.met[year]))
		for code, n := range plan.met[year] {
			met[code] = metCodes(n, plan.rot[code])
		}
		if err := s.Movement.ImportStatusesAsSystem(ctx, year, set.ID, met); err != nil {
			return fmt.Errorf("demo criteria status %d: %w", year, err)
		}
		fmt.Fprintf(out, "demo criteria status %d: %d Xã\n", year, len(met))
	}
	return nil
}

// DemoReport2021 is the province's 2021 movement report of the source document: 2,974
// billion VND mobilised (the split over the six sources is the demo's; the people's share
// is the document's 110 billion) and the works built.
func DemoReport2021() movement.ReportData {
	i := func(v int64) *int64 { return &v }
	f := func(v float64) *float64 { return &v }
	return movement.ReportData{
		Capital: movement.Capital{
			CentralBudget: i(512_000_000_000),
			LocalBudget:   i(418_000_000_000),
			Integrated:    i(1_564_000_000_000),
			Credit:        i(318_000_000_000),
			Enterprises:   i(52_000_000_000),
			People:        i(110_000_000_000),
		},
		People: movement.PeopleContribution{CashVND: i(38_600_000_000), LandM2: i(214_000), WorkingDays: i(126_000)},
		Outputs: movement.Outputs{
			NewRoadKM: f(23), ConcreteRoadKM: f(404), IrrigationWaterWorks: i(21), ElectricityWorks: i(10),
			SchoolWorks: i(27), CommuneCulturalHouses: i(7), VillageCulturalHouses: i(24),
			ProductionModels: i(16), ProductionModelsVND: i(6_900_000_000),
		},
	}
}

// seedReport saves the 2021 movement report of the province unless it has one.
func seedReport(ctx context.Context, s *Services, province units.Unit, out io.Writer) error {
	rep, err := s.Movement.ReportFor(ctx, province, 2021)
	if err != nil || rep.Reported != nil {
		return err
	}
	if err := s.Movement.SaveReportAsSystem(ctx, province.Code, 2021, DemoReport2021()); err != nil {
		return fmt.Errorf("demo movement report: %w", err)
	}
	fmt.Fprintln(out, "demo movement report 2021 saved for the province")
	return nil
}
