package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/campaign"
)

// evidenceSection is the evidence section of a detail page (up to the history).
func evidenceSection(t *testing.T, page string) string {
	t.Helper()
	i := strings.Index(page, `id="evidence"`)
	j := strings.Index(page, `id="hist-h"`)
	if i < 0 || j < i {
		t.Fatalf("no evidence section in the page")
	}
	return page[i:j]
}

// pageUpload posts the detail page's upload form (file part named filename).
func pageUpload(t *testing.T, w *wf, br *browserClient, id int64, filename string, content []byte) {
	t.Helper()
	br.get(fmt.Sprintf("/nominations/%d", id))
	body, ctype := evidenceForm("minutes", true, content)
	raw := strings.Replace(body.String(), `filename="ảnh.png"`, `filename="`+filename+`"`, 1)
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/nominations/%d/attachments?csrf_token=%s", w.a.URL, id, br.csrf), strings.NewReader(raw))
	req.Header.Set("Content-Type", ctype)
	res, err := br.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "#evidence") {
		t.Fatalf("page upload: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestEvidenceControlsOnThePage: a camera control that takes photos only and a file
// picker for photos and PDF without capture; a failed upload's message beside them (alert,
// inputs invalid and described by it), not only at the top.
func TestEvidenceControlsOnThePage(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.create("xa.haiyen", "06220")
	br := newBrowser(t, w.a)
	br.login("xa.haiyen")
	_, page, _ := br.get(fmt.Sprintf("/nominations/%d", n.ID))
	ev := evidenceSection(t, page)
	for _, want := range []string{"Chụp ảnh", "Chọn tệp",
		`id="file-camera" name="file" type="file" accept="image/*" capture="environment"`,
		`id="file" name="file" type="file" accept="image/jpeg,image/png,image/webp,application/pdf" required`} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence section lacks %q", want)
		}
	}
	for _, in := range regexp.MustCompile(`<input[^>]*type="file"[^>]*>`).FindAllString(ev, -1) {
		if strings.Contains(in, "application/pdf") && strings.Contains(in, "capture") {
			t.Errorf("an input that takes PDF opens the camera: %s", in)
		}
	}
	if strings.Contains(ev, `role="alert"`) || strings.Contains(ev, `aria-invalid`) {
		t.Error("an error is shown before any upload")
	}

	// Text posing as a PDF: refused by content, the message beside the upload.
	pageUpload(t, w, br, n.ID, "bien-ban.pdf", []byte("chỉ là văn bản, không phải PDF\n"))
	_, page, _ = br.get(fmt.Sprintf("/nominations/%d", n.ID))
	ev = evidenceSection(t, page)
	if !strings.Contains(ev, `id="upload-error" role="alert">Chỉ chấp nhận ảnh JPEG, PNG, WebP hoặc tệp PDF.`) {
		t.Errorf("no upload error in the evidence section:\n%s", ev)
	}
	for _, id := range []string{"file", "file-camera"} {
		re := regexp.MustCompile(`<input id="` + id + `"[^>]*aria-describedby="upload-error [^"]*" aria-invalid="true"`)
		if !re.MatchString(ev) {
			t.Errorf("input %s not marked invalid and described by the error", id)
		}
	}
	if strings.Index(page, "Chỉ chấp nhận ảnh") == strings.Index(page, `id="upload-error"`) {
		t.Error("the message is not also at the top")
	}
	if len(w.attachments("xa.haiyen", n.ID)) != 2 {
		t.Error("the refused file was stored")
	}
	// The next page is clean again.
	_, page, _ = br.get(fmt.Sprintf("/nominations/%d", n.ID))
	if strings.Contains(evidenceSection(t, page), "upload-error") {
		t.Error("the upload error outlives its page")
	}
}

// TestEvidenceDeleteAsksFirst: the page deletes only with the confirmation ticked; the
// control is a full-size button named with the file; uploads and deletions are in the
// history with the file name, its kind and the dossier hash after the change, and leave
// the version alone.
func TestEvidenceDeleteAsksFirst(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.create("xa.haiyen", "06220")
	br := newBrowser(t, w.a)
	br.login("xa.haiyen")
	pageUpload(t, w, br, n.ID, "biên bản họp.pdf", pdfBytes())
	list := w.attachments("xa.haiyen", n.ID)
	last := list[len(list)-1]
	if last.Filename != "biên bản họp.pdf" {
		t.Fatalf("uploaded %+v", last)
	}
	_, page, _ := br.get(fmt.Sprintf("/nominations/%d", n.ID))
	ev := evidenceSection(t, page)
	if !strings.Contains(ev, `<summary class="button ev-del-btn" data-ev-delete>Xoá<span class="visually-hidden"> biên bản họp.pdf</span></summary>`) ||
		!strings.Contains(ev, `name="confirm" value="yes" required`) {
		t.Fatalf("no two-step delete control in:\n%s", ev)
	}
	path := fmt.Sprintf("/nominations/%d/attachments/%d/delete", n.ID, last.ID)
	status, _, h := br.post(path, url.Values{"csrf_token": {br.csrf}})
	if status != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "#evidence") {
		t.Fatalf("unconfirmed delete: %d %v", status, h)
	}
	if len(w.attachments("xa.haiyen", n.ID)) != 3 {
		t.Fatal("an unconfirmed delete deleted")
	}
	if _, page, _ = br.get(fmt.Sprintf("/nominations/%d", n.ID)); !strings.Contains(page, "Chưa xoá tệp") {
		t.Error("no word on the unconfirmed delete")
	}
	if status, _, _ = br.post(path, url.Values{"csrf_token": {br.csrf}, "confirm": {"yes"}}); status != http.StatusSeeOther {
		t.Fatalf("confirmed delete: %d", status)
	}
	if len(w.attachments("xa.haiyen", n.ID)) != 2 {
		t.Fatal("a confirmed delete did not delete")
	}

	now := w.get("xa.haiyen", n.ID)
	if now.Version != n.Version {
		t.Errorf("evidence changed the version: %d → %d", n.Version, now.Version)
	}
	hist := historyOf(t, w, "xa.haiyen", n.ID)
	var adds, dels []map[string]any
	for _, h := range hist {
		switch h["action"] {
		case "add_attachment":
			adds = append(adds, h)
		case "delete_attachment":
			dels = append(dels, h)
		}
	}
	if len(adds) != 3 || len(dels) != 1 {
		t.Fatalf("history: %d uploads, %d deletions; want 3 and 1: %v", len(adds), len(dels), hist)
	}
	d := dels[0]
	det, _ := d["details"].(map[string]any)
	if d["comment"] != "biên bản họp.pdf" || det["kind"] != "minutes" || det["filename"] != "biên bản họp.pdf" || d["to"] != "draft" {
		t.Errorf("deletion entry: %v", d)
	}
	if hist[len(hist)-1]["dossier_sha256"] != now.DossierSHA256 {
		t.Errorf("the last entry's hash %v is not the dossier's %s", hist[len(hist)-1]["dossier_sha256"], now.DossierSHA256)
	}
	if adds[2]["dossier_sha256"] == d["dossier_sha256"] {
		t.Error("upload and deletion record the same dossier hash")
	}
	// The timeline names them.
	_, page, _ = br.get(fmt.Sprintf("/nominations/%d", n.ID))
	if !strings.Contains(page, "Thêm minh chứng") || !strings.Contains(page, "Xoá minh chứng") {
		t.Error("the timeline does not show the upload and the deletion")
	}
}

// TestDossierSaveInHistory: every save of a draft or returned dossier is one "update"
// entry with the dossier's hash after it.
func TestDossierSaveInHistory(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.create("xa.haiyen", "06220")
	res := w.do("xa.haiyen", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", n.ID), map[string]any{"title": "Vườn mới đặt tên"}, ifMatch(n.Version)...)
	if res.Status != 200 {
		t.Fatalf("patch: %d %s", res.Status, res.Body)
	}
	after := w.decode(res)
	hist := historyOf(t, w, "xa.haiyen", n.ID)
	last := hist[len(hist)-1]
	if last["action"] != "update" || last["dossier_sha256"] != after.DossierSHA256 || after.Version != n.Version+1 {
		t.Fatalf("after a save: %v (version %d)", last, after.Version)
	}
	br := newBrowser(t, w.a)
	br.login("xa.haiyen")
	if _, page, _ := br.get(fmt.Sprintf("/nominations/%d", n.ID)); !strings.Contains(page, "Cập nhật hồ sơ") {
		t.Error("the timeline does not name the save")
	}
}

// reviewWithComments is gardenReview with a comment per criterion and a summary.
func reviewWithComments() map[string]any {
	r := gardenReview(true)
	for _, sc := range r["scores"].([]map[string]any) {
		sc["comment"] = "Nhận xét " + sc["criterion"].(string)
	}
	r["summary"], r["visited_on"] = "Vườn đạt, cần bổ sung biên bản", "2026-10-05"
	return r
}

// TestSecondReviewStartsFromTheFirst: after a return and resubmission (the review leaves
// the dossier) and after the province's send-back (it stays), the form opens with the
// previous visit date, comments and summary, marked as pre-filled; once this round's
// review is saved, the mark goes.
func TestSecondReviewStartsFromTheFirst(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.drive("xa.haiyen", "caoloc", w.create("xa.haiyen", "06220"), "under_review", nil)
	br := newBrowser(t, w.a)
	br.login("caoloc")
	form := fmt.Sprintf("/nominations/%d/review", n.ID)
	if _, page, _ := br.get(form); strings.Contains(page, "data-prefilled") || !strings.Contains(page, "novalidate") {
		t.Fatal("a first review is marked pre-filled, or the form validates in the browser")
	}
	res := w.do("caoloc", "PUT", fmt.Sprintf("/api/v1/nominations/%d/review", n.ID), reviewWithComments(), ifMatch(n.Version)...)
	if res.Status != 200 {
		t.Fatalf("review: %d %s", res.Status, res.Body)
	}
	n = w.decode(res)
	n = w.act("caoloc", n, "return", map[string]any{"comment": "Bổ sung ảnh"}, 200)
	n = w.act("xa.haiyen", n, "submit", nil, 200)
	n = w.act("caoloc", n, "start_review", nil, 200)
	if n.Review != nil {
		t.Fatal("the resubmitted dossier kept its review")
	}
	check := func(when string) {
		t.Helper()
		_, page, _ := br.get(form)
		for _, want := range []string{"Điền sẵn từ lần thẩm định ngày 05/10/2026 — kiểm tra lại trước khi lưu",
			`value="2026-10-05"`, `value="Nhận xét G1.1"`, `value="Nhận xét G5.2"`, ">Vườn đạt, cần bổ sung biên bản</textarea>"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the form lacks %q", when, want)
			}
		}
	}
	check("after a return")

	// The browser leaves checking to the page (novalidate): an empty date and score come
	// back with the page's own messages beside the fields.
	_, page, _ := br.get(form)
	post := url.Values{"csrf_token": {br.csrf}, "version": {fmt.Sprint(n.Version)}, "visited_on": {""}, "score.G5.2": {"4"}, "summary": {"x"}}
	status, body, _ := br.post(form, post)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "novalidate") ||
		!strings.Contains(body, `aria-invalid="true" aria-describedby="visited_on-error"`) ||
		!strings.Contains(body, `id="visited_on-error">Ngày thẩm định không hợp lệ`) {
		t.Errorf("empty date: %d", status)
	}
	post.Set("visited_on", "2026-10-05")
	post.Set("score.G5.2", "")
	if status, body, _ = br.post(form, post); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="sc-G5.2-error">Điểm phải nằm trong khoảng cho phép.`) {
		t.Errorf("empty score: %d", status)
	}

	// Saving this round's review removes the mark.
	res = w.do("caoloc", "PUT", fmt.Sprintf("/api/v1/nominations/%d/review", n.ID), reviewWithComments(), ifMatch(n.Version)...)
	if res.Status != 200 {
		t.Fatalf("second review: %d %s", res.Status, res.Body)
	}
	n = w.decode(res)
	if _, page, _ := br.get(form); strings.Contains(page, "data-prefilled") {
		t.Error("this round's own review is marked pre-filled")
	}
	n = w.act("caoloc", n, "endorse", map[string]any{"comment": "Đề nghị"}, 200)
	w.act("tinh", n, "send_back", map[string]any{"comment": "Thẩm định lại tiêu chí 3"}, 200)
	check("after a send-back")
}

// TestHomeTellsWhyAndSince: the commune's returned dossier shows the reason, clipped; the
// updates start at the previous sign-in (today here), not 14 days back; the district's
// progress button opens the running campaign's dashboard at its district.
func TestHomeTellsWhyAndSince(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	reason := strings.Repeat("Thiếu biên bản họp thôn và ảnh hiện trạng vườn. ", 5) + "ĐOẠN CUỐI"
	n := w.drive("xa.haiyen", "caoloc", w.create("xa.haiyen", "06220"), "under_review", nil)
	w.act("caoloc", n, "return", map[string]any{"comment": reason}, 200)

	first := newBrowser(t, w.a)
	first.login("xa.haiyen")
	newcomer := newBrowser(t, w.a) // xa.mauson has never signed in in this test
	newcomer.login("xa.mauson")
	if _, home, _ := newcomer.get("/"); !strings.Contains(home, "Cập nhật trong 14 ngày qua") || strings.Contains(home, "Cập nhật từ") {
		t.Error("a first visit should say the inbox covers the last 14 days")
	}
	br := newBrowser(t, w.a)
	br.login("xa.haiyen")
	_, home, _ := br.get("/")
	if !strings.Contains(home, "Lý do trả về: Thiếu biên bản họp thôn") || strings.Contains(home, "ĐOẠN CUỐI") || !strings.Contains(home, "…</span>") {
		t.Error("no clipped return reason on the commune's home")
	}
	today := time.Now().Format("02/01/2006")
	if m := regexp.MustCompile(`Cập nhật từ \d\d:\d\d (\d\d/\d\d/\d{4})`).FindStringSubmatch(home); m == nil || m[1] != today {
		t.Errorf("updates since %v, want the previous sign-in today %s", m, today)
	}

	// No campaign: the list; one that has ended: its dashboard; one running: its dashboard,
	// all at the district.
	reviewer := newBrowser(t, w.a)
	reviewer.login("caoloc")
	if _, home, _ = reviewer.get("/"); !strings.Contains(home, `id="home-dashboard" href="/campaigns"`) {
		t.Error("without a campaign the button should open the list")
	}
	y := time.Now().Year()
	commune0, err := w.a.Units.Get(context.Background(), "06220")
	if err != nil {
		t.Fatal(err)
	}
	ended, err := w.a.Campaigns.CreateAsSystem(context.Background(), campaign.Input{Name: "Đã kết thúc", ProvinceCode: "20",
		StartsOn: fmt.Sprintf("%d-01-01", y-4), EndsOn: fmt.Sprintf("%d-12-31", y-1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, home, _ = reviewer.get("/"); !strings.Contains(home, fmt.Sprintf(`id="home-dashboard" href="/campaigns/%d?unit=%s"`, ended.ID, commune0.Parent())) {
		t.Error("with only an ended campaign the button should open its dashboard")
	}
	c, err := w.a.Campaigns.CreateAsSystem(context.Background(), campaign.Input{Name: "Đang chạy", ProvinceCode: "20",
		StartsOn: fmt.Sprintf("%d-01-01", y), EndsOn: fmt.Sprintf("%d-12-31", y+1)})
	if err != nil {
		t.Fatal(err)
	}
	commune, err := w.a.Units.Get(context.Background(), "06220")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`id="home-dashboard" href="/campaigns/%d?unit=%s"`, c.ID, commune.Parent())
	if _, home, _ = reviewer.get("/"); !strings.Contains(home, want) {
		t.Errorf("the district's progress button: want %s", want)
	}
	if status, _, _ := reviewer.get(fmt.Sprintf("/campaigns/%d?unit=%s", c.ID, commune.Parent())); status != http.StatusOK {
		t.Errorf("the dashboard it opens: %d", status)
	}
}
