package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// browser starts headless Chromium for the test. Without Chromium the test is skipped
// with a clear message, except in CI, where it fails.
func browser(t *testing.T) context.Context {
	t.Helper()
	if testkit.Backend() == "postgres" {
		t.Skip("browser tests run once, in the SQLite pass; the PostgreSQL pass covers storage")
	}
	path := os.Getenv("CHROMIUM")
	if path == "" {
		for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if found, err := exec.LookPath(p); err == nil {
				path = found
				break
			}
		}
	}
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is required in CI (apt-get install -y chromium); .ci/run installs it")
		}
		t.Skip("Chromium not found: install it (apt-get install -y chromium) to run the browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "vi-VN"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// session is one browser tab on the test server.
type session struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string // directory for screenshots, "" for none
	size  [2]int64
}

func (s *session) do(steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		s.t.Fatalf("browser: %v", err)
	}
}

func (s *session) text(sel string) string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

func (s *session) body() string { return s.text("body") }

func (s *session) expect(sel, want string) {
	s.t.Helper()
	if got := s.text(sel); !strings.Contains(got, want) {
		s.t.Fatalf("%s shows %q, want it to contain %q", sel, got, want)
	}
}

// clickNav clicks something that loads a new page and waits for that page: the old
// document is marked first, so a leftover element of it cannot satisfy the wait.
func (s *session) clickNav(sel chromedp.CSS) {
	s.t.Helper()
	_, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`document.body.dataset.leaving = "1"; true`))
	if err != nil {
		s.t.Fatalf("mark page: %v", err)
	}
	s.do(chromedp.Click(sel))
	deadline := time.Now().Add(20 * time.Second)
	for {
		// Evaluating fails while the page is being replaced; try again until the new one
		// has loaded.
		ok, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!document.body && !document.body.dataset.leaving`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(s.ctx, chromedp.Location())
			html, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("input,textarea,select")).filter(e => !e.checkValidity()).map(e => e.name + ":" + e.validationMessage + ":" + e.value).join("; ")`))
			s.t.Fatalf("no new page after clicking %s (last error: %v) at %s: %s", sel, err, loc, html)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setValue sets an input's value directly (dates, clearing a field).
func (s *session) setValue(id, value string) {
	s.t.Helper()
	js := fmt.Sprintf(`(function(){var e=document.getElementById(%q); e.value=%q; e.dispatchEvent(new Event("input",{bubbles:true})); return true})()`, id, value)
	if _, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](js)); err != nil {
		s.t.Fatalf("set %s: %v", id, err)
	}
}

func (s *session) phone()   { s.size = [2]int64{390, 844}; s.do(chromedp.EmulateViewport(390, 844)) }
func (s *session) desktop() { s.size = [2]int64{1280, 900}; s.do(chromedp.EmulateViewport(1280, 900)) }

// shot saves a screenshot of the viewport when screenshots were asked for.
func (s *session) shot(name string) {
	if s.shots == "" {
		return
	}
	// The visible viewport only: a full-page capture re-lays the page out and can swallow
	// the next click.
	if _, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0); true`)); err != nil {
		s.t.Fatal(err)
	}
	png, err := chromedp.Run(s.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(s.shots, name+".png"), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *session) login(user string) {
	s.t.Helper()
	s.do(chromedp.Navigate(s.base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), app.DemoPassword))
	s.clickNav("main form button[type=submit]")
	s.do(chromedp.WaitVisible(chromedp.CSS("details.menu")))
}

func (s *session) logout() {
	s.t.Helper()
	s.do(chromedp.Click(chromedp.CSS("details.menu summary")))
	s.clickNav("details.menu nav form button")
	s.do(chromedp.WaitVisible(chromedp.ID("username")))
}

// act opens an action on the nomination page and confirms it, with a comment when given.
func (s *session) act(action, comment string, extra ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	details := fmt.Sprintf(`details[data-action="%s"]`, action)
	form := details + " form"
	s.do(chromedp.Click(chromedp.CSS(details+" > summary")), chromedp.WaitVisible(chromedp.CSS(form+" button")))
	if comment != "" {
		s.do(chromedp.SendKeys(chromedp.CSS(form+" textarea"), comment))
	}
	s.do(extra...)
	s.clickNav(chromedp.CSS(form + " button[type=submit]"))
}

// byID selects by id when the id holds dots (criterion codes such as G1.1).
func byID(id string) chromedp.CSS { return chromedp.CSS(`[id="` + id + `"]`) }

func writeFixtures(t *testing.T) (photo, pdf string) {
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for x := range 320 {
		for y := range 240 {
			img.Set(x, y, color.RGBA{R: uint8(60 + x/4), G: uint8(140 + y/4), B: 70, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo = filepath.Join(dir, "ảnh-vườn-cam.png")
	pdf = filepath.Join(dir, "biên-bản-họp-thôn.pdf")
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return photo, pdf
}

// TestWholeStoryInTheBrowser: the commune creates a garden nomination with a photo and
// submits it; the district returns it; the commune edits and resubmits; the district
// scores and endorses; the province approves; the recognition appears.
func TestWholeStoryInTheBrowser(t *testing.T) {
	ctx := browser(t)
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}
	photo, pdf := writeFixtures(t)

	// The commune officer, on a phone, in Vietnamese.
	s.phone()
	s.do(chromedp.Navigate(a.URL + "/"))
	s.expect("h1", "Đăng nhập")
	s.shot("phone-login")
	s.login("xa.haiyen")
	s.expect("h1", "Xin chào")
	s.clickNav(`a[href="/nominations/new?type=model_garden"]`)
	s.expect("h1", "Vườn mẫu")
	s.do(
		chromedp.SendKeys(chromedp.ID("title"), "Vườn cam của ông Hoàng Văn Thắng"),
		chromedp.SendKeys(chromedp.ID("s-owner_name"), "Hoàng Văn Thắng"),
		chromedp.SendKeys(chromedp.ID("s-village"), "Thôn Pắc Cáp"),
		chromedp.SendKeys(chromedp.ID("s-area_m2"), "2400"),
		chromedp.SendKeys(chromedp.ID("s-main_crops"), "Cam Đường canh"),
		chromedp.SendKeys(chromedp.ID("s-annual_income_vnd"), "185000000"),
	)
	for _, code := range []string{"G1.2", "G2.1", "G2.2", "G3.1", "G4.2"} {
		s.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="a.%s"][value="yes"]`, code))))
	}
	s.do(
		chromedp.SendKeys(byID("a-G1.1"), "300"), // exactly the threshold: met
		chromedp.SendKeys(byID("a-G3.2"), "80"),
		chromedp.SendKeys(byID("a-G4.1"), "85"),
		chromedp.SendKeys(byID("a-G5.1"), "5"),
		chromedp.SendKeys(byID("a-G5.2"), "4"),
	)
	// The score updates as the officer types (progressive enhancement).
	s.expect("[data-score-total]", "99")
	s.expect("[data-score-verdict]", "Đạt")
	s.shot("phone-nomination-form")
	s.clickNav(`form[data-score-form] button[type=submit]`)
	s.expect(".flash", "Đã tạo hồ sơ")
	s.expect("h1", "Vườn cam của ông Hoàng Văn Thắng")
	s.expect(".badge", "Bản nháp")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	nominationURL := strings.Split(loc, "#")[0]

	// Evidence: the camera control opens the phone camera for photos (the file picker,
	// which takes PDF too, does not: ux_evidence_test.go).
	capture, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("file-camera"), "capture"))
	if err != nil || capture.Value != "environment" {
		t.Fatalf("file input capture = %+v, %v", capture, err)
	}
	for _, up := range []struct{ kind, file string }{{"photo", photo}, {"minutes", pdf}} {
		s.setValue("kind", up.kind)
		s.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{up.file}))
		s.clickNav("form.upload-file button")
		s.expect(".flash", "Đã tải tệp lên")
	}
	s.expect(".gallery", "ảnh-vườn-cam.png")
	s.expect(".gallery", "biên-bản-họp-thôn.pdf")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".gallery img").length`)); err != nil || n != 1 {
		t.Fatalf("thumbnails = %d, %v", n, err)
	}
	s.act("submit", "")
	s.expect(".badge", "Đã gửi")
	s.shot("phone-nomination-detail")
	s.logout()

	// The district returns it with a comment (desktop).
	s.desktop()
	s.login("caoloc")
	s.expect("main", "Chờ thẩm định")
	s.expect("main", "Vườn cam của ông Hoàng Văn Thắng")
	s.shot("desktop-district-home")
	s.do(chromedp.Navigate(nominationURL))
	s.act("start_review", "")
	s.act("return", "Đề nghị bổ sung ảnh hàng rào xanh")
	s.expect(".badge", "Trả về bổ sung")
	s.logout()

	// The commune edits and resubmits.
	s.phone()
	s.login("xa.haiyen")
	s.expect("main", "Đề nghị bổ sung ảnh hàng rào xanh") // the inbox shows the return
	s.do(chromedp.Navigate(nominationURL))
	s.expect(".timeline", "Đề nghị bổ sung ảnh hàng rào xanh")
	s.clickNav(`a[href$="/edit"]`)
	s.setValue("title", "")
	s.do(chromedp.SendKeys(chromedp.ID("title"), "Vườn cam Đường canh của ông Hoàng Văn Thắng"))
	s.clickNav(`form[data-score-form] button[type=submit]`)
	s.expect(".flash", "Đã lưu")
	s.expect("h1", "Vườn cam Đường canh")
	s.act("submit", "")
	s.logout()

	// The district scores and endorses.
	s.desktop()
	s.login("caoloc")
	s.do(chromedp.Navigate(nominationURL))
	s.act("start_review", "")
	s.clickNav(`a[href$="/review"]`)
	s.setValue("visited_on", "2022-08-20")
	s.setValue("sc-G5.2", "")
	s.do(chromedp.SendKeys(byID("sc-G5.2"), "5"),
		chromedp.SendKeys(chromedp.ID("summary"), "Vườn đạt các tiêu chí, cảnh quan đẹp."))
	s.expect("[data-score-total]", "100")
	s.shot("desktop-review-form")
	s.clickNav(`form[data-review] button[type=submit]`)
	s.expect(".flash", "Đã lưu kết quả thẩm định")
	s.expect(".scoreline", "100/100")
	s.act("endorse", "")
	s.expect(".badge", "Đã đề nghị công nhận")
	s.logout()

	// The province approves with a decision.
	s.login("tinh")
	s.expect("main", "Chờ tỉnh phê duyệt")
	s.do(chromedp.Navigate(nominationURL))
	s.act("approve", "", chromedp.SendKeys(chromedp.CSS(`input[name="decision_number"]`), "1520/QĐ-UBND"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="decision_date"]').value = "2022-09-15"`),
		chromedp.SendKeys(chromedp.CSS(`input[name="decision_signer"]`), "Hồ Tiến Thiệu"))
	s.expect(".badge", "Đã công nhận")
	s.shot("desktop-nomination-approved")
	s.do(chromedp.Navigate(a.URL + "/recognitions"))
	s.expect("main", "1520/QĐ-UBND")
	s.expect("main", "15/09/2022")
	s.shot("desktop-recognitions")
	s.logout()

	// Another commune's officer cannot open it.
	s.login("xa.mauson")
	s.do(chromedp.Navigate(nominationURL))
	s.expect("h1", "Không tìm thấy")
	if strings.Contains(s.body(), "Hoàng Văn Thắng") {
		t.Fatal("the 404 page leaks the nomination")
	}
}

// TestLanguageSwitchIsRemembered: English can be chosen and stays chosen for the user.
func TestLanguageSwitchIsRemembered(t *testing.T) {
	ctx := browser(t)
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}
	s.desktop()
	s.login("tinh")
	s.expect("h1", "Xin chào")
	s.clickNav(`form.lang button`)
	s.expect("h1", "Hello")
	if strings.Contains(s.body(), "Đăng xuất") {
		t.Fatal("English page still shows Vietnamese interface text")
	}
	s.logout()
	s.login("tinh")
	s.expect("h1", "Hello") // remembered on the account
	s.do(chromedp.Navigate(a.URL + "/nominations"))
	s.expect("h1", "Nominations")
	s.clickNav(`form.lang button`)
	s.expect("h1", "Hồ sơ đề nghị")
}

// TestDashboardInTheBrowser: the province opens the campaign dashboard on a phone and
// drills down into a district; the certificate and the public page open from the
// recognitions list.
func TestDashboardInTheBrowser(t *testing.T) {
	ctx := browser(t)
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	campaignID := testkit.SeedCampaignWithRecognition(t, a)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}
	s.phone()
	s.login("tinh")
	// The home page's progress button opens the campaign's dashboard (the latest campaign).
	s.clickNav(`#home-dashboard`)
	if loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil || loc != fmt.Sprintf("/campaigns/%d", campaignID) {
		t.Fatalf("the progress button opened %q (%v)", loc, err)
	}
	s.do(chromedp.Navigate(fmt.Sprintf("%s/campaigns/%d?year=2022", a.URL, campaignID)))
	s.expect("main", "Huyện Cao Lộc")
	s.expect("main", "Đạt")
	s.expect("main", "Chậm tiến độ")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".chart-row svg").length`)); err != nil || n != 22 {
		t.Fatalf("bars = %d, %v; want 2 per district", n, err)
	}
	s.shot("phone-dashboard")
	s.desktop()
	s.shot("desktop-dashboard")
	s.clickNav(`.chart-row h3 a[href$="unit=183"]`)
	s.expect("main", "Xã Hải Yến")
	s.logout()
	// Signed out, the public registry lists the recognition and its page says it is valid.
	s.do(chromedp.Navigate(a.URL + "/public/recognitions"))
	s.expect("main", "Vườn cam Đường canh của ông Hoàng Văn Thắng")
	s.expect("main", "0601/QĐ-UBND")
	if strings.Contains(s.body(), "1520/QĐ-UBND") {
		t.Fatal("the public list shows an expired recognition")
	}
	s.clickNav(`.cards a.card-link`)
	s.expect(".verdict", "Còn hiệu lực")
	s.shot("desktop-public-recognition")
}

// TestMovementInTheBrowser: a commune officer ticks the commune's NTM criteria on a phone
// and saves them; the district reviewer, on a phone too, sees the communes' grid (scrolling
// sideways with the names kept in view) and confirms two communes at once; the province's
// dashboard shows the new average.
func TestMovementInTheBrowser(t *testing.T) {
	ctx := browser(t)
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	campaignID := testkit.SeedCampaignWithRecognition(t, a)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}

	// Hải Yến ticks 15 of the 19 criteria, on a phone, for the latest year (2025).
	s.phone()
	s.login("xa.haiyen")
	s.clickNav(`.mv-home a[href="/units/06220/criteria-status"]`)
	s.expect("h1", "Tiêu chí NTM của Xã Hải Yến")
	s.expect(".status-line", "Chưa báo cáo")
	s.expect("[data-met-count]", "0")
	for i := 1; i <= 15; i++ {
		s.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="met"][value="%d"]`, i))))
	}
	// The count follows the ticks as they are made.
	s.expect(".tick-count", "15/19")
	// Each criterion is a big touch target.
	if h, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("label.tick").getBoundingClientRect().height`)); err != nil || h < 44 {
		t.Fatalf("criterion row height = %v, %v; want a touch target of at least 44 px", h, err)
	}
	s.shot("phone-criteria-ticks")
	s.clickNav(`form[data-tick-form] button[type=submit]`)
	s.expect(".flash", "Đã lưu kết quả tiêu chí của xã")
	s.expect(".status-line", "Xã đã báo cáo")
	s.expect(".status-line", "Phiên bản 1")
	s.expect(".tick-count", "15/19")
	s.logout()

	// Mẫu Sơn reports all 19 through its own form.
	s.login("xa.mauson")
	s.do(chromedp.Navigate(a.URL + "/units/06238/criteria-status"))
	for i := 1; i <= 19; i++ {
		s.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="met"][value="%d"]`, i))))
	}
	s.clickNav(`form[data-tick-form] button[type=submit]`)
	s.expect(".status-line", "Xã đã báo cáo")
	s.logout()

	// The district reviewer sees the grid on the phone and confirms both in one go.
	s.login("caoloc")
	s.clickNav(`.mv-home a[href="/units/183/criteria-status"]`)
	s.expect("h1", "Huyện Cao Lộc")
	s.expect(".crit-grid", "Xã Hải Yến")
	s.expect(".crit-grid", "Xã Mẫu Sơn")
	scrolls, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var w=document.querySelector(".grid-wrap"); return w.scrollWidth > w.clientWidth})()`))
	if err != nil || !scrolls {
		t.Fatalf("the grid does not scroll sideways on a phone: %v, %v", scrolls, err)
	}
	// Scrolled to the right, the commune's name stays in view.
	left, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(function(){var w=document.querySelector(".grid-wrap"); w.scrollLeft = 400;
		var th=document.querySelector('tr[data-unit="06220"] th.sticky'); return th.getBoundingClientRect().left - w.getBoundingClientRect().left})()`))
	if err != nil || left < -1 || left > 2 {
		t.Fatalf("the commune column moved %v px when scrolled (%v); want it kept at the left", left, err)
	}
	s.shot("phone-district-grid")
	s.do(chromedp.Click(chromedp.ID("pick-06220")), chromedp.Click(chromedp.ID("pick-06238")))
	s.clickNav(`form.grid-form button[type=submit]`)
	s.expect(".flash", "Đã xác nhận các xã đã chọn")
	s.expect(`tr[data-unit="06220"]`, "Đã xác nhận")
	s.expect(`tr[data-unit="06238"]`, "Đã xác nhận")
	s.expect(".mv-tiles", "2 đã báo cáo, 2 đã xác nhận")
	s.logout()

	// The province's dashboard: (15 + 19) criteria over Lạng Sơn's 175 Xã.
	s.desktop()
	s.login("tinh")
	s.do(chromedp.Navigate(fmt.Sprintf("%s/campaigns/%d?year=2025", a.URL, campaignID)))
	s.expect("[data-average]", "0,19")
	s.expect(".mv-bands", "Đạt đủ 19 tiêu chí")
	s.shot("desktop-dashboard-movement")
	// The year selector offers the baseline year, and shows it at once.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var s=document.getElementById("d-year"); s.value="2021";
		s.dispatchEvent(new Event("change",{bubbles:true})); return true})()`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Reading fails while the page is being replaced; try again until the new one is in.
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!document.querySelector(".baseline-note") &&
			document.querySelector(".lead").textContent.includes("2021")`))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("choosing 2021 did not show the baseline year: %.300s", s.body())
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.expect(".baseline-note", "năm cơ sở")
}

// TestTwoTierStoryInTheBrowser: on the two-tier demo (seed --demo --two-tier), a ward's
// officer nominates a garden; the province reviewer finds it in the review queue, reviews
// and endorses it; the province approves it; the recognition names the ward and no
// district. The old district reviewer is told its role no longer applies.
func TestTwoTierStoryInTheBrowser(t *testing.T) {
	if testkit.Backend() == "postgres" {
		t.Skip("browser tests run once, in the SQLite pass; the PostgreSQL pass covers storage")
	}
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemoTwoTier(context.Background(), a.Services, &out); err != nil {
		t.Fatalf("seed --demo --two-tier: %v\n%s", err, out.String())
	}
	// The browser's time limit starts once the (large) two-tier demo is in.
	ctx := browser(t)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}
	photo, pdf := writeFixtures(t)
	const title = "Vườn rau an toàn của bà Nông Thị Thu"

	// The ward's officer, on a phone.
	s.phone()
	s.login("xa.dongkinh")
	s.expect("h1", "Xin chào")
	s.expect(".lead", "Phường Đông Kinh")
	s.clickNav(`a[href="/nominations/new?type=model_garden"]`)
	s.expect("h1", "Vườn mẫu")
	s.do(
		chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SendKeys(chromedp.ID("s-owner_name"), "Nông Thị Thu"),
		chromedp.SendKeys(chromedp.ID("s-village"), "Khối 5"),
		chromedp.SendKeys(chromedp.ID("s-area_m2"), "900"),
		chromedp.SendKeys(chromedp.ID("s-main_crops"), "Rau an toàn"),
		chromedp.SendKeys(chromedp.ID("s-annual_income_vnd"), "72000000"),
	)
	for _, code := range []string{"G1.2", "G2.1", "G2.2", "G3.1", "G4.2"} {
		s.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="a.%s"][value="yes"]`, code))))
	}
	s.do(
		chromedp.SendKeys(byID("a-G1.1"), "300"),
		chromedp.SendKeys(byID("a-G3.2"), "80"),
		chromedp.SendKeys(byID("a-G4.1"), "85"),
		chromedp.SendKeys(byID("a-G5.1"), "5"),
		chromedp.SendKeys(byID("a-G5.2"), "4"),
	)
	s.expect("[data-score-verdict]", "Đạt")
	s.clickNav(`form[data-score-form] button[type=submit]`)
	s.expect(".flash", "Đã tạo hồ sơ")
	s.expect("h1", title)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	nominationURL := strings.Split(loc, "#")[0]
	for _, up := range []struct{ kind, file string }{{"photo", photo}, {"minutes", pdf}} {
		s.setValue("kind", up.kind)
		s.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{up.file}))
		s.clickNav("form.upload-file button")
		s.expect(".flash", "Đã tải tệp lên")
	}
	s.act("submit", "")
	s.expect(".badge", "Đã gửi")
	s.shot("twotier-phone-ward-submitted")
	s.logout()

	// The province reviewer finds it in its queue on the home page and reviews it.
	s.desktop()
	s.login("thamdinh")
	s.expect(`section[aria-labelledby="queue-h"]`, title)
	s.shot("twotier-desktop-reviewer-home")
	s.clickNav(chromedp.CSS(fmt.Sprintf(`section[aria-labelledby="queue-h"] a[href="%s"]`, strings.TrimPrefix(nominationURL, a.URL))))
	s.expect("h1", title)
	s.act("start_review", "")
	s.expect(".badge", "Đang thẩm định")
	s.clickNav(`a[href$="/review"]`)
	s.expect(".lead", "Phường Đông Kinh")
	s.setValue("visited_on", "2026-03-10")
	s.setValue("sc-G5.2", "")
	s.do(chromedp.SendKeys(byID("sc-G5.2"), "5"),
		chromedp.SendKeys(chromedp.ID("summary"), "Đã thẩm định thực tế; vườn đạt các tiêu chí."))
	s.shot("twotier-desktop-review-form")
	s.clickNav(`form[data-review] button[type=submit]`)
	s.expect(".flash", "Đã lưu kết quả thẩm định")
	s.act("endorse", "") // the web form asks no comment for an endorsement
	s.expect(".badge", "đề nghị")
	s.logout()

	// The province approves with a decision.
	s.login("tinh")
	s.expect(`section[aria-labelledby="queue-h"]`, title)
	s.do(chromedp.Navigate(nominationURL))
	s.act("approve", "", chromedp.SendKeys(chromedp.CSS(`input[name="decision_number"]`), "1001/QĐ-UBND"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="decision_date"]').value = "2026-03-20"`),
		chromedp.SendKeys(chromedp.CSS(`input[name="decision_signer"]`), "Hồ Tiến Thiệu"))
	s.expect(".badge", "Đã công nhận")

	// The recognition's page names the ward as it was on the decision date, no district.
	s.clickNav(`a[href^="/public/recognitions/"]`)
	s.expect("h1", title)
	s.expect(".facts", "Phường Đông Kinh")
	s.expect(".facts", "1001/QĐ-UBND")
	if main := s.text("main"); strings.Contains(main, "Huyện") {
		t.Fatalf("the recognition of a 2026 ward garden names a district:\n%s", main)
	}
	s.shot("twotier-desktop-recognition")
	s.do(chromedp.Navigate(a.URL + "/"))
	s.logout()

	// The old district reviewer is told its role at Huyện Cao Lộc no longer applies.
	s.login("caoloc")
	s.expect(".flash-error", "Huyện Cao Lộc")
	s.expect(".flash-error", "không còn hiệu lực")
	s.expect(".flash-error", "30/06/2025")
	s.shot("twotier-desktop-lapsed-role")
}
