package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

// Every /api/v1 response any test of this package receives is validated against the
// served OpenAPI document when the test ends (testkit records them while CheckAPI is set).
func init() { testkit.CheckAPI = checkAPI }

func checkAPI(t testing.TB, a *testkit.App, exchanges []testkit.Exchange) {
	if len(exchanges) == 0 {
		return
	}
	v := validatorFor(t, a)
	for _, ex := range exchanges {
		if err := v.check(ex); err != nil {
			t.Errorf("response not in the OpenAPI document: %s %s → %d: %v\nbody: %.300s", ex.Method, ex.Path, ex.Status, err, ex.Body)
		}
	}
}

type apiValidator struct {
	doc    *openapi3.T
	router routers.Router
}

// validators caches one validator per document text (every App serves the same one).
var validators sync.Map

func fetchDocument(t testing.TB, a *testkit.App) []byte {
	t.Helper()
	res, err := http.Get(a.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %v %.200s", res.StatusCode, err, raw)
	}
	return raw
}

func loadDocument(t testing.TB, raw []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("loading the OpenAPI document: %v", err)
	}
	return doc
}

func validatorFor(t testing.TB, a *testkit.App) *apiValidator {
	t.Helper()
	raw := fetchDocument(t, a)
	if v, ok := validators.Load(string(raw)); ok {
		return v.(*apiValidator)
	}
	doc := loadDocument(t, raw)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	v := &apiValidator{doc: doc, router: router}
	validators.Store(string(raw), v)
	return v
}

// check validates one recorded response: its status must be documented for the
// operation, and its body must match the schema of its media type.
func (v *apiValidator) check(ex testkit.Exchange) error {
	// Built by hand: a test may have sent a path that url.Parse refuses.
	u := &url.URL{Scheme: "http", Host: "ntmflow.test", Path: ex.Path, RawQuery: ex.RawQuery}
	req := (&http.Request{Method: ex.Method, URL: u, Host: u.Host, Header: ex.RequestHeader}).WithContext(context.Background())
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		// No operation: only echo's own answers for paths and methods it does not serve.
		if ex.Status == http.StatusNotFound || ex.Status == http.StatusMethodNotAllowed {
			return nil
		}
		return fmt.Errorf("no operation for the request: %w", err)
	}
	body := ex.Body
	header := ex.Header.Clone()
	if header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return err
		}
		if body, err = io.ReadAll(zr); err != nil {
			return err
		}
		header.Del("Content-Encoding")
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 ex.Status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// TestOpenAPIDocumentIsValid31: the served document loads and validates as OpenAPI 3.1
// (kin-openapi applies its 3.1 rules and JSON Schema 2020-12 to a 3.1 document).
func TestOpenAPIDocumentIsValid31(t *testing.T) {
	a := testkit.NewApp(t)
	res := a.Do(t, "GET", "/api/v1/openapi.json", "", nil)
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json without signing in: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	doc := loadDocument(t, []byte(res.Body))
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableMultiError()); err != nil {
		t.Fatalf("invalid OpenAPI 3.1: %v", err)
	}
	// Error responses carry the codes of the error table, per status (SPEC §4).
	op := doc.Paths.Find("/nominations/{id}/transitions").Post
	for status, code := range map[int]string{409: "invalid_transition", 412: "version_mismatch", 428: "precondition_required", 422: "validation_failed", 404: "not_found"} {
		r := op.Responses.Status(status)
		if r == nil || !strings.Contains(*r.Value.Description, code) {
			t.Errorf("POST /nominations/{id}/transitions: response %d does not name %s", status, code)
		}
	}
	if got := op.Extensions["x-access"]; got == nil || !strings.Contains(fmt.Sprint(got), "nomination:read") {
		t.Errorf("x-access of the transitions route = %v", got)
	}
}

var echoParam = regexp.MustCompile(`:(\w+)`)

// TestOpenAPICoversEveryAPIRoute: every /api/v1 route echo serves is an operation of the
// document, and the document describes nothing echo does not serve.
func TestOpenAPICoversEveryAPIRoute(t *testing.T) {
	a := testkit.NewApp(t)
	doc := loadDocument(t, fetchDocument(t, a))
	served := map[string]bool{}
	for _, r := range a.Handler.EchoRoutes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasPrefix(r.Method, "echo_") {
			continue // echo's not-found routes are not operations
		}
		p := echoParam.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}")
		served[r.Method+" "+p] = true
		item := doc.Paths.Value(p)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s %s is served but not in the OpenAPI document", r.Method, r.Path)
		}
	}
	n := 0
	for p, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			n++
			if !served[method+" "+p] {
				t.Errorf("the document describes %s %s, which echo does not serve", method, p)
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d operations in the document", n)
	}
}

// TestOpenAPIValidatesResponses runs a representative set of API calls, success and
// error, and validates each answer against the document; it also shows the check is not
// vacuous: a wrong body, an undocumented status and an undocumented media type fail.
func TestOpenAPIValidatesResponses(t *testing.T) {
	w := newWF(t)
	camp := testkit.SeedCampaignWithRecognition(t, w.a)
	n := w.create("xa.haiyen", "06220")
	w.upload("xa.haiyen", n.ID, "photo", "vuon.png", pngBytes(), 201)
	calls := []struct {
		user, method, path string
		body               any
		headers            []string
		want               int
	}{
		{"", "GET", "/api/v1/units?parent=20", nil, nil, 200},
		{"", "GET", "/api/v1/units/06220", nil, nil, 200},
		{"", "GET", "/api/v1/units/99999", nil, nil, 404},
		{"", "GET", "/api/v1/me", nil, nil, 401},
		{"", "POST", "/api/v1/auth/login", map[string]string{"username": "caoloc", "password": "wrong-password"}, nil, 401},
		{"", "POST", "/api/v1/auth/login", `{"username":`, nil, 400},
		{"", "GET", "/api/v1/public/recognitions?province=20", nil, nil, 200},
		{"caoloc", "GET", "/api/v1/me", nil, nil, 200},
		{"admin", "GET", "/api/v1/users", nil, nil, 200},
		{"tinh", "GET", "/api/v1/users", nil, nil, 403},
		{"xa.haiyen", "GET", "/api/v1/criteria-sets?type=model_garden", nil, nil, 200},
		{"xa.haiyen", "GET", fmt.Sprintf("/api/v1/nominations/%d", n.ID), nil, nil, 200},
		{"xa.tantac", "GET", fmt.Sprintf("/api/v1/nominations/%d", n.ID), nil, nil, 404},
		{"admin", "GET", fmt.Sprintf("/api/v1/nominations/%d", n.ID), nil, nil, 404},
		{"caoloc", "GET", "/api/v1/nominations?limit=5", nil, nil, 200},
		{"caoloc", "GET", "/api/v1/nominations?limit=500", nil, nil, 422},
		{"xa.haiyen", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", n.ID), map[string]any{"title": "Vườn mới"}, nil, 428},
		{"xa.haiyen", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", n.ID), map[string]any{"title": "Vườn mới"}, ifMatch(99), 412},
		{"xa.haiyen", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", n.ID), map[string]any{"title": "Vườn mới"}, ifMatch(n.Version), 200},
		{"xa.haiyen", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), map[string]any{"action": "approve"}, ifMatch(n.Version + 1), 403},
		{"caoloc", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), map[string]any{"action": "start_review"}, ifMatch(n.Version + 1), 409},
		{"xa.haiyen", "GET", fmt.Sprintf("/api/v1/nominations/%d/history", n.ID), nil, nil, 200},
		{"xa.haiyen", "GET", fmt.Sprintf("/api/v1/nominations/%d/attachments", n.ID), nil, nil, 200},
		{"tinh", "GET", "/api/v1/recognitions?year=2022", nil, nil, 200},
		{"tinh", "GET", "/api/v1/campaigns", nil, nil, 200},
		{"tinh", "GET", fmt.Sprintf("/api/v1/campaigns/%d", camp), nil, nil, 200},
		{"tinh", "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress?year=2022", camp), nil, nil, 200},
		{"tinh", "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress.csv?year=2022", camp), nil, nil, 200},
		{"tinh", "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress.xlsx?year=2022", camp), nil, nil, 200},
		{"xa.haiyen", "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress", camp), nil, nil, 403},
		{"xa.haiyen", "POST", "/api/v1/campaigns", map[string]any{}, nil, 403},
		{"tinh", "POST", "/api/v1/campaigns", map[string]any{"name": ""}, nil, 422},
		{"tinh", "GET", "/api/v1/nominations.csv", nil, nil, 200},
	}
	for _, c := range calls {
		res := w.a.Do(t, c.method, c.path, tokenOf(w, c.user), c.body, c.headers...)
		if res.Status != c.want {
			t.Errorf("%s %s as %q: %d, want %d: %.300s", c.method, c.path, c.user, res.Status, c.want, res.Body)
		}
	}
	var recID int64
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	w.do("tinh", "GET", "/api/v1/recognitions", nil).JSON(t, &list)
	if len(list.Items) > 0 {
		recID = list.Items[0].ID
		for _, p := range []string{"/api/v1/recognitions/%d", "/api/v1/recognitions/%d/certificate.pdf", "/api/v1/public/recognitions/%d"} {
			if res := w.do("tinh", "GET", fmt.Sprintf(p, recID), nil); res.Status != 200 {
				t.Errorf("GET %s: %d", fmt.Sprintf(p, recID), res.Status)
			}
		}
	}

	// The validator itself refuses what the document does not allow.
	v := validatorFor(t, w.a)
	me := testkit.Exchange{Method: "GET", Path: "/api/v1/me", RequestHeader: http.Header{}, Status: 200,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":"seven","username":"x"}`)}
	if err := v.check(me); err == nil {
		t.Error("a /me body with a string id and missing fields validated")
	}
	me.Status, me.Body = http.StatusTeapot, []byte(`{"error":{"code":"teapot","message":"no"}}`)
	if err := v.check(me); err == nil {
		t.Error("an undocumented status validated")
	}
	me.Status, me.Header = 200, http.Header{"Content-Type": {"text/html"}}
	if err := v.check(me); err == nil {
		t.Error("an undocumented media type validated")
	}
}

func tokenOf(w *wf, user string) string {
	if user == "" {
		return ""
	}
	return w.token(user)
}

// TestAPIDocsPage: the reference is served from the binary, without signing in, and lists
// the operations with their access, parameters and error codes, in Vietnamese first.
func TestAPIDocsPage(t *testing.T) {
	a := testkit.NewApp(t)
	res := a.Do(t, "GET", "/api/docs", "", nil)
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/docs: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{"Tài liệu API", "/api/v1/nominations/{id}/transitions", "nomination:read", "If-Match",
		"version_mismatch", `id="schema-NominationView"`, `href="/api/v1/openapi.json"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("/api/docs lacks %q", want)
		}
	}
	if strings.Contains(res.Body, `="http`) || strings.Contains(res.Body, `="//`) {
		t.Error("/api/docs loads something from another site")
	}
}
