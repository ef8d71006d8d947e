package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestCSRFTokenIsMaskedPerResponse: pages never print the session's CSRF token itself
// (BREACH), but a fresh masking of it each time; every masking is accepted, a tampered
// one is refused.
func TestCSRFTokenIsMaskedPerResponse(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	b := newBrowser(t, a)
	b.login("caoloc")
	var session string
	u, _ := url.Parse(a.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "ntmflow_session" {
			session = c.Value
		}
	}
	auth, err := a.Identity.Authenticate(t.Context(), session)
	if err != nil {
		t.Fatal(err)
	}
	bare := a.Identity.CSRFToken(auth.TokenHash)

	_, body1, _ := b.get("/")
	first := b.csrf
	_, body2, _ := b.get("/nominations?q=" + url.QueryEscape(bare[:8]))
	second := b.csrf
	if first == second || first == "" {
		t.Fatalf("two page loads gave the same token %q", first)
	}
	if strings.Contains(body1, bare) || strings.Contains(body2, bare) {
		t.Fatal("a page prints the bare CSRF token")
	}
	post := func(token string) int {
		status, _, _ := b.post("/language", url.Values{"lang": {"vi"}, "back": {"/"}, "csrf_token": {token}})
		return status
	}
	for _, tok := range []string{first, second, first} {
		if status := post(tok); status != http.StatusSeeOther {
			t.Errorf("masked token %q: %d", tok, status)
		}
	}
	flip := flipChar
	for _, bad := range []string{flip(second, 0), flip(second, len(second)-1), flip(second, len(second)/2), second[:len(second)-2], second + "AA", "", "x"} {
		if status := post(bad); status != http.StatusForbidden {
			t.Errorf("tampered token %q: %d, want 403", bad, status)
		}
	}
	// A bare token from before masking still works (it is never printed any more).
	if status := post(bare); status != http.StatusSeeOther {
		t.Errorf("bare token: %d", status)
	}
}

// TestLoginAnswerCSRFTokenIsMaskedAndValid: the API's login answer carries a masked token
// that a cookie-authenticated request may send back in X-CSRF-Token.
func TestLoginAnswerCSRFTokenIsMaskedAndValid(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	login := func() string {
		res, err := client.Post(a.URL+"/api/v1/auth/login", "application/json",
			strings.NewReader(`{"username":"tinh","password":"`+app.DemoPassword+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Token string `json:"token"`
			CSRF  string `json:"csrf_token"`
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.CSRF == "" {
			t.Fatalf("login: %v", err)
		}
		auth, err := a.Identity.Authenticate(t.Context(), out.Token)
		if err != nil {
			t.Fatal(err)
		}
		if out.CSRF == a.Identity.CSRFToken(auth.TokenHash) {
			t.Error("login answers the bare CSRF token")
		}
		return out.CSRF
	}
	logout := func(token string) int {
		req, _ := http.NewRequest("POST", a.URL+"/api/v1/auth/logout", nil)
		req.Header.Set("X-CSRF-Token", token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	tok := login()
	if code := logout(flipChar(tok, len(tok)/2)); code != http.StatusForbidden {
		t.Errorf("tampered X-CSRF-Token: %d, want 403", code)
	}
	if code := logout(tok); code != http.StatusNoContent {
		t.Errorf("masked X-CSRF-Token from the login answer: %d, want 204", code)
	}
}

// flipChar changes the character at i of a base64url string to another valid one.
func flipChar(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}
