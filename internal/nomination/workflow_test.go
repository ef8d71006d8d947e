package nomination

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/policies"
)

func principal(role authz.Role, path string) *authz.Principal {
	codes := []string{"20", "183", "06220"}
	return &authz.Principal{Grants: []authz.Grant{{Role: role, UnitCode: codes[len(path)/5], UnitPath: path}}}
}

// TestDecideOrder: the workflow guard answers forbidden, then invalid from this status,
// and picks the rule of the caller's role when two roles share an action name.
func TestDecideOrder(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	district := principal(authz.DistrictReviewer, "/20/183")
	province := principal(authz.ProvinceApprover, "/20")
	commune := principal(authz.CommuneOfficer, "/20/183/06220")
	reviewer := principal(authz.ProvinceReviewer, "/20")
	const unit = "/20/183/06220"
	cases := []struct {
		p      *authz.Principal
		action string
		status Status
		want   error
		to     Status
	}{
		{district, "reject", UnderReview, nil, Rejected},
		{province, "reject", Endorsed, nil, Rejected},
		{district, "reject", Endorsed, apperr.ErrInvalidTransition, ""},
		{province, "reject", UnderReview, apperr.ErrInvalidTransition, ""},
		{commune, "reject", UnderReview, apperr.ErrForbidden, ""},
		{commune, "submit", Returned, nil, Submitted},
		{commune, "submit", Endorsed, apperr.ErrInvalidTransition, ""},
		{district, "approve", Endorsed, apperr.ErrForbidden, ""},
		{principal(authz.DistrictReviewer, "/20/182"), "endorse", UnderReview, apperr.ErrForbidden, ""},
		// The province reviewer shares the review rows with the district reviewer (SPEC §12)
		// and finishes a pre-reform commune's nomination; it never decides.
		{reviewer, "start_review", Submitted, nil, UnderReview},
		{reviewer, "endorse", UnderReview, nil, Endorsed},
		{reviewer, "reject", UnderReview, nil, Rejected},
		{reviewer, "reject", Endorsed, apperr.ErrInvalidTransition, ""},
		{reviewer, "approve", Endorsed, apperr.ErrForbidden, ""},
		{principal(authz.ProvinceReviewer, "/01"), "endorse", UnderReview, apperr.ErrForbidden, ""},
	}
	for _, c := range cases {
		r, err := decide(az, c.p, c.action, unit, c.status)
		if !errors.Is(err, c.want) || (c.want == nil && r.To != c.to) {
			t.Errorf("%s from %s: rule %+v, err %v; want to %s, err %v", c.action, c.status, r, err, c.to, c.want)
		}
	}
	if _, err := decide(az, district, "dance", unit, Draft); err == nil {
		t.Error("unknown action accepted")
	}
	// Every transition row of the table has a to-state and at least one from-state; a
	// row without from-states creates the nomination, so it needs a to-state.
	for _, r := range Workflow {
		if (r.Creates() && r.To == "") || (IsTransition(r.Action) && (r.To == "" || len(r.From) == 0)) {
			t.Errorf("malformed rule %+v", r)
		}
	}
}

// TestRecordCreatesApproved: record starts from none (a nomination not created yet), by
// the province approver of the commune's province; it is never a transition of an
// existing nomination nor a button on one.
func TestRecordCreatesApproved(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	const unit = "/20/183/06220"
	province := principal(authz.ProvinceApprover, "/20")
	r, err := decide(az, province, ActionRecord, unit, "")
	if err != nil || r.To != Approved || !r.Creates() || !r.NeedsGuard(NeedsDecision) || !r.NeedsGuard(NeedsPrerequisite) {
		t.Fatalf("record by the province: %+v, %v", r, err)
	}
	for _, p := range []*authz.Principal{principal(authz.CommuneOfficer, unit), principal(authz.DistrictReviewer, "/20/183"),
		{Grants: []authz.Grant{{Role: authz.ProvinceApprover, UnitCode: "01", UnitPath: "/01"}}}} {
		if _, err := decide(az, p, ActionRecord, unit, ""); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("record by %+v: %v", p.Grants, err)
		}
	}
	for _, st := range Statuses {
		if _, err := decide(az, province, ActionRecord, unit, st); !errors.Is(err, apperr.ErrInvalidTransition) {
			t.Errorf("record on a nomination %s: %v", st, err)
		}
		for _, a := range Available(az, province, unit, st) {
			if a.Action == ActionRecord {
				t.Errorf("record offered on a nomination %s", st)
			}
		}
	}
	if IsTransition(ActionRecord) {
		t.Error("record goes through POST …/transitions")
	}
	// approve checks the title a higher one needs, again, at the decision.
	approve, err := decide(az, province, "approve", unit, Endorsed)
	if err != nil || !approve.NeedsGuard(NeedsPrerequisite) {
		t.Fatalf("approve: %+v, %v", approve, err)
	}
}

func BenchmarkWorkflowDecide(b *testing.B) {
	az, err := authz.New()
	if err != nil {
		b.Fatal(err)
	}
	p := principal(authz.ProvinceApprover, "/20")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decide(az, p, "reject", "/20/183/06220", Endorsed); err != nil {
			b.Fatal(err)
		}
	}
}

// outsideTable are the nomination actions of the policy that are not rows of the workflow
// table: reading, and creating (a nomination is born a draft; no status leads to it).
var outsideTable = []string{authz.ActRead, authz.ActCreate}

// policyDisagreements compares the workflow table's By with the policy, both ways: every
// rule's role must be allowed its action by some policy line, and every nomination action
// the policy grants a role must be a rule of that role. One line per disagreement.
func policyDisagreements(az *authz.Authorizer) []string {
	granted := map[string]bool{} // "role action"
	var out []string
	for _, pr := range az.Rules() {
		if pr.Obj != authz.ObjNomination {
			continue
		}
		granted[string(pr.Role)+" "+pr.Act] = true
		if slices.Contains(outsideTable, pr.Act) {
			continue
		}
		if !slices.ContainsFunc(Workflow, func(r Rule) bool { return r.Action == pr.Act && slices.Contains(r.By, pr.Role) }) {
			out = append(out, fmt.Sprintf("the policy lets %s %s a nomination, but the workflow table has no %s rule by %s",
				pr.Role, pr.Act, pr.Act, pr.Role))
		}
	}
	for _, r := range Workflow {
		for _, role := range r.By {
			if !granted[string(role)+" "+r.Action] {
				out = append(out, fmt.Sprintf("the workflow table has %s by %s, but no policy line allows it", r.Action, role))
			}
		}
	}
	return out
}

// TestWorkflowAgreesWithPolicy: the role of each workflow action is the policy's, checked
// against the embedded policy in both directions, so a role granted an action in
// policy.csv without a workflow rule (or the reverse) fails here instead of doing nothing.
func TestWorkflowAgreesWithPolicy(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	if d := policyDisagreements(az); len(d) > 0 {
		t.Fatalf("workflow table and policies/policy.csv disagree:\n  %s", strings.Join(d, "\n  "))
	}
	// The check sees both kinds of drift.
	changed := strings.Replace(policies.Policy, "p, district_reviewer, district, nomination, endorse, subtree\n", "", 1)
	changed += "p, province_approver, province, nomination, return, subtree\n"
	drifted, err := authz.NewFromStrings(policies.Model, changed)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(policyDisagreements(drifted), "\n")
	for _, want := range []string{
		"the policy lets province_approver return a nomination, but the workflow table has no return rule by province_approver",
		"the workflow table has endorse by district_reviewer, but no policy line allows it",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("drift not reported: %q; got:\n%s", want, got)
		}
	}
}
