// The district's review form.

package server

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/units"
)

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
	// Prior is the earlier round's review the form starts from (after a send-back or a
	// return and resubmission), shown as pre-filled until this round's review is saved.
	Prior *nomination.Review
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
	if d.Prior, err = s.nominations.PriorReview(c.Request().Context(), principal(c), v.ID); err != nil {
		return nil, err
	}
	saved := map[string]nomination.ReviewScore{}
	from := v.Review
	if from == nil {
		from = d.Prior // a new round starts from the previous one's visit, comments and summary
	}
	if from != nil {
		d.Summary, d.Visited = from.Summary, from.VisitedOn
		for _, sc := range from.Scores {
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
			n, perr := i18n.ParseNumber(r.Score)
			if perr != nil {
				d.Errors[fmt.Sprintf("scores[%d].score", i)] = "must be a number"
			}
			sc.Score = n
		}
		in.Scores = append(in.Scores, sc)
	}
	if len(d.Errors) == 0 {
		_, err = s.nominations.SaveReview(c.Request().Context(), principal(c), d.N.ID, version, in)
		if err == nil {
			setFlash(c, "ok", "flash.review_saved")
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d", d.N.ID))
		}
		switch o := formOutcome(err); {
		case o.Reload:
			setFlash(c, "error", o.Flash)
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/nominations/%d/review", d.N.ID))
		case o.Fields == nil:
			return err
		default:
			maps.Copy(d.Errors, o.Fields)
		}
	}
	for i := range d.Rows {
		d.Rows[i].Error = d.Errors[fmt.Sprintf("scores[%d].score", i)]
	}
	return s.renderReview(c, http.StatusUnprocessableEntity, d)
}
