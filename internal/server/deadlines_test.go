package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

type holidayJSON struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

func holidayCount(t *testing.T, a *testkit.App) int64 {
	t.Helper()
	var n int64
	if err := a.Store.DB(t.Context()).Table("holidays").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHolidayAPI: anyone reads the holidays; an admin adds, renames, moves and deletes
// them; bad dates (outside 2000–2100, malformed), duplicates, bad bodies and other roles
// are refused with 4xx and change nothing.
func TestHolidayAPI(t *testing.T) {
	w := newWF(t)
	var list struct{ Items []holidayJSON }
	res := w.a.Do(t, "GET", "/api/v1/holidays?year=2026", "", nil)
	res.JSON(t, &list)
	if res.Status != 200 || !strings.Contains(res.Body, `"date":"2026-02-17"`) || strings.Contains(res.Body, "2025-") {
		t.Fatalf("GET holidays of 2026 without signing in: %d %.300s", res.Status, res.Body)
	}
	before := holidayCount(t, w.a)

	refused := []struct {
		user, method, path string
		body               any
		want               int
		fragment           string
	}{
		{"admin", "POST", "/api/v1/holidays", map[string]any{"date": "1999-12-31", "name": "Trước 2000"}, 422, `"date"`},
		{"admin", "POST", "/api/v1/holidays", map[string]any{"date": "2101-01-01", "name": "Sau 2100"}, 422, `"date"`},
		{"admin", "POST", "/api/v1/holidays", map[string]any{"date": "2026-13-01", "name": "Tháng 13"}, 422, `"date"`},
		{"admin", "POST", "/api/v1/holidays", map[string]any{"date": "24/11/2026", "name": "Sai định dạng"}, 422, `"date"`},
		{"admin", "POST", "/api/v1/holidays", map[string]any{"date": "2026-11-24", "name": ""}, 422, `"name"`},
		{"admin", "POST", "/api/v1/holidays", map[string]any{"date": "2026-02-17", "name": "Mùng 1 Tết"}, 409, "conflict"},
		{"admin", "POST", "/api/v1/holidays", `{"date": "2026-11-24", "name":`, 400, "bad_request"},
		{"admin", "POST", "/api/v1/holidays", map[string]any{"date": "2026-11-24", "name": "X", "kind": "lễ"}, 400, "bad_request"},
		{"admin", "POST", "/api/v1/holidays", map[string]any{"date": 20261124, "name": "X"}, 400, "bad_request"},
		{"tinh", "POST", "/api/v1/holidays", map[string]any{"date": "2026-11-24", "name": "X"}, 403, "forbidden"},
		{"", "POST", "/api/v1/holidays", map[string]any{"date": "2026-11-24", "name": "X"}, 401, "unauthenticated"},
		{"admin", "PUT", "/api/v1/holidays/2026-02-16", map[string]any{"date": "2026-02-17", "name": "Dời"}, 409, "conflict"},
		{"admin", "PUT", "/api/v1/holidays/2026-02-16", map[string]any{"date": "2100-13-01", "name": "Dời"}, 422, `"date"`},
		{"admin", "PUT", "/api/v1/holidays/2026-03-16", map[string]any{"name": "Không có"}, 404, "not_found"},
		{"admin", "DELETE", "/api/v1/holidays/2026-03-16", nil, 404, "not_found"},
		{"admin", "DELETE", "/api/v1/holidays/ngay-mai", nil, 404, "not_found"},
		{"xa.haiyen", "DELETE", "/api/v1/holidays/2026-02-16", nil, 403, "forbidden"},
		{"", "GET", "/api/v1/holidays?year=hai-nghin", nil, 422, `"year"`},
		{"", "GET", "/api/v1/holidays?year=1999", nil, 422, `"year"`},
	}
	for _, c := range refused {
		res := w.a.Do(t, c.method, c.path, tokenOf(w, c.user), c.body)
		if res.Status != c.want || !strings.Contains(res.Body, c.fragment) {
			t.Errorf("%s %s as %q: %d %s, want %d with %s", c.method, c.path, c.user, res.Status, res.Body, c.want, c.fragment)
		}
	}
	if after := holidayCount(t, w.a); after != before {
		t.Fatalf("%d holidays after the refused requests, %d before", after, before)
	}

	res = w.do("admin", "POST", "/api/v1/holidays", map[string]any{"date": "2026-11-24", "name": "Ngày Văn hóa Việt Nam"})
	if res.Status != 201 || res.Header.Get("Location") != "/api/v1/holidays/2026-11-24" || !strings.Contains(res.Body, `"name":"Ngày Văn hóa Việt Nam"`) {
		t.Fatalf("POST: %d %v %s", res.Status, res.Header.Get("Location"), res.Body)
	}
	if res = w.do("admin", "PUT", "/api/v1/holidays/2026-11-24", map[string]any{"name": "Ngày Văn hoá Việt Nam"}); res.Status != 200 ||
		!strings.Contains(res.Body, `"date":"2026-11-24"`) {
		t.Fatalf("PUT rename: %d %s", res.Status, res.Body)
	}
	if res = w.do("admin", "PUT", "/api/v1/holidays/2026-11-24", map[string]any{"date": "2026-11-23", "name": "Ngày Văn hoá Việt Nam (nghỉ bù)"}); res.Status != 200 ||
		!strings.Contains(res.Body, `"date":"2026-11-23"`) {
		t.Fatalf("PUT move: %d %s", res.Status, res.Body)
	}
	if res = w.do("admin", "DELETE", "/api/v1/holidays/2026-11-23", nil); res.Status != 204 {
		t.Fatalf("DELETE: %d %s", res.Status, res.Body)
	}
	if after := holidayCount(t, w.a); after != before {
		t.Fatalf("%d holidays after add, edit and delete, %d before", after, before)
	}
}

// TestOverdueInTheAPI: a dossier submitted on 07/02/2024 and left in review past 15
// working days (Tết skipped: due 06/03/2024) is overdue in its body and in
// ?overdue=true; one submitted today is not; sort=due_on lists the older first.
func TestOverdueInTheAPI(t *testing.T) {
	w := newWF(t)
	ctx := context.Background()
	old := w.create("xa.haiyen", "06220")
	officer, err := w.a.Identity.PrincipalFor(ctx, "xa.haiyen")
	if err != nil {
		t.Fatal(err)
	}
	reviewer, err := w.a.Identity.PrincipalFor(ctx, "caoloc")
	if err != nil {
		t.Fatal(err)
	}
	at := func(date string) *nomination.Service {
		d, _ := time.Parse(time.DateOnly, date)
		return w.a.Nominations.AsOf(d.Add(2 * time.Hour))
	}
	v, err := at("2024-02-07").Transition(ctx, officer, old.ID, old.Version, nomination.TransitionInput{Action: "submit"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = at("2024-02-15").Transition(ctx, reviewer, v.ID, v.Version, nomination.TransitionInput{Action: "start_review"}); err != nil {
		t.Fatal(err)
	}
	fresh := w.create("xa.haiyen", "06220")
	fresh = w.act("xa.haiyen", fresh, "submit", nil, 200)

	var body struct {
		DueOn   *string `json:"due_on"`
		Overdue bool    `json:"overdue"`
		Status  string  `json:"status"`
	}
	w.do("caoloc", "GET", fmt.Sprintf("/api/v1/nominations/%d", old.ID), nil).JSON(t, &body)
	if body.DueOn == nil || *body.DueOn != "2024-03-06" || !body.Overdue || body.Status != "under_review" {
		t.Fatalf("the old dossier: %+v", body)
	}
	w.do("caoloc", "GET", fmt.Sprintf("/api/v1/nominations/%d", fresh.ID), nil).JSON(t, &body)
	if body.DueOn == nil || body.Overdue {
		t.Fatalf("the fresh dossier: %+v", body)
	}

	var page struct {
		Items []struct {
			ID      int64   `json:"id"`
			DueOn   *string `json:"due_on"`
			Overdue bool    `json:"overdue"`
		} `json:"items"`
	}
	w.do("caoloc", "GET", "/api/v1/nominations?overdue=true", nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != old.ID || !page.Items[0].Overdue {
		t.Fatalf("?overdue=true: %+v", page.Items)
	}
	w.do("tinh", "GET", "/api/v1/nominations?overdue=true&unit=183", nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != old.ID {
		t.Fatalf("?overdue=true for the province, narrowed to Cao Lộc: %+v", page.Items)
	}
	w.do("xa.tantac", "GET", "/api/v1/nominations?overdue=true", nil).JSON(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("Tân Tác sees overdue dossiers of Hải Yến: %+v", page.Items)
	}
	w.do("caoloc", "GET", "/api/v1/nominations?status=submitted,under_review&sort=due_on", nil).JSON(t, &page)
	if len(page.Items) != 2 || page.Items[0].ID != old.ID || page.Items[1].ID != fresh.ID {
		t.Fatalf("the inbox by due date: %+v", page.Items)
	}
	w.do("caoloc", "GET", "/api/v1/nominations?status=submitted,under_review", nil).JSON(t, &page)
	if len(page.Items) != 2 || page.Items[0].ID != fresh.ID {
		t.Fatalf("newest first: %+v", page.Items)
	}
	for _, q := range []string{"overdue=yes", "sort=title", "sort=due_on&cursor=bjE"} {
		if res := w.do("caoloc", "GET", "/api/v1/nominations?"+q, nil); res.Status != 422 {
			t.Errorf("?%s: %d %s", q, res.Status, res.Body)
		}
	}
	if res := w.do("caoloc", "GET", "/api/v1/nominations.csv?overdue=true", nil); res.Status != 200 ||
		!strings.Contains(res.Body, fmt.Sprint(old.ID)) || strings.Contains(res.Body, "\n"+fmt.Sprint(fresh.ID)+",") {
		t.Errorf("the export follows ?overdue=true: %d %.300s", res.Status, res.Body)
	}

	// The pages: the list and the reviewer's home queue show the due dates, the overdue
	// one marked; the criteria page shows the set's time limits.
	b := newBrowser(t, w.a)
	b.login("caoloc")
	_, list, _ := b.get("/nominations?overdue=true")
	if !strings.Contains(list, "Quá hạn (hạn 06/03/2024)") || strings.Contains(list, fmt.Sprintf(`href="/nominations/%d"`, fresh.ID)) {
		t.Errorf("the overdue list page lacks the mark or lists the fresh dossier")
	}
	_, home, _ := b.get("/")
	iOld, iFresh := strings.Index(home, fmt.Sprintf(`href="/nominations/%d"`, old.ID)), strings.Index(home, fmt.Sprintf(`href="/nominations/%d"`, fresh.ID))
	if !strings.Contains(home, "Quá hạn (hạn 06/03/2024)") || !strings.Contains(home, "Hạn xử lý: ") || iOld < 0 || iFresh < iOld ||
		!strings.Contains(home, "sort=due_on") {
		t.Errorf("the home queue is not by due date with the marks")
	}
	_, crit, _ := b.get("/criteria")
	if !strings.Contains(crit, "Thời hạn thẩm định: 15 ngày làm việc") || !strings.Contains(crit, "Thời hạn xét công nhận: 10 ngày làm việc") {
		t.Errorf("the criteria page lacks the time limits")
	}
	var set struct {
		ReviewDays   int `json:"review_days"`
		ApprovalDays int `json:"approval_days"`
	}
	w.do("caoloc", "GET", fmt.Sprintf("/api/v1/criteria-sets/%d", old.CriteriaSetID), nil).JSON(t, &set)
	if set.ReviewDays != 15 || set.ApprovalDays != 10 {
		t.Errorf("criteria set days: %+v", set)
	}
}

// TestCriteriaSetDaysAreValidated: review_days and approval_days are 0 to 250 working days.
func TestCriteriaSetDaysAreValidated(t *testing.T) {
	w := newWF(t)
	body := func(review, approval any) map[string]any {
		return map[string]any{"type": "model_garden", "name": "Bộ tiêu chí có thời hạn", "province_code": "20",
			"pass_rule": map[string]any{"min_score": 5, "all_required": true}, "validity_years": 3,
			"required_attachments": []string{"photo"}, "review_days": review, "approval_days": approval,
			"criteria": []map[string]any{{"code": "G1", "group": "Chung", "title": "Vườn sạch", "kind": "boolean", "max_score": 10, "required": true}}}
	}
	for _, c := range []struct {
		review, approval any
		want             int
		fragment         string
	}{
		{-1, 10, 422, `"review_days"`},
		{15, 251, 422, `"approval_days"`},
		{"15", 10, 400, "bad_request"},
		{20, 0, 201, `"review_days":20`},
	} {
		if res := w.do("admin", "POST", "/api/v1/criteria-sets", body(c.review, c.approval)); res.Status != c.want || !strings.Contains(res.Body, c.fragment) {
			t.Errorf("review %v approval %v: %d %s", c.review, c.approval, res.Status, res.Body)
		}
	}
}

// TestHolidaysPage: the admin's page lists a year's holidays (dates dd/mm/yyyy, Tết by
// name), adds, edits and deletes with the session's CSRF token, and answers a bad date or
// a duplicate with the form again; other roles get 403.
func TestHolidaysPage(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	b := newBrowser(t, a)
	b.login("admin")
	if _, home, _ := b.get("/"); !strings.Contains(home, `href="/holidays"`) {
		t.Error("the admin's home page has no link to the holidays")
	}
	status, page, _ := b.get("/holidays?year=2024")
	for _, want := range []string{"Ngày nghỉ lễ, Tết", "Tết Nguyên đán Giáp Thìn", "08/02/2024", "14/02/2024", "Thứ Năm",
		"Năm 2024 có 250 ngày làm việc", `href="/holidays?year=2027"`} {
		if status != 200 || !strings.Contains(page, want) {
			t.Errorf("GET /holidays?year=2024: %d, lacks %q", status, want)
		}
	}
	before := holidayCount(t, a)
	if status, _, _ := b.post("/holidays", url.Values{"date": {"2026-11-24"}, "name": {"Không có mã"}}); status != http.StatusForbidden {
		t.Errorf("add without CSRF: %d", status)
	}
	status, page, _ = b.post("/holidays", url.Values{"date": {"2101-01-01"}, "name": {"Quá xa"}, "csrf_token": {b.csrf}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "từ 01/01/2000 đến 31/12/2100") || !strings.Contains(page, `value="Quá xa"`) {
		t.Errorf("add out of range: %d", status)
	}
	status, page, _ = b.post("/holidays", url.Values{"date": {"2024-02-12"}, "name": {"Mùng 3 Tết"}, "csrf_token": {b.csrf}})
	if status != http.StatusConflict || !strings.Contains(page, "Ngày này đã có trong danh sách ngày nghỉ.") {
		t.Errorf("add a duplicate: %d", status)
	}
	if after := holidayCount(t, a); after != before {
		t.Fatalf("refused forms saved holidays: %d → %d", before, after)
	}

	status, _, h := b.post("/holidays", url.Values{"date": {"2026-11-24"}, "name": {"Ngày Văn hoá Việt Nam"}, "csrf_token": {b.csrf}})
	if status != http.StatusSeeOther || h.Get("Location") != "/holidays?year=2026" {
		t.Fatalf("add: %d %v", status, h.Get("Location"))
	}
	if _, page, _ = b.get("/holidays?year=2026"); !strings.Contains(page, "Đã lưu ngày nghỉ.") || !strings.Contains(page, "24/11/2026") {
		t.Error("the added holiday is not listed with its flash")
	}
	status, page, _ = b.post("/holidays/2026-11-24", url.Values{"date": {"2026-02-17"}, "name": {"Trùng Tết"}, "csrf_token": {b.csrf}})
	if status != http.StatusConflict || !strings.Contains(page, "Ngày này đã có trong danh sách ngày nghỉ.") {
		t.Errorf("edit onto Tết: %d", status)
	}
	if status, _, _ = b.post("/holidays/2026-11-24", url.Values{"date": {"2026-11-23"}, "name": {"Nghỉ bù"}, "csrf_token": {b.csrf}}); status != http.StatusSeeOther {
		t.Errorf("edit: %d", status)
	}
	if _, err := a.Nominations.Calendar().Get(t.Context(), "2026-11-23"); err != nil {
		t.Errorf("the edit did not move the holiday: %v", err)
	}
	if status, _, _ = b.post("/holidays/2026-11-23/delete", url.Values{"csrf_token": {b.csrf}}); status != http.StatusSeeOther {
		t.Errorf("delete: %d", status)
	}
	if status, _, _ = b.post("/holidays/2026-11-23/delete", url.Values{"csrf_token": {b.csrf}}); status != http.StatusNotFound {
		t.Errorf("delete again: %d", status)
	}
	if after := holidayCount(t, a); after != before {
		t.Fatalf("%d holidays after add, edit, delete; %d before", after, before)
	}

	for _, user := range []string{"tinh", "caoloc"} {
		o := newBrowser(t, a)
		o.login(user)
		if status, _, _ := o.get("/holidays"); status != http.StatusForbidden {
			t.Errorf("%s opens the holidays page: %d", user, status)
		}
		if _, home, _ := o.get("/"); strings.Contains(home, `href="/holidays"`) {
			t.Errorf("%s is offered the holidays page", user)
		}
	}
}
