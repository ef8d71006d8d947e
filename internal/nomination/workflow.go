package nomination

import (
	"slices"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/progress"
)

// Status is where a nomination is in the workflow (SPEC §6).
type Status string

const (
	Draft       Status = "draft"
	Submitted   Status = "submitted"
	UnderReview Status = "under_review"
	Returned    Status = "returned"
	Endorsed    Status = "endorsed"
	Approved    Status = "approved"
	Rejected    Status = "rejected"
	Withdrawn   Status = "withdrawn"
	Revoked     Status = "revoked"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{Draft, Submitted, UnderReview, Returned, Endorsed, Approved, Rejected, Withdrawn, Revoked}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// InPipeline reports whether the nomination is on its way to a decision (the "in
// pipeline" of the progress counters, which own the list).
func (s Status) InPipeline() bool { return progress.InPipeline(string(s)) }

// Guard is a condition an action needs besides the status.
type Guard string

const (
	NeedsComment       Guard = "comment"        // a non-empty comment
	NeedsComplete      Guard = "complete"       // every criterion self-assessed, required attachments present
	NeedsPassingReview Guard = "passing_review" // a review saved in this round in which the set passes
	NeedsDecision      Guard = "decision"       // decision number, date and signer
	// NeedsPrerequisite: the commune holds, active, the title the nominated one needs
	// (criteria.Type.Prerequisite); nothing for a type that needs none.
	NeedsPrerequisite Guard = "prerequisite"
	// NeedsNoticeOver: the public notice endorse opened (if its set has one) has ended and
	// every objection to the nomination is answered (notice.go). Not a form problem: 409
	// notice_open or objections_unresolved, checked before the guards that read the input.
	NeedsNoticeOver Guard = "notice_over"
)

// Actions that change the dossier without changing the status.
const (
	ActionUpdate = "update" // edit the dossier (PATCH, attachments)
	ActionReview = "review" // save the district review (PUT …/review)
)

// ActionRecord enters a decision the province took before it used ntmflow: the
// nomination is created approved, with its recognition (Service.Record).
const ActionRecord = "record"

// Rule is one row of the workflow table: the roles that may do the action, from which statuses, to
// which status, and what it needs. To is empty for actions that keep the status; From is
// empty for an action that creates the nomination in To (record), which no status leads
// to and so no existing nomination offers.
type Rule struct {
	Action string
	By     []authz.Role
	From   []Status
	To     Status
	Needs  []Guard
	// Optional marks an action its roles may take but the procedure never waits for
	// (withdraw, revoke): nobody is asked to take it (notify.go, WaitingOn).
	Optional bool
}

// Workflow is the whole table of SPEC §6. Casbin decides whether the role may do the
// action at the nomination's unit; this table decides whether the action is valid now.
// The API, the buttons of the web pages and the history all come from it. By names the
// roles whose policy grants the rule uses (the district reviewer of the three-tier tree
// and the province reviewer of the two-tier one share the review rows); it must match
// policies/policy.csv in both directions (TestWorkflowAgreesWithPolicy), so a role gets a
// new action by a policy line and a row here together.
var Workflow = []Rule{
	{Action: ActionUpdate, By: byCommune, From: []Status{Draft, Returned}},
	{Action: "submit", By: byCommune, From: []Status{Draft, Returned}, To: Submitted, Needs: []Guard{NeedsComplete}},
	{Action: "withdraw", By: byCommune, From: []Status{Submitted}, To: Withdrawn, Optional: true},
	{Action: "start_review", By: byReviewers, From: []Status{Submitted}, To: UnderReview},
	{Action: ActionReview, By: byReviewers, From: []Status{UnderReview}},
	{Action: "return", By: byReviewers, From: []Status{UnderReview}, To: Returned, Needs: []Guard{NeedsComment}},
	{Action: "reject", By: byReviewers, From: []Status{UnderReview}, To: Rejected, Needs: []Guard{NeedsComment}},
	{Action: "endorse", By: byReviewers, From: []Status{UnderReview}, To: Endorsed, Needs: []Guard{NeedsPassingReview}},
	{Action: "send_back", By: byApprover, From: []Status{Endorsed}, To: UnderReview, Needs: []Guard{NeedsComment}},
	{Action: "reject", By: byApprover, From: []Status{Endorsed}, To: Rejected, Needs: []Guard{NeedsComment}},
	{Action: "approve", By: byApprover, From: []Status{Endorsed}, To: Approved, Needs: []Guard{NeedsNoticeOver, NeedsDecision, NeedsPrerequisite}},
	{Action: "revoke", By: byApprover, From: []Status{Approved}, To: Revoked, Needs: []Guard{NeedsComment}, Optional: true},
	{Action: ActionRecord, By: byApprover, To: Approved, Needs: []Guard{NeedsDecision, NeedsPrerequisite}},
}

// The role lists of the table's rows.
var (
	byCommune   = []authz.Role{authz.CommuneOfficer}
	byReviewers = []authz.Role{authz.DistrictReviewer, authz.ProvinceReviewer}
	byApprover  = []authz.Role{authz.ProvinceApprover}
)

// allows reports whether one of the rule's roles, held by p, may do act at unitPath.
func (r Rule) allows(az *authz.Authorizer, p *authz.Principal, act, unitPath string) bool {
	for _, role := range r.By {
		if az.CanAs(p, role, authz.ObjNomination, act, unitPath) {
			return true
		}
	}
	return false
}

// Creates reports whether the rule creates the nomination (it has no from-status).
func (r Rule) Creates() bool { return len(r.From) == 0 }

// appliesFrom reports whether the rule may be taken from status; none ("") is the status
// of a nomination not created yet, from which only a creating rule applies.
func (r Rule) appliesFrom(status Status) bool {
	if r.Creates() {
		return status == ""
	}
	return slices.Contains(r.From, status)
}

// IsTransition reports whether action changes the status of an existing nomination (and
// so goes through POST …/transitions).
func IsTransition(action string) bool {
	for _, r := range Workflow {
		if r.Action == action {
			return r.To != "" && !r.Creates()
		}
	}
	return false
}

// Needs reports whether the rule has guard g.
func (r Rule) NeedsGuard(g Guard) bool { return slices.Contains(r.Needs, g) }

// decide finds the rule that lets p do action on a nomination at unitPath in status ("" for
// one not created yet): ErrForbidden when no role of p may ever do it there,
// ErrInvalidTransition when the role may but not from this status, a ValidationError for an
// unknown action.
func decide(az *authz.Authorizer, p *authz.Principal, action string, unitPath string, status Status) (Rule, error) {
	known, permitted := false, false
	for _, r := range Workflow {
		if r.Action != action {
			continue
		}
		known = true
		if !r.allows(az, p, action, unitPath) {
			continue
		}
		permitted = true
		if r.appliesFrom(status) {
			return r, nil
		}
	}
	switch {
	case !known:
		return Rule{}, apperr.Invalid("action", "is not a workflow action")
	case !permitted:
		return Rule{}, apperr.ErrForbidden
	}
	return Rule{}, apperr.ErrInvalidTransition
}

// Available lists the actions p may take on a nomination now, in table order: what the
// web page offers as buttons.
func Available(az *authz.Authorizer, p *authz.Principal, unitPath string, status Status) []Rule {
	var out []Rule
	for _, r := range Workflow {
		if r.appliesFrom(status) && r.allows(az, p, r.Action, unitPath) {
			out = append(out, r)
		}
	}
	return out
}
