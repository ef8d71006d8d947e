package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestWholePath walks SPEC §6 end to end for the demo accounts: create with attachments,
// submit, start review, return, edit, resubmit, review, endorse, approve, recognition.
func TestWholePath(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	// Idempotent create: the same key twice gives one nomination.
	body := gardenBody("06220")
	r1 := w.do("xa.haiyen", "POST", "/api/v1/nominations", body, "Idempotency-Key", "k-123")
	r2 := w.do("xa.haiyen", "POST", "/api/v1/nominations", body, "Idempotency-Key", "k-123")
	if r1.Status != 201 || r2.Status != 201 {
		t.Fatalf("create: %d %d %s", r1.Status, r2.Status, r1.Body)
	}
	n := w.decode(r1)
	if w.decode(r2).ID != n.ID || r1.Header.Get("Location") != fmt.Sprintf("/api/v1/nominations/%d", n.ID) || r1.Header.Get("ETag") != `"1"` {
		t.Fatalf("idempotent create made two nominations or lacks headers: %s %v", r2.Body, r1.Header)
	}
	if n.Status != "draft" || n.Version != 1 || n.DistrictCode != "183" || n.ProvinceCode != "20" || !n.SelfAssessment.Passes ||
		n.SelfAssessment.TotalScore != 99 || len(n.DossierSHA256) != 64 {
		t.Fatalf("new nomination = %+v", n)
	}
	id := n.ID
	path := fmt.Sprintf("/api/v1/nominations/%d", id)

	// Submit needs the required attachments.
	res := w.do("xa.haiyen", "POST", path+"/transitions", map[string]any{"action": "submit"}, ifMatch(1)...)
	if res.Status != 422 || !strings.Contains(res.Body, "photo, minutes") {
		t.Fatalf("submit without evidence: %d %s", res.Status, res.Body)
	}
	w.upload("xa.haiyen", id, "photo", "ảnh vườn cam.png", pngBytes(), 201)
	w.upload("xa.haiyen", id, "minutes", "biên bản họp.pdf", pdfBytes(), 201)
	if w.get("xa.haiyen", id).DossierSHA256 == n.DossierSHA256 {
		t.Fatal("attachments must change the dossier hash")
	}

	// Missing and stale If-Match.
	if res := w.do("xa.haiyen", "POST", path+"/transitions", map[string]any{"action": "submit"}); res.Status != 428 || !strings.Contains(res.Body, "precondition_required") {
		t.Fatalf("no If-Match: %d %s", res.Status, res.Body)
	}
	if res := w.do("xa.haiyen", "POST", path+"/transitions", map[string]any{"action": "submit"}, ifMatch(7)...); res.Status != 412 || !strings.Contains(res.Body, "version_mismatch") {
		t.Fatalf("stale If-Match: %d %s", res.Status, res.Body)
	}
	n = w.act("xa.haiyen", w.get("xa.haiyen", id), "submit", nil, 200)
	if n.Status != "submitted" || n.Version != 2 {
		t.Fatalf("after submit: %+v", n)
	}
	// A submitted dossier is frozen for the commune.
	if res := w.do("xa.haiyen", "PATCH", path, map[string]any{"title": "Khác"}, ifMatch(2)...); res.Status != 409 {
		t.Fatalf("edit after submit: %d %s", res.Status, res.Body)
	}
	w.upload("xa.haiyen", id, "photo", "thêm.png", pngBytes(), 409)

	n = w.act("caoloc", n, "start_review", nil, 200)
	w.act("caoloc", n, "return", nil, 422) // comment required
	n = w.act("caoloc", n, "return", map[string]any{"comment": "Bổ sung ảnh hàng rào xanh"}, 200)
	if n.Status != "returned" {
		t.Fatalf("after return: %s", n.Status)
	}
	// The commune edits and resubmits.
	res = w.do("xa.haiyen", "PATCH", path, map[string]any{"title": "Vườn cam Đường canh của ông Hoàng Văn Thắng"}, ifMatch(n.Version)...)
	if res.Status != 200 || !strings.Contains(res.Body, "Đường canh") {
		t.Fatalf("edit when returned: %d %s", res.Status, res.Body)
	}
	n = w.decode(res)
	n = w.act("xa.haiyen", n, "submit", nil, 200)
	n = w.act("caoloc", n, "start_review", nil, 200)
	w.act("caoloc", n, "endorse", nil, 422) // no review yet
	n = w.review("caoloc", n, false, 200)
	if n.Review == nil || n.Review.Passes || n.Review.TotalScore != 84 {
		t.Fatalf("failing review: %+v", n.Review)
	}
	w.act("caoloc", n, "endorse", nil, 422) // review does not pass
	n = w.review("caoloc", n, true, 200)
	if !n.Review.Passes || n.Review.TotalScore != 99 {
		t.Fatalf("passing review: %+v", n.Review)
	}
	n = w.act("caoloc", n, "endorse", nil, 200)
	endorsedHash := n.DossierSHA256

	w.act("tinh", n, "approve", nil, 422)
	w.act("tinh", n, "approve", map[string]any{"decision": map[string]string{"number": "", "date": "2099-01-01", "signer": ""}}, 422)
	n = w.act("tinh", n, "approve", map[string]any{"decision": map[string]string{"number": "1520/QĐ-UBND", "date": "2022-09-15", "signer": "Hồ Tiến Thiệu"}}, 200)
	if n.Status != "approved" || n.RecognitionID == nil || n.DossierSHA256 != endorsedHash {
		t.Fatalf("approved: %+v (endorsed hash %s)", n, endorsedHash)
	}

	// History: one entry per transition and review save, oldest first, hashes chained.
	h := historyOf(t, w, "quansat", id)
	var actions []string
	for _, e := range h {
		actions = append(actions, e["action"].(string))
	}
	// The two uploads of create and the commune's save after the return are entries too.
	want := "add_attachment add_attachment submit start_review return update submit start_review review review endorse approve"
	if strings.Join(actions, " ") != want {
		t.Fatalf("history = %v, want %s", actions, want)
	}
	if h[4]["comment"] != "Bổ sung ảnh hàng rào xanh" || h[4]["from"] != "under_review" || h[4]["to"] != "returned" || h[4]["actor"] != "caoloc" {
		t.Fatalf("return entry = %v", h[4])
	}
	if h[10]["dossier_sha256"] != h[11]["dossier_sha256"] || h[11]["dossier_sha256"] != endorsedHash {
		t.Fatal("the approved dossier must hash exactly as the endorsed one")
	}
	if h[0]["from"] != "draft" {
		t.Fatalf("first entry from = %v", h[0]["from"])
	}

	// The recognition.
	res = w.do("xa.haiyen", "GET", "/api/v1/recognitions", nil)
	for _, s := range []string{`"decision_number":"1520/QĐ-UBND"`, `"decision_date":"2022-09-15"`, `"valid_until":"2025-09-15"`, `"status":"expired"`, `"commune_code":"06220"`} {
		if !strings.Contains(res.Body, s) {
			t.Errorf("recognitions lack %s: %s", s, res.Body)
		}
	}
	if res := w.do("xa.tantac", "GET", "/api/v1/recognitions", nil); strings.Contains(res.Body, "1520") {
		t.Error("another district's commune sees the recognition")
	}
	if res := w.do("tinh", "GET", "/api/v1/recognitions?year=2022&type=model_garden&status=expired&unit=183", nil); !strings.Contains(res.Body, "1520") {
		t.Errorf("filtered recognitions: %s", res.Body)
	}
	if res := w.do("tinh", "GET", "/api/v1/recognitions?year=2023", nil); strings.Contains(res.Body, "1520") {
		t.Error("year filter ignored")
	}

	// Revoke.
	w.act("tinh", n, "revoke", nil, 422)
	n = w.act("tinh", n, "revoke", map[string]any{"comment": "Vườn không còn duy trì tiêu chí"}, 200)
	if res := w.do("tinh", "GET", fmt.Sprintf("/api/v1/recognitions/%d", *n.RecognitionID), nil); !strings.Contains(res.Body, `"status":"revoked"`) {
		t.Fatalf("revoked recognition: %s", res.Body)
	}
}

func TestWithdrawRejectAndSendBack(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.advance("submitted")
	n = w.act("xa.haiyen", n, "withdraw", nil, 200)
	if n.Status != "withdrawn" {
		t.Fatal(n.Status)
	}
	w.act("xa.haiyen", n, "submit", nil, 409)

	n = w.advance("under_review")
	w.act("caoloc", n, "reject", nil, 422)
	if n = w.act("caoloc", n, "reject", map[string]any{"comment": "Không đạt diện tích"}, 200); n.Status != "rejected" {
		t.Fatal(n.Status)
	}

	n = w.advance("endorsed")
	n = w.act("tinh", n, "send_back", map[string]any{"comment": "Đề nghị huyện thẩm định lại tiêu chí G3.1"}, 200)
	if n.Status != "under_review" {
		t.Fatal(n.Status)
	}
	n = w.act("caoloc", n, "endorse", nil, 200) // the saved review still passes
	if n = w.act("tinh", n, "reject", map[string]any{"comment": "Không đạt"}, 200); n.Status != "rejected" {
		t.Fatal(n.Status)
	}
}

// TestDuplicateDecisionLeavesNoTrace: a failed approve changes nothing at all. The number
// of a decision of the province with another signer is taken (the same date and signer
// would add the nomination to that decision, SPEC §13).
func TestDuplicateDecisionLeavesNoTrace(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	first := w.advance("endorsed")
	second := w.advance("endorsed")
	decision := map[string]any{"decision": map[string]string{"number": "77/QĐ-UBND", "date": "2023-03-01", "signer": "A"}}
	w.act("tinh", first, "approve", decision, 200)
	before := len(historyOf(t, w, "tinh", second.ID))
	res := w.do("tinh", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", second.ID), map[string]any{"action": "approve",
		"decision": map[string]string{"number": "77/QĐ-UBND", "date": "2023-03-01", "signer": "B"}}, ifMatch(second.Version)...)
	if res.Status != 409 || !strings.Contains(res.Body, `"conflict"`) {
		t.Fatalf("duplicate decision number: %d %s", res.Status, res.Body)
	}
	after := w.get("tinh", second.ID)
	if after.Status != "endorsed" || after.Version != second.Version || after.RecognitionID != nil || len(historyOf(t, w, "tinh", second.ID)) != before {
		t.Fatalf("failed approve left a trace: %+v", after)
	}
	var n int64
	w.a.Store.DB(t.Context()).Table("recognitions").Count(&n)
	if n != 1 {
		t.Fatalf("recognitions = %d", n)
	}
}

// TestActionsByRoleAndScope: each action × each demo user, in scope (403 when the role may
// not act, success when it may) and out of scope (404). Failed calls change nothing.
func TestActionsByRoleAndScope(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	users := []string{"admin", "quansat", "xa.mauson", "xa.tantac", "vanlang", "xa.haiyen", "caoloc", "tinh"}
	outOfScope := map[string]bool{"admin": true, "xa.mauson": true, "xa.tantac": true, "vanlang": true}
	cases := []struct {
		action, from, by string
		extra            map[string]any
	}{
		{"submit", "draft", "xa.haiyen", nil},
		{"withdraw", "submitted", "xa.haiyen", nil},
		{"start_review", "submitted", "caoloc", nil},
		{"return", "under_review", "caoloc", map[string]any{"comment": "c"}},
		{"reject", "under_review", "caoloc", map[string]any{"comment": "c"}},
		{"endorse", "under_review", "caoloc", nil},
		{"send_back", "endorsed", "tinh", map[string]any{"comment": "c"}},
		{"reject", "endorsed", "tinh", map[string]any{"comment": "c"}},
		{"approve", "endorsed", "tinh", nil},
		{"revoke", "approved", "tinh", map[string]any{"comment": "c"}},
	}
	// Roles that hold the action in some other rule get 409 (valid role, wrong status).
	otherRule := map[string]string{"reject/under_review/tinh": "409", "reject/endorsed/caoloc": "409"}
	for _, c := range cases {
		t.Run(c.action+"_from_"+c.from, func(t *testing.T) {
			n := w.advance(c.from)
			if c.action == "endorse" {
				n = w.review("caoloc", n, true, 200)
			}
			extra := c.extra
			if c.action == "approve" {
				extra = map[string]any{"decision": nextDecision()}
			}
			for _, u := range users {
				want := 403
				switch {
				case u == c.by:
					continue // the actor goes last
				case outOfScope[u]:
					want = 404
				case otherRule[c.action+"/"+c.from+"/"+u] != "":
					want = 409
				}
				w.act(u, n, c.action, extra, want)
			}
			if got := w.get("tinh", n.ID); got.Version != n.Version || got.Status != n.Status {
				t.Fatalf("refused calls changed the nomination: %+v", got)
			}
			w.act(c.by, n, c.action, extra, 200)
		})
	}
	// Reading: the same scope rules.
	n := w.advance("draft")
	for _, u := range users {
		want := 200
		if outOfScope[u] {
			want = 404
		}
		if res := w.do(u, "GET", fmt.Sprintf("/api/v1/nominations/%d", n.ID), nil); res.Status != want {
			t.Errorf("GET as %s = %d, want %d", u, res.Status, want)
		}
		if res := w.do(u, "GET", fmt.Sprintf("/api/v1/nominations/%d/history", n.ID), nil); res.Status != want {
			t.Errorf("history as %s = %d, want %d", u, res.Status, want)
		}
	}
	// Editing and reviewing by the wrong roles.
	for _, u := range []string{"caoloc", "tinh", "quansat"} {
		if res := w.do(u, "PATCH", fmt.Sprintf("/api/v1/nominations/%d", n.ID), map[string]any{"title": "x"}, ifMatch(n.Version)...); res.Status != 403 {
			t.Errorf("PATCH by %s = %d", u, res.Status)
		}
	}
	if res := w.do("xa.mauson", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", n.ID), map[string]any{"title": "x"}, ifMatch(n.Version)...); res.Status != 404 {
		t.Errorf("PATCH by a sibling commune = %d", res.Status)
	}
	ur := w.advance("under_review")
	w.review("xa.haiyen", ur, true, 403)
	w.review("tinh", ur, true, 403)
	w.review("vanlang", ur, true, 404)
}

// TestConcurrentTransitionsOneWins: two state changes on the same version at once,
// exactly one succeeds and the other gets 412.
func TestConcurrentTransitionsOneWins(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	for round := range 3 {
		n := w.advance("submitted")
		w.token("caoloc")
		w.token("xa.haiyen")
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, who := range []struct{ user, action string }{{"caoloc", "start_review"}, {"xa.haiyen", "withdraw"}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := w.a.Do(t, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), w.tokens[who.user],
					map[string]any{"action": who.action}, ifMatch(n.Version)...)
				statuses[i] = res.Status
			}()
		}
		wg.Wait()
		ok, stale := 0, 0
		for _, s := range statuses {
			switch s {
			case 200:
				ok++
			case 412:
				stale++
			}
		}
		if ok != 1 || stale != 1 {
			t.Fatalf("round %d: statuses %v, want one 200 and one 412", round, statuses)
		}
		got := w.get("tinh", n.ID)
		// History: the two uploads of create, then the transitions.
		if got.Version != n.Version+1 || len(historyOf(t, w, "tinh", n.ID)) != 4 {
			t.Fatalf("round %d: version %d, history %d", round, got.Version, len(historyOf(t, w, "tinh", n.ID)))
		}
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"unknown type", map[string]any{"type": "model_school", "commune_code": "06220", "title": "x", "subject": map[string]any{}}, 422, `"type"`},
		{"district is not a commune", func() any { b := gardenBody("183"); return b }(), 422, `"commune_code"`},
		{"missing subject field", func() any { b := gardenBody("06220"); b["subject"] = map[string]any{"owner_name": "A"}; return b }(), 422, `"subject.village"`},
		{"unknown subject field", func() any {
			b := gardenBody("06220")
			b["subject"] = map[string]any{"owner_name": "A", "village": "B", "area_m2": 1, "main_crops": "C", "annual_income_vnd": 1, "phone": "x"}
			return b
		}(), 422, `"subject"`},
		{"wrong value type", func() any {
			b := gardenBody("06220")
			b["assessment"] = []map[string]any{{"criterion": "G1.2", "value": 5}}
			return b
		}(), 422, `"assessment[0].value"`},
		{"unknown criterion", func() any {
			b := gardenBody("06220")
			b["assessment"] = []map[string]any{{"criterion": "R1.1", "value": 5}}
			return b
		}(), 422, `"assessment[0].criterion"`},
		{"score above max", func() any {
			b := gardenBody("06220")
			b["assessment"] = []map[string]any{{"criterion": "G5.2", "value": 6}}
			return b
		}(), 422, `"assessment[0].value"`},
		{"missing title", func() any { b := gardenBody("06220"); delete(b, "title"); return b }(), 422, `"title"`},
		{"unknown top-level field", func() any { b := gardenBody("06220"); b["status"] = "approved"; return b }(), 400, `"bad_request"`},
		{"another commune", gardenBody("06238"), 403, `"forbidden"`},
	}
	for _, c := range cases {
		res := w.do("xa.haiyen", "POST", "/api/v1/nominations", c.body)
		if res.Status != c.status || !strings.Contains(res.Body, c.field) {
			t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
		}
	}
	var count int64
	w.a.Store.DB(t.Context()).Table("nominations").Count(&count)
	if count != 0 {
		t.Fatalf("invalid creates stored %d nominations", count)
	}
	// Submit of an incomplete self-assessment names what is missing.
	b := gardenBody("06220")
	b["assessment"] = []map[string]any{{"criterion": "G1.1", "value": 300}}
	n := w.decode(w.do("xa.haiyen", "POST", "/api/v1/nominations", b))
	if n.SelfAssessment.Complete {
		t.Fatal("partial assessment reported complete")
	}
	res := w.do("xa.haiyen", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), map[string]any{"action": "submit"}, ifMatch(1)...)
	if res.Status != 422 || !strings.Contains(res.Body, "G1.2") || !strings.Contains(res.Body, `"attachments"`) {
		t.Fatalf("incomplete submit: %d %s", res.Status, res.Body)
	}
	if res := w.do("xa.haiyen", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), map[string]any{"action": "fly"}, ifMatch(1)...); res.Status != 422 {
		t.Fatalf("unknown action: %d", res.Status)
	}
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	res := w.do("xa.haiyen", "POST", "/api/v1/nominations", gardenBody("06220"))
	n := w.decode(res)
	dir := filepath.Join(w.a.AttachmentDir())
	countFiles := func() int {
		c := 0
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				c++
			}
			return nil
		})
		return c
	}
	up := w.upload("xa.haiyen", n.ID, "photo", `..\..\Ảnh "vườn" cam.png`, pngBytes(), 201)
	for _, s := range []string{`"content_type":"image/png"`, `"kind":"photo"`, `"filename":"Ảnh vườn cam.png"`, `"sha256":"`} {
		if !strings.Contains(up.Body, s) {
			t.Errorf("upload answer lacks %s: %s", s, up.Body)
		}
	}
	// The same bytes again are stored once.
	w.upload("xa.haiyen", n.ID, "photo", "copy.png", pngBytes(), 201)
	if c := countFiles(); c != 1 {
		t.Fatalf("files on disk = %d, want 1 (content-addressed)", c)
	}
	// Type from content, not name; size limit; nothing left behind.
	w.upload("xa.haiyen", n.ID, "photo", "script.png", []byte("<html><script>alert(1)</script></html>"), 415)
	big := append(pngBytes(), make([]byte, 21<<20)...)
	w.upload("xa.haiyen", n.ID, "photo", "big.png", big, 413)
	w.upload("xa.haiyen", n.ID, "diploma", "x.png", pngBytes(), 422)
	w.upload("xa.mauson", n.ID, "photo", "x.png", pngBytes(), 404)
	w.upload("caoloc", n.ID, "photo", "x.png", pngBytes(), 403)
	if c := countFiles(); c != 1 {
		t.Fatalf("refused uploads left files: %d", c)
	}
	var list struct {
		Items []struct {
			ID       int64  `json:"id"`
			Filename string `json:"filename"`
		} `json:"items"`
	}
	w.do("caoloc", "GET", fmt.Sprintf("/api/v1/nominations/%d/attachments", n.ID), nil).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("attachments = %+v", list.Items)
	}
	dl := w.do("caoloc", "GET", fmt.Sprintf("/api/v1/nominations/%d/attachments/%d", n.ID, list.Items[0].ID), nil)
	if dl.Status != 200 || dl.Header.Get("Content-Type") != "image/png" || dl.Body != string(pngBytes()) {
		t.Fatalf("download: %d %v", dl.Status, dl.Header)
	}
	if cd := dl.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=utf-8''") {
		t.Fatalf("Content-Disposition = %q", cd)
	}
	if res := w.do("xa.tantac", "GET", fmt.Sprintf("/api/v1/nominations/%d/attachments/%d", n.ID, list.Items[0].ID), nil); res.Status != 404 {
		t.Fatalf("download out of scope: %d", res.Status)
	}
	// Delete while editable; the file goes when nothing references it.
	del := fmt.Sprintf("/api/v1/nominations/%d/attachments/%d", n.ID, list.Items[0].ID)
	if res := w.do("caoloc", "DELETE", del, nil); res.Status != 403 {
		t.Fatalf("delete by reviewer: %d", res.Status)
	}
	if res := w.do("xa.haiyen", "DELETE", del, nil); res.Status != 204 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	if c := countFiles(); c != 1 {
		t.Fatalf("a still-referenced file was removed: %d", c)
	}
	if res := w.do("xa.haiyen", "DELETE", fmt.Sprintf("/api/v1/nominations/%d/attachments/%d", n.ID, list.Items[1].ID), nil); res.Status != 204 {
		t.Fatalf("delete second: %d", res.Status)
	}
	if c := countFiles(); c != 0 {
		t.Fatalf("unreferenced file kept: %d", c)
	}
}

func TestListScopeFiltersAndPages(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	var haiyen []int64
	for range 5 {
		haiyen = append(haiyen, w.decode(w.do("xa.haiyen", "POST", "/api/v1/nominations", gardenBody("06220"))).ID)
	}
	tantac := w.decode(w.do("xa.tantac", "POST", "/api/v1/nominations", gardenBody("06142"))).ID
	mauson := gardenBody("06238")
	mauson["title"] = "Vườn đào của ông Triệu Văn Sinh"
	w.do("xa.mauson", "POST", "/api/v1/nominations", mauson)

	type page struct {
		Items []struct {
			ID          int64  `json:"id"`
			CommuneCode string `json:"commune_code"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	list := func(user, query string) page {
		var p page
		res := w.do(user, "GET", "/api/v1/nominations"+query, nil)
		if res.Status != 200 {
			t.Fatalf("list %s as %s: %d %s", query, user, res.Status, res.Body)
		}
		res.JSON(t, &p)
		return p
	}
	if p := list("caoloc", ""); len(p.Items) != 6 {
		t.Fatalf("caoloc sees %d, want 6 (Hải Yến 5 + Mẫu Sơn 1)", len(p.Items))
	}
	if p := list("xa.haiyen", ""); len(p.Items) != 5 {
		t.Fatalf("xa.haiyen sees %d", len(p.Items))
	}
	if p := list("vanlang", ""); len(p.Items) != 1 || p.Items[0].ID != tantac {
		t.Fatalf("vanlang sees %+v", p.Items)
	}
	if p := list("admin", ""); len(p.Items) != 0 {
		t.Fatalf("admin sees nominations: %+v", p.Items)
	}
	if p := list("tinh", "?unit=182"); len(p.Items) != 1 {
		t.Fatalf("unit filter: %+v", p.Items)
	}
	if p := list("caoloc", "?unit=182"); len(p.Items) != 0 {
		t.Fatalf("unit outside the scope must narrow to nothing: %+v", p.Items)
	}
	if p := list("quansat", "?q=trieu%20van%20sinh"); len(p.Items) != 1 || p.Items[0].CommuneCode != "06238" {
		t.Fatalf("folded search: %+v", p.Items)
	}
	// Keyset pages: newest first, no overlap, no gap.
	var seen []int64
	cursor := ""
	for {
		p := list("xa.haiyen", "?limit=2&cursor="+cursor)
		for _, it := range p.Items {
			seen = append(seen, it.ID)
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if fmt.Sprint(seen) != fmt.Sprint([]int64{haiyen[4], haiyen[3], haiyen[2], haiyen[1], haiyen[0]}) {
		t.Fatalf("pages = %v", seen)
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?status=flying", "?cursor=zzz", "?type=x"} {
		if res := w.do("tinh", "GET", "/api/v1/nominations"+q, nil); res.Status != 422 {
			t.Errorf("%s: %d", q, res.Status)
		}
	}
	n := w.advance("submitted")
	if p := list("caoloc", "?status=submitted,under_review&type=model_garden"); len(p.Items) != 1 || p.Items[0].ID != n.ID {
		t.Fatalf("status filter: %+v", p.Items)
	}
}

func TestCriteriaSetsAPI(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	res := w.do("xa.haiyen", "GET", "/api/v1/criteria-sets?type=model_garden", nil)
	if res.Status != 200 || !strings.Contains(res.Body, `"code":"G1.1"`) || strings.Contains(res.Body, `"R1.1"`) ||
		!strings.Contains(res.Body, `"pass_rule":{"min_score":80,"all_required":true}`) || !strings.Contains(res.Body, `"required_attachments":["photo","minutes"]`) {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	old := w.decode(w.do("xa.haiyen", "POST", "/api/v1/nominations", gardenBody("06220")))
	v2 := map[string]any{
		"type": "model_garden", "name": "Bộ tiêu chí vườn mẫu 2026", "province_code": "20",
		"pass_rule": map[string]any{"min_score": 15, "all_required": true}, "validity_years": 3,
		"required_attachments": []string{"photo"},
		"criteria": []map[string]any{
			{"code": "V1", "group": "Quy hoạch", "title": "Diện tích", "kind": "number", "threshold": 500, "threshold_op": "ge", "unit": "m²", "max_score": 10, "required": true},
			{"code": "V2", "group": "Tổng thể", "title": "Cảnh quan", "kind": "score", "max_score": 10},
		},
	}
	if res := w.do("tinh", "POST", "/api/v1/criteria-sets", v2); res.Status != 403 {
		t.Fatalf("publish by approver: %d", res.Status)
	}
	bad := map[string]any{"type": "model_garden", "name": "x", "province_code": "20", "pass_rule": map[string]any{"min_score": 50},
		"validity_years": 3, "criteria": []map[string]any{{"code": "V1", "group": "g", "title": "t", "kind": "number", "max_score": 10}}}
	if res := w.do("admin", "POST", "/api/v1/criteria-sets", bad); res.Status != 422 || !strings.Contains(res.Body, "criteria[0].threshold") || !strings.Contains(res.Body, "pass_rule.min_score") {
		t.Fatalf("invalid set: %d %s", res.Status, res.Body)
	}
	res = w.do("admin", "POST", "/api/v1/criteria-sets", v2)
	if res.Status != 201 || !strings.Contains(res.Body, `"version":2`) {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	// The old nomination keeps v1; a new one pins v2.
	if got := w.get("xa.haiyen", old.ID); got.CriteriaSetID != old.CriteriaSetID {
		t.Fatal("a published set change moved an existing nomination")
	}
	b := gardenBody("06220")
	b["assessment"] = []map[string]any{{"criterion": "V1", "value": 500}, {"criterion": "V2", "value": 5}}
	res = w.do("xa.haiyen", "POST", "/api/v1/nominations", b)
	n := w.decode(res)
	if res.Status != 201 || n.CriteriaSetID == old.CriteriaSetID || !n.SelfAssessment.Passes || n.SelfAssessment.TotalScore != 15 {
		t.Fatalf("new nomination on v2: %d %s", res.Status, res.Body)
	}
	if res := w.do("xa.haiyen", "GET", fmt.Sprintf("/api/v1/criteria-sets/%d", n.CriteriaSetID), nil); !strings.Contains(res.Body, `"code":"V2"`) {
		t.Fatalf("get set: %s", res.Body)
	}
}

func TestHistoryCannotBeChanged(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.advance("submitted")
	for _, m := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		res := w.do("tinh", m, fmt.Sprintf("/api/v1/nominations/%d/history", n.ID), map[string]any{})
		if res.Status != 405 && res.Status != 404 {
			t.Errorf("%s history = %d", m, res.Status)
		}
	}
	if len(historyOf(t, w, "tinh", n.ID)) != 3 { // two uploads and the submit
		t.Fatal("history changed")
	}
}
