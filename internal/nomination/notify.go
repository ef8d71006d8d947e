package nomination

import (
	"context"
	"slices"
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
)

// Notifications (SPEC §13) hear of the workflow here. Who must act next is read from the
// workflow table alone: the rules that may be taken from the new status, less the
// optional ones (withdraw, revoke), name the roles; authz then says who holds those roles
// with the nomination in scope (internal/notify resolves the people). The package knows
// nothing of notifications themselves: a Notifier is called inside the transaction of
// every transition, so what it writes commits or rolls back with the status change.

// Notifier hears of every workflow transition inside its transaction.
type Notifier interface {
	Transitioned(ctx context.Context, e Event) error
}

// UseNotifier makes every transition call n inside its transaction (app wiring).
func (s *Service) UseNotifier(n Notifier) { s.notifier = n }

// Ref is what a notification needs to know of a nomination.
type Ref struct {
	ID           int64
	Type         string
	Title        string
	Status       Status
	CommuneCode  string
	DistrictCode string
	ProvinceCode string
	UnitPath     string
	DueOn        *time.Time // the running stage's due date (deadlines.go), nil without one
}

func (r *row) ref() Ref {
	return Ref{ID: r.ID, Type: r.Type, Title: r.Title, Status: r.Status, CommuneCode: r.CommuneCode,
		DistrictCode: r.DistrictCode, ProvinceCode: r.ProvinceCode, UnitPath: r.UnitPath, DueOn: r.DueOn}
}

// Event is one transition as a notifier hears it, the nomination as it now stands.
type Event struct {
	Nomination Ref
	Action     string
	From       Status
	At         time.Time // the service's clock at the transition
	ActorID    int64
	Actor      string // the actor's full name
	Comment    string
	// Next are the rules the procedure now waits for (WaitingOn the new status), less
	// those of the party that acted and keeps its turn (start_review leaves the review
	// with the reviewers: nobody new must act).
	Next []Rule
	// Informed are roles told of the outcome though nothing waits for them: the commune
	// whose dossier was returned, rejected or approved (SPEC §13).
	Informed []authz.Role
}

// WaitingOn lists the rules the procedure waits for in status: every rule that may be
// taken from it except the optional ones. Their roles are who must act next.
func WaitingOn(status Status) []Rule {
	var out []Rule
	for _, r := range Workflow {
		if !r.Creates() && !r.Optional && r.appliesFrom(status) {
			out = append(out, r)
		}
	}
	return out
}

// Downstream lists the rules waited for in status and in every status they lead to, in
// table order: everyone who will have to act on the nomination from here on (the level
// above a late stage is found among them).
func Downstream(status Status) []Rule {
	seen := map[Status]bool{status: true}
	queue := []Status{status}
	var out []Rule
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		for _, r := range WaitingOn(st) {
			if !slices.ContainsFunc(out, func(o Rule) bool { return o.Action == r.Action && slices.Equal(o.By, r.By) }) {
				out = append(out, r)
			}
			if r.To != "" && !seen[r.To] {
				seen[r.To] = true
				queue = append(queue, r.To)
			}
		}
	}
	return out
}

// nextAfter is WaitingOn the status rule leads to, less the rules whose roles are all
// among rule's own: the party that acted keeps its turn and is not told of it.
func nextAfter(rule Rule) []Rule {
	var out []Rule
	for _, r := range WaitingOn(rule.To) {
		if !containsAll(rule.By, r.By) {
			out = append(out, r)
		}
	}
	return out
}

func containsAll(set, items []authz.Role) bool {
	for _, it := range items {
		if !slices.Contains(set, it) {
			return false
		}
	}
	return true
}

// outcomes are the statuses the commune hears of whatever it must do next (SPEC §13).
var outcomes = []Status{Returned, Rejected, Approved}

// owners are the roles that make a dossier: those that edit a draft.
func owners() []authz.Role {
	for _, r := range Workflow {
		if r.Action == ActionUpdate {
			return r.By
		}
	}
	return nil
}

// Stage names the deadline stage a status belongs to (deadlines.go): "review" while
// submitted or under review, "approval" while endorsed, "" otherwise.
func Stage(status Status) string {
	switch status {
	case Submitted, UnderReview:
		return "review"
	case Endorsed:
		return "approval"
	}
	return ""
}

// notifyTransition tells the notifier of the transition rule just made on r (inside the
// caller's transaction); nothing without a notifier.
func (s *Service) notifyTransition(ctx context.Context, p *authz.Principal, r *row, rule Rule, from Status, comment string) error {
	if s.notifier == nil {
		return nil
	}
	e := Event{Nomination: r.ref(), Action: rule.Action, From: from, At: s.now(), ActorID: p.UserID, Actor: p.FullName,
		Comment: comment, Next: nextAfter(rule)}
	if slices.Contains(outcomes, r.Status) {
		e.Informed = owners()
	}
	return s.notifier.Transitioned(ctx, e)
}

// DueBy lists the nominations whose running stage is due on or before through (a date),
// every province's, soonest first: the reminder sweep's work (internal/notify). A system
// read without a caller; what it tells is written to the responsible users only.
func (s *Service) DueBy(ctx context.Context, through time.Time) ([]Ref, error) {
	rows, err := s.stagesDue(ctx, through.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	out := make([]Ref, len(rows))
	for i := range rows {
		out[i] = rows[i].ref()
	}
	return out, nil
}
