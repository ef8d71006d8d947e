// The nomination create / edit form, which also scores the answers as the server would.

package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/numparse"
	"github.com/ntmflow/ntmflow/internal/units"
)

type formCriterion struct {
	criteria.Criterion
	Index  int
	Value  string
	Note   string
	Error  string // the message shown beside it, in the user's language
	Result criteria.ItemResult
	// FromArea: the garden's area criterion, not asked again but filled from the
	// subject's area (areaField).
	FromArea bool
}

// areaField is the subject field a garden set's area criterion is filled from.
const areaField = "area_m2"

// errorLink is one line of the error summary: a link to the field in error.
type errorLink struct {
	Href, Label, Message string
}

type formGroup struct {
	Name  string
	Items []formCriterion
}

type nominationForm struct {
	ID int64
	// ReturnReason is what the reviewer asked for when the dossier was returned (edit form
	// of a returned dossier only): shown above the form, as on the detail page.
	ReturnReason string
	Version      int
	Type         string
	CommuneCode  string
	Communes     []units.Unit
	Title        string
	Subject      map[string]string
	Set          *criteria.Set
	Groups       []formGroup
	Errors       map[string]string
	// Messages are the errors in the user's language, by field; Summary lists them in
	// page order with a link to each field (both filled by renderForm).
	Messages  map[string]string
	Summary   []errorLink
	Result    criteria.Result
	Shortfall criteria.Shortfall
	// Brief is the shortfall in a few words for the sticky score box: the codes of the
	// required criteria not met and the points missing (filled by renderForm).
	Brief string
	// unreadable holds the fields whose text is not a number numparse reads.
	unreadable map[string]string
	IsNew      bool
	SetJSON    string
	// Types are the nomination types a new form offers the user: the commune titles only
	// when one of their communes is a Xã.
	Types []criteria.Type
}

// SubjectFields lists the subject fields of the form's type, in order, as the domain
// declares them.
func (f *nominationForm) SubjectFields() []nomination.SubjectField {
	return nomination.SubjectFields(criteria.Type(f.Type))
}

// OtherTypes are the types the new form links to besides its own.
func (f *nominationForm) OtherTypes() []criteria.Type {
	out := make([]criteria.Type, 0, len(f.Types))
	for _, t := range f.Types {
		if string(t) != f.Type {
			out = append(out, t)
		}
	}
	return out
}

// communesOf lists the communes where p may create nominations: the policy decides which
// grants allow it; the form offers the grants held at a commune, in grant order.
func (s *Server) communesOf(ctx context.Context, p *authz.Principal) ([]units.Unit, error) {
	var codes []string
	for _, g := range p.Grants {
		if g.Level() == string(units.Commune) && s.authz.GrantAllows(g, authz.ObjNomination, authz.ActCreate, g.UnitPath) {
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

// typesFor lists the types a form offers for communes: every type, but the commune
// titles only when one of them is a Xã (a ward or a town holds none).
func typesFor(communes []units.Unit) []criteria.Type {
	hasXa := slices.ContainsFunc(communes, func(u units.Unit) bool { return u.Kind == units.KindRuralCommune })
	out := make([]criteria.Type, 0, len(criteria.Types))
	for _, t := range criteria.Types {
		if !t.IsCommuneTitle() || hasXa {
			out = append(out, t)
		}
	}
	return out
}

// communesFor keeps the communes a nomination of typ may be for: the Xã for a commune
// title, all of them otherwise.
func communesFor(typ criteria.Type, communes []units.Unit) []units.Unit {
	if !typ.IsCommuneTitle() {
		return communes
	}
	var out []units.Unit
	for _, u := range communes {
		if u.Kind == units.KindRuralCommune {
			out = append(out, u)
		}
	}
	return out
}

func (s *Server) newNominationPage(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	all, err := s.communesOf(ctx, p)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return apperr.ErrForbidden
	}
	types := typesFor(all)
	typ := criteria.Type(c.QueryParam("type"))
	if !slices.Contains(types, typ) {
		typ = criteria.ModelGarden
	}
	communes := communesFor(typ, all)
	f := &nominationForm{IsNew: true, Type: string(typ), Communes: communes, CommuneCode: communes[0].Code, Types: types,
		Title: nomination.SuggestedTitle(typ, communes[0].Name), Subject: map[string]string{}, Errors: map[string]string{}}
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
	pg := s.page(c, "nominations", title, f)
	f.explain(pg)
	return s.render(c, status, "nomination_form", pg)
}

// explain writes the form's errors in the user's language: one message per field, the
// criteria's beside them, and the summary at the top, in page order, each linking to its
// field.
func (f *nominationForm) explain(pg *Page) {
	var brief []string
	if codes := criteriaCodes(f.Shortfall.Required); codes != "" {
		brief = append(brief, pg.T("ux_form.brief_codes", "Codes", codes))
	}
	if f.Shortfall.Points > 0 {
		brief = append(brief, pg.T("ux_form.brief_points", "N", pg.Num(f.Shortfall.Points)))
	}
	f.Brief = strings.Join(brief, "; ")
	f.Messages = map[string]string{}
	for field := range f.Errors {
		msg := pg.FieldError(f.Errors, field)
		if raw, ok := f.unreadable[field]; ok {
			msg += " " + pg.T("ux_form.err.number", "Value", raw)
		}
		f.Messages[field] = msg
	}
	f.Summary = nil
	seen := map[string]bool{}
	add := func(field, href, label string) {
		if msg, ok := f.Messages[field]; ok && !seen[field] {
			seen[field] = true
			f.Summary = append(f.Summary, errorLink{Href: href, Label: label, Message: msg})
		}
	}
	if len(f.Communes) > 1 {
		add("commune_code", "#commune_code", pg.T("form.commune"))
	} else {
		add("commune_code", "", pg.T("form.commune"))
	}
	add("type", "", pg.T("type."+f.Type))
	add("title", "#title", pg.T("form.nomination_title"))
	fields := f.SubjectFields()
	for _, sf := range fields {
		add("subject."+sf.Name, "#s-"+sf.Name, pg.T("subject."+sf.Name))
	}
	if len(fields) > 0 {
		add("subject", "#s-"+fields[0].Name, pg.T("form.general"))
	}
	for gi := range f.Groups {
		for ii := range f.Groups[gi].Items {
			it := &f.Groups[gi].Items[ii]
			href := "#a-" + it.Code
			if it.FromArea {
				href = "#s-" + areaField
			}
			prefix := fmt.Sprintf("assessment[%d]", it.Index)
			if msg, ok := f.Messages[prefix+".value"]; ok {
				if n, err := numparse.Parse(it.Value); err == nil && (n < 0 || it.Kind == criteria.Score && n > it.MaxScore) {
					f.Messages[prefix+".value"] = msg + " " + rangeHint(pg, it.Criterion)
				}
			}
			for _, part := range []string{".value", ".criterion", ".note", ""} {
				add(prefix+part, href, it.Code+" "+it.Title)
			}
			it.Error = f.Messages[prefix+".value"]
			if it.Error == "" {
				it.Error = f.Messages[prefix+".note"]
			}
		}
	}
	add("assessment", "#score-box", pg.T("ux_form.criteria"))
	rest := slices.Sorted(maps.Keys(f.Messages))
	for _, field := range rest {
		add(field, "", field)
	}
}

// build lays the criteria out by group with the values the user entered (or the saved
// ones), and computes the score the server would compute.
func (f *nominationForm) build(values map[string][2]string) {
	answers := map[string]any{}
	f.Groups = nil
	area, _ := f.Set.AreaCriterion()
	for i, c := range f.Set.Criteria {
		fc := formCriterion{Criterion: c, Index: i}
		if v, ok := values[c.Code]; ok {
			fc.Value, fc.Note = v[0], v[1]
		}
		if c.Code == area.Code {
			fc.FromArea, fc.Value = true, f.Subject[areaField]
		}
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
	f.Shortfall = f.Result.Shortfall(f.Set)
	for gi := range f.Groups {
		for ii := range f.Groups[gi].Items {
			it := &f.Groups[gi].Items[ii]
			it.Result = f.Result.Items[it.Index]
		}
	}
}

// parseAnswer reads a form value: "yes"/"no" for boolean criteria, a number otherwise, in
// the Vietnamese or the plain form (numparse); "" is not yet assessed.
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
	if n, err := numparse.Parse(v); err == nil {
		return n, true
	}
	return v, false
}

// addDomainErrors adds the domain's refusal to the form's own errors. An unreadable
// number keeps the form's message; the domain's "subject" error that a text in a number
// field causes (the subject cannot be decoded) is then not repeated.
func (f *nominationForm) addDomainErrors(fields map[string]string) {
	for field, msg := range fields {
		if _, ok := f.unreadable[field]; ok {
			continue
		}
		if field == "subject" && slices.ContainsFunc(slices.Collect(maps.Keys(f.unreadable)), func(k string) bool { return strings.HasPrefix(k, "subject.") }) {
			continue
		}
		f.Errors[field] = msg
	}
}

// readForm turns the posted form into a nomination input, with per-field errors for
// numbers that are not numbers. Such a number is passed on as the text typed, which the
// domain always refuses (a text does not decode into a subject's number and is no
// criterion's value), so a form with errors is never saved and the domain still names
// every other problem at once. A garden's area is asked once, in the subject: the set's
// area criterion (G1.1) is filled from it, so the two never disagree.
func (s *Server) readForm(c echo.Context, f *nominationForm) (nomination.Input, map[string][2]string) {
	f.Title = c.FormValue("title")
	f.unreadable = map[string]string{}
	subject := map[string]any{}
	for _, field := range f.SubjectFields() {
		name := field.Name
		raw := strings.TrimSpace(c.FormValue("subject." + name))
		f.Subject[name] = raw
		if !field.Numeric {
			subject[name] = raw
			continue
		}
		if raw == "" {
			continue
		}
		// Reading the number is the form's part; whether it is a valid one is the domain's.
		n, err := numparse.Parse(raw)
		if err != nil {
			f.Errors["subject."+name] = "must be a number"
			f.unreadable["subject."+name] = raw
			subject[name] = raw // a text where a number belongs: the domain refuses the subject
			continue
		}
		subject[name] = n
	}
	rawSubject, _ := json.Marshal(subject)
	area, _ := f.Set.AreaCriterion()
	values := map[string][2]string{}
	items := make([]nomination.AssessmentItem, 0, len(f.Set.Criteria))
	for i, crit := range f.Set.Criteria {
		v := c.FormValue("a." + crit.Code)
		note := c.FormValue("n." + crit.Code)
		item := nomination.AssessmentItem{Criterion: crit.Code, Note: note}
		if crit.Code == area.Code {
			v = "" // the subject's area, below, or nothing when it is missing or unreadable
			if a, ok := subject[areaField].(float64); ok {
				item.Value = a
				v = f.Subject[areaField]
			}
			values[crit.Code] = [2]string{v, note}
			items = append(items, item)
			continue
		}
		values[crit.Code] = [2]string{v, note}
		val, ok := parseAnswer(crit, v)
		switch {
		case ok:
			item.Value = val
		case strings.TrimSpace(v) == "":
		case crit.Kind == criteria.Boolean:
			item.Value = val // the domain refuses it
		default: // a text where a number belongs: the domain refuses it
			item.Value = strings.TrimSpace(v)
			f.Errors[fmt.Sprintf("assessment[%d].value", i)] = "must be a number"
			f.unreadable[fmt.Sprintf("assessment[%d].value", i)] = strings.TrimSpace(v)
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
		Types: typesFor(communes), Subject: map[string]string{}, Errors: map[string]string{}}
	if !criteria.Type(f.Type).Valid() || len(communes) == 0 {
		return apperr.ErrBadRequest
	}
	// A commune title is offered for the Xã only; a ward's post of one (not offered) is
	// answered by the domain's 422 with every commune shown.
	if xa := communesFor(criteria.Type(f.Type), communes); len(xa) > 0 {
		f.Communes = xa
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
	{ // sent even with unreadable numbers, which the domain refuses, to learn every other error too
		v, _, err := s.nominations.Create(ctx, p, in, c.FormValue("idempotency_key"))
		if err == nil {
			setFlash(c, "ok", "flash.created")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", v.ID))
		}
		o := formOutcome(err)
		if o.Fields == nil {
			return err
		}
		f.addDomainErrors(o.Fields)
	}
	f.build(values)
	return s.renderForm(c, http.StatusUnprocessableEntity, f)
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
	if !s.nominations.Allows(p, v, action) {
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
	if v.Status == nomination.Returned {
		reasons, err := s.nominations.ReturnReasons(c.Request().Context(), principal(c), []int64{v.ID})
		if err != nil {
			return nil, err
		}
		f.ReturnReason = reasons[v.ID]
	}
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
	{ // sent even with unreadable numbers, which the domain refuses, to learn every other error too
		_, err := s.nominations.Update(c.Request().Context(), principal(c), f.ID, version, nomination.Input{
			Title: in.Title, Subject: in.Subject, Assessment: in.Assessment})
		if err == nil {
			setFlash(c, "ok", "flash.saved")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", f.ID))
		}
		switch o := formOutcome(err); {
		case o.Reload:
			setFlash(c, "error", o.Flash)
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d/edit", f.ID))
		case o.Fields == nil:
			return err
		default:
			f.addDomainErrors(o.Fields)
		}
	}
	f.Version = version
	f.build(values)
	return s.renderForm(c, http.StatusUnprocessableEntity, f)
}

// rangeHint says which numbers a criterion takes: 0 to its points for a score, any
// number from 0 otherwise.
func rangeHint(pg *Page, c criteria.Criterion) string {
	if c.Kind == criteria.Score {
		return pg.T("ux_form.err.range", "Max", pg.Num(c.MaxScore))
	}
	return pg.T("ux_form.err.negative")
}

func criteriaCodes(list []criteria.Criterion) string {
	codes := make([]string, len(list))
	for i, c := range list {
		codes[i] = c.Code
	}
	return strings.Join(codes, ", ")
}
