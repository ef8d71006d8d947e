package campaign

import (
	"context"
	"errors"
	"fmt"
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

// Row is one line of the progress report: a unit and a type.
type Row struct {
	UnitCode   string  `json:"unit_code"`
	UnitName   string  `json:"unit_name"`
	Type       string  `json:"type"`
	TargetMin  *int    `json:"target_min"`
	TargetMax  *int    `json:"target_max"`
	Recognized int     `json:"recognized"`
	InPipeline int     `json:"in_pipeline"`
	State      *string `json:"state"`
}

// Report is the progress of a campaign in one year for one unit and its children.
type Report struct {
	Campaign Campaign
	Year     int
	Unit     units.Unit
	Items    []Row // the unit itself first (one row per type), then each child
}

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
	if year < c.StartsOn.Year() || year > c.EndsOn.Year() {
		return Report{}, apperr.Invalid("year", fmt.Sprintf("must be within the campaign (%d–%d)", c.StartsOn.Year(), c.EndsOn.Year()))
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
	if unit, err = s.units.Get(ctx, unitCode); err != nil && !errors.Is(err, apperr.ErrNotFound) {
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
	children, err := s.units.Children(ctx, unit.Code)
	if err != nil {
		return Report{}, err
	}
	// Counts come from the progress counters kept with every transition: a few hundred
	// rows however many nominations there are.
	recognized, pipeline, err := s.counters.ByUnit(ctx, c.ID, year, unit.Path)
	if err != nil {
		return Report{}, err
	}
	targets, err := s.Targets(ctx, c, year)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Campaign: c, Year: year, Unit: unit}
	rep.Items = append(rep.Items, rows(unit, recognized, pipeline, targets, true)...)
	for _, ch := range children {
		rep.Items = append(rep.Items, rows(ch, recognized, pipeline, targets, false)...)
	}
	return rep, nil
}

// rows makes one row per type for u: its own counts, or the sum of all counts when u is
// the report's unit.
func rows(u units.Unit, recognized, pipeline []progress.Count, targets []Target, total bool) []Row {
	out := make([]Row, 0, len(criteria.Types))
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
		for _, t := range targets {
			if t.UnitCode == u.Code && t.Type == string(typ) {
				min := t.Min
				r.TargetMin, r.TargetMax = &min, t.Max
				state := StateOf(r.Recognized, r.InPipeline, min)
				r.State = &state
			}
		}
		out = append(out, r)
	}
	return out
}

// StateOf compares counts with a minimum target.
func StateOf(recognized, inPipeline, min int) string {
	switch {
	case recognized >= min:
		return Met
	case recognized+inPipeline >= min:
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
