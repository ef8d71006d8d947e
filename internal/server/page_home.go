package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/units"
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
	FirstVisit  bool // no previous sign-in: the inbox covers the last 14 days
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
	// Reasons holds, for the commune's returned dossiers in its queue, the reason of the
	// return, clipped (returnReasonMax runes).
	Reasons map[int64]string
	// DashboardHref is where "Campaign progress" leads: the dashboard of the running
	// campaign, drilled to the person's district, or the campaign list when none runs.
	DashboardHref string
}

// returnReasonMax clips a return reason on the home page; the whole text is on the dossier.
const returnReasonMax = 140

// clipText cuts s to at most n runes at a word boundary when one is near, adding "…".
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > len(cut)*3/4 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// dashboardHref is the dashboard of the campaign running today in the person's scope
// (the latest to start, when several run; else the one that ended last), at their
// district when a grant is at one.
func (s *Server) dashboardHref(c echo.Context, p *authz.Principal, names map[string]units.Unit) (string, error) {
	list, err := s.campaigns.List(c.Request().Context(), p)
	if err != nil {
		return "", err
	}
	today := units.Today(time.Now()).Format(time.DateOnly)
	var run *campaign.Campaign
	for i, cp := range list {
		if cp.StartsOn.Format(time.DateOnly) <= today && today <= cp.EndsOn.Format(time.DateOnly) &&
			(run == nil || cp.StartsOn.After(run.StartsOn)) {
			run = &list[i]
		}
	}
	if run == nil { // none runs today: the one that ended last
		for i, cp := range list {
			if run == nil || cp.EndsOn.After(run.EndsOn) {
				run = &list[i]
			}
		}
	}
	if run == nil {
		return "/campaigns", nil
	}
	href := fmt.Sprintf("/campaigns/%d", run.ID)
	for _, g := range p.Grants {
		if u := names[g.UnitCode]; u.Level == units.District {
			return href + "?unit=" + url.QueryEscape(u.Code), nil
		}
	}
	return href, nil
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
	if d.SeesReports {
		if d.DashboardHref, err = s.dashboardHref(c, p, names); err != nil {
			return err
		}
	}
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
			if d.CanCreate && !d.IsReviewer && !d.IsApprover {
				if d.Reasons, err = s.returnReasons(c, d.Queue); err != nil {
					return err
				}
			}
		}
		recent, err := s.nominations.List(ctx, p, nomination.Filter{Limit: 5})
		if err != nil {
			return err
		}
		if d.Recent, err = s.listRows(c, recent.Items); err != nil {
			return err
		}
		// Since the previous sign-in; on a first visit, the last 14 days (said so).
		d.InboxSince, d.FirstVisit = time.Now().AddDate(0, 0, -14), true
		if last := authOf(c).LastSeen; last != nil {
			d.InboxSince, d.FirstVisit = *last, false
		}
		if d.Inbox, err = s.nominations.Inbox(ctx, p, d.InboxSince, 8); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "home", pg)
}

// returnReasons reads the latest return comment of the returned rows, clipped.
func (s *Server) returnReasons(c echo.Context, rows []listRow) (map[int64]string, error) {
	var ids []int64
	for _, r := range rows {
		if r.Status == nomination.Returned {
			ids = append(ids, r.ID)
		}
	}
	reasons, err := s.nominations.ReturnReasons(c.Request().Context(), principal(c), ids)
	if err != nil {
		return nil, err
	}
	for id, r := range reasons {
		reasons[id] = clipText(r, returnReasonMax)
	}
	return reasons, nil
}
