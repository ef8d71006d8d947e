package notify

import (
	"context"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/store"
)

// Sending policy: a message is retried after 1, 2, 4, … minutes (at most 6 hours apart)
// and failed for good after maxAttempts; a claim holds a batch for claimLease, longer
// than a batch takes to send (each message has sendTimeout).
const (
	maxAttempts  = 10
	firstBackoff = time.Minute
	maxBackoff   = 6 * time.Hour
	claimLease   = 10 * time.Minute
	sendTimeout  = 30 * time.Second
	batchSize    = 20
)

// backoff is the wait after the attempt-th failed attempt (1-based).
func backoff(attempt int) time.Duration {
	d := firstBackoff
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// queue adds the e-mail of notification r for h to the outbox, in the caller's
// transaction, when mail is on and h has an address; the sender is woken once the
// transaction commits.
func (s *Service) queue(ctx context.Context, h identity.Holder, r *row) error {
	if s.mailTo == "" || h.Email == "" {
		return nil
	}
	subject, body := s.mail(h.Locale, r)
	now := r.CreatedAt // due at once
	if err := s.enqueue(ctx, &outboxRow{NotificationID: r.ID, ToAddress: h.Email, Subject: subject, Body: body,
		Status: outboxPending, NextAttemptAt: now, CreatedAt: now}); err != nil {
		return err
	}
	store.AfterCommit(ctx, s.nudge)
	return nil
}

// nudge wakes the sender (Run) without waiting.
func (s *Service) nudge() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Sender delivers one message; the Mailer is the SMTP one.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SendResult counts what one SendDue did.
type SendResult struct {
	Sent    int // delivered
	Retried int // failed, to be tried again later
	Failed  int // failed for the last time
}

// SendDue sends the messages due at now, a batch at a time, until none is left due: each
// claimed first (so replicas never send one twice at once), then sent outside any
// transaction, then marked sent, rescheduled with backoff, or failed after the last
// attempt. A failure is the message's, never SendDue's: its error is a database error.
func (s *Service) SendDue(ctx context.Context, m Sender, now time.Time) (SendResult, error) {
	var res SendResult
	for {
		batch, err := s.claim(ctx, now, claimLease, batchSize)
		if err != nil || len(batch) == 0 {
			return res, err
		}
		for _, o := range batch {
			sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
			sendErr := m.Send(sendCtx, o.ToAddress, o.Subject, o.Body)
			cancel()
			if ctx.Err() != nil {
				return res, ctx.Err() // shutting down: the lease brings the rest back later
			}
			fields := map[string]any{"status": outboxSent, "sent_at": now, "last_error": ""}
			switch {
			case sendErr == nil:
				res.Sent++
			case o.Attempts >= maxAttempts:
				fields = map[string]any{"status": outboxFailed, "last_error": errText(sendErr)}
				res.Failed++
			default:
				fields = map[string]any{"next_attempt_at": now.Add(backoff(o.Attempts)), "last_error": errText(sendErr)}
				res.Retried++
			}
			if err := s.settle(ctx, o.ID, fields); err != nil {
				return res, err
			}
		}
		if len(batch) < batchSize {
			return res, nil
		}
	}
}

// errText is a send error as stored: one line, at most the column's width.
func errText(err error) string {
	return clip(strings.Join(strings.Fields(err.Error()), " "), 500)
}

// OutboxCounts counts the outbox by status (pending, sent, failed).
func (s *Service) OutboxCounts(ctx context.Context) (map[string]int64, error) {
	return s.outboxCounts(ctx)
}
