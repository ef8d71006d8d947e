package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// openByTitle opens, from the nominations list filtered by status, the nomination with
// title, and answers its path.
func (s *session) openByTitle(status, title string) string {
	s.t.Helper()
	s.do(chromedp.Navigate(s.base + "/nominations?status=" + status + "&q=" + url.QueryEscape(title)))
	js := fmt.Sprintf(`(() => { const a = Array.from(document.querySelectorAll('main a[href^="/nominations/"]')).find(a => a.textContent.includes(%q)); return a ? a.getAttribute("href") : "" })()`, title)
	href, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](js))
	if err != nil || href == "" {
		s.t.Fatalf("no nomination %q among the %s ones: %v", title, status, err)
	}
	path := strings.Split(href, "?")[0]
	s.do(chromedp.Navigate(s.base + path))
	s.expect("h1", title)
	return path
}

// eval evaluates a JavaScript expression.
func evalJS[T any](s *session, js string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// currentPath is the path of the page the tab shows.
func (s *session) currentPath() string {
	s.t.Helper()
	loc, err := chromedp.Run(s.ctx, chromedp.Location())
	if err != nil {
		s.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		s.t.Fatal(err)
	}
	return u.Path
}

// TestReturnedDossierInTheBrowser: Mẫu Sơn's officer, on a phone, sees at the top of a
// returned dossier why it was returned, and resubmits it with a reply (confirming that it
// does not pass its self-assessment); the timeline names people and hides the hashes until
// asked. A failed approval keeps the province on the dossier's page with what it typed; an
// approved dossier shows its decision on top and revocation needs a confirmation.
func TestReturnedDossierInTheBrowser(t *testing.T) {
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemo(context.Background(), a.Services, &out); err != nil {
		t.Fatalf("seed --demo: %v\n%s", err, out.String())
	}
	ctx := browser(t)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}

	s.phone()
	s.login("xa.mauson")
	returned := s.openByTitle("returned", "Vườn chè của bà Đặng Thị Lan")
	s.expect("#return-reason", "Lý do trả về bổ sung")
	s.expect("#return-reason", "Đề nghị bổ sung biên bản họp thôn và ảnh hàng rào xanh")
	s.expect("#return-reason", "Nông Văn Lộc (huyện Cao Lộc)")
	if top := evalJS[float64](s, `window.scrollTo(0, 0); document.getElementById("return-reason").getBoundingClientRect().top`); top >= 600 {
		t.Fatalf("the reason is %v px down the phone page", top)
	}
	s.shot("phone-returned-reason")

	// Hashes stay hidden until "verify" is opened.
	if evalJS[bool](s, `document.querySelector(".timeline").innerText.includes("SHA-256")`) {
		t.Fatal("the timeline shows a hash before verify is opened")
	}
	s.do(chromedp.Click(chromedp.CSS(".timeline details.hash > summary")))
	if !evalJS[bool](s, `document.querySelector(".timeline").innerText.includes("SHA-256")`) {
		t.Fatal("the opened verify shows no hash")
	}

	// The dossier does not pass its self-assessment: the page says what fails, and the
	// submission needs the box ticked.
	s.expect("#failing-warning", "Hồ sơ chưa đạt theo tự đánh giá")
	reply := "Đã bổ sung biên bản họp thôn và ảnh hàng rào xanh."
	s.act("submit", reply)
	if p := s.currentPath(); p != returned {
		t.Fatalf("after the unconfirmed submit the tab is at %s, want %s", p, returned)
	}
	s.expect(`details[data-action="submit"] .field-error`, "Vui lòng đánh dấu xác nhận")
	if got := evalJS[string](s, `document.getElementById("cm-submit").value`); got != reply {
		t.Fatalf("the reply typed is gone: %q", got)
	}
	s.do(chromedp.Click(chromedp.CSS(`details[data-action="submit"] input[name="confirm"]`)))
	s.clickNav(`details[data-action="submit"] form button[type=submit]`)
	s.expect(".badge", "Đã gửi")
	s.expect(".timeline", reply)
	s.expect(".timeline", "Triệu Thị Mẫu (xã Mẫu Sơn)")
	if strings.Contains(s.text(".timeline"), "· xa.mauson") {
		t.Fatal("the timeline names the officer by login")
	}
	s.logout()

	// The province approves without a decision number: back on the dossier's page, not at
	// the POST-only URL, with what it typed and the message.
	s.desktop()
	s.login("tinh")
	endorsed := s.openByTitle("endorsed", "Vườn hồng không hạt của bà Lý Thị Mai")
	s.act("approve", "Đủ điều kiện công nhận",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('details[data-action="approve"] input[name="decision_date"]').value = "2025-12-10"`),
		chromedp.SendKeys(chromedp.CSS(`details[data-action="approve"] input[name="decision_signer"]`), "Đoàn Thu Hà"))
	if p := s.currentPath(); p != endorsed {
		t.Fatalf("after the failed approve the tab is at %s, want %s", p, endorsed)
	}
	s.expect(".flash", "Vui lòng sửa các mục")
	s.expect(`details[data-action="approve"] .field-error`, "Vui lòng nhập số quyết định")
	for sel, want := range map[string]string{`input[name="decision_signer"]`: "Đoàn Thu Hà", `input[name="decision_date"]`: "2025-12-10", `textarea[name="comment"]`: "Đủ điều kiện công nhận"} {
		if got := evalJS[string](s, `document.querySelector('details[data-action="approve"] `+sel+`').value`); got != want {
			t.Errorf("%s holds %q after the failed approve, want %q", sel, got, want)
		}
	}
	s.shot("desktop-failed-approve")
	// Reloading shows the page again (no 405 at a POST-only URL).
	s.do(chromedp.Reload())
	s.expect("h1", "Vườn hồng không hạt của bà Lý Thị Mai")
	s.expect(".badge", "Đã đề nghị công nhận")

	// An approved dossier: its decision on top; revocation is secondary and confirmed.
	s.openByTitle("approved", "Vườn lê của ông Hoàng Văn Páo")
	s.expect("#decision", "1874/QĐ-UBND")
	s.expect("#decision", "02/11/2022")
	s.expect("#decision", "Hồ Tiến Thiệu")
	s.shot("desktop-approved-decision")
	if above := evalJS[bool](s, `document.getElementById("decision").getBoundingClientRect().top < document.getElementById("act-h").getBoundingClientRect().top`); !above {
		t.Fatal("the decision is not above the actions")
	}
	if red := evalJS[int](s, `document.querySelectorAll("summary.button.danger, main > .actions .actions-row .danger").length`); red != 0 {
		t.Fatalf("%d red buttons on the approved dossier", red)
	}
	s.act("revoke", "Vườn không còn duy trì các tiêu chí.")
	s.expect(`details[data-action="revoke"] .field-error`, "Vui lòng đánh dấu xác nhận thu hồi")
	s.expect(".badge", "Đã công nhận")
	s.do(chromedp.Click(chromedp.CSS(`details[data-action="revoke"] input[name="confirm"]`)))
	s.clickNav(`details[data-action="revoke"] form button[type=submit]`)
	s.expect(".badge", "Đã thu hồi")
	s.expect("#return-reason", "Vườn không còn duy trì các tiêu chí.")
}
