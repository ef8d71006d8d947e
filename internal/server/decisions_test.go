package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// One decision, many dossiers (SPEC §13), through the API and the pages, on the database
// the tests run on (SQLite, or PostgreSQL with TEST_DATABASE_URL).

type decisionJSON struct {
	ID           int64  `json:"id"`
	ProvinceCode string `json:"province_code"`
	Number       string `json:"number"`
	Date         string `json:"date"`
	Signer       string `json:"signer"`
	SignerTitle  string `json:"signer_title"`
	Recognitions []struct {
		ID                int64  `json:"id"`
		NominationID      int64  `json:"nomination_id"`
		DecisionID        int64  `json:"decision_id"`
		DecisionNumber    string `json:"decision_number"`
		SignerTitle       string `json:"signer_title"`
		CertificateNumber string `json:"certificate_number"`
		CommuneName       string `json:"commune_name"`
	} `json:"recognitions"`
}

func items(noms ...nom) []map[string]any {
	out := make([]map[string]any, len(noms))
	for i, n := range noms {
		out[i] = map[string]any{"nomination_id": n.ID, "version": n.Version}
	}
	return out
}

func decisionBody(number, date, signer, title string, list []map[string]any) map[string]any {
	return map[string]any{"number": number, "date": date, "signer": signer, "signer_title": title, "items": list}
}

// decide posts a decision and checks the status.
func (w *wf) decide(user string, body map[string]any, want int) testkit.Response {
	w.t.Helper()
	res := w.do(user, "POST", "/api/v1/decisions", body)
	if res.Status != want {
		w.t.Fatalf("POST /decisions as %s: %d, want %d: %s", user, res.Status, want, res.Body)
	}
	return res
}

func (w *wf) decision(user string, id int64) decisionJSON {
	w.t.Helper()
	res := w.do(user, "GET", fmt.Sprintf("/api/v1/decisions/%d", id), nil)
	if res.Status != 200 {
		w.t.Fatalf("GET decision %d as %s: %d %s", id, user, res.Status, res.Body)
	}
	var d decisionJSON
	res.JSON(w.t, &d)
	return d
}

func (w *wf) certificates(d decisionJSON) []string {
	var out []string
	for _, r := range d.Recognitions {
		out = append(out, r.CertificateNumber)
	}
	return out
}

// countDecisions reads the decisions table directly: what a refused request left.
func (w *wf) countDecisions() int64 {
	w.t.Helper()
	var n int64
	if err := w.a.Store.DB(context.Background()).Table("decisions").Count(&n).Error; err != nil {
		w.t.Fatal(err)
	}
	return n
}

// unchanged fails unless every nomination is as it was: status, version, no recognition.
func (w *wf) unchanged(noms ...nom) {
	w.t.Helper()
	for _, n := range noms {
		if got := w.get("tinh", n.ID); got.Status != n.Status || got.Version != n.Version || got.RecognitionID != nil {
			w.t.Errorf("nomination %d changed: %+v (was %s v%d)", n.ID, got, n.Status, n.Version)
		}
	}
}

func (w *wf) noDrift() {
	w.t.Helper()
	if drift, err := progress.New(w.a.Store).Drift(context.Background()); err != nil || drift != 0 {
		w.t.Fatalf("counters drift %d, %v", drift, err)
	}
}

// TestDecisionApprovesSeveralAtOnce: one decision approves two gardens in one request;
// both are approved, recognised under the decision with certificates "<number>-1" and
// "-2" in the order listed, and the decision lists them, in its province only.
func TestDecisionApprovesSeveralAtOnce(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	a, b := w.advance("endorsed"), w.advance("endorsed")
	res := w.decide("tinh", decisionBody("12/QĐ-UBND", "2023-03-01", "Hồ Tiến Thiệu", "Chủ tịch", items(b, a)), 201)
	var d decisionJSON
	res.JSON(t, &d)
	if res.Header.Get("Location") != fmt.Sprintf("/api/v1/decisions/%d", d.ID) || d.Number != "12/QĐ-UBND" || d.Date != "2023-03-01" ||
		d.SignerTitle != "Chủ tịch" || d.ProvinceCode != "20" || len(d.Recognitions) != 2 {
		t.Fatalf("decision %s %+v", res.Header.Get("Location"), d)
	}
	if got := w.certificates(d); !slices.Equal(got, []string{"12/QĐ-UBND-1", "12/QĐ-UBND-2"}) || d.Recognitions[0].NominationID != b.ID ||
		d.Recognitions[1].DecisionID != d.ID || d.Recognitions[0].CommuneName != "Xã Hải Yến" {
		t.Fatalf("recognitions %+v", d.Recognitions)
	}
	for _, n := range []nom{a, b} {
		got := w.get("tinh", n.ID)
		if got.Status != "approved" || got.Version != n.Version+1 || got.RecognitionID == nil {
			t.Fatalf("nomination %d: %+v", n.ID, got)
		}
		h := historyOf(t, w, "tinh", n.ID)
		last := h[len(h)-1]
		details, _ := last["details"].(map[string]any)
		if last["action"] != "approve" || details["decision_id"] != float64(d.ID) || !strings.HasPrefix(fmt.Sprint(details["certificate_number"]), "12/QĐ-UBND-") {
			t.Fatalf("history %+v", last)
		}
	}
	var rec struct {
		CertificateNumber string `json:"certificate_number"`
		DecisionID        int64  `json:"decision_id"`
		SignerTitle       string `json:"signer_title"`
		DecisionNumber    string `json:"decision_number"`
	}
	w.do("xa.haiyen", "GET", fmt.Sprintf("/api/v1/recognitions/%d", d.Recognitions[1].ID), nil).JSON(t, &rec)
	if rec.CertificateNumber != "12/QĐ-UBND-2" || rec.DecisionID != d.ID || rec.SignerTitle != "Chủ tịch" || rec.DecisionNumber != "12/QĐ-UBND" {
		t.Fatalf("recognition %+v", rec)
	}
	w.noDrift()

	// The decision is the province's: read by those who read its recognitions province-wide.
	for user, want := range map[string]int{"tinh": 200, "quansat": 200, "admin": 200, "caoloc": 404, "xa.haiyen": 404} {
		if res := w.do(user, "GET", fmt.Sprintf("/api/v1/decisions/%d", d.ID), nil); res.Status != want {
			t.Errorf("GET decision as %s: %d, want %d", user, res.Status, want)
		}
	}
	if res := w.do("tinh", "GET", "/api/v1/decisions/999999", nil); res.Status != 404 {
		t.Errorf("missing decision: %d", res.Status)
	}
	if res := w.a.Do(t, "GET", fmt.Sprintf("/api/v1/decisions/%d", d.ID), "", nil); res.Status != 401 {
		t.Errorf("signed out: %d", res.Status)
	}

	// The annex lists them with their certificate numbers and units.
	res = w.do("tinh", "GET", fmt.Sprintf("/api/v1/decisions/%d/annex.xlsx", d.ID), nil)
	if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("annex: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !strings.Contains(rows[0][0], "12/QĐ-UBND") || rows[1][1] != "Số giấy chứng nhận" ||
		rows[2][1] != "12/QĐ-UBND-1" || rows[3][1] != "12/QĐ-UBND-2" || rows[2][6] != "Xã Hải Yến" {
		t.Fatalf("annex rows %q", rows)
	}
	if res := w.do("caoloc", "GET", fmt.Sprintf("/api/v1/decisions/%d/annex.xlsx", d.ID), nil); res.Status != 404 {
		t.Errorf("annex out of scope: %d", res.Status)
	}
}

// TestDecisionRefusedWhole: one item that cannot be approved refuses the whole decision,
// naming the item, and nothing changes: no nomination, no recognition, no decision.
func TestDecisionRefusedWhole(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	a, b := w.advance("endorsed"), w.advance("endorsed")
	reviewing := w.advance("under_review")
	ok := func(list ...map[string]any) map[string]any {
		return decisionBody("45/QĐ-UBND", "2023-04-10", "Hồ Tiến Thiệu", "Chủ tịch", list)
	}
	hanoi := hanoiApprover(t, w)
	cases := []struct {
		name, user string
		body       map[string]any
		status     int
		code       string
		field      string
	}{
		{"stale version", "tinh", ok(items(a, nom{ID: b.ID, Version: b.Version - 1})...), 412, "version_mismatch", "items[1]"},
		{"not endorsed", "tinh", ok(items(a, reviewing)...), 409, "invalid_transition", "items[1]"},
		{"missing nomination", "tinh", ok(items(a, nom{ID: 999999, Version: 1})...), 404, "not_found", "items[1]"},
		{"another province's approver", hanoi, ok(items(a)...), 404, "not_found", "items[0]"},
		{"listed twice", "tinh", ok(items(a, b, a)...), 422, "validation_failed", "items[2]"},
		{"no items", "tinh", ok(), 422, "validation_failed", "items"},
		{"no version", "tinh", ok(map[string]any{"nomination_id": a.ID}), 422, "validation_failed", "items[0].version"},
		{"unknown signer title", "tinh", decisionBody("45/QĐ-UBND", "2023-04-10", "Hồ Tiến Thiệu", "Giám đốc", items(a)), 422, "validation_failed", "signer_title"},
		{"no number", "tinh", decisionBody("", "2023-04-10", "Hồ Tiến Thiệu", "", items(a)), 422, "validation_failed", "number"},
		{"future date", "tinh", decisionBody("45/QĐ-UBND", "2999-01-01", "Hồ Tiến Thiệu", "", items(a)), 422, "validation_failed", "date"},
		{"a reviewer", "caoloc", ok(items(a)...), 403, "forbidden", ""},
		{"an officer", "xa.haiyen", ok(items(a)...), 403, "forbidden", ""},
	}
	for _, c := range cases {
		var res testkit.Response
		if c.user == hanoi {
			res = w.a.Do(t, "POST", "/api/v1/decisions", c.user, c.body)
		} else {
			res = w.do(c.user, "POST", "/api/v1/decisions", c.body)
		}
		var body struct {
			Error struct {
				Code    string         `json:"code"`
				Message string         `json:"message"`
				Details map[string]any `json:"details"`
			} `json:"error"`
		}
		res.JSON(t, &body)
		if res.Status != c.status || body.Error.Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, res.Status, res.Body, c.status, c.code)
			continue
		}
		if _, named := body.Error.Details[c.field]; c.field != "" && !named {
			t.Errorf("%s: details do not name %s: %s", c.name, c.field, res.Body)
		}
		if strings.HasPrefix(c.field, "items[") && !strings.Contains(c.field, ".") && c.status != 422 && !strings.HasPrefix(body.Error.Message, c.field+": ") {
			t.Errorf("%s: message does not name the item: %s", c.name, body.Error.Message)
		}
	}
	w.unchanged(a, b, reviewing)
	if n := w.countDecisions(); n != 0 {
		t.Fatalf("refused decisions left %d decisions", n)
	}
	w.noDrift()
	// The same list, fixed, goes through.
	w.decide("tinh", ok(items(a, b)...), 201)
}

// hanoiApprover is a province approver of Hà Nội, signed in; it returns the token.
func hanoiApprover(t *testing.T, w *wf) string {
	t.Helper()
	u := identity.NewUser{Username: "tinh.hanoi", FullName: "Lãnh đạo Hà Nội", Password: "mat-khau-dai-12",
		Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "01"}}}
	if _, err := w.a.Identity.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Token string `json:"token"`
	}
	w.a.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": u.Password}).JSON(t, &out)
	return out.Token
}

// TestDecisionNumberFoldedAndJoined: the province's decision number ignores case and
// spacing; the same number, date and signer add nominations to the decision (a single
// approve too, which takes the next certificate number), another date or signer is a
// conflict that changes nothing.
func TestDecisionNumberFoldedAndJoined(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	a, b, c, d, e := w.advance("endorsed"), w.advance("endorsed"), w.advance("endorsed"), w.advance("endorsed"), w.advance("endorsed")
	var first decisionJSON
	w.decide("tinh", decisionBody("12/QĐ-UBND", "2023-03-01", "Hồ Tiến Thiệu", "", items(a, b)), 201).JSON(t, &first)

	// One nomination, approved under the decision's number typed another way: it joins.
	c = w.act("tinh", c, "approve", map[string]any{"decision": map[string]string{
		"number": " 12/qđ-ubnd ", "date": "2023-03-01", "signer": "Hồ  Tiến Thiệu"}}, 200)
	joined := w.decision("tinh", first.ID)
	if got := w.certificates(joined); !slices.Equal(got, []string{"12/QĐ-UBND-1", "12/QĐ-UBND-2", "12/QĐ-UBND-3"}) ||
		joined.Recognitions[2].NominationID != c.ID || joined.Recognitions[2].DecisionNumber != "12/QĐ-UBND" {
		t.Fatalf("after a single approve: %+v", joined)
	}

	// Another signer, or another date, under the number: 409 conflict, nothing changes.
	res := w.do("tinh", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", d.ID), map[string]any{"action": "approve",
		"decision": map[string]string{"number": "12/QĐ-UBND", "date": "2023-03-01", "signer": "Lương Trọng Quỳnh"}}, ifMatch(d.Version)...)
	if res.Status != 409 || !strings.Contains(res.Body, `"conflict"`) || !strings.Contains(res.Body, "2023-03-01") {
		t.Fatalf("another signer: %d %s", res.Status, res.Body)
	}
	res = w.decide("tinh", decisionBody("12/Qđ-Ubnd", "2023-03-02", "Hồ Tiến Thiệu", "", items(d, e)), 409)
	if !strings.Contains(res.Body, `"conflict"`) {
		t.Fatalf("another date: %s", res.Body)
	}
	// Another signer title than the decision's, given explicitly, is another decision too.
	w.decide("tinh", decisionBody("12/QĐ-UBND", "2023-03-01", "Hồ Tiến Thiệu", "Phó Chủ tịch", items(d)), 409)
	w.unchanged(d, e)
	if n := w.countDecisions(); n != 1 {
		t.Fatalf("%d decisions", n)
	}

	// The same number, date and signer in a second request add to the decision.
	var again decisionJSON
	w.decide("tinh", decisionBody("12/QĐ-UBND", "2023-03-01", "Hồ Tiến Thiệu", "Chủ tịch", items(e, d)), 201).JSON(t, &again)
	if again.ID != first.ID || !slices.Equal(w.certificates(again)[3:], []string{"12/QĐ-UBND-4", "12/QĐ-UBND-5"}) {
		t.Fatalf("joined %+v", again)
	}
	w.noDrift()
}

// TestDecisionConcurrentApprovals: approvals under one new decision number racing each
// other (single approves and a decision) all land in one decision, each with its own
// certificate number: the first claims the number, the rest queue on its row.
func TestDecisionConcurrentApprovals(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	var noms []nom
	for range 5 {
		noms = append(noms, w.advance("endorsed"))
	}
	decision := map[string]string{"number": "321/QĐ-UBND", "date": "2023-05-05", "signer": "Hồ Tiến Thiệu"}
	token := w.token("tinh")
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i, n := range noms[:3] {
		wg.Go(func() {
			statuses[i] = w.a.Do(t, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), token,
				map[string]any{"action": "approve", "decision": decision}, ifMatch(n.Version)...).Status
		})
	}
	wg.Go(func() {
		statuses[3] = w.a.Do(t, "POST", "/api/v1/decisions", token,
			decisionBody(decision["number"], decision["date"], decision["signer"], "", items(noms[3:]...))).Status
	})
	wg.Wait()
	if !slices.Equal(statuses, []int{200, 200, 200, 201}) {
		t.Fatalf("statuses %v", statuses)
	}
	if n := w.countDecisions(); n != 1 {
		t.Fatalf("%d decisions", n)
	}
	var id int64
	if err := w.a.Store.DB(context.Background()).Table("decisions").Select("id").Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	got := w.certificates(w.decision("tinh", id))
	want := []string{"321/QĐ-UBND-1", "321/QĐ-UBND-2", "321/QĐ-UBND-3", "321/QĐ-UBND-4", "321/QĐ-UBND-5"}
	if !slices.Equal(got, want) {
		t.Fatalf("certificates %v", got)
	}
	w.noDrift()
}

// TestDecisionViceChairmanCertificate: a decision signed by a vice-chairman prints "KT.
// CHỦ TỊCH" and "PHÓ CHỦ TỊCH" above the signer on each certificate, with the
// certificate's own number (the text is read with pdftotext when it is installed).
func TestDecisionViceChairmanCertificate(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	a := w.advance("endorsed")
	var d decisionJSON
	w.decide("tinh", decisionBody("88/QĐ-UBND", "2023-06-01", "Lương Trọng Quỳnh", "Phó Chủ tịch", items(a)), 201).JSON(t, &d)
	if d.SignerTitle != "Phó Chủ tịch" || d.Recognitions[0].SignerTitle != "Phó Chủ tịch" {
		t.Fatalf("decision %+v", d)
	}
	res := w.do("tinh", "GET", fmt.Sprintf("/api/v1/recognitions/%d/certificate.pdf", d.Recognitions[0].ID), nil)
	if res.Status != 200 || !strings.HasPrefix(res.Body, "%PDF-") {
		t.Fatalf("certificate: %d", res.Status)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed; the signature block is checked in internal/recognition")
	}
	cmd := exec.Command(pdftotext, "-layout", "-", "-")
	cmd.Stdin = strings.NewReader(res.Body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lương Trọng Quỳnh", "Số: 88/QĐ-UBND-1", "Theo Quyết định số 88/QĐ-UBND ngày 01/06/2023"} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate lacks %q:\n%s", want, text)
		}
	}
}

var (
	checkboxOf = regexp.MustCompile(`name="item" value="(\d+):(\d+)"`)
	locationID = regexp.MustCompile(`^/decisions/(\d+)$`)
)

// TestDecisionPages: the province's approval queue offers checkboxes and the decision
// form; the form approves the checked nominations and shows the decision with its
// annex; a refused form keeps what was typed and says why beside the field or the item.
func TestDecisionPages(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	a, b, c := w.advance("endorsed"), w.advance("endorsed"), w.advance("endorsed")
	br := newBrowser(t, w.a)
	br.login("tinh")
	status, body, _ := br.get("/nominations?status=endorsed")
	if status != 200 || !strings.Contains(body, `id="decision-form"`) || !strings.Contains(body, "Phê duyệt các hồ sơ đã chọn theo một quyết định") ||
		!strings.Contains(body, `name="decision_signer_title"`) || !strings.Contains(body, `<option value="Phó Chủ tịch"`) {
		t.Fatalf("queue: %d %s", status, body)
	}
	boxes := checkboxOf.FindAllStringSubmatch(body, -1)
	if len(boxes) != 3 {
		t.Fatalf("checkboxes %v", boxes)
	}
	form := func(number string, picked ...nom) url.Values {
		v := url.Values{"csrf_token": {br.csrf}, "decision_number": {number}, "decision_date": {"2023-07-01"},
			"decision_signer": {"Hồ Tiến Thiệu"}, "decision_signer_title": {"Phó Chủ tịch"}}
		for _, n := range picked {
			v.Add("item", fmt.Sprintf("%d:%d", n.ID, n.Version))
		}
		return v
	}

	// A number missing: 422, the message beside the number, the boxes still checked.
	status, body, _ = br.post("/decisions", form("", a, b))
	if status != 422 || !strings.Contains(body, "Vui lòng nhập số quyết định") ||
		!strings.Contains(body, fmt.Sprintf(`value="%d:%d" id="pick-%d" checked`, a.ID, a.Version, a.ID)) {
		t.Fatalf("no number: %d %s", status, body)
	}
	// A stale item: 412, the item named, nothing approved.
	stale := b
	stale.Version--
	status, body, _ = br.post("/decisions", form("50/QĐ-UBND", a, stale))
	if status != 412 || !strings.Contains(body, `id="decision-problem"`) || !strings.Contains(body, "Vườn cam của ông Hoàng Văn Thắng") {
		t.Fatalf("stale: %d %s", status, body)
	}
	w.unchanged(a, b, c)
	// Without the CSRF token: refused.
	noCSRF := form("50/QĐ-UBND", a)
	noCSRF.Del("csrf_token")
	if status, _, _ = br.post("/decisions", noCSRF); status != 403 {
		t.Fatalf("no CSRF token: %d", status)
	}

	// Two checked: approved together, then the decision's page.
	status, _, h := br.post("/decisions", form("50/QĐ-UBND", a, b))
	m := locationID.FindStringSubmatch(h.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("decision: %d %v", status, h)
	}
	status, body, _ = br.get(h.Get("Location"))
	for _, want := range []string{"Đã phê duyệt các hồ sơ theo quyết định", "Quyết định số 50/QĐ-UBND ngày 01/07/2023", "50/QĐ-UBND-1", "50/QĐ-UBND-2",
		"Phó Chủ tịch", "Xã Hải Yến, Huyện Cao Lộc", fmt.Sprintf(`href="/api/v1/decisions/%s/annex.xlsx"`, m[1])} {
		if !strings.Contains(body, want) {
			t.Errorf("decision page lacks %q", want)
		}
	}
	if status != 200 {
		t.Fatalf("decision page: %d", status)
	}
	if status, _, _ = br.get("/api/v1/decisions/" + m[1] + "/annex.xlsx"); status != 200 {
		t.Fatalf("annex from the page: %d", status)
	}
	// The queue now offers only the third; a reviewer's list has no decision form, and
	// the decision's page is the province's.
	if _, body, _ = br.get("/nominations?status=endorsed"); len(checkboxOf.FindAllString(body, -1)) != 1 {
		t.Fatalf("queue after the decision: %s", body)
	}
	rv := newBrowser(t, w.a)
	rv.login("caoloc")
	if _, body, _ = rv.get("/nominations?status=endorsed"); strings.Contains(body, "decision-form") {
		t.Fatal("a reviewer's list offers the decision form")
	}
	if status, _, _ = rv.get("/decisions/" + m[1]); status != 404 {
		t.Fatalf("the decision page for a district: %d", status)
	}
	// The recognitions list links the decision for the province's readers only.
	if _, body, _ = br.get("/recognitions"); !strings.Contains(body, `href="/decisions/`+m[1]+`"`) || !strings.Contains(body, "50/QĐ-UBND-2") {
		t.Fatal("the province's recognitions list does not link the decision")
	}
	if _, body, _ = rv.get("/recognitions"); strings.Contains(body, `href="/decisions/`) {
		t.Fatal("a district's recognitions list links a decision it cannot open")
	}
	// A single approval offers the signer's title.
	if _, body, _ = br.get(fmt.Sprintf("/nominations/%d", c.ID)); !strings.Contains(body, `name="decision_signer_title"`) {
		t.Fatal("the approve form has no signer title")
	}
}
