package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// evJS evaluates a JavaScript expression in the tab (named apart from other files' helpers).
func evJS[T any](s *session, js string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// evOpen opens, from the list of status, the nomination with title; it answers the path.
func (s *session) evOpen(status, title string) string {
	s.t.Helper()
	s.do(chromedp.Navigate(s.base + "/nominations?status=" + status + "&q=" + url.QueryEscape(title)))
	href := evJS[string](s, fmt.Sprintf(`(() => { const a = Array.from(document.querySelectorAll('main a[href^="/nominations/"]')).find(a => a.textContent.includes(%q)); return a ? a.getAttribute("href") : "" })()`, title))
	if href == "" {
		s.t.Fatalf("no nomination %q among the %s ones", title, status)
	}
	path := strings.Split(href, "?")[0]
	s.do(chromedp.Navigate(s.base + path))
	s.expect("h1", title)
	return path
}

// evBox is the rendered size of the first element matching sel.
func (s *session) evBox(sel string) (w, h float64) {
	s.t.Helper()
	r := evJS[[]float64](s, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return [r.width, r.height] })()`, sel))
	return r[0], r[1]
}

// evAPI calls the JSON API as user and decodes the answer into out (when not nil).
func evAPI(t *testing.T, a *testkit.App, tokens map[string]string, user, method, path string, body, out any, headers ...string) {
	t.Helper()
	if tokens[user] == "" {
		tokens[user] = a.Login(t, user).Token
	}
	res := a.Do(t, method, path, tokens[user], body, headers...)
	if res.Status >= 300 {
		t.Fatalf("%s %s as %s: %d %s", method, path, user, res.Status, res.Body)
	}
	if out != nil {
		res.JSON(t, out)
	}
}

// TestEvidenceAndSecondReviewInTheBrowser: on a phone, Mẫu Sơn's officer finds a camera
// and a file picker on a returned dossier, sees a refused upload's message beside them,
// uploads minutes, deletes them only after confirming with full-size buttons, and reads
// both in the timeline; then Cao Lộc's second review of a reviewed-then-returned dossier
// opens pre-filled from the first and says so.
func TestEvidenceAndSecondReviewInTheBrowser(t *testing.T) {
	if testkit.Backend() == "postgres" {
		t.Skip("browser tests run once, in the SQLite pass; the PostgreSQL pass covers storage")
	}
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemo(context.Background(), a.Services, &out); err != nil {
		t.Fatalf("seed --demo: %v\n%s", err, out.String())
	}
	ctx := browser(t)
	s := &session{t: t, ctx: ctx, base: a.URL, shots: os.Getenv("NTMFLOW_SCREENSHOTS")}
	_, pdf := writeFixtures(t)
	fake := filepath.Join(t.TempDir(), "bien-ban-gia.pdf")
	if err := os.WriteFile(fake, []byte("Đây là văn bản thường, không phải PDF.\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	s.phone()
	s.login("xa.mauson")
	// The to-do list says why the returned dossier came back.
	s.expect("main", "Lý do trả về: Đề nghị bổ sung biên bản họp thôn")
	s.evOpen("returned", "Vườn chè của bà Đặng Thị Lan")
	s.expect("#evidence", "Chụp ảnh")
	s.expect("#evidence", "Chọn tệp")
	if c := evJS[string](s, `document.getElementById("file-camera").getAttribute("capture") + " " + document.getElementById("file-camera").accept`); c != "environment image/*" {
		t.Errorf("camera control: %q", c)
	}
	if evJS[bool](s, `document.getElementById("file").hasAttribute("capture")`) || !strings.Contains(evJS[string](s, `document.getElementById("file").accept`), "application/pdf") {
		t.Error("the file picker opens the camera or refuses PDF")
	}

	// A text file named .pdf: refused by its content, the message beside the upload.
	s.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{fake}))
	s.clickNav("form.upload-file button[type=submit]")
	s.expect(`#evidence [role="alert"]`, "Chỉ chấp nhận ảnh JPEG, PNG, WebP hoặc tệp PDF")
	if v := evJS[string](s, `document.getElementById("file").getAttribute("aria-invalid") + " " + document.getElementById("file").getAttribute("aria-describedby")`); !strings.HasPrefix(v, "true upload-error") {
		t.Errorf("file input after the refusal: %q", v)
	}
	s.shot("phone-upload-refused")

	// Minutes as PDF.
	s.setValue("kind", "minutes")
	s.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{pdf}))
	s.clickNav("form.upload-file button[type=submit]")
	s.expect(".flash", "Đã tải tệp lên")
	s.expect(".gallery", "biên-bản-họp-thôn.pdf")
	if evJS[int](s, `document.querySelectorAll('#evidence [role="alert"]').length`) != 0 {
		t.Error("the refusal outlives its page")
	}

	// Delete: a full-size "Xoá" named with the file, then a ticked confirmation.
	item := `(() => Array.from(document.querySelectorAll(".gallery li")).find(li => li.textContent.includes("biên-bản-họp-thôn.pdf")))()`
	id := evJS[string](s, item+`.querySelector("details.ev-delete").id`)
	summary := "#" + id + " > summary"
	if name := evJS[string](s, `document.querySelector(`+fmt.Sprintf("%q", summary)+`).textContent.trim()`); name != "Xoá biên-bản-họp-thôn.pdf" {
		t.Errorf("delete control's name: %q", name)
	}
	if w, h := s.evBox(summary); w < 44 || h < 44 {
		t.Errorf("delete control is %.0f×%.0f px, want at least 44×44", w, h)
	}
	s.do(chromedp.Click(chromedp.CSS(summary)), chromedp.WaitVisible(chromedp.CSS("#"+id+" form button")))
	confirm := "#" + id + " form button[type=submit]"
	if w, h := s.evBox(confirm); w < 44 || h < 44 {
		t.Errorf("confirm button is %.0f×%.0f px, want at least 44×44", w, h)
	}
	// Without the tick nothing is deleted, and the page's own message (not the browser's
	// bubble: the form is novalidate) says why.
	s.clickNav(chromedp.CSS(confirm))
	s.expect(".flash", "Chưa xoá tệp")
	if !strings.Contains(s.text("#evidence"), "biên-bản-họp-thôn.pdf") {
		t.Fatal("deleted without the confirmation")
	}
	s.do(chromedp.Click(chromedp.CSS(summary)), chromedp.WaitVisible(chromedp.CSS("#"+id+" form button")))
	s.shot("phone-delete-confirm")
	s.do(chromedp.Click(chromedp.CSS("#" + id + ` input[name="confirm"]`)))
	s.clickNav(chromedp.CSS(confirm))
	s.expect(".flash", "Đã xoá tệp đính kèm")
	if strings.Contains(s.text("#evidence"), "biên-bản-họp-thôn.pdf") {
		t.Error("the deleted file is still listed")
	}
	timeline := evJS[string](s, `document.querySelector(".timeline").textContent`)
	for _, want := range []string{"Thêm minh chứng", "Xoá minh chứng", "biên-bản-họp-thôn.pdf"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	s.logout()

	// A dossier reviewed, returned, resubmitted and opened again, made through the API.
	tokens := map[string]string{}
	var list struct {
		Items []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"items"`
	}
	const title = "Vườn đào Mẫu Sơn của ông Triệu Văn Sinh"
	evAPI(t, a, tokens, "caoloc", "GET", "/api/v1/nominations?status=submitted&q="+url.QueryEscape(title), nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("demo dossier %q: %+v", title, list.Items)
	}
	nid := list.Items[0].ID
	var n struct {
		Version int `json:"version"`
	}
	path := fmt.Sprintf("/api/v1/nominations/%d", nid)
	step := func(user, action, comment string) {
		t.Helper()
		evAPI(t, a, tokens, user, "GET", path, nil, &n)
		evAPI(t, a, tokens, user, "POST", path+"/transitions", map[string]any{"action": action, "comment": comment}, &n,
			"If-Match", fmt.Sprintf(`"%d"`, n.Version))
	}
	step("caoloc", "start_review", "")
	visited := time.Now().AddDate(0, 0, -10)
	var scores []map[string]any
	for _, c := range []string{"G1.1", "G1.2", "G2.1", "G2.2", "G3.1", "G3.2", "G4.1", "G4.2", "G5.1"} {
		scores = append(scores, map[string]any{"criterion": c, "met": true, "comment": "Lần 1: " + c + " đã kiểm tra"})
	}
	scores = append(scores, map[string]any{"criterion": "G5.2", "score": 4, "comment": "Lần 1: cảnh quan khá"})
	evAPI(t, a, tokens, "caoloc", "PUT", path+"/review", map[string]any{"scores": scores, "summary": "Vườn đạt, thiếu ảnh hàng rào",
		"visited_on": visited.Format(time.DateOnly)}, &n, "If-Match", fmt.Sprintf(`"%d"`, n.Version))
	step("caoloc", "return", "Bổ sung ảnh hàng rào xanh")
	step("xa.mauson", "submit", "")
	step("caoloc", "start_review", "")

	s.desktop()
	s.login("caoloc")
	// "Tiến độ phong trào" opens the running campaign's dashboard at the district (the
	// demo's 2022–2025 campaign has ended: its dashboard until one runs).
	if href := evJS[string](s, `document.getElementById("home-dashboard").getAttribute("href")`); !strings.HasPrefix(href, "/campaigns/") ||
		!strings.HasSuffix(href, "?unit=183") {
		t.Errorf("with no campaign running the progress button leads to %q", href)
	}
	y := time.Now().Year()
	running, err := a.Campaigns.CreateAsSystem(context.Background(), campaign.Input{Name: "Phong trào đang chạy", ProvinceCode: "20",
		StartsOn: fmt.Sprintf("%d-01-01", y), EndsOn: fmt.Sprintf("%d-12-31", y+1)})
	if err != nil {
		t.Fatal(err)
	}
	s.do(chromedp.Navigate(a.URL + "/"))
	s.clickNav("#home-dashboard")
	if loc := evJS[string](s, `location.pathname + location.search`); loc != fmt.Sprintf("/campaigns/%d?unit=183", running.ID) {
		t.Errorf("progress button opened %q", loc)
	}
	s.expect("h1", "Phong trào đang chạy")
	s.do(chromedp.Navigate(fmt.Sprintf("%s/nominations/%d/review", a.URL, nid)), chromedp.WaitVisible(chromedp.ID("visited_on")))
	s.expect("#review-prefilled", "Điền sẵn từ lần thẩm định ngày "+visited.Format("02/01/2006")+" — kiểm tra lại trước khi lưu")
	if v := evJS[string](s, `document.getElementById("visited_on").value`); v != visited.Format(time.DateOnly) {
		t.Errorf("visit date %q", v)
	}
	if v := evJS[string](s, `document.getElementById("cm-G1.1").value + " | " + document.getElementById("cm-G5.2").value + " | " + document.getElementById("summary").value`); v != "Lần 1: G1.1 đã kiểm tra | Lần 1: cảnh quan khá | Vườn đạt, thiếu ảnh hàng rào" {
		t.Errorf("pre-filled comments and summary: %q", v)
	}
	if !evJS[bool](s, `document.querySelector("form[data-review]").noValidate`) {
		t.Error("the review form validates in the browser instead of showing the page's messages")
	}
	s.shot("desktop-review-prefilled")
}
