package server_test

import (
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/policies"
)

// policyPairs reads the (object, action) pairs policies/policy.csv grants to some role.
func policyPairs(t *testing.T) map[[2]string]bool {
	t.Helper()
	out := map[[2]string]bool{}
	for _, line := range strings.Split(policies.Policy, "\n") {
		f := strings.Split(line, ",")
		if len(f) < 5 || strings.TrimSpace(f[0]) != "p" {
			continue
		}
		out[[2]string{strings.TrimSpace(f[3]), strings.TrimSpace(f[4])}] = true
	}
	if len(out) == 0 {
		t.Fatal("no policy lines read")
	}
	return out
}

// TestRouteTableIsTheAccessMap: every route echo serves comes from the route tables of
// routes.go, each declares its access, and each object and action it names is one the
// policy grants to some role (a marker the policy does not know would deny everyone).
func TestRouteTableIsTheAccessMap(t *testing.T) {
	a := testkit.NewApp(t)
	pairs := policyPairs(t)
	table := map[string]bool{}
	for _, r := range a.Handler.RouteTable() {
		key := r.Method + " " + r.Path
		table[key] = true
		if !r.Declared {
			t.Errorf("%s declares no access", key)
		}
		if r.Obj == "" {
			continue
		}
		if !pairs[[2]string{r.Obj, r.Act}] {
			t.Errorf("%s needs %s:%s, which policies/policy.csv grants to no role", key, r.Obj, r.Act)
		}
	}
	for _, r := range a.Handler.EchoRoutes() {
		if strings.HasPrefix(r.Method, "echo_") {
			continue // echo's not-found routes
		}
		if !table[r.Method+" "+r.Path] {
			t.Errorf("%s %s is registered outside the route tables of routes.go", r.Method, r.Path)
		}
	}
}

// TestCoarseAccessChecks: the route table's check answers before the handler reads the
// request, with the status the domain would give such a caller for any object.
func TestCoarseAccessChecks(t *testing.T) {
	w := newWF(t)
	n := w.create("xa.haiyen", "06220")
	cases := []struct {
		user, method, path string
		body               any
		want               int
	}{
		{"", "GET", "/api/v1/campaigns", nil, 401},
		{"", "GET", "/api/v1/openapi.json", nil, 200},
		// can: a commune officer manages no campaign anywhere, so even a malformed body is 403.
		{"xa.haiyen", "POST", "/api/v1/campaigns", `{"name":`, 403},
		{"xa.haiyen", "GET", "/api/v1/users", nil, 403},
		{"caoloc", "GET", "/api/v1/nominations.csv", nil, 200},
		{"xa.haiyen", "GET", "/api/v1/nominations.csv", nil, 403},
		// sees: the admin reads no nomination anywhere, so none is in its scope.
		{"admin", "PATCH", "/api/v1/nominations/" + itoa(n.ID), `{"title":`, 404},
		{"admin", "GET", "/api/v1/nominations/" + itoa(n.ID), nil, 404},
		// …while a district reviewer reaches the domain, which answers per object.
		{"caoloc", "PATCH", "/api/v1/nominations/" + itoa(n.ID), map[string]any{"title": "x"}, 428},
		// scoped: a list answers what the scope allows, here nothing.
		{"admin", "GET", "/api/v1/nominations", nil, 200},
		// The movement's figures: the admin reads none anywhere, so a unit's are not in its
		// scope even before the body is read; a commune officer reaches the domain.
		{"admin", "GET", "/api/v1/units/20/criteria-status?year=2021", nil, 404},
		{"admin", "PUT", "/api/v1/units/20/movement-report/2021", `{"capital_vnd":`, 404},
		{"admin", "POST", "/api/v1/units/06220/criteria-status/2021/confirm", nil, 404},
		{"xa.haiyen", "POST", "/api/v1/units/06220/criteria-status/2021/confirm", nil, 403},
	}
	for _, c := range cases {
		res := w.a.Do(t, c.method, c.path, tokenOf(w, c.user), c.body)
		if res.Status != c.want {
			t.Errorf("%s %s as %q: %d, want %d: %.200s", c.method, c.path, c.user, res.Status, c.want, res.Body)
		}
	}
}
