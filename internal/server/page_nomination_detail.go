// The nomination detail page and the workflow actions posted from it.

package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
		in.Decision = &nomination.Decision{Number: c.FormValue("decision_number"), Date: c.FormValue("decision_date"),
			Signer: c.FormValue("decision_signer"), SignerTitle: c.FormValue("decision_signer_title")}
	}
	_, err = s.nominations.Transition(c.Request().Context(), principal(c), id, version, in)
	if err == nil {
		setFlash(c, "ok", "flash.action."+in.Action)
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", id))
	}
	o := formOutcome(err)
	errs, key := o.Fields, "flash.fix_fields"
	switch {
	case o.Reload:
		setFlash(c, "error", o.Flash)
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", id))
	case o.Fields != nil:
	case errors.Is(err, apperr.ErrNoticeOpen), errors.Is(err, apperr.ErrObjectionsUnresolved):
		// Held by the public notice: nothing in the form to fix, the message says why.
		errs, key = map[string]string{}, o.Flash
	case o.Flash != "":
		// Not valid now (invalid transition) or a decision number already used (conflict):
		// the message goes beside the decision number of the open form as well.
		errs, key = map[string]string{"decision.number": o.Flash}, o.Flash
	default:
		return err
	}
	d, derr := s.detail(c, id)
	if derr != nil {
		return derr
	}
	s.keepInput(d, in, errs)
	pg := s.page(c, "nominations", "", d)
	pg.Flash = &Flash{Kind: "error", Key: key}
	return s.render(c, o.Status, "nomination", pg)
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
