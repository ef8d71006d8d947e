package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// detailPage opens nomination id as user in a fresh browser and returns the browser and
// the page.
func detailPage(t *testing.T, w *wf, user string, id int64) (*browserClient, string) {
	t.Helper()
	b := newBrowser(t, w.a)
	b.login(user)
	status, body, _ := b.get(fmt.Sprintf("/nominations/%d", id))
	if status != http.StatusOK {
		t.Fatalf("nomination page as %s: %d", user, status)
	}
	return b, body
}

// transitionForm is the form the detail page posts for action.
func transitionForm(b *browserClient, version int, action string, kv ...string) url.Values {
	f := url.Values{"csrf_token": {b.csrf}, "version": {fmt.Sprint(version)}, "action": {action}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

// before fails unless a occurs in body, before b.
func before(t *testing.T, body, a, b string) {
	t.Helper()
	i, j := strings.Index(body, a), strings.Index(body, b)
	if i < 0 || j < 0 || i > j {
		t.Errorf("%q (at %d) should come before %q (at %d)", a, i, b, j)
	}
}

var hashDetails = regexp.MustCompile(`(?s)<details class="hash[^"]*">.*?</details>`)

func TestReturnedDossierShowsReasonAndTakesReply(t *testing.T) {
	w := newWF(t)
	n := w.advance("returned")
	b, body := detailPage(t, w, "xa.haiyen", n.ID)

	// The reason, who gave it and when, atop the page, before the actions.
	before(t, body, `id="return-reason"`, `id="act-h"`)
	reason := body[strings.Index(body, `id="return-reason"`):strings.Index(body, `id="act-h"`)]
	for _, want := range []string{"Lý do trả về bổ sung", "Ý kiến của huyện", "Nông Văn Lộc (huyện Cao Lộc)"} {
		if !strings.Contains(reason, want) {
			t.Errorf("the reason callout lacks %q", want)
		}
	}
	// The edit form says it too, above the form.
	if _, edit, _ := b.get(fmt.Sprintf("/nominations/%d/edit", n.ID)); !strings.Contains(edit, `id="return-reason"`) ||
		!strings.Contains(edit, "Ý kiến của huyện") || strings.Index(edit, `id="return-reason"`) > strings.Index(edit, `class="stack nomination-form"`) {
		t.Errorf("the edit form of a returned dossier does not show the reason above the form")
	}
	// The submit form takes an optional reply; the forms leave validation to the server.
	if !strings.Contains(body, "Trả lời ý kiến trả về (không bắt buộc)") || !strings.Contains(body, `id="cm-submit"`) {
		t.Errorf("the submit form of a returned dossier has no reply field")
	}
	if strings.Count(body, `action="/nominations/`+itoa(n.ID)+`/transition" class="stack" novalidate`) != strings.Count(body, `/transition"`) {
		t.Errorf("an action form without novalidate")
	}

	reply := "Đã bổ sung ảnh hàng rào xanh theo ý kiến của huyện."
	status, _, h := b.post(fmt.Sprintf("/nominations/%d/transition", n.ID), transitionForm(b, n.Version, "submit", "comment", reply))
	if status != http.StatusSeeOther || h.Get("Location") != fmt.Sprintf("/nominations/%d", n.ID) {
		t.Fatalf("submit with a reply: %d %v", status, h)
	}
	hist := historyOf(t, w, "caoloc", n.ID)
	last := hist[len(hist)-1]
	if last["action"] != "submit" || last["comment"] != reply {
		t.Fatalf("the submit's history entry: %v", last)
	}

	_, body, _ = b.get(fmt.Sprintf("/nominations/%d", n.ID))
	if strings.Contains(body, `id="return-reason"`) {
		t.Errorf("a resubmitted dossier still shows the return as its reason")
	}
	timeline := body[strings.Index(body, `class="timeline"`):]
	for _, want := range []string{reply, "Lộc Văn Hải (xã Hải Yến)", "Nông Văn Lộc (huyện Cao Lộc)", "Kiểm tra toàn vẹn"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	if strings.Contains(timeline, "> · caoloc") || strings.Contains(timeline, "· xa.haiyen") {
		t.Errorf("the timeline names users by login")
	}
	// Hashes only inside the "verify" disclosures, in full there.
	if !regexp.MustCompile(`SHA-256 [0-9a-f]{64}`).MatchString(timeline) {
		t.Errorf("the verify disclosure lacks the full hash")
	}
	if rest := hashDetails.ReplaceAllString(timeline, ""); strings.Contains(rest, "SHA-256") {
		t.Errorf("a hash shown outside the verify disclosure")
	}
}

func TestFailedActionRedirectsAndKeepsInput(t *testing.T) {
	w := newWF(t)
	n := w.advance("endorsed")
	b, _ := detailPage(t, w, "tinh", n.ID)
	path := fmt.Sprintf("/nominations/%d", n.ID)

	status, body, h := b.post(path+"/transition", transitionForm(b, n.Version, "approve",
		"decision_number", "", "decision_date", "2022-09-15", "decision_signer", "Hồ Tiến Thiệu", "comment", "Đủ điều kiện công nhận"))
	if status != http.StatusSeeOther || h.Get("Location") != path+"#action-approve" {
		t.Fatalf("failed approve: %d %v %s", status, h, body)
	}
	if w.get("tinh", n.ID).Status != "endorsed" {
		t.Fatal("the failed approve changed the nomination")
	}
	status, body, _ = b.get(path)
	if status != http.StatusOK {
		t.Fatalf("the page after the failed approve: %d", status)
	}
	for _, want := range []string{"Vui lòng sửa các mục được đánh dấu bên dưới.", "Vui lòng nhập số quyết định",
		`value="Hồ Tiến Thiệu"`, `value="2022-09-15"`, ">Đủ điều kiện công nhận</textarea>", `data-action="approve" open`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page after the failed approve lacks %q", want)
		}
	}
	// Shown once; and only to the session that typed it.
	other, otherBody := detailPage(t, w, "tinh", n.ID)
	_ = other
	if strings.Contains(otherBody, `value="Hồ Tiến Thiệu"`) {
		t.Errorf("another session sees the typed values")
	}
	if _, body, _ = b.get(path); strings.Contains(body, `value="Hồ Tiến Thiệu"`) || strings.Contains(body, "Vui lòng nhập số quyết định") {
		t.Errorf("the typed values outlive the page that showed them")
	}

	// A stale version: back to the page, the comment kept.
	status, _, h = b.post(path+"/transition", transitionForm(b, n.Version-1, "send_back", "comment", "Xem lại tiêu chí G3"))
	if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), path) {
		t.Fatalf("stale send_back: %d %v", status, h)
	}
	if _, body, _ = b.get(path); !strings.Contains(body, ">Xem lại tiêu chí G3</textarea>") {
		t.Errorf("the stale form lost its comment")
	}
}

func TestApprovedDossierShowsDecisionAndRevocationNeedsConfirmation(t *testing.T) {
	w := newWF(t)
	n := w.advance("approved")
	b, body := detailPage(t, w, "tinh", n.ID)
	path := fmt.Sprintf("/nominations/%d", n.ID)

	before(t, body, `id="decision"`, `id="act-h"`)
	callout := body[strings.Index(body, `id="decision"`):strings.Index(body, `id="act-h"`)]
	for _, want := range []string{"/QĐ-UBND", "15/09/2022", "Hồ Tiến Thiệu", "Chủ tịch", "Số giấy chứng nhận"} {
		if !strings.Contains(callout, want) {
			t.Errorf("the decision callout lacks %q", want)
		}
	}
	// Revocation is a secondary disclosure, not a red button.
	if strings.Contains(body, `<summary class="button danger">`) || !strings.Contains(body, `<summary class="button secondary">Thu hồi công nhận…</summary>`) {
		t.Errorf("revocation is not behind a secondary control")
	}

	status, _, _ := b.post(path+"/transition", transitionForm(b, n.Version, "revoke", "comment", "Vi phạm tiêu chí môi trường"))
	if status != http.StatusSeeOther {
		t.Fatalf("unconfirmed revoke: %d", status)
	}
	if w.get("tinh", n.ID).Status != "approved" {
		t.Fatal("an unconfirmed revoke revoked")
	}
	if _, body, _ = b.get(path); !strings.Contains(body, "Vui lòng đánh dấu xác nhận thu hồi công nhận.") ||
		!strings.Contains(body, ">Vi phạm tiêu chí môi trường</textarea>") || !strings.Contains(body, `data-action="revoke" open`) {
		t.Errorf("the unconfirmed revoke's page")
	}

	status, _, _ = b.post(path+"/transition", transitionForm(b, n.Version, "revoke", "comment", "Vi phạm tiêu chí môi trường", "confirm", "1"))
	if status != http.StatusSeeOther || w.get("tinh", n.ID).Status != "revoked" {
		t.Fatalf("confirmed revoke: %d", status)
	}
	_, body, _ = b.get(path)
	before(t, body, `id="return-reason"`, `class="timeline"`)
	for _, want := range []string{"Lý do thu hồi công nhận", "Quyết định công nhận (đã thu hồi)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the revoked dossier's page lacks %q", want)
		}
	}
}

func TestSubmittingAFailingDossierNeedsConfirmation(t *testing.T) {
	w := newWF(t)
	body := gardenBody("06220")
	body["assessment"] = gardenAssessment(false)
	n := w.createWith("xa.haiyen", body)
	b, page := detailPage(t, w, "xa.haiyen", n.ID)
	before(t, page, `id="failing-warning"`, `data-action="submit"`)
	for _, want := range []string{"Hồ sơ chưa đạt theo tự đánh giá:", "G1.1", `name="confirm" value="1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the failing dossier's page lacks %q", want)
		}
	}
	path := fmt.Sprintf("/nominations/%d", n.ID)
	if status, _, _ := b.post(path+"/transition", transitionForm(b, n.Version, "submit")); status != http.StatusSeeOther || w.get("xa.haiyen", n.ID).Status != "draft" {
		t.Fatalf("unconfirmed submit of a failing dossier: %d", status)
	}
	if _, page, _ = b.get(path); !strings.Contains(page, "Vui lòng đánh dấu xác nhận gửi hồ sơ chưa đạt") {
		t.Errorf("the unconfirmed submit's message is missing")
	}
	if status, _, _ := b.post(path+"/transition", transitionForm(b, n.Version, "submit", "confirm", "1")); status != http.StatusSeeOther || w.get("xa.haiyen", n.ID).Status != "submitted" {
		t.Fatalf("confirmed submit: %d", status)
	}

	// A passing dossier is submitted without the box; the API never asks for it.
	ok := w.create("xa.haiyen", "06220")
	b2, page := detailPage(t, w, "xa.haiyen", ok.ID)
	if strings.Contains(page, `id="failing-warning"`) {
		t.Errorf("a passing dossier is warned about")
	}
	if status, _, _ := b2.post(fmt.Sprintf("/nominations/%d/transition", ok.ID), transitionForm(b2, ok.Version, "submit")); status != http.StatusSeeOther || w.get("xa.haiyen", ok.ID).Status != "submitted" {
		t.Fatalf("submit of a passing dossier: %d", status)
	}
	failingAPI := w.createWith("xa.haiyen", body)
	w.act("xa.haiyen", failingAPI, "submit", nil, 200)
}
