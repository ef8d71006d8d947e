package nomination

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ntmflow/ntmflow/internal/criteria"
)

// Repeat nominations (SPEC §13). A garden whose owner and village, or a residential area
// whose village, match (diacritics, case and spacing ignored: matchKey) an active
// recognition or another open nomination of the same type in the same commune carries
// them in duplicates, a warning for the reviewer; nothing is refused. A nomination is
// open from its draft until a decision closes it: draft, submitted, under_review,
// returned, endorsed (Status.Open). An approved nomination is represented by its
// recognition, listed while the recognition is active (not revoked, not expired); a
// rejected, withdrawn or revoked one is closed. A nomination's own recognition is never
// its duplicate.

// Duplicate kinds.
const (
	DuplicateRecognition = "recognition"
	DuplicateNomination  = "nomination"
)

// Duplicate is one record a nomination repeats: {"kind":"recognition|nomination","id"}.
type Duplicate struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
}

// Open reports whether a nomination in status s is still open: a draft or in the
// pipeline, not yet decided.
func (s Status) Open() bool { return s == Draft || s.InPipeline() }

// openStatuses are the statuses Open accepts, in workflow order.
var openStatuses = slices.DeleteFunc(slices.Clone(Statuses), func(s Status) bool { return !s.Open() })

// hasMatchKey reports whether nominations of type typ are matched at all (matchKey gives
// them a key), so a list page without any asks nothing.
func hasMatchKey(typ string) bool { return matchKey(criteria.Type(typ), "x", "x") != "" }

// duplicatesOf finds the duplicates of the nominations ids (read through scoped by the
// caller) in one query, keyed by nomination id; every id has a list, empty when none.
// Recognitions come first, then nominations, each by id.
func (s *Service) duplicatesOf(ctx context.Context, ids []int64) (map[int64][]Duplicate, error) {
	out := make(map[int64][]Duplicate, len(ids))
	for _, id := range ids {
		out[id] = []Duplicate{}
	}
	if len(ids) == 0 {
		return out, nil
	}
	found, err := s.repeatsOf(ctx, ids, s.now().Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	for _, f := range found {
		out[f.NominationID] = append(out[f.NominationID], Duplicate{Kind: f.Kind, ID: f.ID})
	}
	for _, list := range out {
		slices.SortFunc(list, func(a, b Duplicate) int {
			// "recognition" sorts after "nomination": the recognitions, stronger, first.
			return cmp.Or(-cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
		})
	}
	return out, nil
}

// setDuplicates fills v.Duplicates for r, with one query when r's type is matched.
func (s *Service) setDuplicates(ctx context.Context, r *row, v *View) error {
	v.Duplicates = []Duplicate{}
	if r.MatchKey == "" {
		return nil
	}
	found, err := s.duplicatesOf(ctx, []int64{r.ID})
	if err != nil {
		return err
	}
	v.Duplicates = found[r.ID]
	return nil
}

// setPageDuplicates fills the duplicates of a list page's items, with one query for the
// whole page (none when no item's type is matched).
func (s *Service) setPageDuplicates(ctx context.Context, items []Summary) error {
	var ids []int64
	for i := range items {
		items[i].Duplicates = []Duplicate{}
		if hasMatchKey(items[i].Type) {
			ids = append(ids, items[i].ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := s.duplicatesOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range items {
		if d, ok := found[items[i].ID]; ok {
			items[i].Duplicates = d
		}
	}
	return nil
}
