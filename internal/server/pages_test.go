package server_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

// browserClient signs in through the login form, like a browser, and keeps cookies.
type browserClient struct {
	t    *testing.T
	a    *testkit.App
	c    *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func newBrowser(t *testing.T, a *testkit.App) *browserClient {
	jar, _ := cookiejar.New(nil)
	return &browserClient{t: t, a: a, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browserClient) get(path string) (int, string, http.Header) {
	b.t.Helper()
	res, err := b.c.Get(b.a.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return res.StatusCode, string(body), res.Header
}

func (b *browserClient) post(path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	res, err := b.c.PostForm(b.a.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

func (b *browserClient) login(user string) {
	b.t.Helper()
	b.get("/login")
	status, body, h := b.post("/login", url.Values{"username": {user}, "password": {"ntm-demo-2022"}, "csrf_token": {b.csrf}})
	if status != http.StatusSeeOther || h.Get("Location") != "/" {
		b.t.Fatalf("login: %d %s", status, body)
	}
	b.get("/") // picks up the session's CSRF token
}

func TestPagesNeedSignInAndRedirectBack(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	b := newBrowser(t, a)
	status, _, h := b.get("/nominations?status=draft")
	if status != http.StatusSeeOther || h.Get("Location") != "/login?next=%2Fnominations%3Fstatus%3Ddraft" {
		t.Fatalf("signed-out page: %d %v", status, h)
	}
	b.get("/login")
	status, _, h = b.post("/login", url.Values{"username": {"caoloc"}, "password": {"ntm-demo-2022"}, "csrf_token": {b.csrf}, "next": {"/nominations?status=draft"}})
	if status != http.StatusSeeOther || h.Get("Location") != "/nominations?status=draft" {
		t.Fatalf("login with next: %d %v", status, h)
	}
	// An outside redirect target is refused.
	b2 := newBrowser(t, a)
	b2.get("/login")
	_, _, h = b2.post("/login", url.Values{"username": {"caoloc"}, "password": {"ntm-demo-2022"}, "csrf_token": {b2.csrf}, "next": {"//evil.example/x"}})
	if h.Get("Location") != "/" {
		t.Fatalf("open redirect: %v", h.Get("Location"))
	}
}

func TestLoginFormErrorsInVietnamese(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	b := newBrowser(t, a)
	b.get("/login")
	status, body, _ := b.post("/login", url.Values{"username": {"caoloc"}, "password": {"sai-mat-khau"}, "csrf_token": {b.csrf}})
	if status != http.StatusUnauthorized || !strings.Contains(body, "Sai tên đăng nhập hoặc mật khẩu") || !strings.Contains(body, `value="caoloc"`) {
		t.Fatalf("wrong password page: %d", status)
	}
	status, _, _ = b.post("/login", url.Values{"username": {"caoloc"}, "password": {"ntm-demo-2022"}, "csrf_token": {"forged"}})
	if status != http.StatusForbidden {
		t.Fatalf("login without its CSRF cookie token: %d", status)
	}
}

func TestFormsNeedCSRF(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	b := newBrowser(t, a)
	b.login("xa.haiyen")
	status, body, _ := b.post("/nominations", url.Values{"type": {"model_garden"}, "commune_code": {"06220"}, "title": {"X"}})
	if status != http.StatusForbidden || !strings.Contains(body, "<html") {
		t.Fatalf("form without CSRF: %d", status)
	}
	var n int64
	a.Store.DB(t.Context()).Table("nominations").Count(&n)
	if n != 0 {
		t.Fatal("a forged form created a nomination")
	}
}

// TestInvalidFormKeepsInputAndShowsMessages: a validation failure re-renders the form
// with what the user typed and the messages beside the fields, in their language.
func TestInvalidFormKeepsInputAndShowsMessages(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	b := newBrowser(t, a)
	b.login("xa.haiyen")
	form := url.Values{"csrf_token": {b.csrf}, "type": {"model_garden"}, "commune_code": {"06220"},
		"title": {"Vườn bưởi Diễn"}, "subject.owner_name": {""}, "subject.village": {"Thôn Nà Pàn"},
		"subject.area_m2": {"abc"}, "subject.main_crops": {"Bưởi"}, "subject.annual_income_vnd": {"120.000.000"},
		"a.G1.1": {"350"}, "a.G1.2": {"yes"}, "a.G5.2": {"9"}}
	status, body, _ := b.post("/nominations", form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: %d", status)
	}
	for _, want := range []string{
		// G1.1 (the garden's area) is not asked again: it mirrors the general-info area.
		`value="Vườn bưởi Diễn"`, `value="Thôn Nà Pàn"`, `value="abc"`, `data-area-from="s-area_m2"`,
		"Diện tích phải là số dương", "Vui lòng sửa các mục được đánh dấu",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("re-rendered form lacks %q", want)
		}
	}
	// Fix the area; now the owner and the score above its maximum are reported.
	form.Set("subject.area_m2", "1.500,5")
	_, body, _ = b.post("/nominations", form)
	for _, want := range []string{"Vui lòng nhập tên chủ vườn", "Giá trị không hợp lệ cho tiêu chí này", `value="120.000.000"`} {
		if !strings.Contains(body, want) {
			t.Errorf("second attempt lacks %q", want)
		}
	}
	form.Set("subject.owner_name", "Lương Văn Bình")
	form.Set("a.G5.2", "4")
	status, _, h := b.post("/nominations", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/nominations/") {
		t.Fatalf("valid form: %d %v", status, h)
	}
	_, body, _ = b.get(h.Get("Location"))
	for _, want := range []string{"Lương Văn Bình", "1.500,5 m²", "120.000.000 ₫", "Bản nháp"} {
		if !strings.Contains(body, want) {
			t.Errorf("detail page lacks %q", want)
		}
	}
}

func TestErrorPagesInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	b := newBrowser(t, a)
	b.login("tinh")
	status, body, _ := b.get("/nominations/999999")
	if status != 404 || !strings.Contains(body, "Không tìm thấy") || !strings.Contains(body, `lang="vi"`) {
		t.Fatalf("vi 404: %d", status)
	}
	b.post("/language", url.Values{"lang": {"en"}, "csrf_token": {b.csrf}, "back": {"/"}})
	status, body, _ = b.get("/nominations/999999")
	if status != 404 || !strings.Contains(body, "was not found") || strings.Contains(body, "Đăng xuất") {
		t.Fatalf("en 404: %d", status)
	}
	// The API keeps answering JSON.
	if res := a.Do(t, "GET", "/api/v1/nominations/999999", a.Login(t, "tinh").Token, nil); !strings.Contains(res.Body, `"not_found"`) {
		t.Fatalf("API 404: %s", res.Body)
	}
}

func TestStaticAssetsAreCacheBusted(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	b := newBrowser(t, a)
	_, body, _ := b.get("/login")
	m := regexp.MustCompile(`href="(/static/css/app.css\?v=[0-9a-f]{10})"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no hashed stylesheet link")
	}
	status, css, h := b.get(m[1])
	if status != 200 || !strings.Contains(h.Get("Cache-Control"), "immutable") || !strings.Contains(css, "--green") {
		t.Fatalf("asset: %d %v", status, h)
	}
	if status, _, _ := b.get("/static/../web/embed.go"); status == 200 {
		t.Fatal("path escape served a file")
	}
}
