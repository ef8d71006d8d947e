package server_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// backField reads the language switch's hidden back value of a page.
var backField = regexp.MustCompile(`name="back" value="([^"]*)"`)

func backOf(t *testing.T, body string) string {
	t.Helper()
	m := backField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no language switch")
	}
	return html.UnescapeString(m[1])
}

// postWithReferer posts a form as a browser does from a page of the site: with its Referer.
func (b *browserClient) postWithReferer(path string, form url.Values, referer string) (int, string, http.Header) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.a.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

// TestLanguageSwitchKeepsTheURL: the switch returns to the page with its query; a page
// shown in answer to a POST returns to a page that answers GET (the Referer of this site,
// else an enclosing page), never to the POST-only URL; other origins stay refused.
func TestLanguageSwitchKeepsTheURL(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	b := newBrowser(t, a)
	b.login("xa.haiyen")

	const form = "/nominations/new?type=model_residential_area"
	_, body, _ := b.get(form)
	if got := backOf(t, body); got != form {
		t.Fatalf("back of the residential-area form = %q", got)
	}
	status, _, h := b.post("/language", url.Values{"lang": {"en"}, "back": {form}, "csrf_token": {b.csrf}})
	if status != http.StatusSeeOther || h.Get("Location") != form {
		t.Fatalf("switch from the form: %d %q", status, h.Get("Location"))
	}

	// A form re-shown with its errors at POST /nominations: back to the page it was sent
	// from (the Referer), or to the list without one; never to a POST-only URL.
	bad := url.Values{"csrf_token": {b.csrf}, "type": {"model_residential_area"}, "commune_code": {"06220"}, "title": {""}}
	status, body, _ = b.postWithReferer("/nominations", bad, a.URL+form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: %d", status)
	}
	if got := backOf(t, body); got != form {
		t.Errorf("back of a re-shown form = %q, want the page it was sent from", got)
	}
	_, body, _ = b.postWithReferer("/nominations", bad, "")
	if got := backOf(t, body); got != "/nominations" {
		t.Errorf("back of a re-shown form without Referer = %q", got)
	}
	_, body, _ = b.postWithReferer("/nominations", bad, "https://evil.example/nominations/new")
	if got := backOf(t, body); got != "/nominations" {
		t.Errorf("back with another site's Referer = %q", got)
	}

	// A stale switch naming a POST-only URL (a failed action's page) goes to a GET page.
	for _, tc := range []struct{ back, referer, want string }{
		{"/nominations/7/transition", a.URL + "/nominations/7?tab=history", "/nominations/7?tab=history"},
		{"/nominations/7/transition", "", "/nominations/7"},
		{"/nominations/7/attachments/3/delete", "", "/nominations/7"},
		{"/language", "", "/"},
		{"//evil.com", a.URL + "/recognitions?type=model_garden", "/recognitions?type=model_garden"},
		{"/\\evil.com", "http://evil.com/x", "/"},
	} {
		status, _, h := b.postWithReferer("/language", url.Values{"lang": {"vi"}, "back": {tc.back}, "csrf_token": {b.csrf}}, tc.referer)
		if status != http.StatusSeeOther || h.Get("Location") != tc.want {
			t.Errorf("back=%q referer=%q: %d %q, want %q", tc.back, tc.referer, status, h.Get("Location"), tc.want)
		}
	}

	// The page carries lang.js (deferred, no inline script) that keeps typed values.
	if !regexp.MustCompile(`<script src="/static/js/lang\.js\?v=[0-9a-f]+" defer></script>`).MatchString(body) {
		t.Error("the layout does not load lang.js deferred")
	}
	if status, js, _ := b.get("/static/js/lang.js"); status != http.StatusOK || !strings.Contains(js, "sessionStorage") ||
		!strings.Contains(js, `"password"`) || !strings.Contains(js, "csrf_token") {
		t.Errorf("lang.js: %d", status)
	}
}

// seedClosedYearCampaign makes a campaign from three years ago to next year with targets
// only two years ago: this year (the default) is empty, and the year with data has ended.
func seedClosedYearCampaign(t *testing.T, a *testkit.App) (int64, int) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().Year()
	c, err := a.Campaigns.CreateAsSystem(ctx, campaign.Input{Name: "Phong trào đã qua", ProvinceCode: "20",
		StartsOn: fmt.Sprintf("%d-01-01", now-3), EndsOn: fmt.Sprintf("%d-12-31", now+1)})
	if err != nil {
		t.Fatal(err)
	}
	year := now - 2
	districts, err := a.Units.ChildrenInYear(ctx, "20", year)
	if err != nil || len(districts) == 0 {
		t.Fatalf("children of 20 in %d: %v", year, err)
	}
	var targets []campaign.Target
	for _, d := range districts {
		targets = append(targets, campaign.Target{Year: year, UnitCode: d.Code, Type: "model_garden", Min: 2})
	}
	if _, err := a.Campaigns.SetTargetsAsSystem(ctx, c.ID, targets); err != nil {
		t.Fatal(err)
	}
	return c.ID, 2 * len(districts)
}

// TestDashboardOpensOnDataAndSaysReached: without ?year= the dashboard opens on the latest
// year with data; an ended year says reached / not reached, never on track; the province's
// card and its table row show the same target; the notation is explained; the switch
// keeps the year and the unit.
func TestDashboardOpensOnDataAndSaysReached(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	id, sum := seedClosedYearCampaign(t, a)
	year := time.Now().Year() - 2
	b := newBrowser(t, a)
	b.login("tinh")

	status, body, _ := b.get(fmt.Sprintf("/campaigns/%d", id))
	if status != http.StatusOK {
		t.Fatalf("dashboard: %d", status)
	}
	mustContain(t, "the dashboard without a year", body,
		fmt.Sprintf(`<option value="%d" selected>`, year),
		`id="dash-closed"`, "Không đạt", `id="dash-notation">Cách đọc “2 &#43;3 / 2&#43;”`,
		"Đang xử lý hiện nay",
		fmt.Sprintf("tổng chỉ tiêu tối thiểu của các huyện, thành phố: %d", sum),
		fmt.Sprintf(`%d+ <small>(tổng)</small>`, sum))
	if strings.Contains(body, `class="st st-on_track"`) || strings.Contains(body, ">Chậm tiến độ</span>") {
		t.Error("an ended year shows on track / behind pills")
	}
	// The running year keeps on track / behind.
	_, body, _ = b.get(fmt.Sprintf("/campaigns/%d?year=%d", id, time.Now().Year()))
	if strings.Contains(body, `id="dash-closed"`) {
		t.Error("the running year is said to have ended")
	}

	// The switch comes back to the same year, unit and filter.
	page := fmt.Sprintf("/campaigns/%d?year=%d&unit=20&q=cao&state=behind", id, year)
	_, body, _ = b.get(page)
	back := backOf(t, body)
	want := fmt.Sprintf("/campaigns/%d?q=cao&state=behind&unit=20&year=%d", id, year)
	if back != want {
		t.Fatalf("dashboard back = %q, want %q", back, want)
	}
	if _, _, h := b.post("/language", url.Values{"lang": {"en"}, "back": {back}, "csrf_token": {b.csrf}}); h.Get("Location") != want {
		t.Fatalf("switch from the dashboard: %q", h.Get("Location"))
	}
	_, body, _ = b.get(want)
	mustContain(t, "the dashboard in English", body, "Not reached", "In progress now", "How to read")
}

// TestTargetsSayWhyACellIsInvalid: an invalid cell carries its message beside it and in a
// list above the table that links to it.
func TestTargetsSayWhyACellIsInvalid(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	id := testkit.SeedCampaignWithRecognition(t, a)
	b := newBrowser(t, a)
	b.login("tinh")
	path := fmt.Sprintf("/campaigns/%d/targets?year=2022", id)
	b.get(path)
	status, body, _ := b.post(path, url.Values{"csrf_token": {b.csrf}, "min.183.model_garden": {"abc"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid targets: %d", status)
	}
	mustContain(t, "a cell that is not a number", body,
		`id="targets-errors"`, `<a href="#min.183.model_garden">`,
		`value="abc" id="min.183.model_garden"`, `aria-invalid="true" aria-describedby="min.183.model_garden-err"`,
		`id="min.183.model_garden-err">Không đọc được số: nhập số nguyên như 3.</small>`)
	b.get(path)
	_, body, _ = b.post(path, url.Values{"csrf_token": {b.csrf}, "min.183.model_garden": {"5"}, "max.183.model_garden": {"2"}})
	mustContain(t, "a maximum below the minimum", body,
		`<a href="#max.183.model_garden">`, "Tối đa phải lớn hơn hoặc bằng tối thiểu.")
}

// TestEnglishUnitsAndCSVHeader: criteria units are in English in English mode, and the
// progress CSV starts with its header row.
func TestEnglishUnitsAndCSVHeader(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	id := testkit.SeedCampaignWithRecognition(t, a)
	b := newBrowser(t, a)
	b.login("tinh")
	_, body, _ := b.get("/criteria")
	if !strings.Contains(body, "5 lần") {
		t.Fatal("the Vietnamese criteria page lacks its unit")
	}
	b.post("/language", url.Values{"lang": {"en"}, "back": {"/criteria"}, "csrf_token": {b.csrf}})
	_, body, _ = b.get("/criteria")
	if !strings.Contains(body, "5 times") || strings.Contains(body, " lần<") {
		t.Error("English criteria keep Vietnamese units")
	}
	s := a.Login(t, "tinh")
	res := a.Do(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress.csv?year=2022", id), s.Token, nil)
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "\ufeffMã đơn vị,Đơn vị,Loại,") {
		t.Errorf("csv does not start with its header row: %d %q", res.Status, res.Body[:min(len(res.Body), 80)])
	}
}

// TestPublicSearchIsBounded: the registry's search term is cut to 100 characters, on the
// page and in the API, and the page says what it searches.
func TestPublicSearchIsBounded(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	long := strings.Repeat("a", 150)
	page := a.Do(t, "GET", "/public/recognitions?q="+long, "", nil)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `value="`+strings.Repeat("a", 100)+`"`) ||
		strings.Contains(page.Body, `value="`+strings.Repeat("a", 101)) || !strings.Contains(page.Body, "Tìm theo tên chủ hộ, tên hồ sơ, thôn hoặc số quyết định") {
		t.Errorf("a long q on the page: %d", page.Status)
	}
	if res := a.Do(t, "GET", "/api/v1/public/recognitions?q="+long, "", nil); res.Status != http.StatusOK {
		t.Errorf("a long q in the API: %d %s", res.Status, res.Body)
	}
}

// TestPostOnlyURLsAnswerGet: every page URL that only takes POST answers a GET (a reload,
// a bookmark, a stale link) with a redirect to the page it belongs to, never 405; and
// such a redirect is not itself taken for a page by the language switch.
func TestPostOnlyURLsAnswerGet(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	b := newBrowser(t, a)
	b.login("xa.haiyen")
	for path, want := range map[string]string{
		"/nominations/7/transition":            "/nominations/7",
		"/nominations/7/attachments/3/delete":  "/nominations/7",
		"/nominations/7/objections/2/resolve":  "/nominations/7",
		"/decisions":                           "/",
		"/holidays/2026-01-01":                 "/holidays",
		"/delegations/4/revoke":                "/delegations",
		"/public/notices/9/objections":         "/public/notices/9",
		"/language":                            "/",
		"/units/06220/criteria-status/confirm": "/units/06220/criteria-status",
	} {
		status, _, h := b.get(path)
		if status != http.StatusSeeOther || h.Get("Location") != want {
			t.Errorf("GET %s: %d → %q, want 303 → %q", path, status, h.Get("Location"), want)
		}
	}
	for _, r := range a.Handler.RouteTable() {
		if r.API || r.Method != http.MethodPost {
			continue
		}
		path := regexp.MustCompile(`:[a-z]+`).ReplaceAllString(r.Path, "1")
		if status, _, _ := b.get(path); status == http.StatusMethodNotAllowed {
			t.Errorf("GET %s (a POST page route): 405", path)
		}
	}
}
