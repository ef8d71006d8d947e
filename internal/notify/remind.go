package notify

import (
	"context"
	"time"

	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/units"
)

// remindBefore is how many working days before its due date a stage is reminded of.
const remindBefore = 2

// RemindResult counts what one sweep wrote.
type RemindResult struct {
	Reminders   int // reminders written (one per recipient)
	Escalations int // escalations written (one per recipient)
}

// Remind is one sweep of the deadlines as of now (dates in Vietnam): for every nomination
// whose running stage is due within two working days it reminds the responsible users
// (those the stage waits for, at the most local level), and for every overdue one it
// tells them and the level above (the holders of the roles the nomination will wait for
// later, at units above: the province for a district's review). Each is written once
// per nomination, stage, due date and recipient (the unique key notifications_once),
// however often the sweep runs, on one replica or several at once. The e-mails go with
// them, in the same transaction.
func (s *Service) Remind(ctx context.Context, now time.Time) (RemindResult, error) {
	var res RemindResult
	cal, err := s.noms.Calendar().Calendar(ctx)
	if err != nil {
		return res, err
	}
	today := units.Today(now)
	// Every stage due within two working days is due on or before this day (the due
	// date is a working day); the exact test is below.
	horizon := cal.AddWorkingDays(today, remindBefore+1)
	created := now.UTC()
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		res = RemindResult{}
		if err := s.lockSweep(ctx); err != nil {
			return err
		}
		due, err := s.noms.DueBy(ctx, horizon)
		if err != nil {
			return err
		}
		for _, n := range due {
			var kind string
			switch {
			case today.After(*n.DueOn):
				kind = KindEscalation
			case !today.Before(cal.AddWorkingDays(*n.DueOn, -remindBefore)):
				kind = KindReminder
			default:
				continue
			}
			who, depth, err := s.responsible(ctx, n.UnitPath, nomination.WaitingOn(n.Status))
			if err != nil {
				return err
			}
			if kind == KindEscalation {
				if depth == 0 { // nobody holds the roles: everyone above the nomination's unit
					depth = len(units.SplitPath(n.UnitPath))
				}
				up, err := s.above(ctx, n.UnitPath, nomination.Downstream(n.Status), depth)
				if err != nil {
					return err
				}
				who = merge(who, up)
			}
			written, err := s.remindOnce(ctx, n, kind, who, created)
			if err != nil {
				return err
			}
			if kind == KindEscalation {
				res.Escalations += written
			} else {
				res.Reminders += written
			}
		}
		return nil
	})
	return res, err
}

// remindOnce writes the reminder or escalation of kind about n to each of who that has
// not had it yet, with its e-mail, and counts those written.
func (s *Service) remindOnce(ctx context.Context, n nomination.Ref, kind string, who []identity.Holder, at time.Time) (int, error) {
	written := 0
	for _, h := range who {
		r := row{UserID: h.UserID, Kind: kind, NominationID: n.ID, Status: string(n.Status), Stage: nomination.Stage(n.Status),
			Title: clip(n.Title, 300), DueOn: dayOf(n.DueOn), CreatedAt: at}
		ok, err := s.insertOnce(ctx, &r)
		if err != nil {
			return written, err
		}
		if !ok {
			continue
		}
		written++
		if err := s.queue(ctx, h, &r); err != nil {
			return written, err
		}
	}
	return written, nil
}
