package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestRedirectTargetsStayOnSite: /login?next= and the language switch's back= never send
// the browser to another origin, whether signed in or out, and keep local targets whole.
func TestRedirectTargetsStayOnSite(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	hostile := []string{"/\t/evil.com", "/\n/evil.com", "/\\evil.com", "//evil.com", "https://evil.com", "/\r\n/evil.com"}

	anon := newBrowser(t, a)
	for _, target := range hostile {
		status, _, h := anon.post("/language", url.Values{"lang": {"en"}, "back": {target}})
		if status != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("POST /language back=%q signed out: %d Location %q", target, status, h.Get("Location"))
		}
		fresh := newBrowser(t, a)
		fresh.get("/login")
		status, _, h = fresh.post("/login", url.Values{"username": {"caoloc"}, "password": {"ntm-demo-2022"}, "csrf_token": {fresh.csrf}, "next": {target}})
		if status != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("POST /login next=%q: %d Location %q", target, status, h.Get("Location"))
		}
	}

	b := newBrowser(t, a)
	b.login("caoloc")
	for _, target := range hostile {
		// Signed in, GET /login?next= redirects straight away.
		status, _, h := b.get("/login?next=" + url.QueryEscape(target))
		if status != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("GET /login?next=%q: %d Location %q", target, status, h.Get("Location"))
		}
		status, _, h = b.post("/language", url.Values{"lang": {"vi"}, "back": {target}, "csrf_token": {b.csrf}})
		if status != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("POST /language back=%q: %d Location %q", target, status, h.Get("Location"))
		}
	}
	// The raw form of the report: %09 in the query string.
	if status, _, h := b.get("/login?next=/%09/evil.com"); status != http.StatusSeeOther || h.Get("Location") != "/" {
		t.Errorf("GET /login?next=/%%09/evil.com: %d Location %q", status, h.Get("Location"))
	}
	const local = "/nominations?status=submitted&type=model_garden"
	if _, _, h := b.get("/login?next=" + url.QueryEscape(local)); h.Get("Location") != local {
		t.Errorf("local next lost: %q", h.Get("Location"))
	}
	if _, _, h := b.post("/language", url.Values{"lang": {"vi"}, "back": {local}, "csrf_token": {b.csrf}}); h.Get("Location") != local {
		t.Errorf("local back lost: %q", h.Get("Location"))
	}
}
