package server_test

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/server"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

func cidr(t *testing.T, s string) *net.IPNet {
	t.Helper()
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// apiLogin posts a sign-in from peer with extra headers (name, value pairs).
func apiLogin(h http.Handler, peer, username, password string, tlsConn bool, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if tlsConn {
		req.TLS = &tls.ConnectionState{}
	}
	return serve(h, req, peer)
}

func sessionCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "ntmflow_session" {
			return c
		}
	}
	return nil
}

// TestSecureCookieAndHSTSOnlyOverHTTPS: the session cookie is Secure and HSTS is sent when
// the request is HTTPS, directly or as a trusted proxy says; a client's own
// X-Forwarded-Proto counts for nothing.
func TestSecureCookieAndHSTSOnlyOverHTTPS(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	h := edgeServer(t, a, server.Edge{TrustedProxies: []*net.IPNet{cidr(t, "10.0.0.0/8"), cidr(t, "192.0.2.10/32")}})
	direct := edgeServer(t, a, server.Edge{})
	cases := []struct {
		name   string
		h      http.Handler
		peer   string
		tls    bool
		xfp    string
		secure bool
	}{
		{"trusted proxy says https", h, "10.1.2.3:5000", false, "https", true},
		{"trusted proxy (single address) says https", h, "192.0.2.10:5000", false, "https", true},
		{"trusted proxy says http", h, "10.1.2.3:5000", false, "http", false},
		{"direct TLS", h, "203.0.113.5:5000", true, "", true},
		{"direct TLS, no proxies configured", direct, "203.0.113.5:5000", true, "", true},
		{"untrusted client claims https", h, "203.0.113.5:5000", false, "https", false},
		{"loopback client claims https, no proxies configured", direct, "127.0.0.1:5000", false, "https", false},
		{"LAN client claims https, no proxies configured", direct, "192.168.1.20:5000", false, "https", false},
		{"plain http", direct, "203.0.113.5:5000", false, "", false},
	}
	for _, tc := range cases {
		var headers []string
		if tc.xfp != "" {
			headers = []string{"X-Forwarded-Proto", tc.xfp}
		}
		rec := apiLogin(tc.h, tc.peer, "caoloc", app.DemoPassword, tc.tls, headers...)
		ck := sessionCookie(rec)
		if rec.Code != http.StatusOK || ck == nil {
			t.Fatalf("%s: login %d", tc.name, rec.Code)
		}
		hsts := rec.Header().Get("Strict-Transport-Security")
		if ck.Secure != tc.secure || (hsts != "") != tc.secure {
			t.Errorf("%s: cookie Secure = %v, HSTS = %q; want HTTPS = %v", tc.name, ck.Secure, hsts, tc.secure)
		}
		if tc.secure && !strings.HasPrefix(hsts, "max-age=31536000") {
			t.Errorf("%s: HSTS = %q", tc.name, hsts)
		}
		// The login page's own CSRF cookie follows the same rule.
		req := httptest.NewRequest("GET", "/login", nil)
		if tc.xfp != "" {
			req.Header.Set("X-Forwarded-Proto", tc.xfp)
		}
		if tc.tls {
			req.TLS = &tls.ConnectionState{}
		}
		page := serve(tc.h, req, tc.peer)
		for _, c := range page.Result().Cookies() {
			if c.Secure != tc.secure {
				t.Errorf("%s: cookie %s Secure = %v", tc.name, c.Name, c.Secure)
			}
		}
	}
}

// TestThrottleKeyIgnoresUntrustedForwardedFor: failed sign-ins are counted per client
// address; a client cannot pick a new address with X-Forwarded-For, while behind a trusted
// proxy the address it reports (the nearest untrusted one) is the key.
func TestThrottleKeyIgnoresUntrustedForwardedFor(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	h := edgeServer(t, a, server.Edge{TrustedProxies: []*net.IPNet{cidr(t, "10.0.0.0/8")}})
	fail := func(peer string, i int, xff string) int {
		// A new username each time: only the per-address limit (20) applies.
		return apiLogin(h, peer, fmt.Sprintf("nobody.%s.%d", strings.ReplaceAll(peer, ":", "-"), i), "wrong-password", false,
			"X-Forwarded-For", xff).Code
	}
	// An untrusted client rotating X-Forwarded-For is still one address.
	for i := range 20 {
		if code := fail("203.0.113.7:4000", i, fmt.Sprintf("198.51.100.%d", i)); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	if code := fail("203.0.113.7:4001", 20, "198.51.100.99"); code != http.StatusTooManyRequests {
		t.Errorf("21st failure from one untrusted client with a new X-Forwarded-For: %d, want 429", code)
	}
	// Behind the trusted proxy, each client has its own count...
	for i := range 21 {
		if code := fail("10.0.0.1:4000", i, fmt.Sprintf("198.51.100.%d", i)); code != http.StatusUnauthorized {
			t.Fatalf("client %d behind the proxy: %d, want 401", i, code)
		}
	}
	// ...and a client prepending a forged address to the proxy's header is still itself.
	for i := range 20 {
		fail("10.0.0.1:4000", 100+i, fmt.Sprintf("192.0.2.%d, 198.51.100.200", i))
	}
	if code := fail("10.0.0.1:4000", 200, "192.0.2.250, 198.51.100.200"); code != http.StatusTooManyRequests {
		t.Errorf("21st failure of one client behind the proxy with a forged first hop: %d, want 429", code)
	}
}
