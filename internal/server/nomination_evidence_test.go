package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// evidenceForm writes a multipart form with a file and, when kind is not "", a kind field
// before or after it.
func evidenceForm(kind string, kindFirst bool, content []byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if kind != "" && kindFirst {
		_ = mw.WriteField("kind", kind)
	}
	fw, _ := mw.CreateFormFile("file", "ảnh.png")
	_, _ = fw.Write(content)
	if kind != "" && !kindFirst {
		_ = mw.WriteField("kind", kind)
	}
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func (w *wf) postEvidence(user string, id int64, kind string, kindFirst bool, content []byte) testkit.Response {
	w.t.Helper()
	body, ctype := evidenceForm(kind, kindFirst, content)
	return w.do(user, "POST", fmt.Sprintf("/api/v1/nominations/%d/attachments", id), body.Bytes(), "Content-Type", ctype)
}

func (w *wf) attachments(user string, id int64) []nomination.Attachment {
	w.t.Helper()
	var out struct {
		Items []nomination.Attachment `json:"items"`
	}
	res := w.do(user, "GET", fmt.Sprintf("/api/v1/nominations/%d/attachments", id), nil)
	if res.Status != 200 {
		w.t.Fatalf("attachments: %d %s", res.Status, res.Body)
	}
	res.JSON(w.t, &out)
	return out.Items
}

// TestUploadKindInEitherOrder: the kind counts whether the form sends it before or after
// the file, through the API and the page; no kind means "other"; a bad kind sent after
// the file is refused and leaves nothing behind.
func TestUploadKindInEitherOrder(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	id := w.createWith("xa.haiyen", gardenBody("06220")).ID // photo and minutes already
	for _, c := range []struct {
		kind      string
		kindFirst bool
		want      string
	}{{"survey", true, "survey"}, {"survey", false, "survey"}, {"photo", false, "photo"}, {"", false, "other"}} {
		res := w.postEvidence("xa.haiyen", id, c.kind, c.kindFirst, pngBytes())
		if res.Status != 201 || !strings.Contains(res.Body, `"kind":"`+c.want+`"`) {
			t.Errorf("kind %q (first %v): %d %s", c.kind, c.kindFirst, res.Status, res.Body)
		}
	}
	for _, first := range []bool{true, false} {
		res := w.postEvidence("xa.haiyen", id, "selfie", first, pngBytes())
		if res.Status != 422 || !strings.Contains(res.Body, `"kind"`) {
			t.Errorf("bad kind (first %v): %d %s", first, res.Status, res.Body)
		}
	}
	if n := len(w.attachments("xa.haiyen", id)); n != 6 {
		t.Fatalf("%d attachments, want 6", n)
	}

	// The page's form, with the kind after the file.
	br := newBrowser(t, w.a)
	br.login("xa.haiyen")
	br.get(fmt.Sprintf("/nominations/%d", id))
	body, ctype := evidenceForm("minutes", false, pdfBytes())
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/nominations/%d/attachments?csrf_token=%s", w.a.URL, id, br.csrf), body)
	req.Header.Set("Content-Type", ctype)
	res, err := br.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("page upload: %d", res.StatusCode)
	}
	if _, page, _ := br.get(fmt.Sprintf("/nominations/%d", id)); !strings.Contains(page, "Đã tải tệp lên.") {
		t.Error("page upload: no success message")
	}
	list := w.attachments("xa.haiyen", id)
	if last := list[len(list)-1]; last.Kind != "minutes" || last.ContentType != "application/pdf" {
		t.Errorf("page upload stored %+v, want minutes", last)
	}
}

// TestEvidenceLimits: a nomination holds at most MaxAttachmentsPerNomination files (422,
// field "file") and MaxAttachmentsTotalSize bytes in all (413 too_large), through the API
// and the page.
func TestEvidenceLimits(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	ctx := context.Background()
	officer, err := w.a.Identity.PrincipalFor(ctx, "xa.haiyen")
	if err != nil {
		t.Fatal(err)
	}
	full := w.createWith("xa.haiyen", gardenBody("06220")).ID
	for range nomination.MaxAttachmentsPerNomination - 2 {
		if _, err := w.a.Nominations.AddAttachment(ctx, officer, full, "photo", "a.png", bytes.NewReader(pngBytes())); err != nil {
			t.Fatal(err)
		}
	}
	res := w.postEvidence("xa.haiyen", full, "photo", true, pngBytes())
	if res.Status != 422 || !strings.Contains(res.Body, `"file":"a nomination holds at most 30 files`) {
		t.Fatalf("file 31: %d %s", res.Status, res.Body)
	}
	// Deleting one makes room again.
	list := w.attachments("xa.haiyen", full)
	if res := w.do("xa.haiyen", "DELETE", fmt.Sprintf("/api/v1/nominations/%d/attachments/%d", full, list[0].ID), nil); res.Status != 204 {
		t.Fatalf("delete: %d", res.Status)
	}
	w.postEvidence("xa.haiyen", full, "photo", true, pngBytes())
	if n := len(w.attachments("xa.haiyen", full)); n != nomination.MaxAttachmentsPerNomination {
		t.Fatalf("%d attachments, want %d", n, nomination.MaxAttachmentsPerNomination)
	}

	// Size: four real files of 20 MiB each, and the fifth would pass 100 MiB in all.
	heavy := w.createWith("xa.haiyen", gardenBody("06220")).ID
	big := func(tag int) []byte {
		b := make([]byte, nomination.MaxAttachmentSize)
		copy(b, fmt.Sprintf("%%PDF-1.4\n%% %d\n", tag))
		return b
	}
	for i := range 4 {
		if _, err := w.a.Nominations.AddAttachment(ctx, officer, heavy, "survey", "khao-sat.pdf", bytes.NewReader(big(i))); err != nil {
			t.Fatal(err)
		}
	}
	res = w.postEvidence("xa.haiyen", heavy, "survey", true, big(5))
	if res.Status != 413 || !strings.Contains(res.Body, `"code":"too_large"`) || !strings.Contains(res.Body, "at most 100 MiB") {
		t.Fatalf("past 100 MiB: %d %s", res.Status, res.Body)
	}
	before := len(w.attachments("xa.haiyen", heavy))

	// The page says which limit was reached.
	br := newBrowser(t, w.a)
	br.login("xa.haiyen")
	for id, want := range map[int64]string{full: "Hồ sơ đã có đủ 30 tệp", heavy: "vượt quá 100 MB"} {
		br.get(fmt.Sprintf("/nominations/%d", id))
		body, ctype := evidenceForm("survey", true, big(6))
		if id == full {
			body, ctype = evidenceForm("photo", true, pngBytes())
		}
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/nominations/%d/attachments?csrf_token=%s", w.a.URL, id, br.csrf), body)
		req.Header.Set("Content-Type", ctype)
		res, err := br.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if _, page, _ := br.get(fmt.Sprintf("/nominations/%d", id)); res.StatusCode != http.StatusSeeOther || !strings.Contains(page, want) {
			t.Errorf("page upload to a full dossier: %d, message %q missing", res.StatusCode, want)
		}
	}
	if n := len(w.attachments("xa.haiyen", heavy)); n != before {
		t.Errorf("refused uploads were stored: %d attachments, want %d", n, before)
	}
}
