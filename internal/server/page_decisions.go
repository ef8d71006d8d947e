// One decision, many dossiers (SPEC §13): the approval queue's form and the decision page.

package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/recognition"
)

// titleOption is one signer title a form offers: the API value and its label's key.
type titleOption struct{ Value, Key string }

// signerTitles are the signer titles the decision forms offer, the chairman first.
var signerTitles = []titleOption{
	{recognition.Chairman, "decisions.signer_title.chairman"},
	{recognition.ViceChairman, "decisions.signer_title.vice_chairman"},
}

// decideForm is the approval queue's form: the decision's fields, the nominations
// checked, and the messages of a refused decision, already in the reader's language.
type decideForm struct {
	Number, Date, Signer, SignerTitle string
	Titles                            []titleOption
	Today                             string
	Picked                            map[int64]bool
	Errors                            map[string]string // by form field ("decision.number", "items")
	ItemErrors                        map[int64]string  // by nomination
	Problem                           string            // the item that stopped the decision, named
}

// decideFormFor is the decision form of the list of status for p: on the queue of
// endorsed nominations, to a caller whose policy allows approve somewhere (which
// nominations p may approve is the workflow's to decide, per nomination).
func (s *Server) decideFormFor(p *authz.Principal, status string) *decideForm {
	if status != string(nomination.Endorsed) || s.authz.Scopes(p, authz.ObjNomination, "approve").Empty() {
		return nil
	}
	return &decideForm{SignerTitle: recognition.Chairman, Titles: signerTitles, Today: time.Now().Format(time.DateOnly),
		Picked: map[int64]bool{}, Errors: map[string]string{}, ItemErrors: map[int64]string{}}
}

// decisionFields maps the fields of a decision's validation to the form's.
var decisionFields = map[string]string{"number": "decision.number", "date": "decision.date", "signer": "decision.signer",
	"signer_title": "decision.signer_title", "items": "items"}

// decisionSubmit approves the checked nominations under one decision and shows it; a
// refused decision re-renders the queue with the input kept and the problem named.
func (s *Server) decisionSubmit(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return apperr.ErrBadRequest
	}
	in := nomination.DecisionInput{Decision: nomination.Decision{Number: form.Get("decision_number"), Date: form.Get("decision_date"),
		Signer: form.Get("decision_signer"), SignerTitle: form.Get("decision_signer_title")}}
	for _, v := range form["item"] {
		// Each checkbox is "<id>:<version>": the version the approver saw.
		id, version, ok := strings.Cut(v, ":")
		nid, err1 := strconv.ParseInt(id, 10, 64)
		ver, err2 := strconv.Atoi(version)
		if !ok || err1 != nil || err2 != nil {
			return apperr.ErrBadRequest
		}
		in.Items = append(in.Items, nomination.DecisionItem{NominationID: nid, Version: ver})
	}
	ctx := c.Request().Context()
	id, err := s.nominations.ApproveUnderDecision(ctx, principal(c), in)
	if err == nil {
		setFlash(c, "ok", "decisions.flash.created")
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/decisions/%d", id))
	}
	o := formOutcome(err)
	if o.Fields == nil && o.Flash == "" {
		return err
	}
	q := url.Values{"status": {string(nomination.Endorsed)}}
	d, lerr := s.nominationList(c, nomination.Filter{Statuses: []nomination.Status{nomination.Endorsed}}, q)
	if lerr != nil {
		return lerr
	}
	if d.Decide == nil {
		return err
	}
	pg := s.page(c, "nominations", "nominations.title", &d)
	s.keepDecision(pg, d.Decide, in, err, o, d.Rows)
	pg.Flash = &Flash{Kind: "error", Key: "decisions.flash.refused"}
	return s.render(c, o.Status, "nominations", pg)
}

// keepDecision fills f with what the approver sent and why the decision was refused.
func (s *Server) keepDecision(pg *Page, f *decideForm, in nomination.DecisionInput, err error, o outcome, rows []listRow) {
	f.Number, f.Date, f.Signer, f.SignerTitle = in.Number, in.Date, in.Signer, in.SignerTitle
	for _, it := range in.Items {
		f.Picked[it.NominationID] = true
	}
	if errors.Is(err, recognition.ErrDecisionTaken) {
		f.Errors["decision.number"] = pg.T("decisions.flash.taken")
		return
	}
	if o.Item == "" {
		for field := range o.Fields {
			if name, ok := decisionFields[field]; ok {
				f.Errors[name] = pg.FieldError(map[string]string{name: ""}, name)
			} else {
				f.Errors["items"] = pg.T("decisions.err.items_invalid")
			}
		}
		if len(f.Errors) == 0 && o.Flash != "" {
			f.Errors["items"] = pg.T(o.Flash)
		}
		return
	}
	// One item stopped the decision: say which and why, beside it and atop the form.
	var index int
	if _, err := fmt.Sscanf(o.Item, "items[%d]", &index); err != nil || index < 0 || index >= len(in.Items) {
		f.Errors["items"] = pg.T("decisions.err.items_invalid")
		return
	}
	nid := in.Items[index].NominationID
	reason := s.itemReason(pg, o)
	f.ItemErrors[nid] = reason
	// A nomination changed or no longer approvable is unchecked: the approver looks at it
	// again before it goes into a decision.
	delete(f.Picked, nid)
	title := "#" + strconv.FormatInt(nid, 10)
	for _, r := range rows {
		if r.ID == nid {
			title = r.Title
		}
	}
	f.Problem = pg.T("decisions.item_failed", "Title", title, "Reason", reason)
}

// itemReason says why an item of a decision was refused.
func (s *Server) itemReason(pg *Page, o outcome) string {
	switch {
	case o.Flash != "":
		return pg.T(o.Flash)
	case o.Status == http.StatusNotFound:
		return pg.T("decisions.item.not_found")
	case o.Status == http.StatusForbidden:
		return pg.T("decisions.item.forbidden")
	}
	for field := range o.Fields {
		if _, inner, ok := strings.Cut(field, "]."); ok {
			return pg.FieldError(map[string]string{inner: ""}, inner)
		}
	}
	return pg.T("err.invalid")
}

// decisionData is the decision page: the decision and its recognitions.
type decisionData struct {
	D     recognition.DecisionRecord
	Today time.Time
}

func (s *Server) decisionPage(c echo.Context) error {
	d, err := s.decision(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "decision", s.page(c, "recognitions", "", &decisionData{D: d, Today: time.Now().UTC()}))
}

// SignerTitleKey is the label key of a signer title.
func (d *decisionData) SignerTitleKey() string { return signerTitleKey(d.D.Decision.SignerTitle) }

// Status is a recognition's status today.
func (d *decisionData) Status(r recognition.Recognition) string { return r.StatusOn(d.Today) }

func signerTitleKey(title string) string {
	for _, o := range signerTitles {
		if o.Value == title {
			return o.Key
		}
	}
	return "decisions.signer_title.chairman"
}
