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
	if status != http.StatusOK || !strings.Contains(body, "Quyền của bạn tại Huyện Cao Lộc không còn hiệu lực: đơn vị đã kết thúc ngày 30/06/2025. Đơn vị kế thừa: Tỉnh Lạng Sơn.") {
		t.Fatalf("caoloc's home lacks the lapsed-grant notice: %d\n%s", status, body)
	}
	if strings.Contains(body, "Vườn") {
		t.Error("caoloc's home still lists nominations")
	}
	// The admin sees the grant flagged, with where to grant the review again: the district
	// ended with no succession of its own, so at the province, as its reviewer.
	admin := newBrowser(t, w.a)
	admin.login("admin")
	status, body, _ = admin.get("/users")
	for _, want := range []string{"Cán bộ thẩm định huyện · Huyện Cao Lộc: hết hiệu lực (đơn vị kết thúc ngày 30/06/2025)",
		"Cấp lại tại: Tỉnh Lạng Sơn (Cán bộ thẩm định tỉnh)."} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("admin's user list does not show %q: %d", want, status)
		}
	}
	if res := w.do("admin", "GET", "/api/v1/users", nil); res.Status != 200 || !strings.Contains(res.Body, `"lapsed_roles":[{"role":"district_reviewer","unit_code":"183","unit_name":"Huyện Cao Lộc","ended_on":"2025-06-30",`+
		`"successors":[{"code":"20","name":"Tỉnh Lạng Sơn","share":"full","role":"province_reviewer"}]}]`) {
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

// lapsedJSON is a lapsed grant as GET /api/v1/users and /api/v1/me show it.
type lapsedJSON struct {
	Role       string `json:"role"`
	UnitCode   string `json:"unit_code"`
	UnitName   string `json:"unit_name"`
	EndedOn    string `json:"ended_on"`
	Successors []struct {
		Code  string `json:"code"`
		Name  string `json:"name"`
		Share string `json:"share"`
		Role  string `json:"role"`
	} `json:"successors"`
}

func (l lapsedJSON) successors() string {
	parts := make([]string, len(l.Successors))
	for i, s := range l.Successors {
		parts[i] = strings.TrimSpace(fmt.Sprintf("%s %s %s %s", s.Code, s.Name, s.Share, s.Role))
	}
	return strings.Join(parts, "; ")
}

// TestLapsedGrantsNameTheUnitsToGrantAgainAt: with the two-tier world of Lạng Sơn imported
// (SPEC §12), the grants at Huyện Cao Lộc and at Xã Hải Yến lapsed. The admin's user list
// names where to grant them again: the district's review at the province, as its
// reviewer, the district's area in the new communes its communes went into (06220 is
// reused by Xã Công Sơn, 06247 Yên Trạch went into Phường Đông Kinh); the commune officer's
// role at Xã Công Sơn. The API says the same, and so do the people's own pages.
func TestLapsedGrantsNameTheUnitsToGrantAgainAt(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	if _, err := w.a.Units.ImportTwoTier(context.Background(), "20"); err != nil {
		t.Fatal(err)
	}
	caolocWant := "20 Tỉnh Lạng Sơn full province_reviewer; 05977 Phường Đông Kinh partial; 06184 Xã Đồng Đăng partial; " +
		"06187 Phường Kỳ Lừa partial; 06196 Xã Ba Sơn partial; 06211 Xã Cao Lộc partial; 06220 Xã Công Sơn partial; " +
		"06286 Xã Khánh Khê partial; 06316 Xã Tân Đoàn partial"

	var users struct {
		Items []struct {
			Username    string       `json:"username"`
			LapsedRoles []lapsedJSON `json:"lapsed_roles"`
		} `json:"items"`
	}
	res := w.do("admin", "GET", "/api/v1/users", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("users: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &users)
	lapsed := map[string][]lapsedJSON{}
	for _, u := range users.Items {
		lapsed[u.Username] = u.LapsedRoles
	}
	if l := lapsed["caoloc"]; len(l) != 1 || l[0].Role != "district_reviewer" || l[0].UnitName != "Huyện Cao Lộc" || l[0].EndedOn != "2025-06-30" {
		t.Errorf("caoloc's lapsed grants: %+v", l)
	} else if got := l[0].successors(); got != caolocWant {
		t.Errorf("caoloc's lapsed grant, successors:\n got %s\nwant %s", got, caolocWant)
	}
	if l := lapsed["xa.haiyen"]; len(l) != 1 || l[0].UnitName != "Xã Hải Yến" || l[0].successors() != "06220 Xã Công Sơn full commune_officer" {
		t.Errorf("xa.haiyen's lapsed grant: %+v", l)
	}
	if l := lapsed["admin"]; len(l) != 0 {
		t.Errorf("the province's grants stand: %+v", l)
	}

	// The same on /api/v1/me of the person whose grant lapsed.
	var me struct {
		LapsedRoles []lapsedJSON `json:"lapsed_roles"`
	}
	res = w.do("xa.haiyen", "GET", "/api/v1/me", nil)
	res.JSON(t, &me)
	if len(me.LapsedRoles) != 1 || me.LapsedRoles[0].successors() != "06220 Xã Công Sơn full commune_officer" {
		t.Errorf("xa.haiyen's /me: %s", res.Body)
	}

	// The admin's page names the units and roles; the dates read as in Vietnamese.
	admin := newBrowser(t, w.a)
	admin.login("admin")
	status, body, _ := admin.get("/users")
	for _, want := range []string{
		"Cán bộ thẩm định huyện · Huyện Cao Lộc: hết hiệu lực (đơn vị kết thúc ngày 30/06/2025), cần cấp lại quyền.",
		"Cấp lại tại: Tỉnh Lạng Sơn (Cán bộ thẩm định tỉnh).",
		"Địa bàn nay thuộc: Phường Đông Kinh, Xã Đồng Đăng, Phường Kỳ Lừa, Xã Ba Sơn, Xã Cao Lộc, Xã Công Sơn, Xã Khánh Khê, Xã Tân Đoàn.",
		"Cán bộ xã · Xã Hải Yến: hết hiệu lực (đơn vị kết thúc ngày 30/06/2025), cần cấp lại quyền.",
		"Cấp lại tại: Xã Công Sơn (Cán bộ xã).",
	} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("admin's user list lacks %q: %d", want, status)
		}
	}
	// The commune officer's home names the commune standing in its place.
	b := newBrowser(t, w.a)
	b.login("xa.haiyen")
	status, body, _ = b.get("/")
	if want := "Quyền của bạn tại Xã Hải Yến không còn hiệu lực: đơn vị đã kết thúc ngày 30/06/2025. Đơn vị kế thừa: Xã Công Sơn. Liên hệ quản trị viên để được cấp lại quyền."; status != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("xa.haiyen's home lacks %q: %d\n%s", want, status, body)
	}
}
