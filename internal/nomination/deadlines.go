package nomination

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/calendar"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Working-day deadlines (SPEC §13). A criteria set gives the review stage review_days and
// the approval stage approval_days working days (0: no deadline). The nomination stores
// the date its current stage is due (due_on), set in the transaction of the transition
// that starts the stage:
//
//	submit             → submitted     review due: review_days after the submission date
//	start_review       → under_review  unchanged: the same review stage goes on
//	send_back          → under_review  review due again: review_days after the send-back
//	endorse            → endorsed      approval due: approval_days after the endorsement
//	any other action                   none (the commune's turn, or decided)
//
// Dates are Vietnam's. A nomination is overdue when today in Vietnam is after due_on.

// stageStatuses are the statuses with a running stage, the only ones a due date applies to.
var stageStatuses = []Status{Submitted, UnderReview, Endorsed}

// SortDueOn orders a list by due date, the soonest first, those without one last (the
// inbox of a reviewer or an approver); the default is newest first.
const SortDueOn = "due_on"

// Calendar is the working-day calendar deadlines are counted in (and its holidays).
func (s *Service) Calendar() *calendar.Service { return s.calendar }

// setDue puts the due date of the stage the transition to r.Status starts (from the
// status from) into fields and r; a transition that keeps the stage leaves it as it is.
func (s *Service) setDue(ctx context.Context, r *row, set *criteria.Set, from Status, fields map[string]any) error {
	var days int
	switch {
	case r.Status == UnderReview && from == Submitted:
		return nil // start_review: the review that began at submission goes on
	case r.Status == Submitted || r.Status == UnderReview:
		days = set.ReviewDays
	case r.Status == Endorsed:
		days = set.ApprovalDays
	}
	if days <= 0 {
		if r.DueOn != nil {
			r.DueOn, fields["due_on"] = nil, nil
		}
		return nil
	}
	cal, err := s.calendar.Calendar(ctx)
	if err != nil {
		return err
	}
	due := cal.AddWorkingDays(today(s.now()), days)
	r.DueOn, fields["due_on"] = &due, due.Format(time.DateOnly)
	return nil
}

// deadline is what a reader sees of a stored due date: the date while a stage runs (none
// otherwise, whatever is stored) and whether today in Vietnam is after it.
func deadline(status Status, dueOn *time.Time, now time.Time) (*string, bool) {
	if dueOn == nil || !slices.Contains(stageStatuses, status) {
		return nil, false
	}
	due := dueOn.UTC().Format(time.DateOnly)
	return &due, today(now).Format(time.DateOnly) > due
}

// overdueCond is the SQL condition selecting overdue nominations as of now, with its
// arguments. Dates compare as YYYY-MM-DD text on both databases.
func overdueCond(now time.Time) (string, []any) {
	return "status IN ? AND due_on IS NOT NULL AND due_on < ?", []any{stageStatuses, today(now).Format(time.DateOnly)}
}

// dueCursor is a page boundary of the list by due date: the last item's due date (nil
// when it had none) and id.
type dueCursor struct {
	due *string
	id  int64
}

func newDueCursor(due *time.Time, id int64) dueCursor {
	c := dueCursor{id: id}
	if due != nil {
		d := due.UTC().Format(time.DateOnly)
		c.due = &d
	}
	return c
}

// encode is the opaque next-page cursor of the list by due date ("d" marks it, so a cursor
// of the newest-first list is refused here and the other way round).
func (c dueCursor) encode() string {
	due := ""
	if c.due != nil {
		due = *c.due
	}
	return base64.RawURLEncoding.EncodeToString([]byte("d" + due + ":" + strconv.FormatInt(c.id, 10)))
}

var errBadDueCursor = errors.New("not a cursor of the list by due date")

func decodeDueCursor(s string) (dueCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 3 || b[0] != 'd' {
		return dueCursor{}, errBadDueCursor
	}
	due, idText, ok := strings.Cut(string(b[1:]), ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return dueCursor{}, errBadDueCursor
	}
	c := dueCursor{id: id}
	if due != "" {
		if _, err := time.Parse(time.DateOnly, due); err != nil {
			return dueCursor{}, errBadDueCursor
		}
		c.due = &due
	}
	return c, nil
}

// after is the keyset condition of the rows after c in the order by due date (dated rows
// by date then id, then the undated ones by id).
func (c dueCursor) after() (string, []any) {
	if c.due == nil {
		return "(due_on IS NULL AND id > ?)", []any{c.id}
	}
	return "(due_on > ? OR (due_on = ? AND id > ?) OR due_on IS NULL)", []any{*c.due, *c.due, c.id}
}

// dueOrder is the ORDER BY of the list by due date; NULLS LAST is spelled out for SQLite,
// whose ascending order puts NULL first.
const dueOrder = "due_on ASC NULLS LAST, id ASC"

// OverdueCount is the number of overdue nominations under one unit.
type OverdueCount struct {
	UnitCode string `json:"unit_code"`
	Overdue  int    `json:"overdue"`
}

// Overdue is the overdue nominations under a unit as of today in Vietnam: their total and
// their count under each unit directly below it (a district of a province, or a commune
// of a province of the two-tier tree, or a commune of a district), highest first, then by
// code. Units without overdue nominations are left out.
type Overdue struct {
	UnitCode string         `json:"unit_code"`
	Total    int            `json:"total"`
	Items    []OverdueCount `json:"items"`
}

// OverdueUnder counts the overdue nominations under u that p may read (u must be in p's
// read scope, else ErrNotFound), optionally of one campaign (0: any): the campaign
// dashboard's overdue column, u being the unit as it stood in the report's year (a
// district that has since ended). A nomination is counted under the unit its path names
// below u, so a pre-reform dossier of a province counts under its old district and a
// two-tier one under its commune.
func (s *Service) OverdueUnder(ctx context.Context, p *authz.Principal, u units.Unit, campaignID int64) (Overdue, error) {
	out := Overdue{UnitCode: u.Code, Items: []OverdueCount{}}
	if !s.authz.Can(p, authz.ObjNomination, authz.ActRead, u.Path) {
		return out, apperr.ErrNotFound
	}
	q, err := s.scoped(ctx, p, authz.ActRead)
	if err != nil {
		return out, err
	}
	child := "commune_code" // the communes of a district
	switch u.Level {
	case units.Province:
		q = q.Where("province_code = ?", u.Code)
		child = "CASE WHEN district_code = '' THEN commune_code ELSE district_code END"
	case units.District:
		q = q.Where("district_code = ?", u.Code)
	default:
		q = q.Where("commune_code = ? AND unit_path = ?", u.Code, u.Path)
	}
	cond, args := overdueCond(s.now())
	q = q.Where(cond, args...)
	if campaignID != 0 {
		q = q.Where("campaign_id = ?", campaignID)
	}
	var rows []struct {
		Code string
		N    int
	}
	if err := q.Select(child + " AS code, COUNT(*) AS n").Group(child).Scan(&rows).Error; err != nil {
		return out, err
	}
	for _, r := range rows {
		out.Total += r.N
		if u.Level != units.Commune {
			out.Items = append(out.Items, OverdueCount{UnitCode: r.Code, Overdue: r.N})
		}
	}
	slices.SortFunc(out.Items, func(a, b OverdueCount) int {
		if a.Overdue != b.Overdue {
			return b.Overdue - a.Overdue
		}
		return strings.Compare(a.UnitCode, b.UnitCode)
	})
	return out, nil
}
