package movement

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Aggregate is the GET /api/v1/units/{code}/criteria-status?year= body: the figures of the
// Xã under a unit standing in the year. Communes counts them; Reported those with a status
// of the year (reported or confirmed), Confirmed those whose status is confirmed;
// AverageMet is the criteria met summed over them divided by Communes, rounded to 2
// decimals, an unreported Xã counting 0 (the figure must not flatter); Bands counts them by
// criteria met, the unreported in "0-4". The title counts are the commune titles held at
// the end of the year (active, decided on or before 31 December) and, _new, those decided
// in the year. Items holds the same figures per child unit (the districts of a province, the
// Xã of a district, the provinces of the country), without nested items.
type Aggregate struct {
	UnitCode               string         `json:"unit_code"`
	UnitName               string         `json:"unit_name,omitempty"`
	Year                   int            `json:"year"`
	Communes               int            `json:"communes"`
	Reported               int            `json:"reported"`
	Confirmed              int            `json:"confirmed"`
	AverageMet             float64        `json:"average_met"`
	NTMCommunes            int            `json:"ntm_communes"`
	NTMCommunesNew         int            `json:"ntm_communes_new"`
	AdvancedNTMCommunes    int            `json:"advanced_ntm_communes"`
	AdvancedNTMCommunesNew int            `json:"advanced_ntm_communes_new"`
	ModelNTMCommunes       int            `json:"model_ntm_communes"`
	ModelNTMCommunesNew    int            `json:"model_ntm_communes_new"`
	Bands                  map[string]int `json:"bands"` // keys in BandKeys
	Items                  []Aggregate    `json:"items,omitempty"`
}

// BandKeys are the bands of criteria met, highest first, for the 19 criteria of
// 2021–2025: all 19, 15–18, 10–14, 5–9 and 0–4 (where the unreported Xã fall). A set with
// fewer criteria fills the lower bands only.
var BandKeys = []string{"19", "15-18", "10-14", "5-9", "0-4"}

// Aggregate returns the figures of the unit and its children for the year (0: the last
// year of the province's reporting window); the unit must be one on which p may read
// criteria statuses (else ErrNotFound).
func (s *Service) Aggregate(ctx context.Context, p *authz.Principal, unitCode string, year int) (Aggregate, error) {
	if err := authz.Require(p); err != nil {
		return Aggregate{}, err
	}
	year, err := s.yearOrDefault(ctx, unitCode, year)
	if err != nil {
		return Aggregate{}, err
	}
	if err := s.checkReadYear(year); err != nil {
		return Aggregate{}, err
	}
	u, err := s.unitFor(ctx, p, authz.ObjCriteriaStatus, unitCode, year)
	if err != nil {
		return Aggregate{}, err
	}
	return s.AggregateFor(ctx, u, year)
}

// AggregateFor is Aggregate without a caller (campaign progress, the demo, benchmarks).
func (s *Service) AggregateFor(ctx context.Context, unit units.Unit, year int) (Aggregate, error) {
	children, err := s.figureChildren(ctx, unit, year)
	if err != nil {
		return Aggregate{}, err
	}
	return s.aggregate(ctx, unit.Path, year, children, Aggregate{UnitCode: unit.Code, UnitName: unit.Name, Year: year}, true)
}

// National is the aggregate of every province standing in the year, with one item per
// province; its unit_code is empty.
func (s *Service) National(ctx context.Context, year int) (Aggregate, error) {
	provinces, err := s.units.ChildrenInYear(ctx, "", year)
	if err != nil {
		return Aggregate{}, err
	}
	return s.aggregate(ctx, "", year, provinces, Aggregate{Year: year}, true)
}

// AverageMet is the average_met of the unit and of each of its children in the year,
// keyed by unit code (campaign progress on the average_criteria metric).
func (s *Service) AverageMet(ctx context.Context, unit units.Unit, year int) (map[string]float64, error) {
	children, err := s.figureChildren(ctx, unit, year)
	if err != nil {
		return nil, err
	}
	// The title counts are not needed here: skipping their queries halves the cost the
	// average rows add to every progress report.
	a, err := s.aggregate(ctx, unit.Path, year, children, Aggregate{UnitCode: unit.Code, Year: year}, false)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(a.Items)+1)
	out[unit.Code] = a.AverageMet
	for _, it := range a.Items {
		out[it.UnitCode] = it.AverageMet
	}
	return out, nil
}

// figureChildren are the units standing under unit in the year that have figures: the
// criteria are the Xã's, so a ward or a town among the children is left out.
func (s *Service) figureChildren(ctx context.Context, unit units.Unit, year int) ([]units.Unit, error) {
	all, err := s.units.ChildrenInYear(ctx, unit.Code, year)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(c units.Unit) bool { return c.Level == units.Commune && !c.IsRuralCommune() }), nil
}

// aggregate fills top with the figures under root and adds one item per child. Each figure
// is one grouped query: the totals, then the children grouped by the prefix of the
// communes' paths that is their child's path (one query per length of the children's
// paths, which is one length in any real tree). Without withTitles the title counts stay
// zero and their queries are skipped.
func (s *Service) aggregate(ctx context.Context, root string, year int, children []units.Unit, top Aggregate, withTitles bool) (Aggregate, error) {
	tot, err := s.figures(ctx, root, 0, year)
	if err != nil {
		return Aggregate{}, err
	}
	titleCounts := func(keyLen int) (map[string]map[criteria.Type]recognition.TitleCount, error) {
		if !withTitles {
			return nil, nil
		}
		return s.recs.CommuneTitles(ctx, root, keyLen, year)
	}
	titles, err := titleCounts(0)
	if err != nil {
		return Aggregate{}, err
	}
	top.fill(tot[""], titles[""])
	var lengths []int
	for _, c := range children {
		if !slices.Contains(lengths, len(c.Path)) {
			lengths = append(lengths, len(c.Path))
		}
	}
	figs := map[string]figures{}
	held := map[string]map[criteria.Type]recognition.TitleCount{}
	for _, n := range lengths {
		f, err := s.figures(ctx, root, n, year)
		if err != nil {
			return Aggregate{}, err
		}
		t, err := titleCounts(n)
		if err != nil {
			return Aggregate{}, err
		}
		for k, v := range f {
			if len(k) == n {
				figs[k] = v
			}
		}
		for k, v := range t {
			if len(k) == n {
				held[k] = v
			}
		}
	}
	for _, c := range children {
		item := Aggregate{UnitCode: c.Code, UnitName: c.Name, Year: year}
		item.fill(figs[c.Path], held[c.Path])
		top.Items = append(top.Items, item)
	}
	return top, nil
}

// figures are one group's counts as the grouped query returns them.
type figures struct {
	K                                  string
	Communes, Reported, Confirmed, Met int
	B19, B15, B10, B5                  int
}

// figures counts the Xã under root standing in the year with their statuses, grouped by
// the first keyLen characters of their paths (0: one group keyed "").
func (s *Service) figures(ctx context.Context, root string, keyLen, year int) (map[string]figures, error) {
	q, err := s.communesOfYear(ctx, root, year)
	if err != nil {
		return nil, err
	}
	key := "''"
	if keyLen > 0 {
		key = fmt.Sprintf("substr(u.path, 1, %d)", keyLen)
		q = q.Group(key) // PostgreSQL refuses a constant in GROUP BY: the totals take none
	}
	band := func(from, to int) string {
		return fmt.Sprintf("COALESCE(SUM(CASE WHEN cs.met_count >= %d AND cs.met_count <= %d THEN 1 ELSE 0 END), 0)", from, to)
	}
	var rows []figures
	err = q.Select(key + ` AS k, COUNT(*) AS communes, COUNT(cs.unit_code) AS reported,
		COALESCE(SUM(CASE WHEN cs.status = '` + Confirmed + `' THEN 1 ELSE 0 END), 0) AS confirmed,
		COALESCE(SUM(cs.met_count), 0) AS met,
		COALESCE(SUM(CASE WHEN cs.met_count >= 19 THEN 1 ELSE 0 END), 0) AS b19, ` +
		band(15, 18) + ` AS b15, ` + band(10, 14) + ` AS b10, ` + band(5, 9) + ` AS b5`).
		Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[string]figures, len(rows))
	for _, r := range rows {
		out[r.K] = r
	}
	return out, nil
}

// fill sets a's figures from its group's counts and titles.
func (a *Aggregate) fill(f figures, titles map[criteria.Type]recognition.TitleCount) {
	a.Communes, a.Reported, a.Confirmed = f.Communes, f.Reported, f.Confirmed
	a.AverageMet = average(f.Met, f.Communes)
	a.Bands = map[string]int{"19": f.B19, "15-18": f.B15, "10-14": f.B10, "5-9": f.B5,
		"0-4": f.Communes - f.B19 - f.B15 - f.B10 - f.B5}
	a.NTMCommunes, a.NTMCommunesNew = titles[criteria.NTMCommune].Held, titles[criteria.NTMCommune].New
	a.AdvancedNTMCommunes = titles[criteria.AdvancedNTMCommune].Held
	a.AdvancedNTMCommunesNew = titles[criteria.AdvancedNTMCommune].New
	a.ModelNTMCommunes, a.ModelNTMCommunesNew = titles[criteria.ModelNTMCommune].Held, titles[criteria.ModelNTMCommune].New
}

// average is met / communes rounded to 2 decimals (0 without communes).
func average(met, communes int) float64 {
	if communes == 0 {
		return 0
	}
	return math.Round(float64(met)*100/float64(communes)) / 100
}
