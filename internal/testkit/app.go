package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/logx"
	"github.com/ntmflow/ntmflow/internal/server"
)

// App is a running server on an isolated database with the demo accounts of SPEC §9 and
// the units of Lạng Sơn (20) and Hà Nội (01).
type App struct {
	*app.Services
	Server *httptest.Server
	URL    string
	// Handler is the application's handler itself (tests read its route tables).
	Handler *server.Server
}

// TestSecret signs CSRF tokens in tests.
const TestSecret = "test-secret-0123456789abcdef-0123456789"

// TestMetricsToken opens /metrics of a test server (send it as a bearer token).
const TestMetricsToken = "test-metrics-token-0123456789"

// NewApp starts the full HTTP stack for a test.
func NewApp(t testing.TB) *App {
	t.Helper()
	st := NewDB(t)
	svc, err := app.NewServices(st, TestSecret, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ImportUnits(t, svc.Units, "20", "01")
	ctx := context.Background()
	for _, u := range app.DemoUsers {
		u.PasswordHash, u.IsDemo = demoHash(), true
		if _, err := svc.Identity.CreateUser(ctx, u); err != nil {
			t.Fatalf("demo user %s: %v", u.Username, err)
		}
	}
	svc.Edge.MetricsToken = TestMetricsToken
	log := logx.New(io.Discard, slog.LevelError)
	handler, err := svc.Handler(log)
	if err != nil {
		t.Fatal(err)
	}
	var rec *recorder
	var h http.Handler = handler
	if CheckAPI != nil {
		rec = &recorder{next: handler}
		h = rec
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	a := &App{Services: svc, Server: srv, URL: srv.URL, Handler: handler}
	if rec != nil {
		// Runs before srv.Close (cleanups run last first), so the check may still call the app.
		t.Cleanup(func() { CheckAPI(t, a, rec.taken()) })
	}
	return a
}

// CheckAPI, when a test package sets it (in init), receives every /api/v1 exchange of
// each App when its test ends: the OpenAPI tests validate them against the document.
var CheckAPI func(t testing.TB, a *App, exchanges []Exchange)

// Exchange is one API request and the response it got, as the server sent it.
type Exchange struct {
	Method, Path, RawQuery string
	RequestHeader          http.Header
	Status                 int
	Header                 http.Header
	Body                   []byte
}

// recorder passes requests through and keeps the /api/v1 exchanges.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	list []Exchange
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") {
		r.next.ServeHTTP(w, req)
		return
	}
	cw := &capture{ResponseWriter: w}
	r.next.ServeHTTP(cw, req)
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	ex := Exchange{Method: req.Method, Path: req.URL.Path, RawQuery: req.URL.RawQuery, RequestHeader: req.Header.Clone(),
		Status: cw.status, Header: w.Header().Clone(), Body: cw.body.Bytes()}
	r.mu.Lock()
	r.list = append(r.list, ex)
	r.mu.Unlock()
}

func (r *recorder) taken() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.list
}

// capture copies what the handler writes.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (c *capture) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// demoHash hashes the demo password once per test binary: argon2id is deliberately slow,
// and slower still under the race detector.
var demoHash = sync.OnceValue(func() string {
	h, err := identity.HashPassword(app.DemoPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// Session is a signed-in API client.
type Session struct {
	Token string
	CSRF  string
}

// Login signs a demo user in through the API.
func (a *App) Login(t testing.TB, username string) Session {
	t.Helper()
	res := a.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": app.DemoPassword})
	if res.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", username, res.Status, res.Body)
	}
	var out struct {
		Token string `json:"token"`
		CSRF  string `json:"csrf_token"`
	}
	res.JSON(t, &out)
	return Session{Token: out.Token, CSRF: out.CSRF}
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Do sends a request with a bearer token (when not empty). body may be a string (sent
// as is) or a value (sent as JSON). Extra headers come as name, value pairs.
func (a *App) Do(t testing.TB, method, path, token string, body any, headers ...string) Response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := a.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(raw)}
}

// SeedCriteria publishes the demo criteria sets of the demo province.
func SeedCriteria(t testing.TB, a *App) {
	t.Helper()
	for _, set := range criteria.DemoSets("20") {
		if _, err := a.Criteria.PublishAsSystem(context.Background(), set); err != nil {
			t.Fatal(err)
		}
	}
}

// SeedCampaignWithRecognition creates a campaign with 2022 targets for every district of
// Lạng Sơn and two approved gardens in Cao Lộc: one decided 2022-09-15 (Cao Lộc meets its
// garden target of 1; every other district is behind) and one decided 2025-06-01 (still
// valid, so the public registry lists it). It returns the campaign id.
func SeedCampaignWithRecognition(t testing.TB, a *App) int64 {
	t.Helper()
	ctx := context.Background()
	c, err := a.Campaigns.CreateAsSystem(ctx, campaign.Input{Name: "Phong trào thử", ProvinceCode: "20", StartsOn: "2022-01-01", EndsOn: "2025-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	districts, err := a.Units.Children(ctx, "20")
	if err != nil {
		t.Fatal(err)
	}
	var targets []campaign.Target
	for _, d := range districts {
		min := 2.0
		if d.Code == "183" {
			min = 1
		}
		targets = append(targets, campaign.Target{Year: 2022, UnitCode: d.Code, Type: "model_garden", Min: min},
			campaign.Target{Year: 2022, UnitCode: d.Code, Type: "model_residential_area", Min: 2})
	}
	if _, err := a.Campaigns.SetTargetsAsSystem(ctx, c.ID, targets); err != nil {
		t.Fatal(err)
	}
	if err := app.ApproveDemoGarden(ctx, a.Services, c.ID, "1520/QĐ-UBND", "2022-09-15"); err != nil {
		t.Fatal(err)
	}
	if err := app.ApproveDemoGarden(ctx, a.Services, c.ID, "0601/QĐ-UBND", "2025-06-01"); err != nil {
		t.Fatal(err)
	}
	return c.ID
}
