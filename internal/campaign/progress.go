package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Progress states (SPEC §8).
const (
	Met     = "met"      // recognized ≥ min
	OnTrack = "on_track" // recognized + in pipeline ≥ min
	Behind  = "behind"
)

// Row is one line of the progress report: a unit and a metric (a recognition type, or
// AverageCriteria).
//
// A recognition type counts recognitions and the pipeline as SPEC §8 says. The
// AverageCriteria row has Value, the unit's average_met of the year (SPEC §11: criteria
// met summed over its Xã ÷ the number of its Xã), and no counts (recognized and
// in_pipeline 0): its state is met (value ≥ min) or behind, never on_track, because
// nothing is "in the pipeline" of an average. Value is left out of the other rows.
type Row struct {
	UnitCode   string   `json:"unit_code"`
	UnitName   string   `json:"unit_name"`
	Type       string   `json:"type"`
	TargetMin  *float64 `json:"target_min"`
	TargetMax  *float64 `json:"target_max"`
	Recognized int      `json:"recognized"`
	InPipeline int      `json:"in_pipeline"`
	Value      *float64 `json:"value,omitempty"`
	State      *string  `json:"state"`
}

// Report is the progress of a campaign in one year for one unit and its children.
type Report struct {
	Campaign Campaign
	Year     int
	// Baseline: Year is the year before the campaign starts (the results the plan was
	// made from, SPEC §11), shown read-only: counts and averages, no targets, no states.
	Baseline bool
	Unit     units.Unit
	// Children are the units of the child rows, in their order: the children of Unit in
	// the tree of Year (units.ChildrenInYear), then, by code, the units the year's counts
	// and targets were made in that are not in that tree (Former).
	Children []ReportUnit
	Items    []Row // the unit itself first (one row per metric, in Metrics order), then each child
}

// ReportUnit is a child unit of a report.
type ReportUnit struct {
	units.Unit
	// Former: not in the year's tree, but records of the year were made in it (records keep
	// their units, SPEC §12): a district of 2025 whose recognitions were decided before the
	// reform of 1 July. It is named as it last stood by the year.
	Former bool
}

// Averages gives the average criteria met per Xã of a unit and of each of its children
// in a year, keyed by unit code. Package movement implements it; it imports this package,
// so the app wires it in with UseAverages.
type Averages interface {
	AverageMet(ctx context.Context, unit units.Unit, year int) (map[string]float64, error)
}

// UseAverages sets where the AverageCriteria rows take their values from. Without it
// those rows have no value and no state.
func (s *Service) UseAverages(a Averages) { s.averages = a }

// BaselineYear is the year before the campaign starts: the read-only baseline.
func (c Campaign) BaselineYear() int { return c.StartsOn.Year() - 1 }

// DefaultYear is the campaign year to show today: this year inside the period, else the
// nearest end of it.
func (c Campaign) DefaultYear(now time.Time) int {
	y := now.Year()
	if y < c.StartsOn.Year() {
		return c.StartsOn.Year()
	}
	if y > c.EndsOn.Year() {
		return c.EndsOn.Year()
	}
	return y
}

// Progress builds the report. unitCode "" means the caller's own unit (the top of their
// report scope); a unit outside that scope is not found.
func (s *Service) Progress(ctx context.Context, p *authz.Principal, id int64, year int, unitCode string) (Report, error) {
	c, err := s.Load(ctx, p, id)
	if err != nil {
		return Report{}, err
	}
	scope := s.authz.Scopes(p, authz.ObjReport, authz.ActRead)
	if scope.Empty() {
		return Report{}, apperr.ErrForbidden
	}
	if year == 0 {
		year = c.DefaultYear(s.now())
	}
	if year < c.BaselineYear() || year > c.EndsOn.Year() {
		return Report{}, apperr.Invalid("year", fmt.Sprintf("must be within the campaign (%d–%d) or its baseline year %d",
			c.StartsOn.Year(), c.EndsOn.Year(), c.BaselineYear()))
	}
	var unit units.Unit
	if unitCode == "" {
		// The caller's own unit: the first of their report scopes inside the campaign's province.
		for _, root := range scope {
			if units.Within(root, "/"+c.ProvinceCode) {
				codes := units.SplitPath(root)
				unitCode = codes[len(codes)-1]
				break
			}
		}
	}
	// The unit as it stood in the year: the 2022–2025 campaign reports on the districts of
	// its years, the 2026–2030 campaign on the communes under the province.
	if unit, err = s.units.GetInYear(ctx, unitCode, year); err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return Report{}, err
	}
	if err != nil || !scope.Contains(unit.Path) || !units.Within(unit.Path, "/"+c.ProvinceCode) {
		return Report{}, apperr.ErrNotFound
	}
	return s.report(ctx, c, year, unit)
}

// ReportFor builds the report without a caller (tests and the demo check).
func (s *Service) ReportFor(ctx context.Context, c Campaign, year int, unit units.Unit) (Report, error) {
	return s.report(ctx, c, year, unit)
}

func (s *Service) report(ctx context.Context, c Campaign, year int, unit units.Unit) (Report, error) {
	// The tree of the year: districts of a province before the 2025 reform, its communes
	// after it. A constant number of queries however many children.
	children, err := s.units.ChildrenInYear(ctx, unit.Code, year)
	if err != nil {
		return Report{}, err
	}
	// Counts come from the progress counters kept with every transition: a few hundred
	// rows however many nominations there are.
	recognized, pipeline, err := s.counters.ByUnit(ctx, c.ID, year, unit.Path)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Campaign: c, Year: year, Unit: unit, Baseline: year < c.StartsOn.Year()}
	var targets []Target
	if !rep.Baseline {
		if targets, err = s.Targets(ctx, c, year); err != nil {
			return Report{}, err
		}
	}
	var averages map[string]float64
	if s.averages != nil {
		if averages, err = s.averages.AverageMet(ctx, unit, year); err != nil {
			return Report{}, err
		}
	}
	for _, ch := range children {
		rep.Children = append(rep.Children, ReportUnit{Unit: ch})
	}
	former, err := s.formerChildren(ctx, unit, year, children, recognized, pipeline, targets)
	if err != nil {
		return Report{}, err
	}
	rep.Children = append(rep.Children, former...)
	rep.Items = append(rep.Items, rows(unit, recognized, pipeline, targets, averages, true)...)
	for _, ch := range rep.Children {
		rep.Items = append(rep.Items, rows(ch.Unit, recognized, pipeline, targets, averages, false)...)
	}
	return rep, nil
}

// formerChildren are the child rows of a report outside the year's tree: the units the
// counts (grouped at the level below unit) and the targets of the year directly below
// unit were made in, when they are not among children. They are looked up in one query,
// as they last stood by the year, and ordered by code; a code no unit row knows any more
// keeps a row named by its code, so no count is left out of the rows.
func (s *Service) formerChildren(ctx context.Context, unit units.Unit, year int, children []units.Unit,
	recognized, pipeline []progress.Count, targets []Target) ([]ReportUnit, error) {
	known := map[string]bool{unit.Code: true}
	for _, ch := range children {
		known[ch.Code] = true
	}
	var codes []string
	add := func(code string) {
		if code != "" && !known[code] {
			known[code] = true
			codes = append(codes, code)
		}
	}
	for _, n := range slices.Concat(recognized, pipeline) {
		if n.N != 0 { // a pipeline counter stays at zero once its nominations moved on
			add(n.Code)
		}
	}
	for _, t := range targets {
		if p := units.SplitPath(t.UnitPath); len(p) > 1 && p[len(p)-2] == unit.Code {
			add(t.UnitCode)
		}
	}
	if len(codes) == 0 {
		return nil, nil
	}
	found, err := s.units.LastStoodInYear(ctx, codes, year)
	if err != nil {
		return nil, err
	}
	slices.Sort(codes)
	out := make([]ReportUnit, 0, len(codes))
	for _, code := range codes {
		u, ok := found[code]
		if !ok {
			u = units.Unit{Code: code, Name: code}
		}
		out = append(out, ReportUnit{Unit: u, Former: true})
	}
	return out, nil
}

// rows makes one row per metric for u: its own counts, or the sum of all counts when u is
// the report's unit, then its average criteria.
func rows(u units.Unit, recognized, pipeline []progress.Count, targets []Target, averages map[string]float64, total bool) []Row {
	out := make([]Row, 0, len(Metrics))
	for _, typ := range criteria.Types {
		r := Row{UnitCode: u.Code, UnitName: u.Name, Type: string(typ)}
		for _, c := range recognized {
			if c.Type == string(typ) && (total || c.Code == u.Code) {
				r.Recognized += c.N
			}
		}
		for _, c := range pipeline {
			if c.Type == string(typ) && (total || c.Code == u.Code) {
				r.InPipeline += c.N
			}
		}
		if t, ok := targetOf(targets, u.Code, string(typ)); ok {
			r.TargetMin, r.TargetMax = &t.Min, t.Max
			state := StateOf(r.Recognized, r.InPipeline, t.Min)
			r.State = &state
		}
		out = append(out, r)
	}
	avg := Row{UnitCode: u.Code, UnitName: u.Name, Type: AverageCriteria}
	if v, ok := averages[u.Code]; ok {
		avg.Value = &v
	}
	if t, ok := targetOf(targets, u.Code, AverageCriteria); ok {
		avg.TargetMin, avg.TargetMax = &t.Min, t.Max
		if avg.Value != nil {
			state := AverageState(*avg.Value, t.Min)
			avg.State = &state
		}
	}
	return append(out, avg)
}

// targetOf finds the target of a unit and metric among one year's targets.
func targetOf(targets []Target, code, metric string) (Target, bool) {
	for _, t := range targets {
		if t.UnitCode == code && t.Type == metric {
			return t, true
		}
	}
	return Target{}, false
}

// AverageState compares an average with its minimum target: met or behind.
func AverageState(value, min float64) string {
	if value >= min {
		return Met
	}
	return Behind
}

// StateOf compares counts with a minimum target (a whole count).
func StateOf(recognized, inPipeline int, min float64) string {
	switch {
	case float64(recognized) >= min:
		return Met
	case float64(recognized+inPipeline) >= min:
		return OnTrack
	}
	return Behind
}

// ProvinceSummary is one province's totals for a year, across its campaigns.
type ProvinceSummary = progress.ProvinceTotal

// NationalSummary totals every province for a year: the ministry's view of the movement
// (`ntmflow report national`), from the progress counters.
func (s *Service) NationalSummary(ctx context.Context, year int) ([]ProvinceSummary, error) {
	return s.counters.National(ctx, year)
}
