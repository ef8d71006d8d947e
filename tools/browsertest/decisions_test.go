package browsertest

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// One provincial decision recognises several dossiers (SPEC §13): the district finishes
// the review of a second demo dossier, then the province ticks both endorsed dossiers of
// its queue and approves them under one decision signed by a vice-chairman; the decision's
// page lists both recognitions with their own certificate numbers.
func TestOneDecisionInTheBrowser(t *testing.T) {
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemo(context.Background(), a.Services, &out); err != nil {
		t.Fatalf("seed --demo: %v\n%s", err, out.String())
	}
	ctx := browser(t)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}
	const second = "Khu dân cư thôn Nà Lầu"

	// Cao Lộc's reviewer finishes the review of the residential area under review.
	s.desktop()
	s.login("caoloc")
	s.do(chromedp.Navigate(a.URL + "/nominations?status=under_review"))
	s.clickNav(`main a[href^="/nominations/"]:not([href*="?"])`)
	s.expect("h1", second)
	s.clickNav(`a[href$="/review"]`)
	s.setValue("visited_on", "2025-06-20")
	s.do(chromedp.SendKeys(chromedp.ID("summary"), "Đã kiểm tra thực tế khu dân cư; đạt các tiêu chí."))
	s.clickNav(`form[data-review] button[type=submit]`)
	s.expect(".flash", "Đã lưu kết quả thẩm định")
	s.act("endorse", "")
	s.expect(".badge", "Đã đề nghị công nhận")
	s.logout()

	// The province approves both endorsed dossiers under one decision.
	s.login("tinh")
	s.clickNav(`a#home-decide`)
	s.expect("#decide-h", "Phê duyệt các hồ sơ đã chọn theo một quyết định")
	s.expect("#decision-items", second)
	s.expect("#decision-items", "Vườn hồng không hạt của bà Lý Thị Mai")
	// The queue also holds Mẫu Sơn's NTM commune title, whose public notice still runs.
	s.expect("#decision-items", "Xã Mẫu Sơn đề nghị công nhận đạt chuẩn nông thôn mới")
	s.do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#decision-items li[data-nomination]').forEach(li => {
		const title = li.querySelector('.card-title').textContent
		li.querySelector('input[name="item"]').checked = title === 'Khu dân cư thôn Nà Lầu' || title === 'Vườn hồng không hạt của bà Lý Thị Mai'
	})`),
		chromedp.SendKeys(chromedp.ID("dec-number"), "2468/QĐ-UBND"),
		chromedp.SendKeys(chromedp.ID("dec-signer"), "Đoàn Thu Hà"))
	s.setValue("dec-date", "2025-12-10")
	s.setValue("dec-signer-title", "Phó Chủ tịch")
	s.shot("desktop-decision-form")
	s.clickNav(`#decision-submit`)
	s.expect(".flash-ok", "Đã phê duyệt các hồ sơ theo quyết định")
	s.expect("#decision-heading", "2468/QĐ-UBND")
	s.expect("#decision-heading", "10/12/2025")
	rows := s.text("#decision-recognitions tbody")
	for _, want := range []string{second, "Vườn hồng không hạt của bà Lý Thị Mai", "2468/QĐ-UBND-1", "2468/QĐ-UBND-2"} {
		if !strings.Contains(rows, want) {
			t.Errorf("the decision's recognitions lack %q:\n%s", want, rows)
		}
	}
	s.expect("#decision-signer-title", "Phó Chủ tịch")
	s.shot("desktop-decision-page")

	// Both are recognised now: the approval queue is empty.
	s.do(chromedp.Navigate(a.URL + "/nominations?status=endorsed"))
	if main := s.text("main"); strings.Contains(main, second) {
		t.Errorf("the approved dossier is still in the approval queue:\n%s", main)
	}
}
