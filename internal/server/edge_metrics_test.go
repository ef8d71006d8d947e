package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/logx"
	"github.com/ntmflow/ntmflow/internal/server"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

const edgeMetricsToken = "edge-metrics-token-0123456789"

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+edgeMetricsToken)
	rec := serve(h, req, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// requestSeries counts the request counter's series.
func requestSeries(body string) int {
	return strings.Count(body, "ntmflow_http_requests_total{")
}

// TestMetricsLabelsAreBounded: methods outside the standard set fold into "other" and
// paths into their route pattern, so no client can add series.
func TestMetricsLabelsAreBounded(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	h := edgeServer(t, a, server.Edge{MetricsToken: edgeMetricsToken})
	send := func(method, path string) {
		serve(h, httptest.NewRequest(method, path, nil), "")
	}
	send("GET", "/api/v1/units/20")
	send("FOO", "/api/v1/units/20")
	send("GET", "/no-such-page-0")
	send("GET", "/api/v1/no-such-0")
	scrape(t, h) // the scrape's own series
	before := scrape(t, h)
	for i, m := range []string{"BAR", "PROPFIND", "get", "X" + strings.Repeat("A", 5000), "M-SEARCH"} {
		send(m, "/api/v1/units/20")
		send(m, "/api/v1/units/0"+strings.Repeat("1", i))
		send("GET", "/no-such-page-"+strings.Repeat("x", i+1))
		send("GET", "/api/v1/no-such-"+strings.Repeat("y", i+1))
	}
	after := scrape(t, h)
	if requestSeries(after) != requestSeries(before) {
		t.Errorf("series grew from %d to %d", requestSeries(before), requestSeries(after))
	}
	if len(after) > len(before)+2000 {
		t.Errorf("metrics grew by %d bytes", len(after)-len(before))
	}
	for _, leak := range []string{"PROPFIND", "AAAA", "no-such", `method="get"`} {
		if strings.Contains(after, leak) {
			t.Errorf("metrics contain %q", leak)
		}
	}
	if !strings.Contains(after, `method="other"`) {
		t.Error("unknown methods are not counted as other")
	}
}

// TestMetricsNeedTokenOrLoopbackListener: the main listener hides /metrics unless a token
// is configured, then serves it only to that bearer token; the metrics address serves it
// without one.
func TestMetricsNeedTokenOrLoopbackListener(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	get := func(h http.Handler, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return serve(h, req, "")
	}
	closed := edgeServer(t, a, server.Edge{})
	for _, auth := range []string{"", "Bearer " + edgeMetricsToken, "Bearer "} {
		if rec := get(closed, auth); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Errorf("no token configured, %q: %d", auth, rec.Code)
		}
	}
	open := edgeServer(t, a, server.Edge{MetricsToken: edgeMetricsToken})
	for _, auth := range []string{"", "Bearer wrong-token-0123456789", "Bearer " + edgeMetricsToken + "x", "Basic " + edgeMetricsToken, edgeMetricsToken} {
		rec := get(open, auth)
		if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Errorf("token configured, %q: %d %.200s", auth, rec.Code, rec.Body)
		}
	}
	if rec := get(open, "Bearer "+edgeMetricsToken); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "go_goroutines") {
		t.Errorf("right token: %d", rec.Code)
	}

	// The loopback listener of NTMFLOW_METRICS_ADDR, beside a main listener that hides it.
	serve(closed, httptest.NewRequest("GET", "/api/v1/units/20", nil), "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go app.ServeMetrics(ctx, ln, closed.MetricsHandler(), logx.New(io.Discard, slog.LevelError))
	res, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `ntmflow_http_requests_total{method="GET",route="/api/v1/units/:code",status="200"}`) {
		t.Errorf("metrics address: %d %.300s", res.StatusCode, body)
	}
}
