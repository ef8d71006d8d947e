// The movement's yearly pages (SPEC §11): a commune ticks its NTM criteria, a district
// sees its communes' grid and confirms them, each unit files its yearly movement report.

package server

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/internal/movement"
	"github.com/ntmflow/ntmflow/internal/units"
)

const (
	critStatus, mvReport            = authz.ObjCriteriaStatus, authz.ObjMovementReport
	actReport, actConfirm, actWrite = authz.ActReport, authz.ActConfirm, authz.ActWrite
)

// movementPageRoutes are the pages of the movement's yearly figures. The domain decides
// per unit whether a save is a report (the commune's own officer) or a confirmation (a
// reviewer above it); the policy decides what each page offers.
func (s *Server) movementPageRoutes() []route {
	return []route{
		// The menu's links: each goes to the page of the caller's own unit.
		{Method: get, Path: "/criteria-status", Handler: s.ownCriteriaStatus, Access: can(critStatus, read)},
		{Method: get, Path: "/movement-report", Handler: s.ownMovementReport, Access: can(mvReport, read)},

		{Method: get, Path: "/units/:code/criteria-status", Handler: s.criteriaStatusPage, Access: sees(critStatus, read)},
		{Method: post, Path: "/units/:code/criteria-status/confirm", Handler: s.confirmManySubmit, Access: can(critStatus, actConfirm)},
		{Method: post, Path: "/units/:code/criteria-status/:year", Handler: s.saveStatusSubmit, Access: sees(critStatus, read)},
		{Method: post, Path: "/units/:code/criteria-status/:year/confirm", Handler: s.confirmStatusSubmit, Access: sees(critStatus, actConfirm)},
		{Method: get, Path: "/units/:code/movement-report", Handler: s.movementReportPage, Access: sees(mvReport, read)},
		{Method: post, Path: "/units/:code/movement-report", Handler: s.movementReportSubmit, Access: sees(mvReport, actWrite)},
	}
}

// ---- shared -------------------------------------------------------------------------

// ownUnit is the unit of the caller's first grant whose role may do act on obj there.
func (s *Server) ownUnit(p *authz.Principal, obj, act string) (string, bool) {
	for _, g := range p.Grants {
		if s.authz.GrantAllows(g, obj, act, g.UnitPath) {
			return g.UnitCode, true
		}
	}
	return "", false
}

func (s *Server) ownCriteriaStatus(c echo.Context) error {
	code, ok := s.ownUnit(principal(c), critStatus, read)
	if !ok {
		return apperr.ErrForbidden
	}
	return c.Redirect(http.StatusSeeOther, "/units/"+code+"/criteria-status")
}

func (s *Server) ownMovementReport(c echo.Context) error {
	code, ok := s.ownUnit(principal(c), mvReport, read)
	if !ok {
		return apperr.ErrForbidden
	}
	return c.Redirect(http.StatusSeeOther, "/units/"+code+"/movement-report")
}

// mvLink is a link of the home page to a movement page.
type mvLink struct {
	Href, Key, Unit string
}

// movementLinks are the home page's links to the movement pages of each unit where the
// caller's role may read them: its commune's criteria or the grid of its communes, and
// the unit's yearly report.
func (s *Server) movementLinks(p *authz.Principal, names map[string]units.Unit) []mvLink {
	var out []mvLink
	for _, g := range p.Grants {
		name := names[g.UnitCode].Name
		if s.authz.GrantAllows(g, critStatus, read, g.UnitPath) {
			key := "mv.nav.communes_criteria"
			if g.Level() == string(units.Commune) {
				key = "mv.nav.commune_criteria"
			}
			out = append(out, mvLink{Href: "/units/" + g.UnitCode + "/criteria-status", Key: key, Unit: name})
		}
		if s.authz.GrantAllows(g, mvReport, read, g.UnitPath) {
			out = append(out, mvLink{Href: "/units/" + g.UnitCode + "/movement-report", Key: "mv.nav.report", Unit: name})
		}
	}
	return out
}

// yearChoice is the reporting year of a movement page and the years it offers.
type yearChoice struct {
	Year  int
	Years []int // newest first
}

// movementYear reads ?year= (or the path's year) within the province's reporting window;
// the latest year of the window when it is missing or outside it.
func (s *Server) movementYear(ctx context.Context, unit units.Unit, raw string) (yearChoice, error) {
	from, to, err := s.movement.Years(ctx, units.SplitPath(unit.Path)[0])
	if err != nil {
		return yearChoice{}, err
	}
	yc := yearChoice{Year: to, Years: []int{to}} // an empty window (to < from) offers its end
	for y := to - 1; y >= from; y-- {
		yc.Years = append(yc.Years, y)
	}
	if y, err := strconv.Atoi(raw); err == nil && y >= from && y <= to {
		yc.Year = y
	}
	return yc, nil
}

// pathYear is the year in a form's path: a number the domain then checks.
func pathYear(c echo.Context) (int, error) {
	y, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		return 0, apperr.Invalid("year", "must be a year such as 2022")
	}
	return y, nil
}

// reads reports whether the policy lets p read obj of unit u: a page links to a unit's page
// only then, and a commune without a status is "not reported" only for such a caller.
func (s *Server) reads(p *authz.Principal, obj string, u units.Unit) bool {
	return s.authz.Can(p, obj, read, u.Path)
}

// unitAt is the unit named in the path as it stood in year (its name of that time; year 0:
// as it is now), else as it is now. Whether the caller may see it is the movement
// service's answer.
func (s *Server) unitAt(c echo.Context, year int) (units.Unit, error) {
	ctx, code := c.Request().Context(), c.Param("code")
	if year > 0 {
		u, err := s.units.GetInYear(ctx, code, year)
		if !errors.Is(err, apperr.ErrNotFound) {
			return u, err
		}
	}
	return s.units.Get(ctx, code)
}

// unitAndYear is the unit of a movement page with the year chosen (?year=) and offered.
func (s *Server) unitAndYear(c echo.Context) (units.Unit, yearChoice, error) {
	raw := c.QueryParam("year")
	asked, _ := strconv.Atoi(raw)
	unit, err := s.unitAt(c, asked)
	if err != nil {
		return units.Unit{}, yearChoice{}, err
	}
	yc, err := s.movementYear(c.Request().Context(), unit, raw)
	if err != nil || yc.Year == asked {
		return unit, yc, err
	}
	unit, err = s.unitAt(c, yc.Year)
	return unit, yc, err
}

// VNDShort writes a large amount the way reports speak of it ("2.974 tỷ đồng",
// "110 tỷ đồng"); the exact amount goes in a title attribute or the spreadsheet.
func (p *Page) VNDShort(v int64) string {
	lang := i18n.Normalize(p.Lang)
	abs := v
	if abs < 0 {
		abs = -abs
	}
	switch {
	case abs >= 1_000_000_000:
		return i18n.Number(lang, float64(v)/1e9) + " " + p.T("mv.unit.billion")
	case abs >= 1_000_000:
		return i18n.Number(lang, float64(v)/1e6) + " " + p.T("mv.unit.million")
	}
	return i18n.VND(lang, v)
}

// BandLabel names a band of met criteria ("15-18" → "15–18 tiêu chí").
func (p *Page) BandLabel(key string) string {
	if id := "mv.band." + key; p.catalog.Has(p.Lang, id) {
		return p.T(id)
	}
	return p.T("mv.band.any", "Range", strings.ReplaceAll(key, "-", "–"))
}

// MVError translates the error of a field of a movement form ("" when there is none).
func (p *Page) MVError(errs map[string]string, field string) string {
	msg, ok := errs[field]
	if !ok {
		return ""
	}
	if strings.HasPrefix(msg, "mv.") && p.catalog.Has(p.Lang, msg) {
		return p.T(msg) // the form's own reading of the value
	}
	// The field's own message, else its section's ("capital_vnd"), else a general one.
	field = indexPattern.ReplaceAllString(field, "")
	section, _, _ := strings.Cut(field, ".")
	for _, key := range []string{"mv.err." + field, "mv.err." + section} {
		if p.catalog.Has(p.Lang, key) {
			return p.T(key)
		}
	}
	return p.T("err.invalid")
}

// ---- a commune's criteria ------------------------------------------------------------

type tickItem struct {
	Code, Title string
	Met         bool
}

type tickGroup struct {
	Name  string
	Items []tickItem
}

type communeStatusData struct {
	yearChoice
	Unit       units.Unit
	UpCode     string // the district's grid, for who may read it
	Set        *criteria.Set
	Groups     []tickGroup
	MetCount   int
	Status     *movement.Status // as saved; nil when not reported for the year
	Note       string
	Version    int
	CanSave    bool
	Confirms   bool // a save by this caller confirms
	CanConfirm bool // reported, and this caller may confirm it as it stands
	NotXa      bool // a ward or town: the NTM criteria are not for it
	Errors     map[string]string
}

func (s *Server) criteriaStatusPage(c echo.Context) error {
	unit, yc, err := s.unitAndYear(c)
	if err != nil {
		return err
	}
	if unit.Level == units.Commune {
		d, err := s.loadCommuneStatus(c, unit, yc)
		if err != nil {
			return err
		}
		return s.renderCommuneStatus(c, http.StatusOK, d)
	}
	d, err := s.loadGrid(c, unit, yc)
	if err != nil {
		return err
	}
	return s.renderGrid(c, http.StatusOK, d)
}

// loadCommuneStatus reads the commune's status for the year (a 404 for a commune outside
// the caller's scope) and lays its criteria set out by group.
func (s *Server) loadCommuneStatus(c echo.Context, unit units.Unit, yc yearChoice) (*communeStatusData, error) {
	ctx := c.Request().Context()
	p := principal(c)
	d := &communeStatusData{yearChoice: yc, Unit: unit, Errors: map[string]string{}, NotXa: !unit.IsRuralCommune()}
	st, err := s.movement.GetStatus(ctx, p, unit.Code, yc.Year)
	switch {
	case err == nil:
		d.Status, d.Note, d.Version = &st, st.Note, st.Version
	case !errors.Is(err, apperr.ErrNotFound):
		return nil, err
	case !s.reads(p, critStatus, unit):
		return nil, err // outside the caller's scope
	}
	err = nil // not reported yet
	if d.Status != nil {
		d.Set, err = s.criteria.Get(ctx, d.Status.CriteriaSetID)
	} else if !d.NotXa {
		d.Set, err = s.criteria.Current(ctx, criteria.NTMCommune, units.SplitPath(unit.Path)[0])
		if errors.Is(err, apperr.ErrNotFound) {
			d.Set, err = nil, nil // no set published yet: the page says so
		}
	}
	if err != nil {
		return nil, err
	}
	d.CanSave = !d.NotXa && d.Set != nil && (s.authz.Can(p, critStatus, actReport, unit.Path) || s.authz.Can(p, critStatus, actConfirm, unit.Path))
	d.Confirms = s.authz.Can(p, critStatus, actConfirm, unit.Path)
	d.CanConfirm = d.Confirms && d.Status != nil && d.Status.Status == movement.Reported
	if up := unit.Parent(); up != "" {
		if pu, err := s.units.GetInYear(ctx, up, yc.Year); err == nil && s.reads(p, critStatus, pu) {
			d.UpCode = up
		}
	}
	var met []string
	if d.Status != nil {
		met = d.Status.Met
	}
	d.build(met)
	return d, nil
}

// build lays the set's criteria out by group, ticking those met.
func (d *communeStatusData) build(met []string) {
	d.Groups, d.MetCount = nil, 0
	if d.Set == nil {
		return
	}
	for _, cr := range d.Set.Criteria {
		if len(d.Groups) == 0 || d.Groups[len(d.Groups)-1].Name != cr.Group {
			d.Groups = append(d.Groups, tickGroup{Name: cr.Group})
		}
		it := tickItem{Code: cr.Code, Title: cr.Title, Met: slices.Contains(met, cr.Code)}
		if it.Met {
			d.MetCount++
		}
		g := &d.Groups[len(d.Groups)-1]
		g.Items = append(g.Items, it)
	}
}

func (s *Server) renderCommuneStatus(c echo.Context, status int, d *communeStatusData) error {
	return s.render(c, status, "criteria_status", s.page(c, "movement", "mv.status.title", d))
}

func statusURL(code string, year int) string {
	return fmt.Sprintf("/units/%s/criteria-status?year=%d", url.PathEscape(code), year)
}

// saveStatusSubmit saves the ticks: reported by the commune's officer, confirmed by a
// reviewer above it. The version the page was drawn from goes as If-Match, so a change
// made meanwhile by someone else is not overwritten.
func (s *Server) saveStatusSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	unit, err := s.unitAt(c, year)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version")) // none: a first report
	setID, _ := strconv.ParseInt(c.FormValue("criteria_set_id"), 10, 64)
	form, err := c.FormParams()
	if err != nil {
		return apperr.ErrBadRequest
	}
	in := movement.StatusInput{CriteriaSetID: setID, Met: form["met"], Note: c.FormValue("note")}
	if in.Met == nil {
		in.Met = []string{} // nothing ticked is a report too
	}
	_, _, err = s.movement.SaveStatus(ctx, principal(c), unit.Code, year, in, version)
	if err == nil {
		setFlash(c, "ok", "mv.flash.status_saved")
		return c.Redirect(http.StatusSeeOther, statusURL(unit.Code, year))
	}
	o := formOutcome(err)
	switch {
	case o.Reload || errors.Is(err, apperr.ErrPreconditionRequired):
		// Saved meanwhile by someone else (a version, or a first report racing this one).
		setFlash(c, "error", "mv.flash.stale")
		return c.Redirect(http.StatusSeeOther, statusURL(unit.Code, year))
	case o.Fields == nil:
		return err
	}
	d, lerr := s.loadCommuneStatus(c, unit, yearChoice{Year: year, Years: []int{year}})
	if lerr != nil {
		return lerr
	}
	if yc, yerr := s.movementYear(ctx, unit, strconv.Itoa(year)); yerr == nil {
		d.yearChoice = yc
	}
	maps.Copy(d.Errors, o.Fields)
	d.Note, d.Version = in.Note, version
	d.build(in.Met)
	return s.renderCommuneStatus(c, http.StatusUnprocessableEntity, d)
}

// confirmStatusSubmit confirms a reported status as it stands (the Confirm button).
func (s *Server) confirmStatusSubmit(c echo.Context) error {
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	unit, err := s.unitAt(c, year)
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return apperr.ErrBadRequest
	}
	_, err = s.movement.Confirm(c.Request().Context(), principal(c), unit.Code, year, version)
	if err == nil {
		setFlash(c, "ok", "mv.flash.confirmed")
		return c.Redirect(http.StatusSeeOther, statusURL(unit.Code, year))
	}
	switch o := formOutcome(err); {
	case o.Reload || errors.Is(err, apperr.ErrPreconditionRequired):
		setFlash(c, "error", "mv.flash.stale")
		return c.Redirect(http.StatusSeeOther, statusURL(unit.Code, year))
	case o.Status == http.StatusConflict:
		setFlash(c, "error", "mv.flash.not_confirmable")
		return c.Redirect(http.StatusSeeOther, statusURL(unit.Code, year))
	}
	return err
}

// ---- the grid of a district (or the districts of a province) ------------------------

type gridRow struct {
	Unit       units.Unit
	Cells      []bool // by the set's criteria, in order
	MetCount   int
	Status     string // reported, confirmed or "" (not reported)
	Version    int
	Selectable bool // reported: may be confirmed from the grid
	Selected   bool
	Failed     bool // named by the error of a bulk confirmation
}

// bandBar is one bar of the chart of how many criteria the communes meet.
type bandBar struct {
	Key   string
	N     int
	W     float64 // width in the 0..300 chart
	Share float64 // percent of the communes
}

type gridData struct {
	yearChoice
	Unit       units.Unit
	UpCode     string
	Agg        movement.Aggregate
	Bands      []bandBar
	Set        *criteria.Set
	Rows       []gridRow
	Items      []movement.Aggregate // a province's districts
	CanConfirm bool
	Reportable int // rows that may be confirmed
	Error      string
	ErrorUnit  string
}

// loadGrid reads the aggregate of a district or province for the year, and for a district
// the grid of its Xã (404 outside the caller's scope).
func (s *Server) loadGrid(c echo.Context, unit units.Unit, yc yearChoice) (*gridData, error) {
	ctx := c.Request().Context()
	p := principal(c)
	agg, err := s.movement.Aggregate(ctx, p, unit.Code, yc.Year)
	if err != nil {
		return nil, err
	}
	d := &gridData{yearChoice: yc, Unit: unit, Agg: agg, Bands: bandBars(agg)}
	if up := unit.Parent(); up != "" {
		if pu, err := s.units.GetInYear(ctx, up, yc.Year); err == nil && s.reads(p, critStatus, pu) {
			d.UpCode = up
		}
	}
	if unit.Level == units.Province {
		d.Items = agg.Items
		return d, nil
	}
	g, err := s.movement.Grid(ctx, p, unit.Code, yc.Year)
	if err != nil {
		return nil, err
	}
	d.Set, d.CanConfirm = g.Set, g.CanConfirm
	for _, r := range g.Rows {
		row := gridRow{Unit: r.Unit}
		met := []string{}
		if r.Status != nil {
			row.Status, row.Version, row.MetCount, met = r.Status.Status, r.Status.Version, r.Status.MetCount, r.Status.Met
			row.Selectable = d.CanConfirm && r.Status.Status == movement.Reported
		}
		if d.Set != nil {
			for _, cr := range d.Set.Criteria {
				row.Cells = append(row.Cells, slices.Contains(met, cr.Code))
			}
		}
		if row.Selectable {
			d.Reportable++
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

// bandBars lays the bands out as bars on one scale: the largest band.
func bandBars(a movement.Aggregate) []bandBar {
	top := 1
	for _, k := range movement.BandKeys {
		top = max(top, a.Bands[k])
	}
	out := make([]bandBar, 0, len(movement.BandKeys))
	for _, k := range movement.BandKeys {
		b := bandBar{Key: k, N: a.Bands[k], W: float64(a.Bands[k]) * chartWidth / float64(top)}
		if a.Communes > 0 {
			b.Share = float64(b.N) * 100 / float64(a.Communes)
		}
		out = append(out, b)
	}
	return out
}

func (s *Server) renderGrid(c echo.Context, status int, d *gridData) error {
	return s.render(c, status, "criteria_grid", s.page(c, "movement", "mv.grid.title", d))
}

// confirmManySubmit confirms the ticked rows of the grid in one transaction: all of them
// or, when one cannot be (changed meanwhile, not reported), none, naming that commune.
func (s *Server) confirmManySubmit(c echo.Context) error {
	ctx := c.Request().Context()
	year, err := strconv.Atoi(c.FormValue("year"))
	if err != nil {
		return apperr.ErrBadRequest
	}
	unit, err := s.unitAt(c, year)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return apperr.ErrBadRequest
	}
	// Each ticked row posts "code:version": the version the reviewer saw.
	var items []movement.Versioned
	for _, v := range form["item"] {
		code, ver, ok := strings.Cut(v, ":")
		n, err := strconv.Atoi(ver)
		if !ok || err != nil {
			return apperr.ErrBadRequest
		}
		items = append(items, movement.Versioned{UnitCode: code, Version: n})
	}
	back := statusURL(unit.Code, year)
	if len(items) == 0 {
		setFlash(c, "error", "mv.flash.none_selected")
		return c.Redirect(http.StatusSeeOther, back)
	}
	_, err = s.movement.ConfirmMany(ctx, principal(c), year, items)
	if err == nil {
		setFlash(c, "ok", "mv.flash.confirmed_many")
		return c.Redirect(http.StatusSeeOther, back)
	}
	o := formOutcome(err)
	failed := failedUnit(err, items)
	if o.Fields == nil && o.Flash == "" && failed == "" && !errors.Is(err, apperr.ErrPreconditionRequired) {
		return err // not the form's to answer: the error page
	}
	yc, yerr := s.movementYear(ctx, unit, strconv.Itoa(year))
	if yerr != nil {
		return yerr
	}
	d, lerr := s.loadGrid(c, unit, yc)
	if lerr != nil {
		return lerr
	}
	selected := map[string]bool{}
	for _, it := range items {
		selected[it.UnitCode] = true
	}
	for i := range d.Rows {
		r := &d.Rows[i]
		r.Selected = selected[r.Unit.Code] && r.Selectable
		if r.Unit.Code == failed {
			r.Failed, d.ErrorUnit = true, r.Unit.Name
		}
	}
	d.Error = "mv.grid.error"
	if d.ErrorUnit != "" {
		d.Error = "mv.grid.error_unit"
	}
	status := o.Status
	if status < 400 {
		status = http.StatusUnprocessableEntity
	}
	return s.renderGrid(c, status, d)
}

// failedUnit is the commune a failed bulk confirmation names. The movement service fails
// the whole batch with the first item's error, prefixed by that item's unit code.
func failedUnit(err error, items []movement.Versioned) string {
	msg := err.Error()
	for _, it := range items {
		if strings.HasPrefix(msg, it.UnitCode+": ") {
			return it.UnitCode
		}
	}
	return ""
}

// ---- the yearly movement report -----------------------------------------------------

// Field kinds of the report form.
const (
	kindMoney   = "money"   // whole VND
	kindCount   = "count"   // whole units
	kindDecimal = "decimal" // km
)

// reportField is one input of the report form, tied to its place in the report data.
type reportField struct {
	Name  string // the API's field name, e.g. "capital_vnd.central_budget": errors come back under it
	Kind  string
	Int   **int64
	Float **float64
}

// reportFields lists the form's inputs in the order shown, by section.
func reportFields(d *movement.ReportData) (capital, people, outputs []reportField) {
	money := func(name string, p **int64) reportField { return reportField{Name: name, Kind: kindMoney, Int: p} }
	count := func(name string, p **int64) reportField { return reportField{Name: name, Kind: kindCount, Int: p} }
	km := func(name string, p **float64) reportField {
		return reportField{Name: name, Kind: kindDecimal, Float: p}
	}
	capital = []reportField{
		money("capital_vnd.central_budget", &d.Capital.CentralBudget),
		money("capital_vnd.local_budget", &d.Capital.LocalBudget),
		money("capital_vnd.integrated", &d.Capital.Integrated),
		money("capital_vnd.credit", &d.Capital.Credit),
		money("capital_vnd.enterprises", &d.Capital.Enterprises),
		money("capital_vnd.people", &d.Capital.People),
	}
	people = []reportField{
		money("people_contribution.cash_vnd", &d.People.CashVND),
		count("people_contribution.land_m2", &d.People.LandM2),
		count("people_contribution.working_days", &d.People.WorkingDays),
	}
	outputs = []reportField{
		km("outputs.new_road_km", &d.Outputs.NewRoadKM),
		km("outputs.concrete_road_km", &d.Outputs.ConcreteRoadKM),
		count("outputs.irrigation_water_works", &d.Outputs.IrrigationWaterWorks),
		count("outputs.electricity_works", &d.Outputs.ElectricityWorks),
		count("outputs.school_works", &d.Outputs.SchoolWorks),
		count("outputs.commune_cultural_houses", &d.Outputs.CommuneCulturalHouses),
		count("outputs.village_cultural_houses", &d.Outputs.VillageCulturalHouses),
		count("outputs.production_models", &d.Outputs.ProductionModels),
		money("outputs.production_models_vnd", &d.Outputs.ProductionModelsVND),
	}
	return capital, people, outputs
}

// formValue writes a figure for an input: thousands grouped in Vietnamese ("2.974.000"),
// which ParseNumber reads back; plain digits in English, where a comma would be read as
// a decimal mark.
func (f reportField) formValue(lang string) string {
	switch {
	case f.Int != nil && *f.Int != nil:
		return inputInt(lang, **f.Int)
	case f.Float != nil && *f.Float != nil:
		return inputNumber(lang, **f.Float)
	}
	return ""
}

// display writes a figure for reading: money as VND, other figures grouped.
func (f reportField) display(lang string) string {
	switch {
	case f.Int != nil && *f.Int != nil && f.Kind == kindMoney:
		return i18n.VND(lang, **f.Int)
	case f.Int != nil && *f.Int != nil:
		return i18n.Number(lang, float64(**f.Int))
	case f.Float != nil && *f.Float != nil:
		return i18n.Number(lang, **f.Float)
	}
	return ""
}

// set reads a typed value into the report data; "" leaves the figure unreported. It
// returns the message key of a value that is not a number of the field's kind.
func (f reportField) set(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	n, err := i18n.ParseNumber(raw)
	if err != nil {
		return "mv.err.number"
	}
	if f.Float != nil {
		*f.Float = &n
		return ""
	}
	// Money and counts are whole numbers, within what a float holds exactly.
	if n != float64(int64(n)) || n > 1<<53 || n < -(1<<53) {
		if f.Kind == kindMoney {
			return "mv.err.whole_vnd"
		}
		return "mv.err.whole"
	}
	v := int64(n)
	*f.Int = &v
	return ""
}

// shownField is an input as the template draws it.
type shownField struct {
	Name, Kind, Value string
	Display           string // the figure as a read-only page shows it
	Amount            *int64 // saved money, for the figure beside the input
}

type childReport struct {
	Unit     movement.ReportItem
	Reported bool
	Capital  int64
	People   *int64
	Outputs  movement.Outputs
}

type reportPageData struct {
	yearChoice
	Unit          units.Unit
	UpCode        string
	Report        movement.Report
	Capital       []shownField
	People        []shownField
	Outputs       []shownField
	CapitalTotal  int64
	HasReport     bool
	ChildrenTotal movement.ReportData
	ChildCapital  int64
	Children      []childReport
	ChildrenIn    int // children that reported
	Errors        map[string]string
}

func (s *Server) movementReportPage(c echo.Context) error {
	d, err := s.loadReport(c)
	if err != nil {
		return err
	}
	d.fill(lang(c), d.Report.Reported, nil)
	return s.renderReport(c, http.StatusOK, d)
}

func (s *Server) loadReport(c echo.Context) (*reportPageData, error) {
	ctx := c.Request().Context()
	unit, yc, err := s.unitAndYear(c)
	if err != nil {
		return nil, err
	}
	rep, err := s.movement.GetReport(ctx, principal(c), unit.Code, yc.Year)
	if err != nil {
		return nil, err
	}
	d := &reportPageData{yearChoice: yc, Unit: unit, Report: rep, Errors: map[string]string{},
		ChildrenTotal: rep.ChildrenTotal, ChildCapital: rep.ChildrenTotal.CapitalTotal()}
	if rep.Reported != nil {
		d.HasReport, d.CapitalTotal = true, rep.Reported.CapitalTotal()
	}
	for _, it := range rep.Items {
		cr := childReport{Unit: it}
		if it.Reported != nil {
			cr.Reported, cr.Capital, cr.People, cr.Outputs = true, it.Reported.CapitalTotal(), it.Reported.Capital.People, it.Reported.Outputs
			d.ChildrenIn++
		}
		d.Children = append(d.Children, cr)
	}
	if up := unit.Parent(); up != "" {
		if pu, err := s.units.GetInYear(ctx, up, yc.Year); err == nil && s.reads(principal(c), mvReport, pu) {
			d.UpCode = up
		}
	}
	return d, nil
}

// fill shows data in the inputs, or what was typed (raw, by field name) when a form
// comes back with errors.
func (d *reportPageData) fill(lang string, data *movement.ReportData, raw map[string]string) {
	d.Capital, d.People, d.Outputs = showFields(lang, data, raw)
}

// showFields lays a report's figures out by section, as inputs and as read-only text.
func showFields(lang string, data *movement.ReportData, raw map[string]string) (capital, people, outputs []shownField) {
	var rd movement.ReportData
	if data != nil {
		rd = *data
	}
	show := func(fs []reportField) []shownField {
		out := make([]shownField, len(fs))
		for i, f := range fs {
			sf := shownField{Name: f.Name, Kind: f.Kind, Value: f.formValue(lang), Display: f.display(lang)}
			if v, ok := raw[f.Name]; ok {
				sf.Value = v
			}
			if f.Kind == kindMoney && f.Int != nil && *f.Int != nil {
				sf.Amount = *f.Int
			}
			out[i] = sf
		}
		return out
	}
	c, p, o := reportFields(&rd)
	return show(c), show(p), show(o)
}

func (s *Server) renderReport(c echo.Context, status int, d *reportPageData) error {
	return s.render(c, status, "movement_report", s.page(c, "movement_report", "mv.report.title", d))
}

func (s *Server) movementReportSubmit(c echo.Context) error {
	d, err := s.loadReport(c)
	if err != nil {
		return err
	}
	if !d.Report.CanEdit {
		return apperr.ErrForbidden
	}
	var in movement.ReportData
	raw := map[string]string{}
	capital, people, outputs := reportFields(&in)
	for _, f := range slices.Concat(capital, people, outputs) {
		v := c.FormValue(f.Name)
		raw[f.Name] = v
		// Reading the number is the form's part; whether it is allowed is the domain's.
		if msg := f.set(v); msg != "" {
			d.Errors[f.Name] = msg
		}
	}
	if len(d.Errors) == 0 {
		_, err := s.movement.SaveReport(c.Request().Context(), principal(c), d.Unit.Code, d.Year, in)
		if err == nil {
			setFlash(c, "ok", "mv.flash.report_saved")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/units/%s/movement-report?year=%d", url.PathEscape(d.Unit.Code), d.Year))
		}
		o := formOutcome(err)
		if o.Fields == nil {
			return err
		}
		maps.Copy(d.Errors, o.Fields)
	}
	d.fill(lang(c), &in, raw)
	return s.renderReport(c, http.StatusUnprocessableEntity, d)
}
