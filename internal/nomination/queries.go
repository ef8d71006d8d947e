package nomination

import (
	"context"
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
)

// CountByStatus counts the nominations p may read, per status (home page tiles).
func (s *Service) CountByStatus(ctx context.Context, p *authz.Principal) (map[Status]int, error) {
	out := map[Status]int{}
	scope := s.authz.Scopes(p, authz.ObjNomination, authz.ActRead)
	if scope.Empty() {
		return out, nil
	}
	where, args := scope.CodeSQL(authz.UnitCodeColumns)
	var rows []struct {
		Status Status
		N      int
	}
	if err := s.st.DB(ctx).Model(&row{}).Select("status, COUNT(*) AS n").Where(where, args...).Group("status").Scan(&rows).Error; err != nil {
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
	scope := s.authz.Scopes(p, authz.ObjNomination, authz.ActRead)
	if scope.Empty() {
		return nil, nil
	}
	where, args := scope.CodeSQL(authz.UnitColumns{Province: "n.province_code", District: "n.district_code", Commune: "n.commune_code"})
	var out []InboxItem
	err := s.st.DB(ctx).Table("nomination_history AS h").
		Select("h.nomination_id, n.title, h.at, h.actor, h.action, h.to_status, h.comment").
		Joins("JOIN nominations AS n ON n.id = h.nomination_id").
		Where(where, args...).Where("h.at > ? AND h.actor_id <> ?", since, p.UserID).
		Order("h.id DESC").Limit(limit).Scan(&out).Error
	return out, err
}
