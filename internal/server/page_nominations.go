package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/units"
)

// listRow is a nomination in a list, with the names of its units.
type listRow struct {
	nomination.Summary
	CommuneName  string
	DistrictName string
}

func (s *Server) listRows(c echo.Context, items []nomination.Summary) ([]listRow, error) {
	codes := make([]string, 0, 2*len(items))
	for _, it := range items {
		codes = append(codes, it.CommuneCode, it.DistrictCode)
	}
	names, err := s.units.GetMany(c.Request().Context(), codes)
	if err != nil {
		return nil, err
	}
	rows := make([]listRow, len(items))
	for i, it := range items {
		rows[i] = listRow{Summary: it, CommuneName: names[it.CommuneCode].Name, DistrictName: names[it.DistrictCode].Name}
	}
	return rows, nil
}

type listData struct {
	Rows        []listRow
	Statuses    []nomination.Status
	Status      string
	Type        string
	Unit        string
	Query       string
	NextURL     string
	Units       []units.Unit // units the filter offers
	Filtered    bool
	ExportQuery template.URL // an encoded query (url.Values.Encode), safe in an href
	CanExport   bool
	FirstURL    string
	IsNextPage  bool
}

func (s *Server) nominationsPage(c echo.Context) error {
	f, err := nominationFilter(c)
	if err != nil {
		return err
	}
	p := principal(c)
	page, err := s.nominations.List(c.Request().Context(), p, f)
	if err != nil {
		return err
	}
	rows, err := s.listRows(c, page.Items)
	if err != nil {
		return err
	}
	d := listData{Rows: rows, Statuses: nomination.Statuses, Status: c.QueryParam("status"), Type: f.Type, Unit: f.Unit,
		Query: f.Query, IsNextPage: f.Cursor != ""}
	d.Filtered = d.Status != "" || d.Type != "" || d.Unit != "" || d.Query != ""
	q := c.QueryParams()
	q.Del("cursor")
	d.FirstURL = "/nominations?" + q.Encode()
	d.ExportQuery = template.URL(q.Encode())
	d.CanExport = !s.authz.Scopes(p, authz.ObjReport, authz.ActRead).Empty()
	if page.NextCursor != "" {
		q.Set("cursor", page.NextCursor)
		d.NextURL = "/nominations?" + q.Encode()
	}
	if d.Units, err = s.filterUnits(c.Request().Context(), p); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "nominations", s.page(c, "nominations", "nominations.title", d))
}

// filterUnits lists the units below the caller's read scope that a filter can narrow to:
// the districts of a province, the communes of a district.
func (s *Server) filterUnits(ctx context.Context, p *authz.Principal) ([]units.Unit, error) {
	var out []units.Unit
	for _, root := range s.authz.Scopes(p, authz.ObjNomination, authz.ActRead) {
		codes := units.SplitPath(root)
		if len(codes) == 3 {
			continue
		}
		kids, err := s.units.Children(ctx, codes[len(codes)-1])
		if err != nil {
			return nil, err
		}
		out = append(out, kids...)
	}
	return out, nil
}

// ---- the create / edit form -------------------------------------------------------

type formCriterion struct {
	criteria.Criterion
	Index  int
	Value  string
	Note   string
	Error  string
	Result criteria.ItemResult
}

type formGroup struct {
	Name  string
	Items []formCriterion
}

type nominationForm struct {
	ID          int64
	Version     int
	Type        string
	CommuneCode string
	Communes    []units.Unit
	Title       string
	Subject     map[string]string
	Set         *criteria.Set
	Groups      []formGroup
	Errors      map[string]string
	Result      criteria.Result
	IsNew       bool
	SetJSON     string
}

var gardenFields = []string{"owner_name", "village", "area_m2", "main_crops", "annual_income_vnd"}
var residentialFields = []string{"village", "households", "population"}

// SubjectFields lists the subject fields of the form's type, in order.
func (f *nominationForm) SubjectFields() []string {
	if f.Type == string(criteria.ModelResidentialArea) {
		return residentialFields
	}
	return gardenFields
}

// NumericField reports whether a subject field takes a number.
func (f *nominationForm) NumericField(name string) bool {
	return name == "area_m2" || name == "annual_income_vnd" || name == "households" || name == "population"
}

// communesOf lists the communes where p may create nominations.
func (s *Server) communesOf(ctx context.Context, p *authz.Principal) ([]units.Unit, error) {
	var codes []string
	for _, g := range p.Grants {
		if g.Role == authz.CommuneOfficer {
			codes = append(codes, g.UnitCode)
		}
	}
	m, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return nil, err
	}
	out := make([]units.Unit, 0, len(m))
	for _, code := range codes {
		if u, ok := m[code]; ok {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *Server) newNominationPage(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	communes, err := s.communesOf(ctx, p)
	if err != nil {
		return err
	}
	if len(communes) == 0 {
		return apperr.ErrForbidden
	}
	typ := criteria.Type(c.QueryParam("type"))
	if !typ.Valid() {
		typ = criteria.ModelGarden
	}
	f := &nominationForm{IsNew: true, Type: string(typ), Communes: communes, CommuneCode: communes[0].Code,
		Subject: map[string]string{}, Errors: map[string]string{}}
	if f.Set, err = s.criteria.Current(ctx, typ, units.SplitPath(communes[0].Path)[0]); err != nil {
		return err
	}
	f.build(nil)
	return s.renderForm(c, http.StatusOK, f)
}

func (s *Server) renderForm(c echo.Context, status int, f *nominationForm) error {
	f.SetJSON = setJSON(f.Set)
	title := "form.title.edit"
	if f.IsNew {
		title = "form.title.new"
	}
	return s.render(c, status, "nomination_form", s.page(c, "nominations", title, f))
}

// build lays the criteria out by group with the values the user entered (or the saved
// ones), and computes the score the server would compute.
func (f *nominationForm) build(values map[string][2]string) {
	answers := map[string]any{}
	f.Groups = nil
	for i, c := range f.Set.Criteria {
		fc := formCriterion{Criterion: c, Index: i}
		if v, ok := values[c.Code]; ok {
			fc.Value, fc.Note = v[0], v[1]
		}
		fc.Error = f.Errors[fmt.Sprintf("assessment[%d].value", i)]
		if val, ok := parseAnswer(c, fc.Value); ok {
			answers[c.Code] = val
		}
		if len(f.Groups) == 0 || f.Groups[len(f.Groups)-1].Name != c.Group {
			f.Groups = append(f.Groups, formGroup{Name: c.Group})
		}
		g := &f.Groups[len(f.Groups)-1]
		g.Items = append(g.Items, fc)
	}
	f.Result = criteria.Evaluate(f.Set, answers)
	for gi := range f.Groups {
		for ii := range f.Groups[gi].Items {
			it := &f.Groups[gi].Items[ii]
			it.Result = f.Result.Items[it.Index]
		}
	}
}

// parseAnswer reads a form value: "yes"/"no" for boolean criteria, a number (with a
// decimal comma or point) otherwise; "" is not yet assessed.
func parseAnswer(c criteria.Criterion, v string) (any, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, false
	}
	if c.Kind == criteria.Boolean {
		switch v {
		case "yes":
			return true, true
		case "no":
			return false, true
		}
		return v, false
	}
	if n, err := parseNumber(v); err == nil {
		return n, true
	}
	return v, false
}

// parseNumber reads a number as Vietnamese officials write it ("1.500,5", "1.500",
// "2,5") as well as the plain form browsers send ("1500.5").
func parseNumber(v string) (float64, error) {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	dot, comma := strings.LastIndex(v, "."), strings.LastIndex(v, ",")
	switch {
	case dot >= 0 && comma >= 0: // both: the later one is the decimal mark
		if comma > dot {
			v = strings.ReplaceAll(v, ".", "")
			v = strings.Replace(v, ",", ".", 1)
		} else {
			v = strings.ReplaceAll(v, ",", "")
		}
	case comma >= 0:
		v = strings.Replace(v, ",", ".", 1)
	case thousandsDots.MatchString(v): // "1.500" or "12.000.000": dots group thousands
		v = strings.ReplaceAll(v, ".", "")
	}
	return strconv.ParseFloat(v, 64)
}

var thousandsDots = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+$`)

// readForm turns the posted form into a nomination input, with per-field errors for
// numbers that are not numbers.
func (s *Server) readForm(c echo.Context, f *nominationForm) (nomination.Input, map[string][2]string) {
	f.Title = c.FormValue("title")
	subject := map[string]any{}
	for _, name := range f.SubjectFields() {
		raw := strings.TrimSpace(c.FormValue("subject." + name))
		f.Subject[name] = raw
		if !f.NumericField(name) {
			subject[name] = raw
			continue
		}
		if raw == "" {
			continue
		}
		n, err := parseNumber(raw)
		if err != nil {
			f.Errors["subject."+name] = "must be a number"
			continue
		}
		subject[name] = n
	}
	rawSubject, _ := json.Marshal(subject)
	values := map[string][2]string{}
	items := make([]nomination.AssessmentItem, 0, len(f.Set.Criteria))
	for _, crit := range f.Set.Criteria {
		v := c.FormValue("a." + crit.Code)
		note := c.FormValue("n." + crit.Code)
		values[crit.Code] = [2]string{v, note}
		item := nomination.AssessmentItem{Criterion: crit.Code, Note: note}
		if val, ok := parseAnswer(crit, v); ok || strings.TrimSpace(v) != "" {
			item.Value = val
		}
		items = append(items, item)
	}
	title := f.Title
	return nomination.Input{Type: f.Type, CommuneCode: f.CommuneCode, Title: &title, Subject: rawSubject, Assessment: &items}, values
}

func (s *Server) createNominationSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	communes, err := s.communesOf(ctx, p)
	if err != nil {
		return err
	}
	f := &nominationForm{IsNew: true, Type: c.FormValue("type"), CommuneCode: c.FormValue("commune_code"), Communes: communes,
		Subject: map[string]string{}, Errors: map[string]string{}}
	if !criteria.Type(f.Type).Valid() || len(communes) == 0 {
		return apperr.ErrBadRequest
	}
	commune, err := s.units.Get(ctx, f.CommuneCode)
	if errors.Is(err, apperr.ErrNotFound) {
		return apperr.ErrBadRequest
	} else if err != nil {
		return err // a database error is not the client's mistake
	}
	if f.Set, err = s.criteria.Current(ctx, criteria.Type(f.Type), units.SplitPath(commune.Path)[0]); err != nil {
		return err
	}
	in, values := s.readForm(c, f)
	if len(f.Errors) == 0 {
		v, _, err := s.nominations.Create(ctx, p, in, c.FormValue("idempotency_key"))
		if err == nil {
			setFlash(c, "ok", "flash.created")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", v.ID))
		}
		if !mergeValidation(err, f.Errors) {
			return err
		}
	}
	f.build(values)
	return s.renderForm(c, http.StatusUnprocessableEntity, f)
}

// mergeValidation copies a validation error's fields into errs; false for other errors.
func mergeValidation(err error, errs map[string]string) bool {
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for k, v := range ve.Fields {
		errs[k] = v
	}
	return true
}

func (s *Server) editNominationPage(c echo.Context) error {
	f, err := s.loadForm(c)
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, f)
}

// forAction loads the nomination in the path with its criteria set for a person who may
// do action on it now (edit or review); anyone else is refused before a form is drawn.
func (s *Server) forAction(c echo.Context, action string) (nomination.View, *criteria.Set, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nomination.View{}, nil, err
	}
	p := principal(c)
	v, err := s.nominations.Get(c.Request().Context(), p, id)
	if err != nil {
		return nomination.View{}, nil, err
	}
	if !s.canDo(p, v, action) {
		return nomination.View{}, nil, apperr.ErrForbidden
	}
	set, err := s.nominations.Set(c.Request().Context(), v)
	return v, set, err
}

// setJSON is the criteria set as the live-score script reads it.
func setJSON(set *criteria.Set) string {
	raw, _ := json.Marshal(map[string]any{"pass_rule": set.PassRule, "criteria": set.Criteria})
	return string(raw)
}

// loadForm fills the edit form from the saved nomination; only an editor gets it.
func (s *Server) loadForm(c echo.Context) (*nominationForm, error) {
	v, set, err := s.forAction(c, nomination.ActionUpdate)
	if err != nil {
		return nil, err
	}
	f := &nominationForm{ID: v.ID, Version: v.Version, Type: v.Type, CommuneCode: v.CommuneCode, Title: v.Title, Set: set,
		Subject: map[string]string{}, Errors: map[string]string{}}
	var subj map[string]any
	_ = json.Unmarshal(v.Subject, &subj)
	for k, val := range subj {
		switch n := val.(type) {
		case float64:
			f.Subject[k] = strconv.FormatFloat(n, 'f', -1, 64)
		default:
			f.Subject[k] = fmt.Sprint(n)
		}
	}
	values := map[string][2]string{}
	for _, it := range v.Assessment {
		var s string
		switch x := it.Value.(type) {
		case bool:
			s = map[bool]string{true: "yes", false: "no"}[x]
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		}
		values[it.Criterion] = [2]string{s, it.Note}
	}
	f.build(values)
	return f, nil
}

func (s *Server) canDo(p *authz.Principal, v nomination.View, action string) bool {
	for _, r := range nomination.Available(s.authz, p, v.UnitPath, v.Status) {
		if r.Action == action {
			return true
		}
	}
	return false
}

func (s *Server) editNominationSubmit(c echo.Context) error {
	f, err := s.loadForm(c)
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return apperr.ErrBadRequest
	}
	in, values := s.readForm(c, f)
	if len(f.Errors) == 0 {
		_, err := s.nominations.Update(c.Request().Context(), principal(c), f.ID, version, nomination.Input{
			Title: in.Title, Subject: in.Subject, Assessment: in.Assessment})
		switch {
		case err == nil:
			setFlash(c, "ok", "flash.saved")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", f.ID))
		case errors.Is(err, apperr.ErrVersionMismatch):
			setFlash(c, "error", "flash.stale")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d/edit", f.ID))
		case !mergeValidation(err, f.Errors):
			return err
		}
	}
	f.Version = version
	f.build(values)
	return s.renderForm(c, http.StatusUnprocessableEntity, f)
}

// ---- the detail page ---------------------------------------------------------------

type assessRow struct {
	criteria.Criterion
	Answered   bool
	SelfValue  any
	SelfNote   string
	Self       criteria.ItemResult
	Reviewed   bool
	Review     nomination.ReviewScore
	ReviewMet  bool
	ReviewNote string
}

type actionForm struct {
	Action        string
	NeedsComment  bool
	NeedsDecision bool
	Danger        bool
	Errors        map[string]string
	Comment       string
	Decision      nomination.Decision
}

type detailData struct {
	N            nomination.View
	Set          *criteria.Set
	Commune      units.Unit
	District     units.Unit
	Garden       *nomination.GardenSubject
	Residential  *nomination.ResidentialSubject
	Rows         []assessRow
	Attachments  []nomination.Attachment
	MissingKinds []string
	History      []nomination.HistoryEntry
	Actions      []actionForm
	CanEdit      bool
	CanReview    bool
	Open         string // the action whose form failed, to show it open
	Today        string
}

// IsImage reports whether an attachment can be shown as a thumbnail.
func (d *detailData) IsImage(a nomination.Attachment) bool {
	return strings.HasPrefix(a.ContentType, "image/")
}

func (s *Server) nominationPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.detail(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "nomination", s.page(c, "nominations", "", d))
}

func (s *Server) detail(c echo.Context, id int64) (*detailData, error) {
	ctx := c.Request().Context()
	p := principal(c)
	full, err := s.nominations.GetFull(ctx, p, id)
	if err != nil {
		return nil, err
	}
	v, set := full.View, full.Set
	d := &detailData{N: v, Set: set, Today: time.Now().Format(time.DateOnly), Attachments: full.Attachments, History: full.History}
	names, err := s.units.GetMany(ctx, []string{v.CommuneCode, v.DistrictCode})
	if err != nil {
		return nil, err
	}
	d.Commune, d.District = names[v.CommuneCode], names[v.DistrictCode]
	if v.Type == string(criteria.ModelGarden) {
		d.Garden = &nomination.GardenSubject{}
		_ = json.Unmarshal(v.Subject, d.Garden)
	} else {
		d.Residential = &nomination.ResidentialSubject{}
		_ = json.Unmarshal(v.Subject, d.Residential)
	}
	answers := map[string]nomination.AssessmentItem{}
	values := map[string]any{}
	for _, it := range v.Assessment {
		answers[it.Criterion] = it
		values[it.Criterion] = it.Value
	}
	res := criteria.Evaluate(set, values)
	reviewed := map[string]nomination.ReviewScore{}
	if v.Review != nil {
		for _, sc := range v.Review.Scores {
			reviewed[sc.Criterion] = sc
		}
	}
	for i, crit := range set.Criteria {
		a, answered := answers[crit.Code]
		r, ok := reviewed[crit.Code]
		d.Rows = append(d.Rows, assessRow{Criterion: crit, Answered: answered, SelfValue: a.Value, SelfNote: a.Note,
			Self: res.Items[i], Reviewed: ok, Review: r})
	}
	have := map[string]bool{}
	for _, a := range d.Attachments {
		have[a.Kind] = true
	}
	for _, k := range set.RequiredAttachments {
		if !have[k] {
			d.MissingKinds = append(d.MissingKinds, k)
		}
	}
	for _, r := range nomination.Available(s.authz, p, v.UnitPath, v.Status) {
		switch r.Action {
		case nomination.ActionUpdate:
			d.CanEdit = true
		case nomination.ActionReview:
			d.CanReview = true
		default:
			d.Actions = append(d.Actions, actionForm{Action: r.Action, NeedsComment: r.NeedsGuard(nomination.NeedsComment),
				NeedsDecision: r.NeedsGuard(nomination.NeedsDecision), Danger: r.To == nomination.Rejected || r.To == nomination.Revoked || r.To == nomination.Withdrawn,
				Errors: map[string]string{}})
		}
	}
	return d, nil
}

// transitionSubmit performs the chosen action; a failed guard re-renders the page with
// the user's input and the messages beside the fields.
func (s *Server) transitionSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return apperr.ErrBadRequest
	}
	in := nomination.TransitionInput{Action: c.FormValue("action"), Comment: c.FormValue("comment")}
	if c.FormValue("decision_number") != "" || c.FormValue("decision_date") != "" || c.FormValue("decision_signer") != "" {
		in.Decision = &nomination.Decision{Number: c.FormValue("decision_number"), Date: c.FormValue("decision_date"), Signer: c.FormValue("decision_signer")}
	}
	_, err = s.nominations.Transition(c.Request().Context(), principal(c), id, version, in)
	switch {
	case err == nil:
		setFlash(c, "ok", "flash.action."+in.Action)
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", id))
	case errors.Is(err, apperr.ErrVersionMismatch):
		setFlash(c, "error", "flash.stale")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", id))
	case errors.Is(err, apperr.ErrInvalidTransition), errors.Is(err, apperr.ErrConflict):
		d, derr := s.detail(c, id)
		if derr != nil {
			return derr
		}
		key := "flash.invalid_transition"
		if errors.Is(err, apperr.ErrConflict) {
			key = "flash.conflict"
		}
		s.keepInput(d, in, map[string]string{"decision.number": key})
		pg := s.page(c, "nominations", "", d)
		pg.Flash = &Flash{Kind: "error", Key: key}
		return s.render(c, http.StatusConflict, "nomination", pg)
	}
	errs := map[string]string{}
	if !mergeValidation(err, errs) {
		return err
	}
	d, derr := s.detail(c, id)
	if derr != nil {
		return derr
	}
	s.keepInput(d, in, errs)
	pg := s.page(c, "nominations", "", d)
	pg.Flash = &Flash{Kind: "error", Key: "flash.fix_fields"}
	return s.render(c, http.StatusUnprocessableEntity, "nomination", pg)
}

func (s *Server) keepInput(d *detailData, in nomination.TransitionInput, errs map[string]string) {
	d.Open = in.Action
	for i := range d.Actions {
		if d.Actions[i].Action == in.Action {
			d.Actions[i].Errors = errs
			d.Actions[i].Comment = in.Comment
			if in.Decision != nil {
				d.Actions[i].Decision = *in.Decision
			}
		}
	}
}

// ---- review form -------------------------------------------------------------------

type reviewFormData struct {
	N       nomination.View
	Set     *criteria.Set
	Commune units.Unit
	Rows    []reviewRow
	Summary string
	Visited string
	Errors  map[string]string
	Today   string
	SetJSON string
}

type reviewRow struct {
	criteria.Criterion
	Index     int
	SelfValue any
	Met       bool
	Score     string
	Comment   string
	Error     string
}

func (s *Server) reviewPage(c echo.Context) error {
	d, err := s.loadReviewForm(c)
	if err != nil {
		return err
	}
	return s.renderReview(c, http.StatusOK, d)
}

func (s *Server) renderReview(c echo.Context, status int, d *reviewFormData) error {
	d.SetJSON = setJSON(d.Set)
	return s.render(c, status, "review_form", s.page(c, "nominations", "review.title", d))
}

func (s *Server) loadReviewForm(c echo.Context) (*reviewFormData, error) {
	v, set, err := s.forAction(c, nomination.ActionReview)
	if err != nil {
		return nil, err
	}
	commune, err := s.units.Get(c.Request().Context(), v.CommuneCode)
	if err != nil {
		return nil, err
	}
	d := &reviewFormData{N: v, Set: set, Commune: commune, Errors: map[string]string{}, Today: time.Now().Format(time.DateOnly)}
	self := map[string]any{}
	for _, it := range v.Assessment {
		self[it.Criterion] = it.Value
	}
	saved := map[string]nomination.ReviewScore{}
	if v.Review != nil {
		d.Summary, d.Visited = v.Review.Summary, v.Review.VisitedOn
		for _, sc := range v.Review.Scores {
			saved[sc.Criterion] = sc
		}
	}
	res := criteria.Evaluate(set, self)
	for i, crit := range set.Criteria {
		row := reviewRow{Criterion: crit, Index: i, SelfValue: self[crit.Code]}
		if sc, ok := saved[crit.Code]; ok {
			row.Met, row.Comment = sc.Met, sc.Comment
			row.Score = strconv.FormatFloat(sc.Score, 'f', -1, 64)
		} else {
			row.Met = res.Items[i].Met // start from the commune's own assessment
			if crit.Kind == criteria.Score {
				row.Score = strconv.FormatFloat(res.Items[i].Points, 'f', -1, 64)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

func (s *Server) reviewSubmit(c echo.Context) error {
	d, err := s.loadReviewForm(c)
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil {
		return apperr.ErrBadRequest
	}
	d.Summary, d.Visited = c.FormValue("summary"), c.FormValue("visited_on")
	in := nomination.ReviewInput{Summary: d.Summary, VisitedOn: d.Visited}
	for i := range d.Rows {
		r := &d.Rows[i]
		r.Met = c.FormValue("met."+r.Code) == "yes"
		r.Comment = c.FormValue("comment." + r.Code)
		sc := nomination.ReviewScore{Criterion: r.Code, Met: r.Met, Comment: r.Comment}
		if r.Kind == criteria.Score {
			r.Score = c.FormValue("score." + r.Code)
			n, perr := parseNumber(r.Score)
			if perr != nil {
				d.Errors[fmt.Sprintf("scores[%d].score", i)] = "must be a number"
			}
			sc.Score = n
		}
		in.Scores = append(in.Scores, sc)
	}
	if len(d.Errors) == 0 {
		_, err = s.nominations.SaveReview(c.Request().Context(), principal(c), d.N.ID, version, in)
		switch {
		case err == nil:
			setFlash(c, "ok", "flash.review_saved")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", d.N.ID))
		case errors.Is(err, apperr.ErrVersionMismatch):
			setFlash(c, "error", "flash.stale")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d/review", d.N.ID))
		case !mergeValidation(err, d.Errors):
			return err
		}
	}
	for i := range d.Rows {
		d.Rows[i].Error = d.Errors[fmt.Sprintf("scores[%d].score", i)]
	}
	return s.renderReview(c, http.StatusUnprocessableEntity, d)
}

// ---- attachments from the browser ---------------------------------------------------

func (s *Server) uploadAttachmentPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, err = s.receiveAttachment(c)
	var limit *nomination.LimitError
	switch {
	case err == nil:
		setFlash(c, "ok", "flash.uploaded")
	case errors.As(err, &limit) && limit.TooMany:
		setFlash(c, "error", "flash.upload_count")
	case errors.As(err, &limit):
		setFlash(c, "error", "flash.upload_total")
	case errors.Is(err, apperr.ErrUnsupportedMedia):
		setFlash(c, "error", "flash.upload_type")
	case errors.Is(err, apperr.ErrTooLarge):
		setFlash(c, "error", "flash.upload_size")
	case errors.Is(err, apperr.ErrInvalidTransition):
		setFlash(c, "error", "flash.invalid_transition")
	default:
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		setFlash(c, "error", "flash.upload_missing")
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d#evidence", id))
}

func (s *Server) deleteAttachmentPage(c echo.Context) error {
	id, err := s.removeAttachment(c)
	if err != nil {
		return err
	}
	setFlash(c, "ok", "flash.deleted")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d#evidence", id))
}

// fieldKey maps a validation field ("assessment[3].value", "subject.area_m2") to the
// message shown beside it in the user's language.
var indexPattern = regexp.MustCompile(`\[\d+\]`)

func fieldKey(field string) string { return "err." + indexPattern.ReplaceAllString(field, "") }

// FieldError translates the error of a form field, or "" when there is none.
func (p *Page) FieldError(errs map[string]string, field string) string {
	if _, ok := errs[field]; !ok {
		return ""
	}
	key := fieldKey(field)
	if !p.catalog.Has(p.Lang, key) {
		key = "err.invalid"
	}
	return p.T(key)
}
