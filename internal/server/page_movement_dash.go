// The campaign dashboard's movement figures (SPEC §11): commune titles, the average
// criteria with its bands, capital by source and outputs, for the year shown; and the same
// as sheets of progress.xlsx.

package server

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/export"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/internal/movement"
)

// metricAverage is the campaign metric of the average criteria met per commune.
const metricAverage = campaign.AverageCriteria

// yearOption is one year of the dashboard's year selector.
type yearOption struct {
	Year     int
	Baseline bool // the year before the campaign: its results, no targets
}

// campaignYears are the years a dashboard offers: the baseline year, then the campaign's.
func campaignYears(c campaign.Campaign) []yearOption {
	out := []yearOption{{Year: c.BaselineYear(), Baseline: true}}
	for _, y := range c.Years() {
		out = append(out, yearOption{Year: y})
	}
	return out
}

// titleLine is a commune title on the dashboard: held at the end of the year, new in it,
// against the unit's target.
type titleLine struct {
	Type      string
	Held, New int
	Target    string // "10", "2–3", or "" without a target
	State     string // met, on_track, behind; "" without a target
	Label     string // State's message id (stateAsShown: reached / not reached in a closed year)
}

// avgLine is a unit's average criteria met against its target, with its bar (0..19 on
// the 300-wide chart).
type avgLine struct {
	Code, Name string
	Value      float64
	Communes   int
	Target     string
	State      string
	Label      string // State's message id (stateAsShown)
	W, MinX    float64
	HasMin     bool
}

// prevAverage is the average criteria met of the year before and the change since.
type prevAverage struct {
	Year          int
	Value, Change float64
	Sign          string // "+" for a rise: a fall carries its own minus
	// HasChange is false while no Xã has reported this year: a change against nothing
	// would read as a collapse.
	HasChange bool
}

// capLine is one source of capital, with its bar.
type capLine struct {
	Name   string // the report field, e.g. capital_vnd.central_budget
	Amount *int64
	W      float64
}

type dashMovement struct {
	Baseline bool
	Agg      movement.Aggregate
	// Prev is the year before's average, shown beside this year's ("+1,06 on 2020", as
	// the source document reports it); nil when no Xã reported that year.
	Prev         *prevAverage
	Titles       []titleLine
	Average      avgLine
	Children     []avgLine
	Bands        []bandBar
	Capital      []capLine
	CapitalTotal int64
	HasFigures   bool // a report of the unit, or of some child
	FromChildren bool // the figures are the children's total: the unit filed none
	ChildrenIn   int
	ChildCount   int
	Outputs      []shownField
	People       []shownField
}

// progressRow finds the report's row of a unit and type.
func progressRow(rep campaign.Report, code, typ string) (campaign.Row, bool) {
	for _, r := range rep.Items {
		if r.UnitCode == code && r.Type == typ {
			return r, true
		}
	}
	return campaign.Row{}, false
}

// targetText writes a row's target ("10", "2–3", "14,5") in the page's language.
func targetText(lang string, r campaign.Row) string {
	if r.TargetMin == nil {
		return ""
	}
	s := i18n.Number(lang, float64(*r.TargetMin))
	if r.TargetMax != nil {
		s += "–" + i18n.Number(lang, float64(*r.TargetMax))
	}
	return s
}

func stateOf(r campaign.Row) string {
	if r.State == nil {
		return ""
	}
	return *r.State
}

// targetMin is a row's minimum target as a number (false without a target).
func targetMin(r campaign.Row) (float64, bool) {
	if r.TargetMin == nil {
		return 0, false
	}
	return float64(*r.TargetMin), true
}

// movementFigures reads the movement's figures of the report's unit and year. The
// progress report already checked that the caller reads reports of that unit, which is
// what these figures are, so they are read without a caller.
func (s *Server) movementFigures(ctx context.Context, rep campaign.Report) (movement.Aggregate, movement.Report, error) {
	agg, err := s.movement.AggregateFor(ctx, rep.Unit, rep.Year)
	if err != nil {
		return movement.Aggregate{}, movement.Report{}, err
	}
	mr, err := s.movement.ReportFor(ctx, rep.Unit, rep.Year)
	return agg, mr, err
}

// dashboardMovement lays the movement's figures out for the dashboard.
func (s *Server) dashboardMovement(ctx context.Context, lang string, rep campaign.Report) (*dashMovement, error) {
	agg, mr, err := s.movementFigures(ctx, rep)
	if err != nil {
		return nil, err
	}
	d := &dashMovement{Baseline: rep.Baseline, Agg: agg, Bands: bandBars(agg)}
	closed := !rep.Baseline && yearClosed(rep.Year, time.Now())
	held := map[criteria.Type][2]int{
		criteria.NTMCommune:         {agg.NTMCommunes, agg.NTMCommunesNew},
		criteria.AdvancedNTMCommune: {agg.AdvancedNTMCommunes, agg.AdvancedNTMCommunesNew},
		criteria.ModelNTMCommune:    {agg.ModelNTMCommunes, agg.ModelNTMCommunesNew},
	}
	for _, typ := range criteria.CommuneTitles {
		t := titleLine{Type: string(typ), Held: held[typ][0], New: held[typ][1]}
		if r, ok := progressRow(rep, rep.Unit.Code, string(typ)); ok {
			t.Target = targetText(lang, r)
			t.State, t.Label = stateAsShown(stateOf(r), closed)
		}
		d.Titles = append(d.Titles, t)
	}
	line := func(code, name string, value float64, communes int) avgLine {
		l := avgLine{Code: code, Name: name, Value: value, Communes: communes, W: min(value, 19) * chartWidth / 19}
		if r, ok := progressRow(rep, code, metricAverage); ok {
			l.Target = targetText(lang, r)
			l.State, l.Label = stateAsShown(stateOf(r), closed)
			if m, ok := targetMin(r); ok {
				l.HasMin, l.MinX = true, min(m, 19)*chartWidth/19
			}
		}
		return l
	}
	d.Average = line(rep.Unit.Code, rep.Unit.Name, agg.AverageMet, agg.Communes)
	prev, err := s.movement.AggregateFor(ctx, rep.Unit, rep.Year-1)
	if err != nil {
		return nil, err
	}
	if prev.Reported > 0 {
		d.Prev = &prevAverage{Year: rep.Year - 1, Value: prev.AverageMet, Change: math.Round((agg.AverageMet-prev.AverageMet)*100) / 100}
		d.Prev.HasChange = agg.Reported > 0
		if d.Prev.Change > 0 {
			d.Prev.Sign = "+"
		}
	}
	for _, it := range agg.Items {
		d.Children = append(d.Children, line(it.UnitCode, it.UnitName, it.AverageMet, it.Communes))
	}

	// Capital and outputs: the unit's own report, else what its children reported.
	d.ChildCount = len(mr.Items)
	for _, it := range mr.Items {
		if it.Reported != nil {
			d.ChildrenIn++
		}
	}
	var figures movement.ReportData
	switch {
	case mr.Reported != nil:
		figures, d.HasFigures = *mr.Reported, true
	case d.ChildrenIn > 0:
		figures, d.HasFigures, d.FromChildren = mr.ChildrenTotal, true, true
	}
	d.CapitalTotal = figures.CapitalTotal()
	capital, _, _ := reportFields(&figures)
	top := int64(1)
	for _, f := range capital {
		if *f.Int != nil {
			top = max(top, **f.Int)
		}
	}
	for _, f := range capital {
		l := capLine{Name: f.Name, Amount: *f.Int}
		if l.Amount != nil {
			l.W = float64(*l.Amount) * chartWidth / float64(top)
		}
		d.Capital = append(d.Capital, l)
	}
	_, d.People, d.Outputs = showFields(lang, &figures, nil)
	return d, nil
}

// ---- progress.xlsx ------------------------------------------------------------------

// progressWorkbook is the progress report with the movement's sheets: commune titles,
// average criteria and bands, capital by source, outputs (Vietnamese, like the rest of
// the province's paperwork; exact integers of VND).
func (s *Server) progressWorkbook(ctx context.Context, rep campaign.Report) ([]export.Table, error) {
	agg, mr, err := s.movementFigures(ctx, rep)
	if err != nil {
		return nil, err
	}
	t := func(id string, kv ...any) string { return s.exportT(id, kv...) }
	title := func(what string) string {
		return t("mv.x.title", "What", what, "Campaign", rep.Campaign.Name, "Year", rep.Year, "Unit", rep.Unit.Name,
			"At", i18n.DateTime("vi", time.Now()))
	}
	units := append([]movement.Aggregate{agg}, agg.Items...)
	targetCells := func(code, typ string) (any, any, string) {
		r, ok := progressRow(rep, code, typ)
		if !ok {
			return nil, nil, ""
		}
		var minV, maxV any
		if m, ok := targetMin(r); ok {
			minV = m
		}
		if r.TargetMax != nil {
			maxV = *r.TargetMax
		}
		state := ""
		if st := stateOf(r); st != "" {
			state = t("state." + st)
		}
		return minV, maxV, state
	}

	titles := export.Table{Title: title(t("mv.x.titles_sheet")), Sheet: t("mv.x.titles_sheet"),
		Headers: []string{t("export.unit_code"), t("export.unit_name"), t("export.type"), t("mv.x.held"), t("mv.x.new"),
			t("export.target_min"), t("export.target_max"), t("export.state")}}
	for _, a := range units {
		counts := map[criteria.Type][2]int{
			criteria.NTMCommune:         {a.NTMCommunes, a.NTMCommunesNew},
			criteria.AdvancedNTMCommune: {a.AdvancedNTMCommunes, a.AdvancedNTMCommunesNew},
			criteria.ModelNTMCommune:    {a.ModelNTMCommunes, 0},
		}
		for _, typ := range criteria.CommuneTitles {
			minV, maxV, state := targetCells(a.UnitCode, string(typ))
			var fresh any = counts[typ][1]
			if typ == criteria.ModelNTMCommune {
				fresh = nil // not counted by the aggregate
				if r, ok := progressRow(rep, a.UnitCode, string(typ)); ok {
					fresh = r.Recognized
				}
			}
			titles.Rows = append(titles.Rows, []any{a.UnitCode, a.UnitName, t("type." + string(typ)), counts[typ][0], fresh, minV, maxV, state})
		}
	}

	avg := export.Table{Title: title(t("mv.x.average_sheet")), Sheet: t("mv.x.average_sheet"),
		Headers: []string{t("export.unit_code"), t("export.unit_name"), t("mv.agg.communes"), t("mv.state.reported"), t("mv.state.confirmed"),
			t("mv.agg.average"), t("export.target_min"), t("export.state")}}
	for _, k := range movement.BandKeys {
		avg.Headers = append(avg.Headers, t("mv.x.band", "Band", bandLabelVI(s, k)))
	}
	for _, a := range units {
		minV, _, state := targetCells(a.UnitCode, metricAverage)
		row := []any{a.UnitCode, a.UnitName, a.Communes, a.Reported, a.Confirmed, a.AverageMet, minV, state}
		for _, k := range movement.BandKeys {
			row = append(row, a.Bands[k])
		}
		avg.Rows = append(avg.Rows, row)
	}

	// One row per unit: the unit's own report, the sum of its children's, each child's.
	type reportLine struct {
		code, name string
		data       *movement.ReportData
	}
	lines := []reportLine{{rep.Unit.Code, rep.Unit.Name, mr.Reported}}
	if len(mr.Items) > 0 {
		total := mr.ChildrenTotal
		lines = append(lines, reportLine{"", t("mv.report.children_sum"), &total})
	}
	for _, it := range mr.Items {
		lines = append(lines, reportLine{it.UnitCode, it.UnitName, it.Reported})
	}
	capital := export.Table{Title: title(t("mv.x.capital_sheet")), Sheet: t("mv.x.capital_sheet"),
		Headers: []string{t("export.unit_code"), t("export.unit_name")}}
	outputs := export.Table{Title: title(t("mv.x.outputs_sheet")), Sheet: t("mv.x.outputs_sheet"),
		Headers: []string{t("export.unit_code"), t("export.unit_name")}}
	var blank movement.ReportData
	cf, pf, of := reportFields(&blank)
	for _, f := range cf {
		capital.Headers = append(capital.Headers, t("mv.f."+f.Name))
	}
	capital.Headers = append(capital.Headers, t("mv.report.total"))
	for _, f := range append(pf, of...) {
		outputs.Headers = append(outputs.Headers, t("mv.f."+f.Name))
	}
	for _, l := range lines {
		crow := []any{l.code, l.name}
		orow := []any{l.code, l.name}
		var d movement.ReportData
		if l.data != nil {
			d = *l.data
		}
		cf, pf, of := reportFields(&d)
		for _, f := range cf {
			crow = append(crow, cellOf(f))
		}
		if l.data != nil {
			crow = append(crow, d.CapitalTotal())
		} else {
			crow = append(crow, nil)
		}
		for _, f := range append(pf, of...) {
			orow = append(orow, cellOf(f))
		}
		capital.Rows = append(capital.Rows, crow)
		outputs.Rows = append(outputs.Rows, orow)
	}
	return []export.Table{s.progressTable(rep), titles, avg, capital, outputs}, nil
}

// cellOf is a report figure as a spreadsheet cell: the number, or empty when not reported.
func cellOf(f reportField) any {
	switch {
	case f.Int != nil && *f.Int != nil:
		return **f.Int
	case f.Float != nil && *f.Float != nil:
		return **f.Float
	}
	return nil
}

// bandLabelVI names a band in Vietnamese, for the spreadsheet's headers.
func bandLabelVI(s *Server, key string) string {
	if id := "mv.band." + key; s.pages.catalog.Has("vi", id) {
		return s.exportT(id)
	}
	return s.exportT("mv.band.any", "Range", key)
}

// yearLabel is a year of the selector, marked when it is the baseline.
func (p *Page) YearLabel(o yearOption) string {
	if o.Baseline {
		return p.T("mv.dash.baseline_year", "Year", strconv.Itoa(o.Year))
	}
	return strconv.Itoa(o.Year)
}

// ---- targets of the commune titles and the average ----------------------------------

// targetType is a column of the targets form: a recognition type or the average metric.
type targetType struct {
	Key     string
	HasMax  bool // a range of counts; the average has a minimum only
	Decimal bool // the average may be fractional (14,5)
}

// targetTypes are the targets form's columns, the campaign's metrics: every recognition
// type, then the average (a minimum only, which may be fractional).
func targetTypes() []targetType {
	out := make([]targetType, 0, len(campaign.Metrics))
	for _, m := range campaign.Metrics {
		avg := m == metricAverage
		out = append(out, targetType{Key: m, HasMax: !avg, Decimal: avg})
	}
	return out
}

// TypeLabel names a target's type: a recognition type or the average metric.
func (p *Page) TypeLabel(key string) string {
	if key == metricAverage {
		return p.T("mv.metric.average_criteria")
	}
	return p.T("type." + key)
}

// readTargetNumber reads a typed target: Vietnamese ("14,5", "1.500") or plain; a count
// must be whole.
func readTargetNumber(raw string, decimal bool) (float64, bool) {
	v, err := i18n.ParseNumber(raw)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || !decimal && v != math.Trunc(v) {
		return 0, false
	}
	return v, true
}

// inputNumber writes a number into an input so that ParseNumber reads it back: grouped
// with a decimal comma in Vietnamese, plain in English (where a comma groups thousands).
// Every digit is kept (i18n.Number rounds to two decimals; a road may be 4,255 km).
func inputNumber(lang string, v float64) string {
	return groupPlain(lang, strconv.FormatFloat(v, 'f', -1, 64))
}

// inputInt is inputNumber for a whole amount, exact however large.
func inputInt(lang string, v int64) string { return groupPlain(lang, strconv.FormatInt(v, 10)) }

// groupPlain groups the digits of a plain number ("-1234.5") in Vietnamese ("-1.234,5").
func groupPlain(lang, plain string) string {
	if lang != "vi" {
		return plain
	}
	whole, frac, _ := strings.Cut(plain, ".")
	sign := ""
	if strings.HasPrefix(whole, "-") {
		sign, whole = "-", whole[1:]
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		return sign + b.String() + "," + frac
	}
	return sign + b.String()
}

func targetCellOf(lang string, t campaign.Target) targetCell {
	cell := targetCell{Min: inputNumber(lang, float64(t.Min))}
	if t.Max != nil {
		cell.Max = inputNumber(lang, float64(*t.Max))
	}
	return cell
}

func setTargetMin(t *campaign.Target, v float64) { t.Min = v }

func setTargetMax(t *campaign.Target, v float64) { t.Max = &v }
