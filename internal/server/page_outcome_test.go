package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// postMultipart sends the page's upload form (kind may be empty) with the session cookie.
func (b *browserClient) postMultipart(path, kind, filename string, content []byte) (int, http.Header) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if kind != "" {
		_ = mw.WriteField("kind", kind)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	// The page's form sends its token in the query: the body is read only after the check.
	req, _ := http.NewRequest(http.MethodPost, b.a.URL+path+"?csrf_token="+url.QueryEscape(b.csrf), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header
}

var missingLine = regexp.MustCompile(`<p class="warn">Còn thiếu:([^<]*)</p>`)

// TestDetailPageAndAPIAgreeOnMissingEvidence: the evidence the detail page lists as
// missing is what the API's submit refuses for, and the buttons follow the workflow.
func TestDetailPageAndAPIAgreeOnMissingEvidence(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	res := w.do("xa.haiyen", "POST", "/api/v1/nominations", gardenBody("06220"))
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	n := w.decode(res)
	w.upload("xa.haiyen", n.ID, "photo", "vuon.png", pngBytes(), 201)
	b := newBrowser(t, w.a)
	b.login("xa.haiyen")
	page := fmt.Sprintf("/nominations/%d", n.ID)
	_, body, _ := b.get(page)
	m := missingLine.FindStringSubmatch(body)
	if m == nil || strings.TrimSpace(m[1]) != "Biên bản" {
		t.Fatalf("missing evidence on the page: %v", m)
	}
	if !strings.Contains(body, `data-action="submit"`) || !strings.Contains(body, page+"/edit") {
		t.Error("the commune's draft lacks its submit button or edit link")
	}
	n = w.get("xa.haiyen", n.ID)
	res = w.do("xa.haiyen", "POST", "/api/v1"+page+"/transitions", map[string]any{"action": "submit"}, ifMatch(n.Version)...)
	if res.Status != 422 || !strings.Contains(res.Body, "required attachments missing: minutes") {
		t.Fatalf("API submit without minutes: %d %s", res.Status, res.Body)
	}
	w.upload("xa.haiyen", n.ID, "minutes", "bien-ban.pdf", pdfBytes(), 201)
	if _, body, _ = b.get(page); missingLine.MatchString(body) {
		t.Error("the page still lists missing evidence once it is all there")
	}
	// The district reads the draft but has nothing to do on it.
	r := newBrowser(t, w.a)
	r.login("caoloc")
	if _, body, _ = r.get(page); strings.Contains(body, `data-action=`) || strings.Contains(body, page+"/edit") {
		t.Error("the district is offered actions on a draft")
	}
}

// TestUploadPageTellsTheErrorAsAFlash: the upload form answers every refusal with a
// message on the detail page, and leaves a forbidden upload to the error page.
func TestUploadPageTellsTheErrorAsAFlash(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.create("xa.haiyen", "06220")
	b := newBrowser(t, w.a)
	b.login("xa.haiyen")
	page := fmt.Sprintf("/nominations/%d", n.ID)
	b.get(page)
	for _, c := range []struct {
		kind, file string
		content    []byte
		want       string
	}{
		{"photo", "a.txt", []byte("plain text, not a picture"), "Chỉ chấp nhận ảnh JPEG, PNG, WebP hoặc tệp PDF."},
		{"bogus", "a.png", pngBytes(), "Vui lòng chọn tệp và loại tài liệu."},
		{"photo", "a.png", pngBytes(), "Đã tải tệp lên"},
	} {
		status, h := b.postMultipart(page+"/attachments", c.kind, c.file, c.content)
		if status != http.StatusSeeOther || h.Get("Location") != page+"#evidence" {
			t.Fatalf("upload %s: %d %v", c.file, status, h)
		}
		if _, body, _ := b.get(page); !strings.Contains(body, c.want) {
			t.Errorf("upload %s: the page lacks %q", c.file, c.want)
		}
	}
	other := newBrowser(t, w.a)
	other.login("xa.tantac")
	other.get("/")
	if status, _ := other.postMultipart(page+"/attachments", "photo", "a.png", pngBytes()); status != http.StatusNotFound && status != http.StatusForbidden {
		t.Errorf("upload from another commune: %d", status)
	}
}

// TestStaleEditReloadsTheForm: an edit saved over someone else's goes back to a freshly
// read form with the message, as the API answers 412.
func TestStaleEditReloadsTheForm(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.create("xa.haiyen", "06220")
	b := newBrowser(t, w.a)
	b.login("xa.haiyen")
	edit := fmt.Sprintf("/nominations/%d/edit", n.ID)
	b.get(edit)
	w.do("xa.haiyen", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", n.ID), map[string]any{"title": "Đổi tên trước"}, ifMatch(n.Version)...)
	status, _, h := b.post(edit, url.Values{"csrf_token": {b.csrf}, "version": {fmt.Sprint(n.Version)}, "title": {"Đổi tên sau"}})
	if status != http.StatusSeeOther || h.Get("Location") != edit {
		t.Fatalf("stale edit: %d %v", status, h)
	}
	if _, body, _ := b.get(edit); !strings.Contains(body, "Hồ sơ vừa được người khác cập nhật") || !strings.Contains(body, `value="Đổi tên trước"`) {
		t.Error("the reloaded form lacks the message or the newer title")
	}
}

// TestTargetsFormShowsTheDomainsVerdictBesideTheCells: the campaign decides which counts
// are allowed; the form marks the cells it refused and saves nothing.
func TestTargetsFormShowsTheDomainsVerdictBesideTheCells(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	camp := w.newCampaign("Phong trào chỉ tiêu sai")
	b := newBrowser(t, w.a)
	b.login("tinh")
	path := fmt.Sprintf("/campaigns/%d/targets?year=2022", camp)
	b.get(path)
	form := url.Values{"csrf_token": {b.csrf},
		// max below min
		"min.183.model_garden": {"3"}, "max.183.model_garden": {"1"},
		// a negative count
		"min.182.model_garden": {"-1"},
		// not a number
		"min.183.model_residential_area": {"2"}, "max.183.model_residential_area": {"x"},
		// fine
		"min.182.model_residential_area": {"2"}}
	status, body, _ := b.post(path, form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Vui lòng sửa các mục được đánh dấu") {
		t.Fatalf("invalid targets: %d", status)
	}
	// Reading the counts is the form's part: a cell that is no number is marked by it.
	if !invalidCell(body, "max.183.model_residential_area") {
		t.Error("the unreadable cell is not marked")
	}
	form.Set("max.183.model_residential_area", "")
	status, body, _ = b.post(path, form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("targets out of range: %d", status)
	}
	for cell, want := range map[string]bool{"max.183.model_garden": true, "min.182.model_garden": true,
		"min.183.model_garden": false, "min.182.model_residential_area": false} {
		if invalidCell(body, cell) != want {
			t.Errorf("cell %s marked = %v, want %v", cell, !want, want)
		}
	}
	var c struct {
		Targets []map[string]any `json:"targets"`
	}
	w.do("tinh", "GET", fmt.Sprintf("/api/v1/campaigns/%d", camp), nil).JSON(t, &c)
	if len(c.Targets) != 0 {
		t.Errorf("a refused form saved %d targets", len(c.Targets))
	}
}

func invalidCell(body, name string) bool {
	return regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `"[^>]*aria-invalid="true"`).MatchString(body)
}
