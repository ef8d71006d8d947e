// Package campaign keeps the emulation movements of a province: their period, yearly
// targets per unit and type, and the progress report against those targets.
package campaign

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Campaign is an emulation movement.
type Campaign struct {
	ID           int64 `gorm:"primaryKey"`
	Name         string
	Description  string
	ProvinceCode string
	StartsOn     time.Time `gorm:"type:date"`
	EndsOn       time.Time `gorm:"type:date"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (Campaign) TableName() string { return "campaigns" }

// Years lists the calendar years the campaign spans.
func (c Campaign) Years() []int {
	var out []int
	for y := c.StartsOn.Year(); y <= c.EndsOn.Year(); y++ {
		out = append(out, y)
	}
	return out
}

type targetRow struct {
	ID         int64 `gorm:"primaryKey"`
	CampaignID int64
	Year       int
	UnitCode   string
	UnitPath   string
	Type       string
	MinCount   float64 // a whole count, or an average for AverageCriteria (migration 00012)
	MaxCount   *float64
}

func (targetRow) TableName() string { return "campaign_targets" }

// AverageCriteria is the metric of a target on the average number of national criteria
// met per Xã of the unit (SPEC §11): its min and max may be fractional (≥ 14.5).
const AverageCriteria = "average_criteria"

// MaxAverageCriteria bounds an average_criteria target: no commune can meet more criteria
// than the national set has (19 in 2021–2025; the 2026–2030 set has fewer, which a lower
// target already respects).
const MaxAverageCriteria = 19

// Metrics are what a target may be set on, in the order of the progress rows of a unit:
// every recognition type, then the average criteria.
var Metrics = func() []string {
	out := make([]string, 0, len(criteria.Types)+1)
	for _, t := range criteria.Types {
		out = append(out, string(t))
	}
	return append(out, AverageCriteria)
}()

// metricsMessage is the validation message for an unknown target type.
const metricsMessage = "must be model_garden, model_residential_area, ntm_commune, advanced_ntm_commune, model_ntm_commune or average_criteria"

// Target is a yearly target for one unit and type (SPEC §8). Min and max are whole counts
// of recognitions, except for AverageCriteria (at most two decimals); JSON writes 2.0 as 2.
type Target struct {
	Year     int      `json:"year"`
	UnitCode string   `json:"unit_code"`
	Type     string   `json:"type"`
	Min      float64  `json:"min"`
	Max      *float64 `json:"max"`
	// UnitPath is the stored path of the unit as it stood in Year; read-only, never from a client.
	UnitPath string `json:"-"`
}

// View is a campaign as the API shows it.
type View struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	ProvinceCode string   `json:"province_code"`
	StartsOn     string   `json:"starts_on"`
	EndsOn       string   `json:"ends_on"`
	Targets      []Target `json:"targets,omitempty"`
}

// ToView renders c with its targets (nil to leave them out).
func ToView(c Campaign, targets []Target) View {
	return View{ID: c.ID, Name: c.Name, Description: c.Description, ProvinceCode: c.ProvinceCode,
		StartsOn: c.StartsOn.Format(time.DateOnly), EndsOn: c.EndsOn.Format(time.DateOnly), Targets: targets}
}

// Service manages campaigns.
type Service struct {
	st       *store.Store
	authz    *authz.Authorizer
	units    *units.Service
	counters *progress.Counters
	averages Averages // the average criteria of the progress report (UseAverages)
	now      func() time.Time
}

// NewService returns the campaign service.
func NewService(st *store.Store, az *authz.Authorizer, u *units.Service) *Service {
	return &Service{st: st, authz: az, units: u, counters: progress.New(st), now: func() time.Time { return time.Now().UTC() }}
}

// Input is the editable part of a campaign.
type Input struct {
	Name         string
	Description  string
	ProvinceCode string
	StartsOn     string
	EndsOn       string
}

func (s *Service) validate(ctx context.Context, in *Input) (Campaign, units.Unit, error) {
	v := apperr.NewValidation()
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Description = strings.TrimSpace(in.Description)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 300 {
		v.Add("name", "is required (at most 300 characters)")
	}
	if utf8.RuneCountInString(in.Description) > 5000 {
		v.Add("description", "is too long (at most 5000 characters)")
	}
	prov, err := s.units.Get(ctx, in.ProvinceCode)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return Campaign{}, units.Unit{}, err // the lookup failed, not the code: never a 422
	}
	if err != nil || prov.Level != units.Province {
		v.Add("province_code", "is not a current province")
	}
	start, err1 := time.Parse(time.DateOnly, in.StartsOn)
	end, err2 := time.Parse(time.DateOnly, in.EndsOn)
	switch {
	case err1 != nil:
		v.Add("starts_on", "must be a date YYYY-MM-DD")
	case err2 != nil:
		v.Add("ends_on", "must be a date YYYY-MM-DD")
	case end.Before(start):
		v.Add("ends_on", "must not be before starts_on")
	case end.Year()-start.Year() > 10:
		v.Add("ends_on", "a campaign spans at most ten years")
	}
	return Campaign{Name: in.Name, Description: in.Description, ProvinceCode: in.ProvinceCode, StartsOn: start, EndsOn: end}, prov, v.Err()
}

// Create adds a campaign in a province the caller manages.
func (s *Service) Create(ctx context.Context, p *authz.Principal, in Input) (View, error) {
	if err := authz.Require(p); err != nil {
		return View{}, err
	}
	c, prov, err := s.validate(ctx, &in)
	if err != nil {
		return View{}, err
	}
	if !s.authz.Can(p, authz.ObjCampaign, authz.ActManage, prov.Path) {
		return View{}, apperr.ErrForbidden
	}
	c.CreatedAt, c.UpdatedAt = s.now(), s.now()
	if err := s.st.WithTx(ctx, func(ctx context.Context) error { return s.insert(ctx, &c) }); err != nil {
		return View{}, err
	}
	return ToView(c, []Target{}), nil
}

// CreateAsSystem adds a campaign without a caller (the demo seed and test fixtures).
func (s *Service) CreateAsSystem(ctx context.Context, in Input) (View, error) {
	c, _, err := s.validate(ctx, &in)
	if err != nil {
		return View{}, err
	}
	c.CreatedAt, c.UpdatedAt = s.now(), s.now()
	if err := s.st.WithTx(ctx, func(ctx context.Context) error { return s.insert(ctx, &c) }); err != nil {
		return View{}, err
	}
	return ToView(c, []Target{}), nil
}

// Load returns a campaign p may see (everyone working in its province: districts see
// their own targets and progress), or ErrNotFound.
func (s *Service) Load(ctx context.Context, p *authz.Principal, id int64) (Campaign, error) {
	if err := authz.Require(p); err != nil {
		return Campaign{}, err
	}
	q, err := s.scoped(ctx, p, authz.ActRead)
	if err != nil {
		return Campaign{}, err
	}
	return take(q.Where("id = ?", id))
}

// loadAsSystem reads a campaign without a caller.
func (s *Service) loadAsSystem(ctx context.Context, id int64) (Campaign, error) {
	return take(s.system(ctx).Where("id = ?", id))
}

func take(q *gorm.DB) (Campaign, error) {
	var c Campaign
	err := q.Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Campaign{}, apperr.ErrNotFound
	}
	return c, err
}

// CanManage reports whether p may edit the campaign and its targets.
func (s *Service) CanManage(p *authz.Principal, c Campaign) bool {
	return s.authz.Can(p, authz.ObjCampaign, authz.ActManage, "/"+c.ProvinceCode)
}

// Get returns a campaign with its targets.
func (s *Service) Get(ctx context.Context, p *authz.Principal, id int64) (View, error) {
	c, err := s.Load(ctx, p, id)
	if err != nil {
		return View{}, err
	}
	targets, err := s.Targets(ctx, c, 0)
	if err != nil {
		return View{}, err
	}
	return ToView(c, targets), nil
}

// GetAsSystem returns a campaign with its targets without a caller (the demo seed).
func (s *Service) GetAsSystem(ctx context.Context, id int64) (View, error) {
	c, err := s.loadAsSystem(ctx, id)
	if err != nil {
		return View{}, err
	}
	targets, err := s.Targets(ctx, c, 0)
	if err != nil {
		return View{}, err
	}
	return ToView(c, targets), nil
}

// List returns the campaigns of the caller's provinces, newest first.
func (s *Service) List(ctx context.Context, p *authz.Principal) ([]Campaign, error) {
	if err := authz.Require(p); err != nil {
		return nil, err
	}
	out := []Campaign{}
	q, err := s.scoped(ctx, p, authz.ActRead)
	if errors.Is(err, apperr.ErrNotFound) {
		return out, nil
	}
	err = q.Order("starts_on DESC, id DESC").Find(&out).Error
	return out, err
}

// Update edits a campaign's name, description and period.
func (s *Service) Update(ctx context.Context, p *authz.Principal, id int64, in Input) (View, error) {
	if err := authz.Require(p); err != nil {
		return View{}, err
	}
	var out View
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.Load(ctx, p, id)
		if err != nil {
			return err
		}
		if !s.CanManage(p, c) {
			return apperr.ErrForbidden
		}
		in.ProvinceCode = c.ProvinceCode // a campaign stays in its province
		upd, _, err := s.validate(ctx, &in)
		if err != nil {
			return err
		}
		var outside int64
		if err := s.targetsOf(ctx, c).Where("year < ? OR year > ?", upd.StartsOn.Year(), upd.EndsOn.Year()).
			Count(&outside).Error; err != nil {
			return err
		}
		if outside > 0 {
			return apperr.Invalid("starts_on", "targets exist for years outside the new period; remove them first")
		}
		c.Name, c.Description, c.StartsOn, c.EndsOn, c.UpdatedAt = upd.Name, upd.Description, upd.StartsOn, upd.EndsOn, s.now()
		if err := s.campaignRow(ctx, c).Updates(map[string]any{
			"name": c.Name, "description": c.Description, "starts_on": c.StartsOn, "ends_on": c.EndsOn, "updated_at": c.UpdatedAt,
		}).Error; err != nil {
			return err
		}
		targets, err := s.Targets(ctx, c, 0)
		out = ToView(c, targets)
		return err
	})
	return out, err
}

// Targets lists the targets of c, a campaign read with Load (of one year when year > 0).
func (s *Service) Targets(ctx context.Context, c Campaign, year int) ([]Target, error) {
	q := s.targetsOf(ctx, c).Order("year, unit_code, type")
	if year > 0 {
		q = q.Where("year = ?", year)
	}
	var rows []targetRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Target, len(rows))
	for i, r := range rows {
		out[i] = Target{Year: r.Year, UnitCode: r.UnitCode, Type: r.Type, Min: r.MinCount, Max: r.MaxCount, UnitPath: r.UnitPath}
	}
	return out, nil
}

// SetTargets replaces all targets of the campaign (PUT semantics) after checking each:
// a year in the period, a unit of the province, a known type, 0 ≤ min ≤ max.
func (s *Service) SetTargets(ctx context.Context, p *authz.Principal, id int64, items []Target) (View, error) {
	if err := authz.Require(p); err != nil {
		return View{}, err
	}
	return s.setTargets(ctx, id, items, func(ctx context.Context) (Campaign, error) {
		c, err := s.Load(ctx, p, id)
		if err == nil && !s.CanManage(p, c) {
			err = apperr.ErrForbidden
		}
		return c, err
	})
}

// SetTargetsAsSystem is SetTargets without a caller (the demo seed and test fixtures).
func (s *Service) SetTargetsAsSystem(ctx context.Context, id int64, items []Target) (View, error) {
	return s.setTargets(ctx, id, items, func(ctx context.Context) (Campaign, error) { return s.loadAsSystem(ctx, id) })
}

// setTargets replaces the targets of the campaign that load returns, once load allowed it.
func (s *Service) setTargets(ctx context.Context, id int64, items []Target, load func(context.Context) (Campaign, error)) (View, error) {
	var out View
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		c, err := load(ctx)
		if err != nil {
			return err
		}
		rows, err := s.checkTargets(ctx, c, items)
		if err != nil {
			return err
		}
		if err := s.targetsOf(ctx, c).Delete(&targetRow{}).Error; err != nil {
			return err
		}
		if len(rows) > 0 {
			if err := s.insert(ctx, rows); err != nil {
				return err
			}
		}
		targets, err := s.Targets(ctx, c, 0)
		out = ToView(c, targets)
		return err
	})
	return out, err
}

func (s *Service) checkTargets(ctx context.Context, c Campaign, items []Target) ([]targetRow, error) {
	v := apperr.NewValidation()
	found, err := s.targetUnits(ctx, c, items)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	rows := make([]targetRow, 0, len(items))
	for i, it := range items {
		f := fmt.Sprintf("items[%d]", i)
		u, ok := found[it.Year][it.UnitCode]
		switch {
		case it.Year < c.StartsOn.Year() || it.Year > c.EndsOn.Year():
			v.Add(f+".year", fmt.Sprintf("must be within the campaign (%d–%d)", c.StartsOn.Year(), c.EndsOn.Year()))
		case !ok || !units.Within(u.Path, "/"+c.ProvinceCode):
			v.Add(f+".unit_code", fmt.Sprintf("is not a unit of the campaign's province in %d", it.Year))
		case !criteria.Type(it.Type).Valid() && it.Type != AverageCriteria:
			v.Add(f+".type", metricsMessage)
		default:
			checkBounds(v, f, it)
		}
		key := fmt.Sprintf("%d/%s/%s", it.Year, it.UnitCode, it.Type)
		if first, dup := seen[key]; dup {
			v.Add(f, fmt.Sprintf("repeats items[%d]", first))
		}
		seen[key] = i
		rows = append(rows, targetRow{CampaignID: c.ID, Year: it.Year, UnitCode: it.UnitCode, UnitPath: u.Path,
			Type: it.Type, MinCount: it.Min, MaxCount: it.Max})
	}
	return rows, v.Err()
}

// targetUnits looks the units of the items up in the tree of each item's year, keyed by
// year and code: a 2023 target names a district, a 2026 target a commune under the
// province (SPEC §12). A unit that stood only part of a year (a district that ended on
// 30 June 2025) is still one of that year's. Two or three queries per year present, none
// for a year outside the campaign.
func (s *Service) targetUnits(ctx context.Context, c Campaign, items []Target) (map[int]map[string]units.Unit, error) {
	byYear := map[int][]string{}
	for _, it := range items {
		if it.Year >= c.StartsOn.Year() && it.Year <= c.EndsOn.Year() {
			byYear[it.Year] = append(byYear[it.Year], it.UnitCode)
		}
	}
	out := make(map[int]map[string]units.Unit, len(byYear))
	for year, codes := range byYear {
		found, err := s.units.GetManyInYear(ctx, codes, year)
		if err != nil {
			return nil, err
		}
		var missing []string
		for _, code := range codes {
			if _, ok := found[code]; !ok {
				missing = append(missing, code)
			}
		}
		if len(missing) > 0 {
			part, err := s.units.StoodInYear(ctx, missing, year)
			if err != nil {
				return nil, err
			}
			maps.Copy(found, part)
		}
		out[year] = found
	}
	return out, nil
}

// checkBounds checks min and max of a target of a known type: whole counts from 0 for the
// recognition types; for the average criteria, 0 to MaxAverageCriteria with at most two
// decimals (the precision of average_met). Written as "not inside", so NaN fails too.
func checkBounds(v *apperr.ValidationError, f string, it Target) {
	limit, whole, msg := 100000.0, true, "must be a whole count from 0"
	if it.Type == AverageCriteria {
		limit, whole, msg = MaxAverageCriteria, false, fmt.Sprintf("must be an average from 0 to %d with at most two decimals", MaxAverageCriteria)
	}
	ok := func(x float64) bool {
		if !(x >= 0 && x <= limit) {
			return false
		}
		if whole {
			return x == math.Trunc(x)
		}
		return math.Abs(x*100-math.Round(x*100)) < 1e-6
	}
	switch {
	case !ok(it.Min):
		v.Add(f+".min", msg)
	case it.Max != nil && !ok(*it.Max):
		v.Add(f+".max", msg+", or null for no upper bound")
	case it.Max != nil && *it.Max < it.Min:
		v.Add(f+".max", "must be at least min, or null for no upper bound")
	}
}
