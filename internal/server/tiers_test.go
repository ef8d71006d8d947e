package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/identity"
)

// addThamdinh adds the province reviewer of Lạng Sơn (SPEC §12's demo user thamdinh).
func addThamdinh(t *testing.T, w *wf) {
	t.Helper()
	_, err := w.a.Identity.CreateUser(context.Background(), identity.NewUser{Username: "thamdinh",
		FullName: "Cán bộ thẩm định tỉnh", Password: "ntm-demo-2022", IsDemo: true,
		Roles: []identity.RoleAt{{Role: "province_reviewer", UnitCode: "20"}}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestProvinceReviewerFinishesAPreReformNomination: a nomination of Hải Yến (Cao Lộc,
// /20/183/06220) submitted before 1 July 2025 is still in the pipeline when the district
// Cao Lộc ends on 30 June 2025. Cao Lộc's reviewer can do nothing any more and is told
// why; the province reviewer starts the review, reviews, endorses; the province approves.
func TestProvinceReviewerFinishesAPreReformNomination(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	addThamdinh(t, w)
	n := w.drive("xa.haiyen", "caoloc", w.create("xa.haiyen", "06220"), "submitted", nil)
	stale := w.drive("xa.haiyen", "caoloc", w.create("xa.haiyen", "06220"), "under_review", nil)
	if n.DistrictCode != "183" {
		t.Fatalf("pre-reform nomination: %+v", n)
	}
	// The reform: the district ends on 30 June 2025.
	if err := w.a.Units.Retire(context.Background(), "183", time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}

	// Cao Lộc's grant lapsed: its old nominations are out of its reach, its inbox empty.
	// (A fresh session: a running one sees the change once its cached principal expires.)
	delete(w.tokens, "caoloc")
	caoloc := w.token("caoloc")
	if res := w.a.Do(t, "GET", fmt.Sprintf("/api/v1/nominations/%d", n.ID), caoloc, nil); res.Status != 404 {
		t.Fatalf("caoloc reads its old nomination after the reform: %d %s", res.Status, res.Body)
	}
	w.act("caoloc", stale, "endorse", nil, 404)
	if res := w.a.Do(t, "GET", "/api/v1/nominations", caoloc, nil); res.Status != 200 || !strings.Contains(res.Body, `"items":[]`) {
		t.Fatalf("caoloc's list after the reform: %d %s", res.Status, res.Body)
	}
	me := w.a.Do(t, "GET", "/api/v1/me", caoloc, nil)
	if me.Status != 200 || !strings.Contains(me.Body, `"roles":[]`) {
		t.Fatalf("caoloc's /me after the reform: %d %s", me.Status, me.Body)
	}
	b := newBrowser(t, w.a)
	b.login("caoloc")
	status, body, _ := b.get("/")
	if status != http.StatusOK || !strings.Contains(body, "Quyền của bạn tại Huyện Cao Lộc không còn hiệu lực: đơn vị đã kết thúc ngày 30/06/2025") {
		t.Fatalf("caoloc's home lacks the lapsed-grant notice: %d\n%s", status, body)
	}
	if strings.Contains(body, "Vườn") {
		t.Error("caoloc's home still lists nominations")
	}
	// The admin sees the grant flagged.
	admin := newBrowser(t, w.a)
	admin.login("admin")
	if status, body, _ := admin.get("/users"); status != http.StatusOK || !strings.Contains(body, "Huyện Cao Lộc: hết hiệu lực (đơn vị kết thúc ngày 2025-06-30)") {
		t.Errorf("admin's user list does not flag caoloc's grant: %d", status)
	}
	if res := w.do("admin", "GET", "/api/v1/users", nil); res.Status != 200 || !strings.Contains(res.Body, `"lapsed_roles":[{"role":"district_reviewer","unit_code":"183"`) {
		t.Errorf("API user list does not flag caoloc's grant: %d %s", res.Status, res.Body)
	}

	// The province reviewer's home shows the review queue, and it finishes the review.
	rb := newBrowser(t, w.a)
	rb.login("thamdinh")
	if status, body, _ := rb.get("/"); status != http.StatusOK || !strings.Contains(body, fmt.Sprintf("/nominations/%d", n.ID)) {
		t.Fatalf("thamdinh's home lacks the submitted nomination: %d\n%s", status, body)
	}
	if status, body, _ := rb.get(fmt.Sprintf("/nominations/%d", n.ID)); status != http.StatusOK || !strings.Contains(body, "start_review") {
		t.Fatalf("thamdinh is not offered start_review: %d", status)
	}
	n = w.act("thamdinh", w.get("thamdinh", n.ID), "start_review", nil, 200)
	if status, _, _ := rb.get(fmt.Sprintf("/nominations/%d/review", n.ID)); status != http.StatusOK {
		t.Fatalf("thamdinh's review form: %d", status)
	}
	n = w.review("thamdinh", n, true, 200)
	n = w.act("thamdinh", n, "endorse", nil, 200)
	w.act("thamdinh", n, "approve", map[string]any{"decision": nextDecision()}, 403)
	n = w.act("tinh", n, "approve", map[string]any{"decision": nextDecision()}, 200)
	if n.Status != "approved" || n.RecognitionID == nil || n.DistrictCode != "183" {
		t.Fatalf("after approval: %+v", n)
	}
	// The stale nomination under review is the province reviewer's to finish too.
	w.act("thamdinh", w.get("thamdinh", stale.ID), "return", map[string]any{"comment": "Đơn vị đã sáp nhập, lập lại hồ sơ"}, 200)
}
