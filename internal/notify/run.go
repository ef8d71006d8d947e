package notify

import (
	"context"
	"log/slog"
	"time"
)

// RunOptions tunes Run.
type RunOptions struct {
	// RemindEvery is how often the reminder sweep runs (default 15 minutes); it also
	// runs once at start.
	RemindEvery time.Duration
	// SendEvery is how often the sender looks for messages due (default 1 minute); a
	// transition that queues mail wakes it at once.
	SendEvery time.Duration
	// Mailer sends the outbox; nil: no sender runs (SMTP not configured).
	Mailer Sender
}

// Run is the scheduler inside serve: the reminder sweep on an interval and, with a
// Mailer, the sender, until ctx ends. Safe with several replicas (the sweep takes turns
// through an advisory lock and writes each reminder once; the sender claims rows). Errors
// are logged and the next round tries again.
func (s *Service) Run(ctx context.Context, opt RunOptions, log *slog.Logger) {
	if opt.RemindEvery <= 0 {
		opt.RemindEvery = 15 * time.Minute
	}
	if opt.SendEvery <= 0 {
		opt.SendEvery = time.Minute
	}
	done := make(chan struct{})
	if opt.Mailer != nil {
		go func() {
			defer close(done)
			s.runSender(ctx, opt.Mailer, opt.SendEvery, log)
		}()
	} else {
		close(done)
	}
	remind := func() {
		res, err := s.Remind(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("reminder sweep failed; retried at the next round", "err", err)
		case res.Reminders+res.Escalations > 0:
			log.Info("reminders written", "reminders", res.Reminders, "escalations", res.Escalations)
		}
	}
	remind()
	t := time.NewTicker(opt.RemindEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case <-t.C:
			remind()
		}
	}
}

func (s *Service) runSender(ctx context.Context, m Sender, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := s.SendDue(ctx, m, time.Now().UTC())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("e-mail sender failed; retried at the next round", "err", err)
		case res.Retried+res.Failed > 0:
			log.Warn("e-mail not delivered", "sent", res.Sent, "retried_later", res.Retried, "failed", res.Failed)
		case res.Sent > 0:
			log.Info("e-mail sent", "sent", res.Sent)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}
