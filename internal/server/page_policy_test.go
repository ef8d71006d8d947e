package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestPagesOfferWhatThePolicyAllows: the create buttons, the commune list of the form and
// the users link follow the policy (nomination create, user manage), for each demo role.
func TestPagesOfferWhatThePolicyAllows(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	cases := []struct {
		user             string
		creates, manages bool
	}{
		{"xa.haiyen", true, false},
		{"caoloc", false, false},
		{"tinh", false, false},
		{"quansat", false, false},
		{"admin", false, true},
	}
	for _, c := range cases {
		b := newBrowser(t, a)
		b.login(c.user)
		_, home, _ := b.get("/")
		if got := strings.Contains(home, `href="/nominations/new?type=model_garden"`); got != c.creates {
			t.Errorf("%s: home offers creating = %v, want %v", c.user, got, c.creates)
		}
		if got := strings.Contains(home, `href="/users"`); got != c.manages {
			t.Errorf("%s: users link = %v, want %v", c.user, got, c.manages)
		}
		status, form, _ := b.get("/nominations/new")
		switch {
		case c.creates && (status != http.StatusOK || !strings.Contains(form, `value="06220"`)):
			t.Errorf("%s: new nomination form %d, without its commune", c.user, status)
		case !c.creates && status != http.StatusForbidden:
			t.Errorf("%s: new nomination form %d, want 403", c.user, status)
		}
		if c.user == "admin" {
			continue // reads no nominations
		}
		_, list, _ := b.get("/nominations")
		if got := strings.Contains(list, `href="/nominations/new"`); got != c.creates {
			t.Errorf("%s: list offers creating = %v, want %v", c.user, got, c.creates)
		}
	}
}
