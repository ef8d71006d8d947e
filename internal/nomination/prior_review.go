package nomination

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
)

// PriorReview is the district's review of an earlier round of nomination id, for the
// review form to start from when it opens in a new round: after the province sent the
// dossier back (the review stays on the dossier) or after a return and resubmission (the
// submit clears it; the history keeps it). Nil when this round's review is already saved,
// when no review was ever saved, or when no round has started.
func (s *Service) PriorReview(ctx context.Context, p *authz.Principal, id int64) (*Review, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return nil, err
	}
	hist, err := s.historyOf(ctx, r)
	if err != nil {
		return nil, err
	}
	round, last := -1, -1 // the entry that began this round; the last saved review
	for i, h := range hist {
		switch h.Action {
		case "start_review", "send_back":
			round = i
		case ActionReview:
			last = i
		}
	}
	if round < 0 || last < 0 || last > round {
		return nil, nil
	}
	if r.Review != nil { // sent back: the dossier still holds the previous round's review
		var rv Review
		if err := json.Unmarshal([]byte(*r.Review), &rv); err == nil {
			return &rv, nil
		}
	}
	h := hist[last]
	rv := Review{Summary: h.Comment, Reviewer: h.Actor, SavedAt: h.At}
	if len(h.Details) > 0 {
		var d struct {
			VisitedOn string        `json:"visited_on"`
			Scores    []ReviewScore `json:"scores"`
		}
		if err := json.Unmarshal(h.Details, &d); err == nil {
			rv.VisitedOn, rv.Scores = d.VisitedOn, d.Scores
		}
	}
	return &rv, nil
}

// ReturnReasons gives, for those of ids in p's scope that were returned to the commune,
// the comment of their latest return: what the commune has to fix.
func (s *Service) ReturnReasons(ctx context.Context, p *authz.Principal, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	q, err := s.scopedHistory(ctx, p)
	if errors.Is(err, apperr.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	var rows []struct {
		NominationID int64
		Comment      string
	}
	if err := q.Select("h.nomination_id, h.comment").Where("h.action = ? AND h.nomination_id IN ?", "return", ids).
		Order("h.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.NominationID] = r.Comment // the latest return wins
	}
	return out, nil
}
