package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/numparse"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// uxEval evaluates js in the page and decodes its JSON-able result into T.
func uxEval[T any](s *session, js string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// uxAttr is an attribute of the element with id ("" when absent).
func uxAttr(s *session, id, name string) string {
	s.t.Helper()
	return uxEval[string](s, `(function(){var e=document.getElementById(`+quoteJS(id)+`); return e ? (e.getAttribute(`+quoteJS(name)+`) || "") : "<no element>"})()`)
}

// uxShot saves a screenshot of one element when screenshots were asked for.
func uxShot(s *session, name, sel string) {
	s.t.Helper()
	if s.shots == "" {
		return
	}
	png, err := chromedp.Run(s.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(s.shots, name+".png"), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func quoteJS(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestNumbersAndScoreInTheBrowser (issue 15): numbers typed the Vietnamese way are read
// as the server reads them and stored as typed; unreadable or out-of-range numbers are
// flagged as the official types; the live score names what fails; a refused save shows
// a summary that takes focus and links to the fields.
func TestNumbersAndScoreInTheBrowser(t *testing.T) {
	ctx := browser(t)
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemo(context.Background(), a.Services, &out); err != nil {
		t.Fatalf("seed --demo: %v\n%s", err, out.String())
	}
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}
	s.desktop()
	s.login("xa.haiyen")
	s.do(chromedp.Navigate(a.URL + "/nominations/new?type=model_garden"))
	s.expect("h1", "Vườn mẫu")

	// The live score reads numbers exactly as the server does.
	for _, ex := range numparse.Examples {
		got := uxEval[*float64](s, `(function(){var v = window.ntmflow.parseNumber(`+quoteJS(ex.In)+`); return isNaN(v) ? null : v})()`)
		if ex.OK != (got != nil) || (got != nil && *got != ex.Out) {
			t.Errorf("app.js reads %q as %v; the server as %v (ok %v)", ex.In, got, ex.Out, ex.OK)
		}
	}
	if n := uxEval[int](s, `document.querySelectorAll("form[data-score-form] input[type=number]").length`); n != 0 {
		t.Errorf("%d number inputs are type=number (which drops “350,5”)", n)
	}
	if !uxEval[bool](s, `document.querySelector("form[data-score-form]").noValidate`) {
		t.Error("the form is not novalidate")
	}

	s.do(
		chromedp.SendKeys(chromedp.ID("title"), "Vườn bưởi của bà Lý Thị Mai"),
		chromedp.SendKeys(chromedp.ID("s-owner_name"), "Lý Thị Mai"),
		chromedp.SendKeys(chromedp.ID("s-village"), "Thôn Nà Pàn"),
		chromedp.SendKeys(chromedp.ID("s-area_m2"), "1.250,5"),
		chromedp.SendKeys(chromedp.ID("s-main_crops"), "Bưởi Diễn"),
		chromedp.SendKeys(chromedp.ID("s-annual_income_vnd"), "185.000.000"),
	)
	// The garden's area is asked once: G1.1 shows the general-info area, read-only.
	if v := uxEval[string](s, `document.getElementById("a-G1.1").value`); v != "1.250,5" || uxAttr(s, "a-G1.1", "readonly") == "<no element>" {
		t.Errorf("G1.1 shows %q", v)
	}
	for _, code := range []string{"G1.2", "G2.1", "G2.2", "G4.2"} { // G3.1, required, not yet
		s.do(chromedp.Click(chromedp.CSS(`input[name="a.` + code + `"][value="yes"]`)))
	}
	s.do(
		chromedp.SendKeys(byID("a-G3.2"), "350,5"),
		chromedp.SendKeys(byID("a-G4.1"), "8x5"),
		chromedp.SendKeys(byID("a-G5.1"), "5"),
		chromedp.SendKeys(byID("a-G5.2"), "7"),
	)
	// Unreadable and out-of-range values are flagged as typed.
	if uxAttr(s, "a-G4.1", "aria-invalid") != "true" {
		t.Error("an unreadable number is not marked aria-invalid")
	}
	s.expect(`[id="a-G4.1-live"]`, "Không đọc được số")
	if uxAttr(s, "a-G5.2", "aria-invalid") != "true" || !strings.Contains(uxAttr(s, "a-G5.2", "aria-describedby"), "a-G5.2-live") {
		t.Error("7 in a 0–5 field is not flagged")
	}
	s.expect(`[id="a-G5.2-live"]`, "từ 0 đến 5")
	if uxAttr(s, "a-G3.2", "aria-invalid") != "" {
		t.Error("350,5 is flagged")
	}
	// The live score names the required criterion not met and the points missing.
	s.expect("[data-score-verdict]", "Chưa đạt — G3.1 chưa đạt")
	s.expect("[data-score-reasons]", "Tiêu chí bắt buộc chưa đạt")
	s.expect("[data-score-reasons] li", "G3.1")
	s.expect("[data-score-reasons] li", "an toàn thực phẩm")
	s.expect("[data-score-reasons]", "Còn thiếu")
	s.expect("#score-warning", "chưa đạt")
	if got := s.text("[data-score-reasons]"); strings.Contains(got, "G1.2") {
		t.Errorf("the reasons name a criterion that is met: %q", got)
	}
	s.shot("desktop-form-live-errors")
	uxShot(s, "desktop-form-score-box", "[data-score-box]")
	uxShot(s, "desktop-form-score-reasons", "[data-score-reasons]")
	uxShot(s, "desktop-form-flagged-score", `[data-criterion][data-code="G5.2"]`)

	// Saved as is, the server refuses; the summary takes focus and links to each field.
	s.clickNav(`form[data-score-form] button[type=submit]`)
	s.expect("[data-error-summary]", "Vui lòng sửa các mục được đánh dấu")
	if id := uxEval[string](s, `document.activeElement ? document.activeElement.id : ""`); id != "error-summary" {
		t.Errorf("focus is on %q, not the error summary", id)
	}
	links := uxEval[[]string](s, `Array.from(document.querySelectorAll("[data-error-summary] a")).map(function(a){return a.getAttribute("href")})`)
	for _, want := range []string{"#a-G4.1", "#a-G5.2"} {
		if !strings.Contains(strings.Join(links, " "), want) {
			t.Errorf("summary links %v lack %s", links, want)
		}
	}
	for _, href := range links {
		if !uxEval[bool](s, `!!document.getElementById(`+quoteJS(strings.TrimPrefix(href, "#"))+`)`) {
			t.Errorf("summary link %s has no target", href)
		}
	}
	s.expect("[data-error-summary]", "Không đọc được số “8x5”")
	s.do(chromedp.Click(chromedp.CSS(`[data-error-summary] a[href="#a-G4.1"]`)))
	if id := uxEval[string](s, `document.activeElement.id`); id != "a-G4.1" {
		t.Errorf("the summary link moved focus to %q", id)
	}
	// What was typed is kept.
	if v := uxEval[string](s, `document.getElementById("s-area_m2").value + "|" + document.getElementById("a-G3.2").value`); v != "1.250,5|350,5" {
		t.Errorf("kept values %q", v)
	}
	s.shot("desktop-form-error-summary")

	// Fixed and saved: stored as the numbers typed.
	s.setValue("a-G4.1", "85")
	s.setValue("a-G5.2", "4,5")
	s.do(chromedp.Click(chromedp.CSS(`input[name="a.G3.1"][value="yes"]`)))
	if uxAttr(s, "a-G4.1", "aria-invalid") != "" || uxAttr(s, "a-G5.2", "aria-invalid") != "" {
		t.Error("fixed fields are still flagged")
	}
	s.expect("[data-score-verdict]", "Đạt")
	if got := s.text("[data-score-reasons]"); strings.TrimSpace(got) != "" {
		t.Errorf("a passing score still gives reasons: %q", got)
	}
	s.clickNav(`form[data-score-form] button[type=submit]`)
	s.expect(".flash", "Đã tạo hồ sơ")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(strings.Split(loc, "#")[0], a.URL+"/nominations/")
	res := a.Do(t, "GET", "/api/v1/nominations/"+id, a.Login(t, "xa.haiyen").Token, nil)
	var n struct {
		Subject    map[string]any `json:"subject"`
		Assessment []struct {
			Criterion string `json:"criterion"`
			Value     any    `json:"value"`
		} `json:"assessment"`
	}
	res.JSON(t, &n)
	values := map[string]any{}
	for _, it := range n.Assessment {
		values[it.Criterion] = it.Value
	}
	if n.Subject["area_m2"] != 1250.5 || n.Subject["annual_income_vnd"] != 185000000.0 {
		t.Errorf("stored subject %v", n.Subject)
	}
	for code, want := range map[string]float64{"G1.1": 1250.5, "G3.2": 350.5, "G4.1": 85, "G5.2": 4.5} {
		if values[code] != want {
			t.Errorf("stored %s = %v, want %v", code, values[code], want)
		}
	}
}
