package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// titleUnderReview takes a new NTM commune title of the officer's commune to under_review
// with a saved, passing review by Cao Lộc: the next step, endorse, opens its notice.
func (w *wf) titleUnderReview(officer, commune, title string) nom {
	w.t.Helper()
	assessment := make([]map[string]any, 0, len(criteria.NationalCriteria))
	scores := make([]map[string]any, 0, len(criteria.NationalCriteria))
	for _, c := range criteria.NationalCriteria {
		assessment = append(assessment, map[string]any{"criterion": c.Code, "value": true})
		scores = append(scores, map[string]any{"criterion": c.Code, "met": true})
	}
	res := w.do(officer, "POST", "/api/v1/nominations", map[string]any{"type": "ntm_commune", "commune_code": commune, "title": title,
		"subject": map[string]any{"satisfaction_pct": 93}, "assessment": assessment})
	if res.Status != 201 {
		w.t.Fatalf("create title: %d %s", res.Status, res.Body)
	}
	n := w.decode(res)
	w.upload(officer, n.ID, "minutes", "biên bản.pdf", pdfBytes(), 201)
	w.upload(officer, n.ID, "survey", "phiếu khảo sát.pdf", pdfBytes(), 201)
	n = w.act(officer, n, "submit", nil, 200)
	n = w.act("caoloc", n, "start_review", nil, 200)
	res = w.do("caoloc", "PUT", fmt.Sprintf("/api/v1/nominations/%d/review", n.ID),
		map[string]any{"scores": scores, "summary": "Đạt đủ 19 tiêu chí", "visited_on": "2022-08-20"}, ifMatch(n.Version)...)
	if res.Status != 200 {
		w.t.Fatalf("review: %d %s", res.Status, res.Body)
	}
	return w.decode(res)
}

// objectionRows is what the objections table holds of a nomination, every column.
func objectionRows(t *testing.T, w *wf, id int64) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := w.a.Store.DB(context.Background()).Table("objections").Where("nomination_id = ?", id).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

type objectionJSON struct {
	ID         int64   `json:"id"`
	Name       *string `json:"name"`
	Contact    *string `json:"contact"`
	Text       string  `json:"text"`
	Response   *string `json:"response"`
	ResolvedBy *string `json:"resolved_by"`
}

func objectionsAs(t *testing.T, w *wf, user string, id int64) (int, []objectionJSON) {
	t.Helper()
	res := w.a.Do(t, "GET", fmt.Sprintf("/api/v1/nominations/%d/objections", id), tokenOf(w, user), nil)
	var list struct {
		Items []objectionJSON `json:"items"`
	}
	if res.Status == 200 {
		res.JSON(t, &list)
	}
	return res.Status, list.Items
}

func errorCode(t *testing.T, res testkit.Response) string {
	t.Helper()
	var body struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	res.JSON(t, &body)
	return body.Error.Code
}

// A commune title endorsed today is on public notice: the body says until when, the
// public list shows it to anyone (type, title, commune, last day, where to object; nothing
// of the dossier), anyone objects without signing in, approve and a decision naming it get
// 409 notice_open; the objection is read in scope, with the objector's name and contact
// only for those who answer it; bad bodies and a burst save nothing; the address is
// stored only as its keyed hash.
func TestPublicNoticeAndObjectionsAPI(t *testing.T) {
	w := newWF(t)
	n := w.titleUnderReview("xa.mauson", "06238", "Xã Mẫu Sơn đạt chuẩn nông thôn mới")
	n = w.act("caoloc", n, "endorse", nil, 200)
	var body struct {
		NoticeUntil *string `json:"notice_until"`
		NoticeOpen  bool    `json:"notice_open"`
	}
	w.do("caoloc", "GET", fmt.Sprintf("/api/v1/nominations/%d", n.ID), nil).JSON(t, &body)
	if body.NoticeUntil == nil || !body.NoticeOpen {
		t.Fatalf("the endorsed title: %+v", body)
	}

	res := w.a.Do(t, "GET", "/api/v1/public/notices", "", nil)
	var page struct {
		Items []map[string]any `json:"items"`
	}
	res.JSON(t, &page)
	if res.Status != 200 || len(page.Items) != 1 {
		t.Fatalf("public notices without signing in: %d %s", res.Status, res.Body)
	}
	item := page.Items[0]
	var keys []string
	for k := range item {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if strings.Join(keys, ",") != "commune_code,commune_name,district_name,nomination_id,notice_until,objection_url,page_url,province_code,title,type" ||
		item["commune_name"] != "Xã Mẫu Sơn" || item["notice_until"] != *body.NoticeUntil || item["type"] != "ntm_commune" ||
		!strings.HasSuffix(item["objection_url"].(string), fmt.Sprintf("/api/v1/public/nominations/%d/objections", n.ID)) {
		t.Fatalf("a public notice: %v", item)
	}

	objURL := fmt.Sprintf("/api/v1/public/nominations/%d/objections", n.ID)
	res = w.a.Do(t, "POST", objURL, "", map[string]any{"name": "Triệu Thị Hoa", "contact": "0987 654 321",
		"text": "Thôn Khuổi Cấp chưa có nhà văn hoá như báo cáo tiêu chí 6."})
	if res.Status != http.StatusCreated || strings.Contains(res.Body, "0987") || strings.Contains(res.Body, "Triệu") || strings.Contains(res.Body, "Khuổi") {
		t.Fatalf("objection: %d %s", res.Status, res.Body)
	}
	loc := res.Header.Get("Location")
	if one := w.do("caoloc", "GET", loc, nil); one.Status != 200 || !strings.Contains(one.Body, `"contact":"0987 654 321"`) {
		t.Fatalf("the objection at its Location %q: %d %s", loc, one.Status, one.Body)
	}
	if one := w.do("xa.mauson", "GET", loc, nil); one.Status != 200 || !strings.Contains(one.Body, `"contact":null`) {
		t.Fatalf("the objection as the commune: %d %s", one.Status, one.Body)
	}
	if one := w.a.Do(t, "GET", loc, "", nil); one.Status != 401 {
		t.Fatalf("the objection without signing in: %d", one.Status)
	}
	if res = w.a.Do(t, "GET", "/api/v1/public/notices", "", nil); strings.Contains(res.Body, "0987") || strings.Contains(res.Body, "Triệu") ||
		strings.Contains(res.Body, "Khuổi") {
		t.Fatalf("the public list shows the objection: %s", res.Body)
	}

	res = w.do("tinh", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID),
		map[string]any{"action": "approve", "decision": nextDecision()}, ifMatch(n.Version)...)
	if res.Status != http.StatusConflict || errorCode(t, res) != "notice_open" || !strings.Contains(res.Body, *body.NoticeUntil) {
		t.Fatalf("approve during the notice: %d %s", res.Status, res.Body)
	}
	d := nextDecision()
	res = w.do("tinh", "POST", "/api/v1/decisions", map[string]any{"number": d["number"], "date": d["date"], "signer": d["signer"],
		"items": []map[string]any{{"nomination_id": n.ID, "version": n.Version}}})
	if res.Status != http.StatusConflict || errorCode(t, res) != "notice_open" || !strings.Contains(res.Body, `"items[0]"`) {
		t.Fatalf("a decision naming it: %d %s", res.Status, res.Body)
	}

	// Read in scope; who objected only for those who answer.
	for _, c := range []struct {
		user       string
		status     int
		identified bool
	}{{"caoloc", 200, true}, {"tinh", 200, true}, {"xa.mauson", 200, false}, {"quansat", 200, false}, {"xa.tantac", 404, false},
		{"vanlang", 404, false}, {"admin", 404, false}, {"", 401, false}} {
		status, items := objectionsAs(t, w, c.user, n.ID)
		switch {
		case status != c.status:
			t.Errorf("objections as %q: %d, want %d", c.user, status, c.status)
		case status != 200:
		case len(items) != 1 || !strings.Contains(items[0].Text, "nhà văn hoá") || items[0].Response != nil:
			t.Errorf("objections as %q: %+v", c.user, items)
		case c.identified && (items[0].Name == nil || *items[0].Name != "Triệu Thị Hoa" || items[0].Contact == nil || *items[0].Contact != "0987 654 321"):
			t.Errorf("%s does not see who objected: %+v", c.user, items[0])
		case !c.identified && (items[0].Name != nil || items[0].Contact != nil):
			t.Errorf("%s sees who objected: %+v", c.user, items[0])
		}
	}

	// Bad bodies: refused, nothing saved.
	for _, c := range []struct {
		body   any
		status int
		field  string
	}{
		{map[string]any{"name": "A", "text": ""}, 422, `"text"`},
		{map[string]any{"text": "   "}, 422, `"text"`},
		{map[string]any{"text": strings.Repeat("ý", 2001)}, 422, `"text"`},
		{map[string]any{"name": strings.Repeat("a", 201), "text": "x"}, 422, `"name"`},
		{map[string]any{"contact": strings.Repeat("0", 201), "text": "x"}, 422, `"contact"`},
		{map[string]any{"text": "x", "email": "a@b.vn"}, 400, "bad_request"},
		{`{"text": 12}`, 400, "bad_request"},
	} {
		if res := w.a.Do(t, "POST", objURL, "", c.body); res.Status != c.status || !strings.Contains(res.Body, c.field) {
			t.Errorf("objection %.60v: %d %s", c.body, res.Status, res.Body)
		}
	}
	if rows := objectionRows(t, w, n.ID); len(rows) != 1 {
		t.Fatalf("%d objections stored after the bad bodies", len(rows))
	}
	for _, path := range []string{"/api/v1/public/nominations/999999/objections", fmt.Sprintf("/api/v1/public/nominations/%d/objections",
		w.create("xa.haiyen", "06220").ID)} {
		if res := w.a.Do(t, "POST", path, "", map[string]any{"text": "x"}); res.Status != 404 {
			t.Errorf("objection to %s: %d %s", path, res.Status, res.Body)
		}
	}

	// A burst from one address: refused with 429 and Retry-After once the address has
	// used its attempts (each attempt above counted), nothing saved beyond them.
	created, limited := 0, false
	for i := 0; i < nomination.MaxObjectionsPerAddress+1 && !limited; i++ {
		res := w.a.Do(t, "POST", objURL, "", map[string]any{"text": fmt.Sprintf("Ý kiến thứ %d", i+2)})
		switch res.Status {
		case http.StatusCreated:
			created++
		case http.StatusTooManyRequests:
			limited = errorCode(t, res) == "rate_limited" && res.Header.Get("Retry-After") != ""
		default:
			t.Fatalf("burst: %d %s", res.Status, res.Body)
		}
	}
	rows := objectionRows(t, w, n.ID)
	if !limited || len(rows) != 1+created {
		t.Fatalf("burst: limited %v, %d created, %d stored", limited, created, len(rows))
	}

	// Stored with the keyed hash of the address, never the address.
	want := w.a.Identity.ClientHash("127.0.0.1")
	for _, r := range rows {
		if r["addr_hash"] != want {
			t.Errorf("addr_hash %v, want the keyed hash %s", r["addr_hash"], want)
		}
		for col, v := range r {
			if s, ok := v.(string); ok && strings.Contains(s, "127.0.0.1") {
				t.Errorf("column %s holds the address: %q", col, s)
			}
		}
	}
}

// A commune title whose notice ended (endorsed on 04/03/2024, objected to on 10/03): it is
// off the public list, an objection now is 409 notice_closed, approve is 409
// objections_unresolved until Cao Lộc answers (the commune may not: 403; an empty answer:
// 422; a second answer: 409), then approve goes through.
func TestEndedNoticeThenAnswersThenApproval(t *testing.T) {
	w := newWF(t)
	ctx := context.Background()
	n := w.titleUnderReview("xa.haiyen", "06220", "Xã Hải Yến đạt chuẩn nông thôn mới")
	reviewer, err := w.a.Identity.PrincipalFor(ctx, "caoloc")
	if err != nil {
		t.Fatal(err)
	}
	day := func(date string) *nomination.Service {
		d, _ := time.Parse(time.DateOnly, date)
		return w.a.Nominations.AsOf(d.Add(2 * time.Hour))
	}
	if _, err := day("2024-03-04").Transition(ctx, reviewer, n.ID, n.Version, nomination.TransitionInput{Action: "endorse"}); err != nil {
		t.Fatal(err)
	}
	if _, err := day("2024-03-10").Object(ctx, n.ID, nomination.ObjectionInput{Name: "Nông Văn Bảy", Text: "Tỷ lệ hộ nghèo của thôn Nà Pàn còn cao."},
		w.a.Identity.ClientHash("198.51.100.23")); err != nil {
		t.Fatal(err)
	}
	n = w.get("caoloc", n.ID)
	var body struct {
		NoticeUntil *string `json:"notice_until"`
		NoticeOpen  bool    `json:"notice_open"`
	}
	w.do("caoloc", "GET", fmt.Sprintf("/api/v1/nominations/%d", n.ID), nil).JSON(t, &body)
	if body.NoticeUntil == nil || *body.NoticeUntil != "2024-03-19" || body.NoticeOpen {
		t.Fatalf("the ended notice: %+v", body)
	}
	if res := w.a.Do(t, "GET", "/api/v1/public/notices", "", nil); strings.Contains(res.Body, fmt.Sprintf(`"nomination_id":%d`, n.ID)) {
		t.Fatalf("an ended notice is listed: %s", res.Body)
	}
	res := w.a.Do(t, "POST", fmt.Sprintf("/api/v1/public/nominations/%d/objections", n.ID), "", map[string]any{"text": "Quá hạn"})
	if res.Status != http.StatusConflict || errorCode(t, res) != "notice_closed" {
		t.Fatalf("objection after the notice: %d %s", res.Status, res.Body)
	}
	if rows := objectionRows(t, w, n.ID); len(rows) != 1 {
		t.Fatalf("%d objections stored", len(rows))
	}

	approve := func(want int) testkit.Response {
		t.Helper()
		res := w.do("tinh", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID),
			map[string]any{"action": "approve", "decision": nextDecision()}, ifMatch(n.Version)...)
		if res.Status != want {
			t.Fatalf("approve: %d, want %d: %s", res.Status, want, res.Body)
		}
		return res
	}
	if res := approve(http.StatusConflict); errorCode(t, res) != "objections_unresolved" {
		t.Fatalf("approve with the objection unanswered: %s", res.Body)
	}

	_, items := objectionsAs(t, w, "caoloc", n.ID)
	if len(items) != 1 || items[0].Name == nil || *items[0].Name != "Nông Văn Bảy" {
		t.Fatalf("objections: %+v", items)
	}
	resolve := fmt.Sprintf("/api/v1/nominations/%d/objections/%d/resolve", n.ID, items[0].ID)
	answer := "Đã rà soát: thôn Nà Pàn còn 3 hộ nghèo trên 120 hộ, xã vẫn đạt tiêu chí 11."
	for _, c := range []struct {
		user   string
		body   any
		status int
	}{
		{"xa.haiyen", map[string]any{"response": answer}, 403},
		{"quansat", map[string]any{"response": answer}, 403},
		{"vanlang", map[string]any{"response": answer}, 404},
		{"", map[string]any{"response": answer}, 401},
		{"caoloc", map[string]any{"response": " "}, 422},
		{"caoloc", map[string]any{"response": strings.Repeat("a", 2001)}, 422},
		{"caoloc", map[string]any{"answer": answer}, 400},
	} {
		if res := w.a.Do(t, "POST", resolve, tokenOf(w, c.user), c.body); res.Status != c.status {
			t.Errorf("resolve as %q with %.40v: %d, want %d: %s", c.user, c.body, res.Status, c.status, res.Body)
		}
	}
	if res := w.do("caoloc", "POST", fmt.Sprintf("/api/v1/nominations/%d/objections/%d/resolve", n.ID, items[0].ID+99), map[string]any{"response": answer}); res.Status != 404 {
		t.Errorf("resolve another id: %d", res.Status)
	}
	res = w.do("caoloc", "POST", resolve, map[string]any{"response": answer})
	var o objectionJSON
	res.JSON(t, &o)
	if res.Status != 200 || o.Response == nil || *o.Response != answer || o.ResolvedBy == nil || *o.ResolvedBy != "caoloc" {
		t.Fatalf("the answer: %d %s", res.Status, res.Body)
	}
	if res := w.do("tinh", "POST", resolve, map[string]any{"response": "Lần hai"}); res.Status != http.StatusConflict {
		t.Fatalf("answered twice: %d %s", res.Status, res.Body)
	}
	_, items = objectionsAs(t, w, "xa.haiyen", n.ID)
	if len(items) != 1 || items[0].Response == nil || *items[0].Response != answer || items[0].Name != nil {
		t.Fatalf("the commune reads the answer: %+v", items)
	}
	var approved nom
	approve(http.StatusOK).JSON(t, &approved)
	if approved.Status != "approved" || approved.RecognitionID == nil {
		t.Fatalf("approved: %+v", approved)
	}
}

// The pages: the public list and a notice's page answer without signing in; its form
// needs its own CSRF token, keeps the visitor's words on a mistake and thanks them on
// success, never showing objections; the reviewer sees the notice, the objection with who
// sent it and the answer form, the commune the objection only; the approve form during the
// notice says why it is held; the criteria page shows the notice days.
func TestPublicNoticePagesAndAnswers(t *testing.T) {
	w := newWF(t)
	n := w.titleUnderReview("xa.mauson", "06238", "Xã Mẫu Sơn đạt chuẩn nông thôn mới")
	n = w.act("caoloc", n, "endorse", nil, 200)
	id := itoa(n.ID)

	pub := newBrowser(t, w.a)
	status, body, _ := pub.get("/public/notices")
	if status != 200 || !strings.Contains(body, "Xã Mẫu Sơn đạt chuẩn nông thôn mới") || !strings.Contains(body, `href="/public/notices/`+id+`"`) ||
		!strings.Contains(body, "Niêm yết đến hết ngày") {
		t.Fatalf("public list page: %d", status)
	}
	status, body, h := pub.get("/public/notices/" + id)
	if status != 200 || !strings.Contains(body, `action="/public/notices/`+id+`/objections"`) || !strings.Contains(h.Get("Cache-Control"), "no-store") ||
		pub.csrf == "" {
		t.Fatalf("notice page: %d %v", status, h)
	}
	post := "/public/notices/" + id + "/objections"
	if status, _, _ := pub.post(post, url.Values{"text": {"Không có mã"}}); status != http.StatusForbidden {
		t.Errorf("form without its token: %d", status)
	}
	status, body, _ = pub.post(post, url.Values{"csrf_token": {pub.csrf}, "name": {"Triệu Thị Hoa"}, "text": {"  "}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Vui lòng nhập nội dung ý kiến") || !strings.Contains(body, `value="Triệu Thị Hoa"`) {
		t.Fatalf("empty objection: %d", status)
	}
	text := "Nhà văn hoá thôn Khuổi Cấp chưa xây xong."
	status, _, h = pub.post(post, url.Values{"csrf_token": {pub.csrf}, "name": {"Triệu Thị Hoa"}, "contact": {"0987 654 321"}, "text": {text}})
	if status != http.StatusSeeOther || h.Get("Location") != "/public/notices/"+id {
		t.Fatalf("objection form: %d %v", status, h)
	}
	_, body, _ = pub.get(h.Get("Location"))
	if !strings.Contains(body, "Đã nhận ý kiến của bạn") || strings.Contains(body, "Khuổi Cấp chưa") || strings.Contains(body, "0987") {
		t.Fatalf("after the objection, the public page thanks and shows nothing of it")
	}

	var oid int64
	_, items := objectionsAs(t, w, "caoloc", n.ID)
	if len(items) != 1 {
		t.Fatalf("objections: %+v", items)
	}
	oid = items[0].ID
	rv := newBrowser(t, w.a)
	rv.login("caoloc")
	_, body, _ = rv.get("/nominations/" + id)
	form := fmt.Sprintf(`action="/nominations/%d/objections/%d/resolve"`, n.ID, oid)
	for _, want := range []string{"Đang niêm yết công khai đến hết ngày", text, "Triệu Thị Hoa", "0987 654 321", form, "Còn 1 ý kiến chưa được trả lời"} {
		if !strings.Contains(body, want) {
			t.Errorf("reviewer's page lacks %q", want)
		}
	}
	officer := newBrowser(t, w.a)
	officer.login("xa.mauson")
	_, body, _ = officer.get("/nominations/" + id)
	if !strings.Contains(body, text) || strings.Contains(body, "Triệu Thị Hoa") || strings.Contains(body, "0987") || strings.Contains(body, "/resolve") {
		t.Errorf("the commune's page shows who objected or the answer form")
	}

	tinh := newBrowser(t, w.a)
	tinh.login("tinh")
	if _, list, _ := tinh.get("/nominations?status=endorsed"); !strings.Contains(list, `class="badge notice-open"`) || !strings.Contains(list, "Đang niêm yết · ") {
		t.Errorf("the approver's list does not mark the nomination on notice")
	}
	tinh.get("/nominations/" + id)
	status, body, _ = tinh.post("/nominations/"+id+"/transition", url.Values{"csrf_token": {tinh.csrf}, "version": {fmt.Sprint(n.Version)},
		"action": {"approve"}, "decision_number": {"99/QĐ-UBND"}, "decision_date": {"2022-09-15"}, "decision_signer": {"Hồ Tiến Thiệu"}})
	if _, body, _ = tinh.get("/nominations/" + id); status != http.StatusSeeOther || !strings.Contains(body, "Hồ sơ đang trong thời gian niêm yết công khai") {
		t.Errorf("approve form during the notice: %d", status)
	}

	answer := "Nhà văn hoá đã hoàn thành, nghiệm thu ngày 02/3."
	status, _, h = rv.post(fmt.Sprintf("/nominations/%d/objections/%d/resolve", n.ID, oid), url.Values{"csrf_token": {rv.csrf}, "response": {answer}})
	if status != http.StatusSeeOther || h.Get("Location") != fmt.Sprintf("/nominations/%d#objection-%d", n.ID, oid) {
		t.Fatalf("answer form: %d %v", status, h)
	}
	_, body, _ = rv.get("/nominations/" + id)
	if !strings.Contains(body, "Đã ghi câu trả lời ý kiến.") || !strings.Contains(body, answer) || strings.Contains(body, form) {
		t.Errorf("the page after the answer")
	}
	status, _, _ = rv.post(fmt.Sprintf("/nominations/%d/objections/%d/resolve", n.ID, oid), url.Values{"csrf_token": {rv.csrf}, "response": {"Lần hai"}})
	if _, body, _ = rv.get("/nominations/" + id); status != http.StatusSeeOther || !strings.Contains(body, "Ý kiến này đã được trả lời trước đó.") {
		t.Errorf("answering twice on the page: %d", status)
	}
	if status, _, _ := officer.post(fmt.Sprintf("/nominations/%d/objections/%d/resolve", n.ID, oid), url.Values{"csrf_token": {officer.csrf}, "response": {"x"}}); status != http.StatusForbidden {
		t.Errorf("the commune's answer: %d", status)
	}

	_, crit, _ := rv.get("/criteria")
	if !strings.Contains(crit, "Niêm yết công khai: 15 ngày kể từ ngày được đề nghị công nhận.") || !strings.Contains(crit, "Không niêm yết công khai.") {
		t.Errorf("the criteria page lacks the notice days")
	}
	var sets struct {
		Items []struct {
			Type       string `json:"type"`
			NoticeDays int    `json:"notice_days"`
		} `json:"items"`
	}
	w.do("caoloc", "GET", "/api/v1/criteria-sets", nil).JSON(t, &sets)
	got := map[string]int{}
	for _, s := range sets.Items {
		got[s.Type] = s.NoticeDays
	}
	if got["ntm_commune"] != 15 || got["advanced_ntm_commune"] != 15 || got["model_ntm_commune"] != 15 || got["model_garden"] != 0 ||
		got["model_residential_area"] != 0 {
		t.Errorf("notice_days of the demo sets: %v", got)
	}
}

// notice_days is published with a set: 0 to 90, anything else 422 and nothing published.
func TestPublishNoticeDays(t *testing.T) {
	w := newWF(t)
	set := criteria.NationalNTMCommuneSet("20")
	raw, _ := json.Marshal(set)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	delete(body, "id")
	delete(body, "version")
	for _, c := range []struct {
		days any
		want int
	}{{-1, 422}, {91, 422}, {"15", 400}, {30, 201}} {
		body["notice_days"] = c.days
		res := w.do("admin", "POST", "/api/v1/criteria-sets", body)
		if res.Status != c.want || (c.want == 422 && !strings.Contains(res.Body, `"notice_days"`)) ||
			(c.want == 201 && !strings.Contains(res.Body, `"notice_days":30`)) {
			t.Errorf("notice_days %v: %d %s", c.days, res.Status, res.Body)
		}
	}
}
