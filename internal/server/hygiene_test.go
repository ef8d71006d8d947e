package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

// Control characters and invalid UTF-8 are refused in every text field with 422 naming
// the field, and nothing is stored (PostgreSQL used to answer 500 to a NUL).
func TestControlCharactersAreRejected(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	token := a.Login(t, "xa.haiyen").Token
	garden := func(edit func(b map[string]any)) string {
		b := map[string]any{
			"type": "model_garden", "commune_code": "06220", "title": "Vườn cam",
			"subject":    map[string]any{"owner_name": "Hoàng Văn Thắng", "village": "Thôn Pắc Cáp", "area_m2": 2400, "main_crops": "Cam", "annual_income_vnd": 185000000},
			"assessment": []map[string]any{{"criterion": "G1.1", "value": 300, "note": "đo ngày 2/3"}},
		}
		edit(b)
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	subject := func(b map[string]any) map[string]any { return b["subject"].(map[string]any) }
	note := func(b map[string]any) map[string]any { return b["assessment"].([]map[string]any)[0] }
	cases := []struct {
		name, body, field string
	}{
		{"NUL in the title", garden(func(b map[string]any) { b["title"] = "Vườn\u0000cam" }), "title"},
		{"escape in the owner", garden(func(b map[string]any) { subject(b)["owner_name"] = "\u001b[31mX" }), "subject.owner_name"},
		{"DEL in the village", garden(func(b map[string]any) { subject(b)["village"] = "Thôn\u007f" }), "subject.village"},
		{"C1 control in a note", garden(func(b map[string]any) { note(b)["note"] = "ghi chú \u0085" }), "assessment[0].note"},
		{"NUL in a value", garden(func(b map[string]any) { note(b)["value"] = "\u0000" }), "assessment[0].value"},
		{"invalid UTF-8 in the title", strings.Replace(garden(func(b map[string]any) { b["title"] = "Vườn XX" }), "XX", "\xff\xfe", 1), "title"},
		{"NUL in a key", `{"type":"model_garden","commune_code":"06220","title":"x","subject":{"owner_name\u0000":"A"}}`, "subject.owner_name"},
	}
	for _, c := range cases {
		res := a.Do(t, "POST", "/api/v1/nominations", token, c.body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"validation_failed"`) {
			t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
			continue
		}
		var out struct {
			Error struct {
				Details map[string]string `json:"details"`
			} `json:"error"`
		}
		res.JSON(t, &out)
		if _, ok := out.Error.Details[c.field]; !ok || len(out.Error.Details) != 1 {
			t.Errorf("%s: details %v, want only %q", c.name, out.Error.Details, c.field)
		}
	}
	var n int64
	if err := a.Store.DB(t.Context()).Table("nominations").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("nominations stored: %d (%v)", n, err)
	}
	// Line breaks and tabs are text, not control characters to refuse.
	res := a.Do(t, "POST", "/api/v1/nominations", token, garden(func(b map[string]any) { note(b)["note"] = "dòng 1\r\ndòng 2\tcột" }))
	if res.Status != http.StatusCreated {
		t.Fatalf("multi-line note: %d %s", res.Status, res.Body)
	}
	// Query strings and paths are input too: a NUL in a search is refused before the
	// database sees it, a NUL in a path names nothing.
	res = a.Do(t, "GET", "/api/v1/nominations?q=a%00b", token, nil)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"q"`) {
		t.Errorf("NUL in the query: %d %s", res.Status, res.Body)
	}
	if res = a.Do(t, "GET", "/api/v1/units/06%0020", "", nil); res.Status != http.StatusNotFound {
		t.Errorf("NUL in the path: %d %s", res.Status, res.Body)
	}
}

// A page form with a control character is refused (422 page) before any handler reads
// it, and nothing is stored.
func TestFormWithControlCharacterIsRejected(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	b := newBrowser(t, a)
	b.login("xa.haiyen")
	form := url.Values{"csrf_token": {b.csrf}, "type": {"model_garden"}, "commune_code": {"06220"},
		"title": {"Vườn\x00bưởi"}, "subject.owner_name": {"Lương Văn Bình"}, "subject.village": {"Thôn Nà Pàn"},
		"subject.area_m2": {"1500"}, "subject.main_crops": {"Bưởi"}, "subject.annual_income_vnd": {"120000000"}}
	status, body, _ := b.post("/nominations", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "<html") || !strings.Contains(body, "Dữ liệu chưa hợp lệ") {
		t.Fatalf("form with NUL: %d %s", status, body)
	}
	form.Set("title", "Vườn bưởi")
	form.Set("subject.village", "Thôn \u0085")
	if status, _, _ = b.post("/nominations", form); status != http.StatusUnprocessableEntity {
		t.Fatalf("form with a C1 control: %d", status)
	}
	var n int64
	if err := a.Store.DB(t.Context()).Table("nominations").Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("nominations stored: %d (%v)", n, err)
	}
	form.Set("subject.village", "Thôn Nà Pàn")
	if status, body, _ = b.post("/nominations", form); status != http.StatusSeeOther {
		t.Fatalf("the clean form: %d %s", status, body)
	}
}

// goTypeName matches what a Go type looks like in a message: a package-qualified name or
// a slice/map type.
var goTypeName = regexp.MustCompile(`\[\]|map\[|\*?[a-z]+\.[A-Z][A-Za-z]+|json\.RawMessage|interface \{`)

// Wrong JSON types are described in JSON terms, never with our Go types.
func TestTypeErrorsDescribeJSONTypes(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	admin := a.Login(t, "admin").Token
	officer := a.Login(t, "xa.haiyen").Token
	cases := []struct {
		token, path, body, want string
	}{
		{officer, "/api/v1/nominations", `{"type":"model_garden","commune_code":"06220","title":"x","assessment":{}}`, `field \"assessment\" must be an array of objects`},
		{officer, "/api/v1/nominations", `{"type":"model_garden","commune_code":"06220","title":"x","assessment":[1]}`, `field \"assessment\" must be an object`},
		{officer, "/api/v1/nominations", `{"type":"model_garden","commune_code":"06220","title":7}`, `field \"title\" must be a string`},
		{officer, "/api/v1/nominations", `{"type":"model_garden","commune_code":"06220","campaign_id":"1"}`, `field \"campaign_id\" must be an integer`},
		{officer, "/api/v1/nominations", `[]`, `the request body must be a JSON object`},
		{admin, "/api/v1/users", `{"username":"a","roles":"x"}`, `field \"roles\" must be an array of objects`},
		{admin, "/api/v1/users", `{"username":"a","roles":[{"role":1}]}`, `must be a string`},
	}
	for _, c := range cases {
		res := a.Do(t, "POST", c.path, c.token, c.body)
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, c.want) {
			t.Errorf("%s %s: %d %s, want %s", c.path, c.body, res.Status, res.Body, c.want)
		}
		if m := goTypeName.FindString(res.Body); m != "" {
			t.Errorf("%s %s: message names a Go type (%q): %s", c.path, c.body, m, res.Body)
		}
	}
}

// With the database gone, requests answer 503 unavailable with Retry-After, not 500 and
// not a 422 blaming the client's commune code (the validators used to turn any lookup
// error into "is not a current commune"); /readyz answers 503 with its JSON body.
func TestDatabaseGoneAnswers503(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	token := a.Login(t, "xa.haiyen").Token
	// Warm the session cache, so the request reaches the nomination service.
	if res := a.Do(t, "GET", "/api/v1/me", token, nil); res.Status != http.StatusOK {
		t.Fatalf("me: %d", res.Status)
	}
	if err := a.Store.SQL().Close(); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"type": "model_garden", "commune_code": "06220", "title": "Vườn cam",
		"subject": map[string]any{"owner_name": "A", "village": "B", "area_m2": 1, "main_crops": "C", "annual_income_vnd": 1}}
	for _, c := range []struct{ method, path, token string }{
		{"POST", "/api/v1/nominations", token},
		{"GET", "/api/v1/nominations", token},
		{"GET", "/api/v1/units/06220", ""},
		{"POST", "/api/v1/auth/login", ""},
	} {
		var b any
		if c.method == "POST" {
			b = body
			if c.path == "/api/v1/auth/login" {
				b = map[string]string{"username": "caoloc", "password": "ntm-demo-2022"}
			}
		}
		res := a.Do(t, c.method, c.path, c.token, b)
		if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, `"code":"unavailable"`) || res.Header.Get("Retry-After") != "5" {
			t.Errorf("%s %s: %d %q Retry-After %q", c.method, c.path, res.Status, res.Body, res.Header.Get("Retry-After"))
		}
		if strings.Contains(res.Body, "sql") || strings.Contains(res.Body, "closed") {
			t.Errorf("%s %s leaks the driver error: %s", c.method, c.path, res.Body)
		}
	}
	res := a.Do(t, "GET", "/readyz", "", nil)
	var ready map[string]string
	res.JSON(t, &ready)
	if res.Status != http.StatusServiceUnavailable || ready["status"] != "unavailable" || ready["database"] != "unreachable" || res.Header.Get("Retry-After") == "" {
		t.Errorf("readyz: %d %s", res.Status, res.Body)
	}
	if res := a.Do(t, "GET", "/healthz", "", nil); res.Status != http.StatusOK {
		t.Errorf("healthz without a database: %d", res.Status)
	}
}

// The README signs in with `curl -d '{…}'`, which labels the JSON body as a form. The API
// reads JSON whatever the label, so the form text check must leave API bodies to the JSON
// decoder (which still refuses control characters in them).
func TestAPIBodyLabelledAsFormIsReadAsJSON(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	res := a.Do(t, "POST", "/api/v1/auth/login", "", `{"username":"caoloc","password":"ntm-demo-2022"}`, form...)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"token"`) {
		t.Fatalf("login with curl's form label: %d %s", res.Status, res.Body)
	}
	res = a.Do(t, "POST", "/api/v1/auth/login", "", `{"username":"caoloc\u0000","password":"ntm-demo-2022"}`, form...)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"username"`) {
		t.Fatalf("NUL in a form-labelled JSON body: %d %s", res.Status, res.Body)
	}
}
