package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// A commune title goes on public notice when endorsed (SPEC §13): a citizen finds it on
// /public/notices without signing in and objects; the province cannot approve meanwhile;
// the district reviewer reads the objection on the dossier and answers it.
func TestObjectionDuringNoticeInTheBrowser(t *testing.T) {
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemo(context.Background(), a.Services, &out); err != nil {
		t.Fatalf("seed --demo: %v\n%s", err, out.String())
	}
	id := endorsedTitle(t, a)
	ctx := browser(t)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}

	// A citizen, on a phone, signed out.
	s.phone()
	s.do(chromedp.Navigate(a.URL + "/public/notices"))
	card := fmt.Sprintf(`li.notice[data-nomination="%d"]`, id)
	s.expect(card, "Xã Mẫu Sơn")
	s.expect(card+" .notice-until", "/")
	s.clickNav(chromedp.CSS(card + " a.object-link"))
	s.do(chromedp.SendKeys(chromedp.ID("obj-name"), "Hoàng Văn Páo"),
		chromedp.SendKeys(chromedp.ID("obj-contact"), "0912 345 678"),
		chromedp.SendKeys(chromedp.ID("obj-text"), "Đường trục thôn Khuổi Cấp chưa được cứng hóa như báo cáo."))
	s.shot("phone-public-objection")
	s.clickNav(`form.objection-form button[type=submit]`)
	s.expect(".flash-ok", "Đã nhận ý kiến")

	// The district reviewer answers it on the dossier.
	s.desktop()
	s.login("caoloc")
	s.do(chromedp.Navigate(fmt.Sprintf("%s/nominations/%d", a.URL, id)))
	s.expect("section#notice", "Hoàng Văn Páo")
	s.expect(`li.objection[data-resolved="false"] .objection-text`, "Khuổi Cấp chưa được cứng hóa")
	s.do(chromedp.SendKeys(chromedp.CSS("form.resolve-form textarea"), "Đã kiểm tra: tuyến đường được cứng hóa tháng 10/2022, có biên bản nghiệm thu."))
	s.clickNav(`form.resolve-form button[type=submit]`)
	s.expect(".flash", "Đã ghi câu trả lời")
	s.expect(`li.objection[data-resolved="true"] .objection-answer`, "biên bản nghiệm thu")
	s.shot("desktop-objection-answered")
	s.logout()

	// The province cannot approve while the notice runs.
	s.login("tinh")
	s.do(chromedp.Navigate(fmt.Sprintf("%s/nominations/%d", a.URL, id)))
	s.act("approve", "", chromedp.SendKeys(chromedp.CSS(`input[name="decision_number"]`), "3001/QĐ-UBND"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="decision_date"]').value = "2026-11-30"`),
		chromedp.SendKeys(chromedp.CSS(`input[name="decision_signer"]`), "Hồ Tiến Thiệu"))
	s.expect(".flash-error", "niêm yết")
}

// endorsedTitle brings an NTM-commune nomination of Xã Mẫu Sơn to endorsed through the
// API, which opens its 15-day notice today.
func endorsedTitle(t *testing.T, a *testkit.App) int64 {
	t.Helper()
	var assessment, scores []map[string]any
	for i := 1; i <= 19; i++ {
		assessment = append(assessment, map[string]any{"criterion": strconv.Itoa(i), "value": true})
		scores = append(scores, map[string]any{"criterion": strconv.Itoa(i), "met": true, "comment": ""})
	}
	officer, reviewer := a.Login(t, "xa.mauson").Token, a.Login(t, "caoloc").Token
	res := a.Do(t, "POST", "/api/v1/nominations", officer, map[string]any{"type": "ntm_commune", "commune_code": "06238",
		"title": "Xã Mẫu Sơn đạt chuẩn nông thôn mới", "subject": map[string]any{"satisfaction_pct": 93.5}, "assessment": assessment})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	var n struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	res.JSON(t, &n)
	for _, kind := range []string{"minutes", "survey"} {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("kind", kind)
		fw, _ := mw.CreateFormFile("file", kind+".pdf")
		_, _ = fw.Write([]byte("%PDF-1.4\n%âãÏÓ\ntrailer << >>\n%%EOF\n"))
		_ = mw.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/nominations/%d/attachments", a.URL, n.ID), &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+officer)
		up, err := a.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(up.Body)
		up.Body.Close()
		if up.StatusCode != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", kind, up.StatusCode, raw)
		}
	}
	step := func(token, method, path string, body map[string]any) {
		t.Helper()
		res := a.Do(t, method, fmt.Sprintf("/api/v1/nominations/%d%s", n.ID, path), token, body, "If-Match", strconv.Quote(strconv.Itoa(n.Version)))
		if res.Status != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, res.Status, res.Body)
		}
		res.JSON(t, &n)
	}
	step(officer, "POST", "/transitions", map[string]any{"action": "submit"})
	step(reviewer, "POST", "/transitions", map[string]any{"action": "start_review"})
	step(reviewer, "PUT", "/review", map[string]any{"scores": scores, "summary": "Xã đạt đủ 19 tiêu chí.", "visited_on": "2026-11-20"})
	step(reviewer, "POST", "/transitions", map[string]any{"action": "endorse"})
	return n.ID
}
