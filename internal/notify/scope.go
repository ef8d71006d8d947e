package notify

// Every query on notifications and email_outbox starts in this file (internal/scopecheck).
// A caller's reads take the caller's user id: a user sees and marks only their own
// notifications. The outbox has no reader but the sender, a system task.

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ntmflow/ntmflow/internal/store"
)

// mine is the notifications of one user.
func (s *Service) mine(ctx context.Context, userID int64) *gorm.DB {
	return s.st.DB(ctx).Model(&row{}).Where("user_id = ?", userID)
}

// page reads up to limit of the user's notifications below id before (0: from the
// newest), newest first.
func (s *Service) page(ctx context.Context, userID, before int64, unreadOnly bool, limit int) ([]row, error) {
	q := s.mine(ctx, userID)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	if unreadOnly {
		q = q.Where("read_at IS NULL")
	}
	var out []row
	err := q.Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// unread counts the user's unread notifications (the partial index notifications_unread).
func (s *Service) unread(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.mine(ctx, userID).Where("read_at IS NULL").Count(&n).Error
	return n, err
}

// markRead marks the user's unread notifications with ids (all of them when ids is empty) read at.
func (s *Service) markRead(ctx context.Context, userID int64, ids []int64, at time.Time) error {
	q := s.mine(ctx, userID).Where("read_at IS NULL")
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	return q.Update("read_at", at).Error
}

// insert writes a notification to r.UserID (a recipient the workflow and authz named).
func (s *Service) insert(ctx context.Context, r *row) error {
	return s.st.DB(ctx).Create(r).Error
}

// insertOnce writes a reminder or an escalation unless the same one (nomination, stage,
// due date, kind, recipient: notifications_once) exists, and reports whether it did. A
// concurrent sweep writing the same row waits for the first to commit, then writes nothing.
func (s *Service) insertOnce(ctx context.Context, r *row) (bool, error) {
	res := s.st.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(r)
	return res.Error == nil && res.RowsAffected == 1, res.Error
}

// lockSweep serialises reminder sweeps until the transaction ends: replicas of serve and a
// cron `ntmflow remind` take turns (the unique key keeps them right anyway; the lock saves
// the work twice). SQLite's transactions are IMMEDIATE and hold the only write lock.
func (s *Service) lockSweep(ctx context.Context) error {
	if s.st.Dialect() != store.Postgres {
		return nil
	}
	return s.st.DB(ctx).Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "ntmflow:notify:remind").Error
}

// outboxRow is one queued e-mail.
type outboxRow struct {
	ID             int64 `gorm:"primaryKey"`
	NotificationID int64
	ToAddress      string
	Subject        string
	Body           string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	CreatedAt      time.Time
	SentAt         *time.Time
}

func (outboxRow) TableName() string { return "email_outbox" }

// Outbox statuses.
const (
	outboxPending = "pending"
	outboxSent    = "sent"
	outboxFailed  = "failed"
)

// enqueue adds a message to the outbox in the caller's transaction.
func (s *Service) enqueue(ctx context.Context, o *outboxRow) error {
	return s.st.DB(ctx).Create(o).Error
}

// claim takes up to limit pending messages due at now and moves their next attempt to
// now+lease (counting the attempt), so no other sender takes them while this one sends;
// a sender that dies leaves them to be taken again once the lease is over. PostgreSQL
// skips rows another replica is claiming; SQLite has one writer at a time.
func (s *Service) claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]outboxRow, error) {
	var out []outboxRow
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		q := s.st.DB(ctx).Model(&outboxRow{}).Select("id").
			Where("status = ? AND next_attempt_at <= ?", outboxPending, now).Order("next_attempt_at, id").Limit(limit)
		if s.st.Dialect() == store.Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var ids []int64
		if err := q.Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
			return err
		}
		if err := s.st.DB(ctx).Model(&outboxRow{}).Where("id IN ?", ids).Updates(map[string]any{
			"next_attempt_at": now.Add(lease), "attempts": gorm.Expr("attempts + 1")}).Error; err != nil {
			return err
		}
		return s.st.DB(ctx).Where("id IN ?", ids).Order("id").Find(&out).Error
	})
	return out, err
}

// settle records a send's outcome: sent, retried at next, or failed for good.
func (s *Service) settle(ctx context.Context, id int64, fields map[string]any) error {
	res := s.st.DB(ctx).Model(&outboxRow{}).Where("id = ? AND status = ?", id, outboxPending).Updates(fields)
	if res.Error == nil && res.RowsAffected == 0 {
		return errors.New("notify: outbox row is no longer pending")
	}
	return res.Error
}

// outboxCounts counts the outbox by status (metrics, `ntmflow remind` output, tests).
func (s *Service) outboxCounts(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Status string
		N      int64
	}
	if err := s.st.DB(ctx).Model(&outboxRow{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// day is a calendar date in a DATE column, written as YYYY-MM-DD on both databases (as
// nominations.due_on is, so the unique key compares like with like) and read back from
// the text SQLite returns or the time PostgreSQL returns.
type day time.Time

func dayOf(t *time.Time) *day {
	if t == nil {
		return nil
	}
	d := day(t.UTC())
	return &d
}

func (d day) Value() (driver.Value, error) { return time.Time(d).UTC().Format(time.DateOnly), nil }

func (d *day) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		*d = day(time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC))
		return nil
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	}
	return fmt.Errorf("notify: cannot read a date from %T", v)
}

func (d *day) parse(s string) error {
	if len(s) < len(time.DateOnly) {
		return fmt.Errorf("notify: %q is not a date", s)
	}
	t, err := time.Parse(time.DateOnly, s[:len(time.DateOnly)])
	*d = day(t)
	return err
}

// time is the date as midnight UTC, nil for none.
func (d *day) time() *time.Time {
	if d == nil {
		return nil
	}
	t := time.Time(*d)
	return &t
}
