package campaign

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/store"
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

// pipelineStatuses are the nominations on their way to a decision.
var pipelineStatuses = []string{"submitted", "under_review", "returned", "endorsed"}

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

type count struct {
	Code string
	Type string
	N    int
}

func (s *Service) report(ctx context.Context, c Campaign, year int, unit units.Unit) (Report, error) {
	children, err := s.units.Children(ctx, unit.Code)
	if err != nil {
		return Report{}, err
	}
	// Counts are grouped by the child level's code column.
	groupCol := "commune_code"
	if unit.Level == units.Province {
		groupCol = "district_code"
	}
	// A campaign's nominations all lie in its province, so the province level needs no
	// unit filter; below it, the district or commune code selects the counter rows.
	subtree := func(q *gorm.DB) *gorm.DB { return q }
	if unit.Level != units.Province {
		where, args := authz.Scope{unit.Path}.CodeSQL(authz.UnitCodeColumns)
		subtree = func(q *gorm.DB) *gorm.DB { return q.Where(where, args...) }
	}
	// Counts come from the progress counters kept with every transition (see
	// nomination/counters.go): a few hundred rows however many nominations there are.
	var recognized, pipeline []count
	err = subtree(s.st.DB(ctx).Table("recognition_counts")).
		Select(groupCol+" AS code, type, SUM(n) AS n").
		Where("campaign_id = ? AND year = ?", c.ID, year).
		Group(groupCol + ", type").Scan(&recognized).Error
	if err != nil {
		return Report{}, err
	}
	err = subtree(s.st.DB(ctx).Table("nomination_counts")).
		Select(groupCol+" AS code, type, SUM(n) AS n").
		Where("campaign_id = ? AND status IN ?", c.ID, pipelineStatuses).
		Group(groupCol + ", type").Scan(&pipeline).Error
	if err != nil {
		return Report{}, err
	}
	codes := []string{unit.Code}
	for _, ch := range children {
		codes = append(codes, ch.Code)
	}
	var targets []targetRow
	if err := s.st.DB(ctx).Where("campaign_id = ? AND year = ? AND unit_code IN ?", c.ID, year, codes).Find(&targets).Error; err != nil {
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
func rows(u units.Unit, recognized, pipeline []count, targets []targetRow, total bool) []Row {
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
				min := t.MinCount
				r.TargetMin, r.TargetMax = &min, t.MaxCount
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
type ProvinceSummary struct {
	ProvinceCode string
	Type         string
	Recognized   int
	InPipeline   int
}

// NationalSummary totals every province for a year: the ministry's view of the movement
// (`ntmflow report national`), from the progress counters.
func (s *Service) NationalSummary(ctx context.Context, year int) ([]ProvinceSummary, error) {
	var rows []struct {
		ProvinceCode string
		Type         string
		Recognized   int
		InPipeline   int
	}
	err := s.st.DB(ctx).Raw(`SELECT c.province_code, x.type, SUM(x.recognized) AS recognized, SUM(x.in_pipeline) AS in_pipeline FROM (
			SELECT campaign_id, type, n AS recognized, 0 AS in_pipeline FROM recognition_counts WHERE year = ?
			UNION ALL
			SELECT campaign_id, type, 0, n FROM nomination_counts WHERE status IN ?
		) AS x JOIN campaigns c ON c.id = x.campaign_id
		GROUP BY c.province_code, x.type ORDER BY c.province_code, x.type`, year, pipelineStatuses).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]ProvinceSummary, len(rows))
	for i, r := range rows {
		out[i] = ProvinceSummary(r)
	}
	return out, nil
}

// RebuildCounts recomputes the progress counters from the nominations and recognitions
// (after a bulk load; also a repair tool). It runs in one transaction.
func (s *Service) RebuildCounts(ctx context.Context) error {
	year := "CAST(EXTRACT(YEAR FROM decision_date) AS INTEGER)"
	if s.st.Dialect() == store.SQLite {
		year = "CAST(substr(decision_date, 1, 4) AS INTEGER)"
	}
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		for _, q := range []string{
			"DELETE FROM nomination_counts",
			"DELETE FROM recognition_counts",
			`INSERT INTO nomination_counts (campaign_id, district_code, commune_code, type, status, n)
			 SELECT campaign_id, district_code, commune_code, type, status, COUNT(*) FROM nominations
			 WHERE campaign_id IS NOT NULL GROUP BY campaign_id, district_code, commune_code, type, status`,
			`INSERT INTO recognition_counts (campaign_id, district_code, commune_code, type, year, n)
			 SELECT campaign_id, district_code, commune_code, type, ` + year + `, COUNT(*) FROM recognitions
			 WHERE campaign_id IS NOT NULL AND revoked_at IS NULL
			 GROUP BY campaign_id, district_code, commune_code, type, ` + year,
		} {
			if err := s.st.DB(ctx).Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// CountsDrift compares the counters with a fresh count and returns how many counter
// rows disagree (zero when they are right). Tests use it after every kind of change.
func (s *Service) CountsDrift(ctx context.Context) (int, error) {
	year := "CAST(EXTRACT(YEAR FROM decision_date) AS INTEGER)"
	if s.st.Dialect() == store.SQLite {
		year = "CAST(substr(decision_date, 1, 4) AS INTEGER)"
	}
	var drift int
	err := s.st.DB(ctx).Raw(`SELECT COUNT(*) FROM (
		SELECT campaign_id, commune_code, type, status, SUM(n) AS n FROM (
			SELECT campaign_id, commune_code, type, status, n FROM nomination_counts
			UNION ALL
			SELECT campaign_id, commune_code, type, status, -COUNT(*) FROM nominations WHERE campaign_id IS NOT NULL
			GROUP BY campaign_id, commune_code, type, status) AS a
		GROUP BY campaign_id, commune_code, type, status HAVING SUM(n) <> 0
		UNION ALL
		SELECT campaign_id, commune_code, type, '' AS status, SUM(n) FROM (
			SELECT campaign_id, commune_code, type, year, n FROM recognition_counts
			UNION ALL
			SELECT campaign_id, commune_code, type, ` + year + `, -COUNT(*) FROM recognitions
			WHERE campaign_id IS NOT NULL AND revoked_at IS NULL
			GROUP BY campaign_id, commune_code, type, ` + year + `) AS b
		GROUP BY campaign_id, commune_code, type, year HAVING SUM(n) <> 0) AS d`).Scan(&drift).Error
	return drift, err
}
