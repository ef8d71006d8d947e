package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
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
	id := demoNotice(t, a)
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
	s.expect("ol.timeline li:last-child", "Trả lời ý kiến niêm yết")
	s.expect("ol.timeline li:last-child", "biên bản nghiệm thu")
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

// demoNotice is the nomination on public notice in the demo (Xã Mẫu Sơn's NTM commune
// title, endorsed on the day of the seed), read as anyone reads it.
func demoNotice(t *testing.T, a *testkit.App) int64 {
	t.Helper()
	res := a.Do(t, "GET", "/api/v1/public/notices", "", nil)
	var page struct {
		Items []struct {
			NominationID int64  `json:"nomination_id"`
			CommuneCode  string `json:"commune_code"`
		} `json:"items"`
	}
	res.JSON(t, &page)
	if res.Status != http.StatusOK || len(page.Items) != 1 || page.Items[0].CommuneCode != "06238" {
		t.Fatalf("the demo's public notice: %d %s", res.Status, res.Body)
	}
	return page.Items[0].NominationID
}
