package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// homeData is what a person must act on, by role.
type homeData struct {
	Roles       []string // "role at unit name", for the greeting
	Counts      map[nomination.Status]int
	Statuses    []nomination.Status
	Total       int
	Queue       []listRow // what this person must act on now
	QueueKey    string    // heading of the queue
	Recent      []listRow
	Inbox       []nomination.InboxItem
	InboxSince  time.Time
	CanCreate   bool
	IsReviewer  bool
	IsApprover  bool
	IsAdmin     bool
	ReadsNoms   bool
	SeesReports bool
	StatusQuery string
	QueueSort   string
	Movement    []mvLink // the movement's yearly pages of the person's units
	Lapsed      []string // one notice per grant at a unit that no longer stands
}

// lapsedNotices tells the person which of their grants give no rights any more, and why:
// the unit ended at a reform (SPEC §12).
func lapsedNotices(pg *Page, lapsed []authz.LapsedGrant) []string {
	var out []string
	for _, l := range lapsed {
		unit := l.UnitName
		if unit == "" {
			unit = l.UnitCode
		}
		if l.EndedOn != nil {
			out = append(out, pg.T("tiers.grant_lapsed", "Unit", unit, "Date", pg.Date(l.EndedOn)))
		} else {
			out = append(out, pg.T("tiers.grant_lapsed_gone", "Unit", unit))
		}
	}
	return out
}

func (s *Server) homePage(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	// What the page offers follows the policy, not role names: the queue shown is that of
	// the action defining it (approve, start a review, create), the admin links follow
	// managing users.
	may := func(obj, act string) bool { return !s.authz.Scopes(p, obj, act).Empty() }
	d := homeData{Statuses: nomination.Statuses,
		CanCreate:  may(authz.ObjNomination, authz.ActCreate),
		IsReviewer: may(authz.ObjNomination, "start_review"),
		IsApprover: may(authz.ObjNomination, "approve"),
		IsAdmin:    may(authz.ObjUser, authz.ActManage)}
	codes := make([]string, len(p.Grants))
	for i, g := range p.Grants {
		codes[i] = g.UnitCode
	}
	names, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return err
	}
	d.Movement = s.movementLinks(p, names)
	pg := s.page(c, "home", "home.title", &d)
	for _, g := range p.Grants {
		role := pg.T("role."+string(g.Role)) + " · " + names[g.UnitCode].Name
		if g.Delegated() {
			role += " " + pg.T("delegations.on_behalf_of", "Name", g.DelegatedBy)
		}
		d.Roles = append(d.Roles, role)
	}
	d.Lapsed = lapsedNotices(pg, p.Lapsed)
	d.ReadsNoms = !s.authz.Scopes(p, authz.ObjNomination, authz.ActRead).Empty()
	d.SeesReports = !s.authz.Scopes(p, authz.ObjReport, authz.ActRead).Empty()
	if d.ReadsNoms {
		counts, err := s.nominations.CountByStatus(ctx, p)
		if err != nil {
			return err
		}
		d.Counts = counts
		for _, n := range counts {
			d.Total += n
		}
		// The queue: the statuses this person's roles act on.
		var queue []nomination.Status
		switch {
		case d.IsApprover:
			queue, d.QueueKey, d.StatusQuery = []nomination.Status{nomination.Endorsed}, "home.queue.approve", "endorsed"
		case d.IsReviewer:
			queue, d.QueueKey, d.StatusQuery = []nomination.Status{nomination.Submitted, nomination.UnderReview}, "home.queue.review", "submitted,under_review"
		case d.CanCreate:
			queue, d.QueueKey, d.StatusQuery = []nomination.Status{nomination.Draft, nomination.Returned}, "home.queue.commune", "draft,returned"
		}
		if queue != nil {
			f := nomination.Filter{Statuses: queue, Limit: 10}
			if d.IsApprover || d.IsReviewer { // their inbox: the soonest due first (SPEC §13)
				f.Sort, d.QueueSort = nomination.SortDueOn, nomination.SortDueOn
			}
			page, err := s.nominations.List(ctx, p, f)
			if err != nil {
				return err
			}
			if d.Queue, err = s.listRows(c, page.Items); err != nil {
				return err
			}
		}
		recent, err := s.nominations.List(ctx, p, nomination.Filter{Limit: 5})
		if err != nil {
			return err
		}
		if d.Recent, err = s.listRows(c, recent.Items); err != nil {
			return err
		}
		d.InboxSince = time.Now().AddDate(0, 0, -14)
		if last := authOf(c).LastSeen; last != nil {
			d.InboxSince = *last
		}
		if d.Inbox, err = s.nominations.Inbox(ctx, p, d.InboxSince, 8); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "home", pg)
}
