package server

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/textfold"
	"github.com/ntmflow/ntmflow/internal/units"
)

type campaignsData struct {
	Campaigns []campaign.Campaign
	CanCreate bool
}

func (s *Server) campaignsPage(c echo.Context) error {
	p := principal(c)
	list, err := s.campaigns.List(c.Request().Context(), p)
	if err != nil {
		return err
	}
	d := campaignsData{Campaigns: list, CanCreate: !s.authz.Scopes(p, "campaign", "manage").Empty()}
	return s.render(c, http.StatusOK, "campaigns", s.page(c, "campaigns", "campaigns.title", d))
}

// bar is one horizontal bar of the dashboard chart, in a 0..300 wide SVG.
type bar struct {
	campaign.Row
	RecW, PipeW float64
	MinX, MaxX  float64
	HasMin      bool
	HasMax      bool
	State       string
	// Label is the message id of State as the page says it: on track or behind while the
	// year runs, reached or not reached once it has ended (closeYear).
	Label string
	// SumMin is the sum of the children's minimum targets, for a total without a target
	// of its own: the card and the table's total row both show it (SumOfChildren).
	SumMin        int
	SumOfChildren bool
}

type dashRow struct {
	Unit  units.Unit
	Bars  []bar
	Drill bool // the unit has children in the year's tree (a district): its own dashboard
	// Former: not in the year's tree; records of the year were made in it before it
	// ended (a district of 2025 with recognitions decided before 1 July).
	Former bool
	// Overdue counts the unit's dossiers past the due date of their stage today
	// (nomination.OverdueUnder), whatever the year shown: like the pipeline, a present state.
	Overdue int
}

// dashFilter narrows the rows of the chart and the table (GET q and state); the summary
// and the totals stay those of every row.
type dashFilter struct {
	Q      string // part of the name (or the code), compared without diacritics or case
	State  string // a row shows when one of its bars has this state; "" for any
	Active bool
	Shown  int // rows shown
	Total  int // rows in all
}

// dashStates are the states a row filter may ask for, in the order offered: a bar's
// state, or "none" for a bar without a target. A closed year has no "on track"
// (closedStates): a target was reached or not.
var (
	dashStates   = []string{campaign.Met, campaign.OnTrack, campaign.Behind, "none"}
	closedStates = []string{campaign.Met, campaign.Behind, "none"}
)

// maxFilterQ bounds the name filter (runes); the input says so too.
const maxFilterQ = 100

// readDashFilter reads the row filter of the dashboard. A page does not refuse a filter:
// an unknown state is ignored and a longer text is cut to maxFilterQ.
func readDashFilter(c echo.Context, states []string) dashFilter {
	q := strings.Join(strings.Fields(c.QueryParam("q")), " ")
	if r := []rune(q); len(r) > maxFilterQ {
		q = strings.TrimSpace(string(r[:maxFilterQ]))
	}
	f := dashFilter{Q: q}
	if st := c.QueryParam("state"); slices.Contains(states, st) {
		f.State = st
	}
	f.Active = f.Q != "" || f.State != ""
	return f
}

// keep filters rows by f and counts them.
func (f *dashFilter) keep(rows []dashRow) []dashRow {
	f.Total = len(rows)
	if !f.Active {
		f.Shown = f.Total
		return rows
	}
	q := textfold.Fold(f.Q)
	var out []dashRow
	for _, row := range rows {
		if q != "" && !strings.Contains(textfold.Fold(row.Unit.Name), q) && !strings.HasPrefix(row.Unit.Code, q) {
			continue
		}
		if f.State != "" && !slices.ContainsFunc(row.Bars, func(b bar) bool { return b.State == f.State }) {
			continue
		}
		out = append(out, row)
	}
	f.Shown = len(out)
	return out
}

type stateCount struct {
	Type                   string
	Met, OnTrack, Behind   int
	Recognized, InPipeline int
	// TargetMin is the unit's own minimum target when it has one (OwnTarget), else the
	// sum of its children's: the same figure as the table's total row.
	TargetMin int
	OwnTarget bool
	Targets   bool
}

type dashboardData struct {
	Campaign  campaign.Campaign
	Year      int
	Unit      units.Unit
	Parent    string // unit code one level up, for the way back from a drill-down
	Totals    []bar
	Rows      []dashRow
	Summary   []stateCount
	CanManage bool
	ChildWord string
	Filter    dashFilter
	States    []string      // the states the row filter offers
	Years     []yearOption  // the baseline year, then the campaign's
	Baseline  bool          // the year shown is the baseline: results only, no targets
	Movement  *dashMovement // commune titles, average criteria, capital, outputs
	// Overdue is the campaign's dossiers under the unit past their stage's due date today;
	// ShowOverdue is false when the caller may not read every dossier of the unit.
	Overdue     int
	ShowOverdue bool
	// Closed: the year has ended (before this calendar year). Its targets were reached or
	// not; "on track" (counting dossiers still in progress) no longer means anything.
	Closed bool
}

// barTypes are the types drawn as bars against targets: the gardens and residential areas
// a district recognises. The commune titles and the average have their own sections.
var barTypes = []string{string(criteria.ModelGarden), string(criteria.ModelResidentialArea)}

const chartWidth = 300.0

// dashboard builds the chart geometry from the report; the template only draws it.
func (s *Server) dashboardPage(c echo.Context) error {
	rep, err := s.progressReport(c)
	if err != nil {
		return err
	}
	if c.QueryParam("year") == "" && !reportHasData(rep) {
		if rep, err = s.latestYearWithData(c, rep); err != nil {
			return err
		}
	}
	closed := !rep.Baseline && yearClosed(rep.Year, time.Now())
	states := dashStates
	if closed {
		states = closedStates
	}
	d := dashboardData{Campaign: rep.Campaign, Year: rep.Year, Unit: rep.Unit, CanManage: s.campaigns.CanManage(principal(c), rep.Campaign),
		Years: campaignYears(rep.Campaign), Baseline: rep.Baseline, Filter: readDashFilter(c, states), States: states, Closed: closed}
	if rep.Unit.Level != units.Province {
		d.Parent = rep.Unit.Parent()
	}
	d.ChildWord = childWord(rep)
	// One scale for the whole chart: the largest count or target.
	scale := 1
	for _, r := range rep.Items {
		if !slices.Contains(barTypes, r.Type) {
			continue
		}
		scale = max(scale, r.Recognized+r.InPipeline)
		if r.TargetMax != nil {
			scale = max(scale, int(math.Ceil(*r.TargetMax)))
		} else if r.TargetMin != nil {
			scale = max(scale, int(math.Ceil(*r.TargetMin)))
		}
	}
	// The unit's own rows come first, then each child's, in the report's order. A child
	// of the year's tree with children of its own (a district) opens its own dashboard.
	at := make(map[string]int, len(rep.Children))
	for _, ch := range rep.Children {
		at[ch.Code] = len(d.Rows)
		d.Rows = append(d.Rows, dashRow{Unit: ch.Unit, Former: ch.Former, Drill: !ch.Former && ch.Level == units.District})
	}
	for _, r := range rep.Items {
		if !slices.Contains(barTypes, r.Type) {
			continue
		}
		b := makeBar(r, scale)
		b.closeYear(closed)
		if r.UnitCode == rep.Unit.Code {
			d.Totals = append(d.Totals, b)
		} else if i, ok := at[r.UnitCode]; ok {
			d.Rows[i].Bars = append(d.Rows[i].Bars, b)
		}
	}
	for ti, typ := range barTypes {
		if ti >= len(d.Totals) {
			break
		}
		sc := stateCount{Type: typ, Recognized: d.Totals[ti].Recognized, InPipeline: d.Totals[ti].InPipeline}
		sum, sumOf := 0, false
		for _, row := range d.Rows {
			b := row.Bars[ti]
			switch b.State {
			case campaign.Met:
				sc.Met++
			case campaign.OnTrack:
				sc.OnTrack++
			case campaign.Behind:
				sc.Behind++
			}
			if b.TargetMin != nil {
				sum += int(*b.TargetMin)
				sumOf = true
			}
		}
		// The card and the table's total row say the same: the unit's own target, else
		// the sum of its children's.
		if t := &d.Totals[ti]; t.HasMin {
			sc.TargetMin, sc.OwnTarget, sc.Targets = int(*t.TargetMin), true, true
		} else if sumOf {
			sc.TargetMin, sc.Targets = sum, true
			t.SumMin, t.SumOfChildren = sum, true
		}
		d.Summary = append(d.Summary, sc)
	}
	ov, err := s.nominations.OverdueUnder(c.Request().Context(), principal(c), rep.Unit, rep.Campaign.ID)
	switch {
	case err == nil:
		d.Overdue, d.ShowOverdue = ov.Total, true
		for _, item := range ov.Items {
			if i, ok := at[item.UnitCode]; ok {
				d.Rows[i].Overdue = item.Overdue
			}
		}
	case !errors.Is(err, apperr.ErrNotFound):
		return err
	}
	// The summary above counts every row; the filter narrows what is listed below it.
	d.Rows = d.Filter.keep(d.Rows)
	if d.Movement, err = s.dashboardMovement(c.Request().Context(), lang(c), rep); err != nil {
		return err
	}
	pg := s.page(c, "campaigns", "dashboard.title", d)
	pg.Back = d.url()
	return s.render(c, http.StatusOK, "dashboard", pg)
}

// url is the dashboard as shown: its year, unit and row filter (as applied: the name cut
// to maxFilterQ), where the language switch comes back to.
func (d dashboardData) url() string {
	q := url.Values{}
	q.Set("year", strconv.Itoa(d.Year))
	q.Set("unit", d.Unit.Code)
	if d.Filter.Q != "" {
		q.Set("q", d.Filter.Q)
	}
	if d.Filter.State != "" {
		q.Set("state", d.Filter.State)
	}
	return fmt.Sprintf("/campaigns/%d?%s", d.Campaign.ID, q.Encode())
}

// ChildrenWord names the child units in a sentence ("the districts' targets"): the
// message id matching ChildWord.
func (d dashboardData) ChildrenWord() string {
	if d.ChildWord == "dashboard.districts" {
		return "ux.dash.children_districts"
	}
	return "ux.dash.children_communes"
}

// childWord names the report's child rows by their level in the year's tree: the
// districts of a province before the 2025 reform, its communes (xã, phường) after it, the
// communes of a district.
func childWord(rep campaign.Report) string {
	level := units.Commune
	if rep.Unit.Level == units.Province {
		level = units.District
	}
	if len(rep.Children) > 0 { // the year's tree first, then former units
		level = rep.Children[0].Level
	}
	if level == units.District {
		return "dashboard.districts"
	}
	return "dashboard.communes"
}

// reportHasData reports whether a report has anything to show: a recognition, a dossier
// in progress or a target, for the unit or any child.
func reportHasData(rep campaign.Report) bool {
	for _, r := range rep.Items {
		if r.Recognized > 0 || r.InPipeline > 0 || r.TargetMin != nil {
			return true
		}
	}
	return false
}

// latestYearWithData is the report the dashboard opens on when no year is asked for and
// the campaign's current year (rep) is empty: the latest earlier year of the campaign
// with data, else rep. At most one report per year of the campaign (a handful).
func (s *Server) latestYearWithData(c echo.Context, rep campaign.Report) (campaign.Report, error) {
	for y := rep.Year - 1; y >= rep.Campaign.StartsOn.Year(); y-- {
		r, err := s.campaigns.Progress(c.Request().Context(), principal(c), rep.Campaign.ID, y, c.QueryParam("unit"))
		if errors.Is(err, apperr.ErrNotFound) {
			continue // the unit did not stand in that year
		}
		if err != nil {
			return rep, err
		}
		if reportHasData(r) {
			return r, nil
		}
	}
	return rep, nil
}

// yearClosed reports whether a campaign year has ended by now.
func yearClosed(year int, now time.Time) bool { return year < now.Year() }

// closeYear says a bar's state as the page shows it. While the year runs: met, on track
// (counting the dossiers in progress) or behind. Once it has ended, the target was
// reached (met) or not: on track and behind both become behind, "not reached".
func (b *bar) closeYear(closed bool) {
	b.State, b.Label = stateAsShown(b.State, closed)
}

// stateAsShown is a target state and its message id as a page shows them in an open or
// a closed year (closeYear); "" and "none" mean no target and stay as they are.
func stateAsShown(state string, closed bool) (shown, label string) {
	switch {
	case state == "" || state == "none":
		return state, ""
	case !closed:
		return state, "state." + state
	case state == campaign.Met:
		return state, "ux.state.reached"
	}
	return campaign.Behind, "ux.state.not_reached"
}

func makeBar(r campaign.Row, scale int) bar {
	k := chartWidth / float64(scale)
	b := bar{Row: r, RecW: float64(r.Recognized) * k, PipeW: float64(r.InPipeline) * k, State: "none"}
	if r.TargetMin != nil {
		b.HasMin, b.MinX = true, float64(*r.TargetMin)*k
	}
	if r.TargetMax != nil {
		b.HasMax, b.MaxX = true, float64(*r.TargetMax)*k
	}
	if r.State != nil {
		b.State = *r.State
	}
	return b
}

// ---- campaign form -------------------------------------------------------------------

type campaignForm struct {
	ID        int64
	Input     campaign.Input
	Provinces []units.Unit
	Errors    map[string]string
}

func (s *Server) managedProvinces(c echo.Context) ([]units.Unit, error) {
	var codes []string
	for _, root := range s.authz.Scopes(principal(c), "campaign", "manage") {
		codes = append(codes, units.SplitPath(root)[0])
	}
	if len(codes) == 0 {
		return nil, apperr.ErrForbidden
	}
	m, err := s.units.GetMany(c.Request().Context(), codes)
	if err != nil {
		return nil, err
	}
	var out []units.Unit
	for _, code := range codes {
		out = append(out, m[code])
	}
	return out, nil
}

func (s *Server) newCampaignPage(c echo.Context) error {
	provinces, err := s.managedProvinces(c)
	if err != nil {
		return err
	}
	y := time.Now().Year()
	f := campaignForm{Provinces: provinces, Errors: map[string]string{}, Input: campaign.Input{ProvinceCode: provinces[0].Code,
		StartsOn: fmt.Sprintf("%d-01-01", y), EndsOn: fmt.Sprintf("%d-12-31", y)}}
	return s.render(c, http.StatusOK, "campaign_form", s.page(c, "campaigns", "campaigns.new", f))
}

func campaignInput(c echo.Context) campaign.Input {
	return campaign.Input{Name: c.FormValue("name"), Description: c.FormValue("description"), ProvinceCode: c.FormValue("province_code"),
		StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on")}
}

func (s *Server) createCampaignSubmit(c echo.Context) error {
	provinces, err := s.managedProvinces(c)
	if err != nil {
		return err
	}
	f := campaignForm{Provinces: provinces, Errors: map[string]string{}, Input: campaignInput(c)}
	v, err := s.campaigns.Create(c.Request().Context(), principal(c), f.Input)
	if err == nil {
		setFlash(c, "ok", "flash.campaign_saved")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/campaigns/%d/targets", v.ID))
	}
	o := formOutcome(err)
	if o.Fields == nil {
		return err
	}
	maps.Copy(f.Errors, o.Fields)
	return s.render(c, http.StatusUnprocessableEntity, "campaign_form", s.page(c, "campaigns", "campaigns.new", f))
}

func (s *Server) editCampaignPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cp, err := s.campaigns.Load(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	if !s.campaigns.CanManage(principal(c), cp) {
		return apperr.ErrForbidden
	}
	f := campaignForm{ID: id, Errors: map[string]string{}, Input: campaign.Input{Name: cp.Name, Description: cp.Description,
		ProvinceCode: cp.ProvinceCode, StartsOn: cp.StartsOn.Format(time.DateOnly), EndsOn: cp.EndsOn.Format(time.DateOnly)}}
	return s.render(c, http.StatusOK, "campaign_form", s.page(c, "campaigns", "campaigns.edit", f))
}

func (s *Server) editCampaignSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := campaignForm{ID: id, Errors: map[string]string{}, Input: campaignInput(c)}
	_, err = s.campaigns.Update(c.Request().Context(), principal(c), id, f.Input)
	if err == nil {
		setFlash(c, "ok", "flash.campaign_saved")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/campaigns/%d", id))
	}
	o := formOutcome(err)
	if o.Fields == nil {
		return err
	}
	maps.Copy(f.Errors, o.Fields)
	return s.render(c, http.StatusUnprocessableEntity, "campaign_form", s.page(c, "campaigns", "campaigns.edit", f))
}

// ---- targets table -----------------------------------------------------------------

type targetCell struct {
	Min, Max string
}

type targetRowForm struct {
	Unit     units.Unit
	Cells    map[string]targetCell // by type
	Province bool                  // the province's own targets (titles, the average)
	// FirstDistrict: the row before which the form offers "the same for every district"
	// (or commune, in the two-tier tree).
	FirstDistrict bool
	// Outside: not one of the province's children in the year's tree, but it holds
	// targets of the year (a district that ended on 30 June 2025): kept, and left out of
	// "the same for every …".
	Outside bool
}

type targetsForm struct {
	Campaign campaign.Campaign
	Year     int
	Rows     []targetRowForm
	Types    []targetType
	Errors   map[string]string
	// Communes: the province's children in the year's tree are communes (since the 2025
	// reform), so the texts speak of xã/phường, not huyện.
	Communes bool
}

// Lead, Hint and SameForAll are the message ids of the form's texts for the year's tree.
func (f *targetsForm) Lead() string { return f.word("targets.lead") }

func (f *targetsForm) Hint() string { return f.word("targets.hint") }

func (f *targetsForm) SameForAll() string { return f.word("targets.same_for_all") }

func (f *targetsForm) word(id string) string {
	if f.Communes {
		return id + "_communes"
	}
	return id
}

// targetError is one invalid cell of the targets table, listed above it and linked to
// the cell: which unit, type and bound, and why (a message id).
type targetError struct {
	Field string // the input's name and id, "min.183.model_garden"
	Unit  string
	Type  string
	Max   bool
	Key   string
}

// ErrorList lists the invalid cells in the table's order.
func (f *targetsForm) ErrorList() []targetError {
	var out []targetError
	for _, row := range f.Rows {
		for _, tt := range f.Types {
			for _, part := range []string{"min", "max"} {
				field := part + "." + row.Unit.Code + "." + tt.Key
				if key, ok := f.Errors[field]; ok {
					out = append(out, targetError{Field: field, Unit: row.Unit.Name, Type: tt.Key, Max: part == "max", Key: key})
				}
			}
		}
	}
	return out
}

// CellError is the message id of a cell's error, or "".
func (f *targetsForm) CellError(field string) string { return f.Errors[field] }

// notANumber is the message of a cell that does not read as a number.
func notANumber(decimal bool) string {
	if decimal {
		return "ux.targets.err_number"
	}
	return "ux.targets.err_whole"
}

// targetMessage turns the domain's message about a target bound (campaign.checkBounds)
// into the message id shown beside the cell.
func targetMessage(msg string) string {
	switch {
	case strings.HasPrefix(msg, "must be at least min"):
		return "ux.targets.err_max_below_min"
	case strings.HasPrefix(msg, "must be a whole count"):
		return "ux.targets.err_count"
	case strings.HasPrefix(msg, "must be an average"):
		return "ux.targets.err_average"
	}
	return "ux.targets.err_invalid"
}

// targetsPage shows one year's targets as a table: the province's districts × types,
// min and max, with a row to apply the same figures to every district.
func (s *Server) targetsPage(c echo.Context) error {
	f, err := s.loadTargetsForm(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "targets", s.page(c, "campaigns", "targets.title", f))
}

func (s *Server) loadTargetsForm(c echo.Context) (*targetsForm, error) {
	ctx := c.Request().Context()
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	cp, err := s.campaigns.Load(ctx, principal(c), id)
	if err != nil {
		return nil, err
	}
	if !s.campaigns.CanManage(principal(c), cp) {
		return nil, apperr.ErrForbidden
	}
	year := cp.DefaultYear(time.Now())
	if y, err := strconv.Atoi(c.QueryParam("year")); err == nil && y >= cp.StartsOn.Year() && y <= cp.EndsOn.Year() {
		year = y
	}
	// The tree of the year: the districts of 2022–2025, the communes under the province
	// from the 2025 reform on.
	province, err := s.units.GetInYear(ctx, cp.ProvinceCode, year)
	if err != nil {
		return nil, err
	}
	children, err := s.units.ChildrenInYear(ctx, cp.ProvinceCode, year)
	if err != nil {
		return nil, err
	}
	targets, err := s.campaigns.Targets(ctx, cp, year)
	if err != nil {
		return nil, err
	}
	f := &targetsForm{Campaign: cp, Year: year, Errors: map[string]string{}, Types: targetTypes(),
		Communes: len(children) > 0 && children[0].Level == units.Commune}
	// The province's own row first (the source document's +10 NTM communes, average ≥
	// 14.5), then its districts' (or communes'), then the units outside the year's tree
	// that hold targets of the year, so saving the year keeps them.
	rows := []targetRowForm{{Unit: province, Province: true}}
	listed := map[string]bool{province.Code: true}
	for i, d := range children {
		rows = append(rows, targetRowForm{Unit: d, FirstDistrict: i == 0})
		listed[d.Code] = true
	}
	var others []string
	for _, t := range targets {
		if !listed[t.UnitCode] {
			listed[t.UnitCode] = true
			others = append(others, t.UnitCode)
		}
	}
	if len(others) > 0 {
		found, err := s.units.LastStoodInYear(ctx, others, year)
		if err != nil {
			return nil, err
		}
		for _, code := range others { // Targets are ordered by unit code
			u, ok := found[code]
			if !ok {
				u = units.Unit{Code: code, Name: code}
			}
			rows = append(rows, targetRowForm{Unit: u, Outside: true})
		}
	}
	l := lang(c)
	for _, row := range rows {
		row.Cells = map[string]targetCell{}
		for _, t := range targets {
			if t.UnitCode == row.Unit.Code {
				row.Cells[t.Type] = targetCellOf(l, t)
			}
		}
		f.Rows = append(f.Rows, row)
	}
	return f, nil
}

func (s *Server) targetsSubmit(c echo.Context) error {
	f, err := s.loadTargetsForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// Keep the other years as they are: the form edits one year.
	all, err := s.campaigns.Targets(ctx, f.Campaign, 0)
	if err != nil {
		return err
	}
	var items []campaign.Target
	for _, t := range all {
		if t.Year != f.Year {
			items = append(items, t)
		}
	}
	// cellOf names the form field of each item the form sends, to put the domain's
	// messages ("items[3].max") beside the cells they are about.
	cellOf := map[string]string{}
	for ri := range f.Rows {
		row := &f.Rows[ri]
		for _, tt := range f.Types {
			typ := tt.Key
			cell := targetCell{Min: strings.TrimSpace(c.FormValue("min." + row.Unit.Code + "." + typ)),
				Max: strings.TrimSpace(c.FormValue("max." + row.Unit.Code + "." + typ))}
			// "The same for every district": a filled shortcut cell wins over a district's row.
			if all := strings.TrimSpace(c.FormValue("min.all." + typ)); all != "" && !row.Province && !row.Outside {
				cell.Min, cell.Max = all, strings.TrimSpace(c.FormValue("max.all."+typ))
			}
			if !tt.HasMax {
				cell.Max = ""
			}
			row.Cells[typ] = cell
			if cell.Min == "" && cell.Max == "" {
				continue
			}
			// Reading a number is the form's part ("14,5" as typed in Vietnamese); which
			// targets are allowed is the domain's.
			suffix := row.Unit.Code + "." + typ
			minV, ok := readTargetNumber(cell.Min, tt.Decimal)
			if !ok {
				f.Errors["min."+suffix] = notANumber(tt.Decimal)
				continue
			}
			t := campaign.Target{Year: f.Year, UnitCode: row.Unit.Code, Type: typ}
			setTargetMin(&t, minV)
			if cell.Max != "" {
				maxV, ok := readTargetNumber(cell.Max, false)
				if !ok {
					f.Errors["max."+suffix] = notANumber(false)
					continue
				}
				setTargetMax(&t, maxV)
			}
			cellOf[fmt.Sprintf("items[%d]", len(items))] = suffix
			items = append(items, t)
		}
	}
	if len(f.Errors) == 0 {
		_, err = s.campaigns.SetTargets(ctx, principal(c), f.Campaign.ID, items)
		if err == nil {
			setFlash(c, "ok", "flash.targets_saved")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/campaigns/%d?year=%d", f.Campaign.ID, f.Year))
		}
		o := formOutcome(err)
		if o.Fields == nil {
			return err
		}
		for field, msg := range o.Fields {
			item, part, _ := strings.Cut(field, ".")
			if suffix, ok := cellOf[item]; ok && (part == "min" || part == "max") {
				f.Errors[part+"."+suffix] = targetMessage(msg)
			} else {
				f.Errors["form"] = msg
			}
		}
	}
	pg := s.page(c, "campaigns", "targets.title", f)
	pg.Flash = &Flash{Kind: "error", Key: "flash.fix_fields"}
	return s.render(c, http.StatusUnprocessableEntity, "targets", pg)
}
