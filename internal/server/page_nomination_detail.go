// The nomination detail page and the workflow actions posted from it.

package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/units"
)

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
	// Reply: submit of a returned dossier takes an optional answer to the return, kept as
	// the submit's comment in the history.
	Reply bool
	// ConfirmFailing: submit of a dossier whose self-assessment does not pass asks for a
	// checked confirmation (confirm_failing), checked by transitionSubmit too.
	ConfirmFailing bool
	// Confirmed: the confirmation box was checked when the form failed for another reason.
	Confirmed bool
}

// decisionFacts is the decision that recognised an approved dossier, as its approval's
// history entry recorded it.
type decisionFacts struct {
	Decision          nomination.Decision `json:"decision"`
	DecisionID        int64               `json:"decision_id"`
	CertificateNumber string              `json:"certificate_number"`
	ValidUntil        *string             `json:"valid_until"`
}

// failing says why a self-assessment does not pass: the required criteria not met and
// the score against the set's minimum.
type failing struct {
	Required []criteria.Criterion
	BelowMin bool
	Total    float64
	Min      float64
}

type detailData struct {
	N            nomination.View
	Set          *criteria.Set
	Commune      units.Unit
	District     units.Unit
	Garden       *nomination.GardenSubject
	Residential  *nomination.ResidentialSubject
	CommuneTitle *nomination.TitleSubject // the subject of a commune title
	Rows         []assessRow
	Attachments  []nomination.Attachment
	MissingKinds []string
	History      []nomination.HistoryEntry
	Actions      []actionForm
	CanEdit      bool
	CanReview    bool
	Open         string // the action whose form failed, to show it open
	Today        string
	SignerTitles []titleOption // the approve form's choice (page_decisions.go)
	// Objections to the public notice, when the nomination has had one (page_notices.go).
	Objections *nomination.ObjectionList
	// Names are the full names of the users the page names by username (history, review,
	// answers to objections), read in one query; Who falls back to the username.
	Names map[string]string
	// Reason is the return, send-back or rejection that brought the dossier to its status,
	// shown atop the page.
	Reason *nomination.HistoryEntry
	// Decision is the recognition decision of an approved (or revoked) dossier.
	Decision *decisionFacts
	// Failing explains a self-assessment that does not pass (nil when it passes).
	Failing *failing
	// Revoke is the revocation form, kept out of the main actions behind a disclosure.
	Revoke *actionForm
}

// Who is the full name of a username, or the username when it has none.
func (d *detailData) Who(username string) string {
	if n := d.Names[username]; n != "" {
		return n
	}
	return username
}

// SignerTitleKey is the label key of the decision's signer title.
func (d *detailData) SignerTitleKey() string {
	if d.Decision == nil {
		return ""
	}
	return signerTitleKey(d.Decision.Decision.SignerTitle)
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
	// A failed action redirected here: its typed values and messages (transitionSubmit).
	if f, ok := s.detailForms.take(formKey(c, id)); ok {
		s.keepInput(d, f.in, f.errs, f.confirmed)
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
	d := &detailData{N: v, Set: set, Today: time.Now().Format(time.DateOnly), Attachments: full.Attachments, History: full.History,
		MissingKinds: full.MissingKinds, SignerTitles: signerTitles}
	names, err := s.units.GetMany(ctx, []string{v.CommuneCode, v.DistrictCode})
	if err != nil {
		return nil, err
	}
	d.Commune, d.District = names[v.CommuneCode], names[v.DistrictCode]
	if v.NoticeUntil != nil {
		list, err := s.nominations.Objections(ctx, p, id)
		if err != nil {
			return nil, err
		}
		d.Objections = &list
	}
	switch typ := criteria.Type(v.Type); {
	case typ == criteria.ModelGarden:
		d.Garden = &nomination.GardenSubject{}
		_ = json.Unmarshal(v.Subject, d.Garden)
	case typ.IsCommuneTitle():
		d.CommuneTitle = &nomination.TitleSubject{}
		_ = json.Unmarshal(v.Subject, d.CommuneTitle)
	default:
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
	for _, r := range full.Actions {
		switch r.Action {
		case nomination.ActionUpdate:
			d.CanEdit = true
		case nomination.ActionReview:
			d.CanReview = true
		default:
			f := actionForm{Action: r.Action, NeedsComment: r.NeedsGuard(nomination.NeedsComment),
				NeedsDecision: r.NeedsGuard(nomination.NeedsDecision), Danger: r.To == nomination.Rejected || r.To == nomination.Revoked || r.To == nomination.Withdrawn,
				Errors: map[string]string{}}
			if r.Action == "submit" {
				f.Reply = v.Status == nomination.Returned
				f.ConfirmFailing = !v.SelfAssessment.Passes
			}
			if r.Action == "revoke" {
				d.Revoke = &f
				continue
			}
			d.Actions = append(d.Actions, f)
		}
	}
	if !v.SelfAssessment.Passes {
		d.Failing = &failing{BelowMin: v.SelfAssessment.TotalScore < set.PassRule.MinScore, Total: v.SelfAssessment.TotalScore, Min: set.PassRule.MinScore}
		for _, code := range v.SelfAssessment.MissingRequired {
			if crit, ok := set.Criterion(code); ok {
				d.Failing.Required = append(d.Failing.Required, crit)
			}
		}
	}
	d.Reason, d.Decision = reasonAndDecision(v, full.History)
	if d.Names, err = s.identity.FullNames(ctx, namedIn(full.History, v.Review, d.Objections)); err != nil {
		return nil, err
	}
	return d, nil
}

// reasonAndDecision finds in the history why the dossier stands where it does: the
// return, send-back or rejection that brought it to its status, and the decision of an
// approved or revoked one.
func reasonAndDecision(v nomination.View, history []nomination.HistoryEntry) (*nomination.HistoryEntry, *decisionFacts) {
	var reason *nomination.HistoryEntry
	var decision *decisionFacts
	latest := true // the newest entry that changed the status is yet to come
	for i := len(history) - 1; i >= 0; i-- {
		h := &history[i]
		if h.From != nil && *h.From == h.To {
			continue // saved a review, answered an objection: no change of status
		}
		if latest {
			latest = false
			switch h.Action {
			case "return", "send_back", "reject", "revoke":
				if h.To == v.Status {
					reason = h
				}
			}
		}
		if (v.Status == nomination.Approved || v.Status == nomination.Revoked) && (h.Action == "approve" || h.Action == nomination.ActionRecord) && len(h.Details) > 0 {
			var f decisionFacts
			if json.Unmarshal(h.Details, &f) == nil && f.Decision.Number != "" {
				decision = &f
			}
			break
		}
		if v.Status != nomination.Approved && v.Status != nomination.Revoked {
			break
		}
	}
	return reason, decision
}

// namedIn lists the usernames the page names: the history's actors and those they acted
// for, the reviewer, and who answered the objections.
func namedIn(history []nomination.HistoryEntry, review *nomination.Review, objections *nomination.ObjectionList) []string {
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for _, h := range history {
		add(h.Actor)
		if h.OnBehalfOf != nil {
			add(*h.OnBehalfOf)
		}
	}
	if review != nil {
		add(review.Reviewer)
	}
	if objections != nil {
		for _, o := range objections.Items {
			if o.ResolvedBy != nil {
				add(*o.ResolvedBy)
			}
		}
	}
	return out
}

// transitionSubmit performs the chosen action and answers with a redirect to the
// nomination's page (redirect after POST: no page is left at this POST-only URL). A failed
// action keeps the typed values and the messages for that page (Server.detailForms), which shows
// its form open with them; the flash says what went wrong.
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
		in.Decision = &nomination.Decision{Number: c.FormValue("decision_number"), Date: c.FormValue("decision_date"),
			Signer: c.FormValue("decision_signer"), SignerTitle: c.FormValue("decision_signer_title")}
	}
	back := fmt.Sprintf("/nominations/%d", id)
	confirmed := c.FormValue("confirm") == "1"
	failed := func(errs map[string]string, key string) error {
		s.detailForms.put(formKey(c, id), keptForm{in: in, errs: errs, confirmed: confirmed})
		setFlash(c, "error", key)
		return c.Redirect(http.StatusSeeOther, back+"#action-"+url.PathEscape(in.Action))
	}
	// The page asks to confirm a revocation, and a submission whose self-assessment does
	// not pass; the API does not.
	if errs, err := s.unconfirmed(c, id, in, confirmed); err != nil {
		return err
	} else if errs != nil {
		return failed(errs, "flash.fix_fields")
	}
	_, err = s.nominations.Transition(c.Request().Context(), principal(c), id, version, in)
	if err == nil {
		setFlash(c, "ok", "flash.action."+in.Action)
		return c.Redirect(http.StatusSeeOther, back)
	}
	o := formOutcome(err)
	switch {
	case o.Reload:
		// Changed meanwhile: the page shows it afresh, the typed comment kept.
		return failed(map[string]string{}, o.Flash)
	case o.Fields != nil:
		return failed(o.Fields, "flash.fix_fields")
	case errors.Is(err, apperr.ErrNoticeOpen), errors.Is(err, apperr.ErrObjectionsUnresolved):
		// Held by the public notice: nothing in the form to fix, the message says why.
		return failed(map[string]string{}, o.Flash)
	case o.Flash != "":
		// Not valid now (invalid transition) or a decision number already used (conflict):
		// the message goes beside the decision number of the open form as well.
		return failed(map[string]string{"decision.number": o.Flash}, o.Flash)
	default:
		return err
	}
}

// unconfirmed checks the confirmations the page asks for: revoking needs its box
// checked, and so does submitting a dossier whose self-assessment does not pass. It
// answers the fields to fix, or nil.
func (s *Server) unconfirmed(c echo.Context, id int64, in nomination.TransitionInput, confirmed bool) (map[string]string, error) {
	if confirmed {
		return nil, nil
	}
	switch in.Action {
	case "revoke":
		errs := map[string]string{"confirm_revoke": "must be checked"}
		if strings.TrimSpace(in.Comment) == "" {
			errs["comment"] = "is required for revoke"
		}
		return errs, nil
	case "submit":
		v, err := s.nominations.Get(c.Request().Context(), principal(c), id)
		if err != nil {
			return nil, err
		}
		if !v.SelfAssessment.Passes && (v.Status == nomination.Draft || v.Status == nomination.Returned) {
			return map[string]string{"confirm_failing": "must be checked"}, nil
		}
	}
	return nil, nil
}

func (s *Server) keepInput(d *detailData, in nomination.TransitionInput, errs map[string]string, confirmed bool) {
	d.Open = in.Action
	forms := d.Actions
	if d.Revoke != nil {
		forms = append(forms[:len(forms):len(forms)], *d.Revoke)
	}
	for i := range forms {
		f := &forms[i]
		if f.Action != in.Action {
			continue
		}
		f.Errors, f.Comment, f.Confirmed = errs, in.Comment, confirmed
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		if in.Decision != nil {
			f.Decision = *in.Decision
		}
		if d.Revoke != nil && f.Action == d.Revoke.Action {
			*d.Revoke = *f
		}
	}
}

// keptForm is a failed action's input and messages, kept for the page the browser is
// redirected to.
type keptForm struct {
	in        nomination.TransitionInput
	errs      map[string]string
	confirmed bool
	at        time.Time
}

// formStash holds failed forms for a few minutes, by session and nomination, until the
// page shows them once. Without it (another instance answered, or it expired) the page
// still shows the flash; only the typed values are lost.
type formStash struct {
	mu sync.Mutex
	m  map[string]keptForm
}

const (
	keptFormTTL = 10 * time.Minute
	keptFormMax = 10_000
)

func newFormStash() *formStash { return &formStash{m: map[string]keptForm{}} }

// formKey is the stash key of the caller's session and nomination id ("" signed out).
func formKey(c echo.Context, id int64) string {
	a := authOf(c)
	if a == nil {
		return ""
	}
	return fmt.Sprintf("%s/%d", a.TokenHash, id)
}

func (f *formStash) put(key string, k keptForm) {
	if key == "" {
		return
	}
	now := time.Now()
	k.at = now
	f.mu.Lock()
	defer f.mu.Unlock()
	for old, v := range f.m {
		if now.Sub(v.at) > keptFormTTL {
			delete(f.m, old)
		}
	}
	if len(f.m) >= keptFormMax {
		return // a flood of failed forms: the flash alone says what failed
	}
	f.m[key] = k
}

func (f *formStash) take(key string) (keptForm, bool) {
	if key == "" {
		return keptForm{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.m[key]
	delete(f.m, key)
	if !ok || time.Since(k.at) > keptFormTTL {
		return keptForm{}, false
	}
	return k, true
}
