package server_test

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/server"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestForgedHostStaysOutOfPublicLinks: without NTMFLOW_PUBLIC_URL, a Host outside the
// allow-list never reaches the registry's URLs, its pages or the certificate's QR link;
// an allowed one is used as sent.
func TestForgedHostStaysOutOfPublicLinks(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	testkit.SeedCampaignWithRecognition(t, a)
	h := edgeServer(t, a, server.Edge{AllowedHosts: []string{"ntm.example.vn", "localhost:8080"}})
	get := func(path, host, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = host
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return serve(h, req, "")
	}

	var list struct {
		Items []struct {
			ID  int64  `json:"id"`
			URL string `json:"url"`
		} `json:"items"`
	}
	res := get("/api/v1/public/recognitions", "evil.example", "")
	if err := json.Unmarshal(res.Body.Bytes(), &list); err != nil || len(list.Items) == 0 {
		t.Fatalf("public list: %d %s", res.Code, res.Body)
	}
	id := list.Items[0].ID
	want := fmt.Sprintf("http://ntm.example.vn/public/recognitions/%d", id)
	if list.Items[0].URL != want {
		t.Errorf("forged Host: url = %q, want %q", list.Items[0].URL, want)
	}
	for _, path := range []string{"/api/v1/public/recognitions", fmt.Sprintf("/api/v1/public/recognitions/%d", id),
		"/public/recognitions", fmt.Sprintf("/public/recognitions/%d", id)} {
		if res := get(path, "evil.example", ""); res.Code != http.StatusOK || strings.Contains(res.Body.String(), "evil.example") {
			t.Errorf("%s with a forged Host: %d, host echoed: %v", path, res.Code, strings.Contains(res.Body.String(), "evil.example"))
		}
	}
	if res := get(fmt.Sprintf("/api/v1/public/recognitions/%d", id), "LOCALHOST:8080", ""); !strings.Contains(res.Body.String(), `"url":"http://localhost:8080/public/recognitions/`) {
		t.Errorf("allowed Host not used: %s", res.Body)
	}

	// The certificate prints its verification link under the QR code.
	login := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"xa.haiyen","password":"`+app.DemoPassword+`"}`))
	login.Header.Set("Content-Type", "application/json")
	var sess struct{ Token string }
	if err := json.Unmarshal(serve(h, login, "").Body.Bytes(), &sess); err != nil || sess.Token == "" {
		t.Fatal("login failed")
	}
	cert := get(fmt.Sprintf("/api/v1/recognitions/%d/certificate.pdf", id), "evil.example", sess.Token)
	if cert.Code != http.StatusOK {
		t.Fatalf("certificate: %d %s", cert.Code, cert.Body)
	}
	text := pdfText(t, cert.Body.Bytes())
	if !strings.Contains(text, utf16be("ntm.example.vn/public/recognitions/")) || strings.Contains(text, utf16be("evil.example")) {
		t.Errorf("certificate link: has fallback %v, has forged host %v",
			strings.Contains(text, utf16be("ntm.example.vn")), strings.Contains(text, utf16be("evil.example")))
	}
}

var pdfStream = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// pdfText inflates every stream of a PDF (fpdf compresses page content) and joins them.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out bytes.Buffer
	for _, m := range pdfStream.FindAllSubmatch(pdf, -1) {
		if r, err := zlib.NewReader(bytes.NewReader(m[1])); err == nil {
			_, _ = io.Copy(&out, r)
		}
	}
	return out.String()
}

// utf16be is how fpdf writes text in a Unicode font.
func utf16be(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u >> 8))
		b.WriteByte(byte(u))
	}
	return b.String()
}
