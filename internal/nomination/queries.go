package nomination

import (
	"context"
	"errors"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
)

// CountByStatus counts the nominations p may read, per status (home page tiles).
func (s *Service) CountByStatus(ctx context.Context, p *authz.Principal) (map[Status]int, error) {
	out := map[Status]int{}
	q, err := s.scoped(ctx, p, authz.ActRead)
	if errors.Is(err, apperr.ErrNotFound) {
		return out, nil
	}
	var rows []struct {
		Status Status
		N      int
	}
	if err := q.Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// InboxItem is a workflow step by someone else on a nomination p can see.
type InboxItem struct {
	NominationID int64
	Title        string
	At           time.Time
	Actor        string
	Action       string
	ToStatus     Status
	Comment      string
}

// Inbox lists what others did since `since` on nominations in p's scope, newest first.
func (s *Service) Inbox(ctx context.Context, p *authz.Principal, since time.Time, limit int) ([]InboxItem, error) {
	q, err := s.scopedHistory(ctx, p)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	}
	var out []InboxItem
	err = q.Select("h.nomination_id, n.title, h.at, h.actor, h.action, h.to_status, h.comment").
		Where("h.at > ? AND h.actor_id <> ?", since, p.UserID).
		Order("h.id DESC").Limit(limit).Scan(&out).Error
	return out, err
}
