package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// navEval evaluates a JavaScript expression of the current page.
func navEval[T any](s *session, js string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// navSubmit runs js, which leaves the page (a form's submit), and waits for the next page.
func navSubmit(s *session, js string) {
	s.t.Helper()
	navEval[bool](s, `document.body.dataset.leaving = "1"; true`)
	navEval[bool](s, js)
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!document.body && !document.body.dataset.leaving`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no new page after %s: %v", js, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// navLocation is the current page's path and query.
func navLocation(s *session) string {
	return navEval[string](s, `location.pathname + location.search`)
}

// TestLanguageSwitchKeepsWorkInTheBrowser: on the demo, a commune officer half-fills the
// residential-area form and switches to English: still the residential-area form, the URL
// keeps its query and the typed values are still there. The province's dashboard opens on
// a year with data and says reached / not reached for an ended year; after choosing a
// year and drilling down, the switch keeps the year and the unit.
func TestLanguageSwitchKeepsWorkInTheBrowser(t *testing.T) {
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemo(context.Background(), a.Services, &out); err != nil {
		t.Fatalf("seed --demo: %v\n%s", err, out.String())
	}
	var camp struct{ ID int64 }
	if err := a.Store.DB(context.Background()).Table("campaigns").Select("id").Where("name = ?", app.DemoCampaignName).Scan(&camp).Error; err != nil || camp.ID == 0 {
		t.Fatalf("demo campaign: %v", err)
	}
	ctx := browser(t)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}

	// A half-filled residential-area form survives the switch.
	s.phone()
	s.login("xa.haiyen")
	const form = "/nominations/new?type=model_residential_area"
	s.do(chromedp.Navigate(a.URL+form), chromedp.WaitVisible(chromedp.ID("title")))
	const title = "Khu dân cư thôn Pò Mã đang soạn"
	s.do(chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SendKeys(byID("a-R1.1"), "1,5"))
	s.clickNav(`form.lang button`)
	if got := navLocation(s); got != form {
		t.Fatalf("after the switch the page is %q, want %q", got, form)
	}
	if lang := navEval[string](s, `document.documentElement.lang`); lang != "en" {
		t.Fatalf("page language after the switch = %q", lang)
	}
	if typ := navEval[string](s, `(document.querySelector('form [name="type"]') || {}).value || ""`); typ != "model_residential_area" {
		t.Fatalf("the form after the switch is for %q", typ)
	}
	if v := navEval[string](s, `document.getElementById("title").value`); v != title {
		t.Fatalf("typed title after the switch = %q", v)
	}
	if v := navEval[string](s, `document.getElementById("a-R1.1").value`); v != "1,5" {
		t.Fatalf("typed value after the switch = %q", v)
	}
	// Restored once: a later visit starts empty, nothing left behind in the session.
	if n := navEval[int](s, `Object.keys(sessionStorage).filter(k => k.indexOf("ntmflow.lang-keep:") === 0).length`); n != 0 {
		t.Fatalf("%d saved forms left in sessionStorage", n)
	}
	s.shot("phone-form-after-switch")
	s.clickNav(`form.lang button`) // back to Vietnamese for the next steps of this account
	s.logout()

	// The dashboard opens on a year with data (recognitions or dossiers in progress).
	s.desktop()
	s.login("tinh")
	s.do(chromedp.Navigate(fmt.Sprintf("%s/campaigns/%d", a.URL, camp.ID)), chromedp.WaitVisible(chromedp.ID("d-year")))
	if !navEval[bool](s, `[...document.querySelectorAll("#table-h ~ .table-wrap td")].some(td => /^[1-9][0-9]*$/.test(td.textContent.trim()))`) {
		t.Fatalf("the dashboard opens on year %s, without data", navEval[string](s, `document.getElementById("d-year").value`))
	}
	s.expect("#dash-notation", "2 +3 / 2+")

	// Choose 2022, an ended year with targets: reached / not reached, never on track.
	navSubmit(s, `var y = document.getElementById("d-year"); y.value = "2022"; y.form.submit(); true`)
	s.expect("#dash-closed", "Đạt hoặc Không đạt")
	if n := navEval[int](s, `document.querySelectorAll(".st-on_track").length`); n != 0 {
		t.Fatalf("an ended year shows %d on-track pills", n)
	}
	if n := navEval[int](s, `[...document.querySelectorAll("#table-h ~ .table-wrap .st")].filter(e => e.textContent === "Không đạt" || e.textContent === "Đạt").length`); n == 0 {
		t.Fatalf("the table does not say reached / not reached: %s", navEval[string](s, `[...document.querySelectorAll("#table-h ~ .table-wrap .st")].map(e => e.textContent).join("|")`))
	}
	// A pill stays on one line in the phone's table.
	s.phone()
	if h := navEval[float64](s, `Math.max(...[...document.querySelectorAll("#table-h ~ .table-wrap .st")].map(e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).fontSize)))`); h > 2.2 {
		t.Fatalf("a state pill wraps on the phone (%.1f em high)", h)
	}
	s.desktop()

	// Drill down into Cao Lộc, switch: the same year and unit.
	s.clickNav(`.chart-row h3 a[href*="unit=183"]`)
	before := navLocation(s)
	if !strings.Contains(before, "year=2022") || !strings.Contains(before, "unit=183") {
		t.Fatalf("drill-down at %q", before)
	}
	s.clickNav(`form.lang button`)
	after := navLocation(s)
	if !strings.Contains(after, "year=2022") || !strings.Contains(after, "unit=183") {
		t.Fatalf("after the switch the dashboard is %q, was %q", after, before)
	}
	if y := navEval[string](s, `document.getElementById("d-year").value`); y != "2022" {
		t.Fatalf("year after the switch = %q", y)
	}
	s.expect("p.lead", "Cao Lộc")
	s.expect("#dash-closed", "reached")
	s.shot("desktop-dashboard-after-switch")
}
