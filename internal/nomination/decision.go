package nomination

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm/clause"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/recognition"
)

// One decision, many dossiers (SPEC §13): the province approves several endorsed
// nominations under one decision, all or none.

// DecisionItem is one nomination a decision approves, at the version the approver saw.
type DecisionItem struct {
	NominationID int64 `json:"nomination_id"`
	Version      int   `json:"version"`
}

// DecisionInput is a decision and the nominations it approves (POST /api/v1/decisions).
type DecisionInput struct {
	Decision
	Items []DecisionItem
}

// MaxDecisionItems bounds one decision's list: a provincial decision recognises tens of
// dossiers, and the whole list is approved in one transaction.
const MaxDecisionItems = 500

// ApproveUnderDecision approves every item under one decision, in one transaction, or
// none, and returns the decision's id. Each item is the approve transition, by the same
// path as one nomination's (transition), so who may approve and when is the workflow
// table's and the policy's, here as there. The first item that fails refuses the whole
// decision, naming the item (*apperr.ItemError, "items[2]") with its own answer: not
// found (out of scope), forbidden, version mismatch (stale), invalid transition (not
// endorsed) or a failed guard. A number the province already gave another decision (of
// another date or signer) is *recognition.DecisionTakenError, about the decision itself.
// A decision number the province already holds with the same date and signer is joined:
// the items are added to it.
func (s *Service) ApproveUnderDecision(ctx context.Context, p *authz.Principal, in DecisionInput) (int64, error) {
	if err := authz.Require(p); err != nil {
		return 0, err
	}
	d := in.Decision
	val := apperr.NewValidation()
	checkDecision(&d, s.now(), val, "")
	switch {
	case len(in.Items) == 0:
		val.Add("items", "list at least one nomination to approve")
	case len(in.Items) > MaxDecisionItems:
		val.Add("items", fmt.Sprintf("at most %d nominations per request", MaxDecisionItems))
	}
	seen := map[int64]int{}
	ids := make([]int64, 0, len(in.Items))
	for i, it := range in.Items {
		field := fmt.Sprintf("items[%d]", i)
		if it.NominationID <= 0 {
			val.Add(field+".nomination_id", "is required")
			continue
		}
		if it.Version < 1 {
			val.Add(field+".version", "is required: the version of the nomination as it was read")
		}
		if j, twice := seen[it.NominationID]; twice {
			val.Add(field, fmt.Sprintf("lists nomination %d again (as items[%d])", it.NominationID, j))
			continue
		}
		seen[it.NominationID] = i
		ids = append(ids, it.NominationID)
	}
	if err := val.Err(); err != nil {
		return 0, err
	}
	var (
		decisionID int64
		done       []*transitioned
	)
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		decisionID, done = 0, done[:0]
		if err := s.lockInOrder(ctx, p, ids); err != nil {
			return err
		}
		for i, it := range in.Items {
			t, err := s.transition(ctx, p, it.NominationID, it.Version, TransitionInput{Action: "approve", Decision: &d})
			var taken *recognition.DecisionTakenError
			switch {
			case errors.As(err, &taken):
				return err
			case err != nil:
				return &apperr.ItemError{Field: fmt.Sprintf("items[%d]", i), Err: err}
			case decisionID == 0:
				decisionID = t.rec.DecisionID
			case t.rec.DecisionID != decisionID:
				return &apperr.ItemError{Field: fmt.Sprintf("items[%d]", i),
					Err: apperr.Invalid("nomination_id", "is in another province than items[0]: a decision is one province's")}
			}
			done = append(done, t)
		}
		// The counters last, in one order for every transaction: two decisions touching
		// the same counter rows take their locks in the same order.
		changes := make([]progress.Change, len(done))
		for i, t := range done {
			changes[i] = t.change
		}
		slices.SortStableFunc(changes, compareCounted)
		for _, ch := range changes {
			if err := s.counters.Apply(ctx, ch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, t := range done {
		s.transitions.WithLabelValues(t.action, string(t.r.Status)).Inc()
	}
	return decisionID, nil
}

// compareCounted orders counter changes by the rows they write.
func compareCounted(a, b progress.Change) int {
	var ca, cb int64
	if a.Nomination.CampaignID != nil {
		ca = *a.Nomination.CampaignID
	}
	if b.Nomination.CampaignID != nil {
		cb = *b.Nomination.CampaignID
	}
	return cmp.Or(cmp.Compare(ca, cb), cmp.Compare(a.Nomination.DistrictCode, b.Nomination.DistrictCode),
		cmp.Compare(a.Nomination.CommuneCode, b.Nomination.CommuneCode), cmp.Compare(a.Nomination.Type, b.Nomination.Type))
}

// lockInOrder takes the row locks of the nominations ids that p may read, in the order of
// their ids, before any of them changes (PostgreSQL; SQLite's transactions already hold
// the only write lock): two decisions sharing nominations then queue on the first they
// share, instead of each holding one the other waits for. Ids out of p's scope are left
// to their transition, which answers not found.
func (s *Service) lockInOrder(ctx context.Context, p *authz.Principal, ids []int64) error {
	q, err := s.scoped(ctx, p, authz.ActRead)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var locked []int64
	return q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("id IN ?", ids).Order("id").Pluck("id", &locked).Error
}
