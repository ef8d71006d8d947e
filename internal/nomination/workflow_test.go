package nomination

import (
	"errors"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
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
	// Every transition row of the table has a to-state and at least one from-state.
	for _, r := range Workflow {
		if len(r.From) == 0 || (IsTransition(r.Action) && r.To == "") {
			t.Errorf("malformed rule %+v", r)
		}
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
