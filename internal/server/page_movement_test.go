package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/movement"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// mvApp is a test app with the demo criteria sets (the national NTM commune set among
// them) and the 2022–2025 campaign, so the reporting window is 2020–2025. It returns the
// NTM commune set and the campaign.
func mvApp(t *testing.T) (*testkit.App, *criteria.Set, int64) {
	t.Helper()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	campaignID := testkit.SeedCampaignWithRecognition(t, a)
	set, err := a.Criteria.Current(context.Background(), criteria.NTMCommune, "20")
	if err != nil {
		t.Fatal(err)
	}
	return a, set, campaignID
}

// tick is the form of the criteria page: the codes met, the version drawn, the set.
func tick(b *browserClient, set *criteria.Set, version int, met ...string) url.Values {
	return url.Values{"csrf_token": {b.csrf}, "version": {strconv.Itoa(version)},
		"criteria_set_id": {strconv.FormatInt(set.ID, 10)}, "met": met, "note": {"Số liệu của xã"}}
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

var checkedBox = regexp.MustCompile(`name="met" value="[0-9]+" checked`)

// A commune officer ticks the commune's criteria for a year and saves them as reported;
// the page shows who saved which version; a stale or invalid save changes nothing; a
// neighbour's page is not found; the district confirms.
func TestCommuneTicksItsCriteria(t *testing.T) {
	t.Parallel()
	a, set, _ := mvApp(t)
	b := newBrowser(t, a)
	b.login("xa.haiyen")

	// The menu's link goes to the officer's own commune.
	status, _, h := b.get("/criteria-status")
	if status != http.StatusSeeOther || h.Get("Location") != "/units/06220/criteria-status" {
		t.Fatalf("own criteria link: %d %v", status, h)
	}
	status, body, _ := b.get("/units/06220/criteria-status")
	if status != http.StatusOK {
		t.Fatalf("criteria page: %d", status)
	}
	mustContain(t, "the empty page", body, "Tiêu chí NTM của Xã Hải Yến", `<option value="2025" selected>`, `<option value="2020"`,
		"Chưa báo cáo", `data-met-count>0</span>/19`, "Giao thông", "Quốc phòng và An ninh", `name="version" value="0"`, "Lưu báo cáo")
	if strings.Contains(body, "Lưu và xác nhận") || strings.Contains(body, "/confirm") {
		t.Error("the commune is offered a confirmation")
	}
	if n := strings.Count(body, `type="checkbox" name="met"`); n != 19 {
		t.Errorf("%d checkboxes, want 19", n)
	}

	// Save 14 criteria for 2021.
	met := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "14", "19"}
	status, _, h = b.post("/units/06220/criteria-status/2021", tick(b, set, 0, met...))
	if status != http.StatusSeeOther || h.Get("Location") != "/units/06220/criteria-status?year=2021" {
		t.Fatalf("save: %d %v", status, h)
	}
	_, body, _ = b.get("/units/06220/criteria-status?year=2021")
	mustContain(t, "the saved page", body, "Đã lưu kết quả tiêu chí của xã", "Xã đã báo cáo", "Phiên bản 1 · xa.haiyen",
		`data-met-count>14</span>/19`, `name="version" value="1"`, "Số liệu của xã")
	if n := len(checkedBox.FindAllString(body, -1)); n != 14 {
		t.Errorf("%d ticked, want 14", n)
	}
	// Another year is its own report.
	_, body, _ = b.get("/units/06220/criteria-status?year=2022")
	mustContain(t, "2022", body, "Chưa báo cáo", `name="version" value="0"`)

	// A save drawn from a version that is no longer current changes nothing.
	status, _, h = b.post("/units/06220/criteria-status/2021", tick(b, set, 0, "1"))
	if status != http.StatusSeeOther {
		t.Fatalf("stale save: %d", status)
	}
	_, body, _ = b.get(h.Get("Location"))
	mustContain(t, "after a stale save", body, "vừa được người khác cập nhật", `data-met-count>14</span>/19`, "Phiên bản 1")
	// A code not in the set is refused, with the ticks kept.
	status, body, _ = b.post("/units/06220/criteria-status/2021", tick(b, set, 1, "1", "2", "20"))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown criterion: %d", status)
	}
	mustContain(t, "the refused form", body, "Có tiêu chí không thuộc bộ tiêu chí", `data-met-count>2</span>/19`)
	// A year outside the reporting window is refused.
	if status, _, _ = b.post("/units/06220/criteria-status/2019", tick(b, set, 0, "1")); status != http.StatusUnprocessableEntity {
		t.Fatalf("2019: %d", status)
	}
	// Forms need their CSRF token.
	form := tick(b, set, 1, "1")
	form.Del("csrf_token")
	if status, _, _ = b.post("/units/06220/criteria-status/2021", form); status != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", status)
	}

	// The neighbouring commune (Mẫu Sơn, same district) is not this officer's: not found.
	for _, path := range []string{"/units/06238/criteria-status", "/units/183/criteria-status", "/units/06238/movement-report"} {
		if status, body, _ = b.get(path); status != http.StatusNotFound || strings.Contains(body, "Mẫu Sơn") {
			t.Errorf("%s: %d", path, status)
		}
	}
	if status, _, _ = b.post("/units/06238/criteria-status/2021", tick(b, set, 0, "1")); status != http.StatusNotFound {
		t.Errorf("saving the neighbour's: %d", status)
	}
	if status, _, _ = b.post("/units/183/criteria-status/confirm", url.Values{"csrf_token": {b.csrf}, "year": {"2021"}, "item": {"06220:1"}}); status != http.StatusForbidden {
		t.Errorf("a commune confirming: %d", status)
	}

	// The district reviewer opens the commune's page and confirms it as it stands.
	d := newBrowser(t, a)
	d.login("caoloc")
	_, body, _ = d.get("/units/06220/criteria-status?year=2021")
	mustContain(t, "the reviewer's view", body, "Xác nhận kết quả xã báo cáo", "Lưu và xác nhận", `href="/units/183/criteria-status?year=2021"`)
	status, _, _ = d.post("/units/06220/criteria-status/2021/confirm", url.Values{"csrf_token": {d.csrf}, "version": {"1"}})
	if status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", status)
	}
	_, body, _ = d.get("/units/06220/criteria-status?year=2021")
	mustContain(t, "the confirmed page", body, "Đã xác nhận kết quả của xã", `mv-badge mv-confirmed`, "Phiên bản 2 · caoloc")
	if strings.Contains(body, "Xác nhận kết quả xã báo cáo") {
		t.Error("a confirmed status still offers its confirmation")
	}
	// A reviewer's own save is a confirmation.
	if status, _, _ = d.post("/units/06220/criteria-status/2022", tick(d, set, 0, "1", "2")); status != http.StatusSeeOther {
		t.Fatalf("reviewer's save: %d", status)
	}
	_, body, _ = d.get("/units/06220/criteria-status?year=2022")
	mustContain(t, "the reviewer's save", body, `mv-badge mv-confirmed`, `data-met-count>2</span>/19`)
}

// A ward is not a Xã: its page says so and offers no form.
func TestWardHasNoCriteriaForm(t *testing.T) {
	t.Parallel()
	a, _, _ := mvApp(t)
	b := newBrowser(t, a)
	b.login("tinh")
	status, body, _ := b.get("/units/05980/criteria-status")
	if status != http.StatusOK || !strings.Contains(body, "chỉ áp dụng cho xã") || strings.Contains(body, `name="met"`) {
		t.Fatalf("ward page: %d", status)
	}
}

// saveAs saves a commune's criteria through its officer's form.
func saveAs(t *testing.T, a *testkit.App, set *criteria.Set, user, commune string, year int, met ...string) {
	t.Helper()
	b := newBrowser(t, a)
	b.login(user)
	status, body, _ := b.post(fmt.Sprintf("/units/%s/criteria-status/%d", commune, year), tick(b, set, 0, met...))
	if status != http.StatusSeeOther {
		t.Fatalf("%s saves %s: %d %.300s", user, commune, status, body)
	}
}

// The district sees its Xã × criteria grid with the aggregate, and confirms the ticked
// rows in one go: all of them, or none with the commune that failed named.
func TestDistrictGridConfirmsInBulk(t *testing.T) {
	t.Parallel()
	a, set, _ := mvApp(t)
	saveAs(t, a, set, "xa.haiyen", "06220", 2021, "1", "2", "3")
	saveAs(t, a, set, "xa.mauson", "06238", 2021, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19")

	d := newBrowser(t, a)
	d.login("caoloc")
	status, _, h := d.get("/criteria-status")
	if status != http.StatusSeeOther || h.Get("Location") != "/units/183/criteria-status" {
		t.Fatalf("own grid link: %d %v", status, h)
	}
	status, body, _ := d.get("/units/183/criteria-status?year=2021")
	if status != http.StatusOK {
		t.Fatalf("grid: %d", status)
	}
	mustContain(t, "the grid", body, "Tiêu chí NTM các xã — Huyện Cao Lộc", "Xã Hải Yến", "Xã Mẫu Sơn", `value="06220:1"`, `value="06238:1"`,
		"Xác nhận các xã đã chọn", `class="sticky"`, "Bình quân tiêu chí/xã", "Đạt đủ 19 tiêu chí", "2 đã báo cáo, 0 đã xác nhận")
	// Every Xã of the district is a row; the unreported ones without a box to tick.
	if rows := strings.Count(body, `<tr class="" data-unit=`); rows < 20 {
		t.Errorf("%d rows, want every Xã of Cao Lộc", rows)
	}
	if boxes := strings.Count(body, `name="item"`); boxes != 2 {
		t.Errorf("%d boxes, want the 2 reported communes", boxes)
	}

	// Mẫu Sơn changes its report meanwhile: the batch fails whole, naming it.
	m := newBrowser(t, a)
	m.login("xa.mauson")
	if status, _, _ = m.post("/units/06238/criteria-status/2021", tick(m, set, 1, "1")); status != http.StatusSeeOther {
		t.Fatalf("Mẫu Sơn's second save: %d", status)
	}
	status, body, _ = d.post("/units/183/criteria-status/confirm", url.Values{"csrf_token": {d.csrf}, "year": {"2021"}, "item": {"06220:1", "06238:1"}})
	if status != http.StatusPreconditionFailed {
		t.Fatalf("stale batch: %d", status)
	}
	mustContain(t, "the failed batch", body, "Chưa xã nào được xác nhận", "kết quả của Xã Mẫu Sơn vừa thay đổi", `class="failed" data-unit="06238"`, `value="06238:2"`)
	st, err := a.Movement.AggregateFor(context.Background(), mustUnit(t, a, "183"), 2021)
	if err != nil || st.Confirmed != 0 {
		t.Fatalf("after the failed batch: %d confirmed (%v)", st.Confirmed, err)
	}
	// Nothing ticked: a message, nothing done.
	status, _, h = d.post("/units/183/criteria-status/confirm", url.Values{"csrf_token": {d.csrf}, "year": {"2021"}})
	if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "year=2021") {
		t.Fatalf("empty batch: %d", status)
	}
	// Again with the current versions: both confirmed.
	status, _, h = d.post("/units/183/criteria-status/confirm", url.Values{"csrf_token": {d.csrf}, "year": {"2021"}, "item": {"06220:1", "06238:2"}})
	if status != http.StatusSeeOther {
		t.Fatalf("batch: %d", status)
	}
	_, body, _ = d.get(h.Get("Location"))
	mustContain(t, "after the batch", body, "Đã xác nhận các xã đã chọn", "2 đã báo cáo, 2 đã xác nhận")
	if strings.Contains(body, `name="item"`) {
		t.Error("confirmed rows still offer a box")
	}

	// Another district's reviewer does not see Cao Lộc.
	v := newBrowser(t, a)
	v.login("vanlang")
	if status, _, _ = v.get("/units/183/criteria-status?year=2021"); status != http.StatusNotFound {
		t.Errorf("Văn Lãng opens Cao Lộc: %d", status)
	}
	if status, _, _ = v.post("/units/183/criteria-status/confirm", url.Values{"csrf_token": {v.csrf}, "year": {"2021"}, "item": {"06220:2"}}); status < 400 {
		t.Errorf("Văn Lãng confirms in Cao Lộc: %d", status)
	}

	// The province sees its districts, each leading to its grid.
	p := newBrowser(t, a)
	p.login("tinh")
	_, body, _ = p.get("/units/20/criteria-status?year=2021")
	mustContain(t, "the province", body, "Theo huyện, thành phố", `href="/units/183/criteria-status?year=2021">Huyện Cao Lộc</a>`)
	_, body, _ = p.get("/units/183/criteria-status?year=2021")
	mustContain(t, "the province in a district", body, "Xã Hải Yến", `href="/units/20/criteria-status?year=2021"`)
}

// A unit's own officer enters the yearly report (Vietnamese number forms), sees it back
// with thousands separators and the total, and their children's reports add up above;
// who may only read it gets no form.
func TestMovementReportRoundTrip(t *testing.T) {
	t.Parallel()
	a, _, _ := mvApp(t)
	x := newBrowser(t, a)
	x.login("xa.haiyen")
	status, _, h := x.get("/movement-report")
	if status != http.StatusSeeOther || h.Get("Location") != "/units/06220/movement-report" {
		t.Fatalf("own report link: %d %v", status, h)
	}
	status, body, _ := x.get("/units/06220/movement-report?year=2021")
	if status != http.StatusOK || !strings.Contains(body, `name="capital_vnd.central_budget"`) {
		t.Fatalf("commune report form: %d", status)
	}
	form := url.Values{"csrf_token": {x.csrf}, "capital_vnd.central_budget": {"1.500.000.000"}, "capital_vnd.people": {"250.000.000"},
		"people_contribution.land_m2": {"1.200"}, "outputs.new_road_km": {"2,5"}, "outputs.concrete_road_km": {"abc"},
		"outputs.school_works": {"1,5"}, "capital_vnd.credit": {"-5"}}
	status, body, _ = x.post("/units/06220/movement-report?year=2021", form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad figures: %d", status)
	}
	mustContain(t, "the refused report", body, "Vui lòng nhập một số", "Vui lòng nhập số nguyên", `value="abc"`, `value="1.500.000.000"`)
	form.Set("outputs.concrete_road_km", "4,255")
	form.Set("outputs.school_works", "1")
	status, body, _ = x.post("/units/06220/movement-report?year=2021", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Số tiền không được âm") {
		t.Fatalf("negative credit: %d", status)
	}
	form.Del("capital_vnd.credit")
	status, _, h = x.post("/units/06220/movement-report?year=2021", form)
	if status != http.StatusSeeOther || h.Get("Location") != "/units/06220/movement-report?year=2021" {
		t.Fatalf("save: %d %v", status, h)
	}
	_, body, _ = x.get(h.Get("Location"))
	mustContain(t, "the saved report", body, "Đã lưu báo cáo kết quả năm", `value="1.500.000.000"`, `value="250.000.000"`, `value="1.200"`,
		`value="2,5"`, `value="4,255"`, "1,75 tỷ đồng", `title="1.750.000.000 ₫"`)

	// The district's reviewer: its own report form, Hải Yến's report among its communes.
	d := newBrowser(t, a)
	d.login("caoloc")
	status, body, _ = d.get("/units/183/movement-report?year=2021")
	if status != http.StatusOK || !strings.Contains(body, `name="capital_vnd.central_budget"`) {
		t.Fatalf("district report form: %d", status)
	}
	mustContain(t, "the district's report", body, "Báo cáo của các đơn vị cấp dưới", `href="/units/06220/movement-report?year=2021">Xã Hải Yến</a>`,
		"1,75 tỷ đồng", "1/")
	// …but only reads the commune's, and cannot write it.
	_, body, _ = d.get("/units/06220/movement-report?year=2021")
	if strings.Contains(body, `name="capital_vnd.central_budget"`) || !strings.Contains(body, "chế độ chỉ đọc") || !strings.Contains(body, "1.500.000.000 ₫") {
		t.Error("the district is offered the commune's report form")
	}
	if status, _, _ = d.post("/units/06220/movement-report?year=2021", url.Values{"csrf_token": {d.csrf}, "capital_vnd.central_budget": {"1"}}); status != http.StatusForbidden {
		t.Errorf("the district writes the commune's report: %d", status)
	}
	// The province's report: 2,974 billion VND, shown short and exact.
	p := newBrowser(t, a)
	p.login("tinh")
	status, _, _ = p.post("/units/20/movement-report?year=2021", url.Values{"csrf_token": {p.csrf},
		"capital_vnd.central_budget": {"2.864.000.000.000"}, "capital_vnd.people": {"110.000.000.000"}, "outputs.new_road_km": {"23"}})
	if status != http.StatusSeeOther {
		t.Fatalf("province report: %d", status)
	}
	q := newBrowser(t, a)
	q.login("quansat")
	_, body, _ = q.get("/units/20/movement-report?year=2021")
	mustContain(t, "the observer's view", body, "2.974 tỷ đồng", "2.974.000.000.000 ₫", "110.000.000.000 ₫", "chế độ chỉ đọc")
	if strings.Contains(body, `name="capital_vnd.central_budget"`) {
		t.Error("the observer gets a form")
	}
	// A neighbour's report is not found.
	if status, _, _ = x.get("/units/06238/movement-report"); status != http.StatusNotFound {
		t.Errorf("neighbour's report: %d", status)
	}
}

// seedFigures gives Lạng Sơn movement figures for year: two Cao Lộc communes' statuses
// (19 and 10 criteria met), an NTM title of Hải Yến decided in the year, and Cao Lộc's
// report (the province files none: its figures are its districts' total).
func seedFigures(t *testing.T, a *testkit.App, set *criteria.Set, year int) {
	t.Helper()
	ctx := context.Background()
	all := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19"}
	if err := a.Movement.ImportStatusesAsSystem(ctx, year, set.ID, map[string][]string{"06220": all, "06238": all[:10]}); err != nil {
		t.Fatal(err)
	}
	tinh, err := a.Identity.PrincipalFor(ctx, "tinh")
	if err != nil {
		t.Fatal(err)
	}
	title := "Xã Hải Yến đạt chuẩn nông thôn mới"
	if _, err := a.Nominations.Record(ctx, tinh, nomination.Input{Type: string(criteria.NTMCommune), CommuneCode: "06220", Title: &title,
		Subject: []byte(`{"satisfaction_pct": 95}`)}, nomination.Decision{Number: fmt.Sprintf("%d/QĐ-UBND", year), Date: fmt.Sprintf("%d-06-15", year), Signer: "Hồ Tiến Thiệu"}); err != nil {
		t.Fatal(err)
	}
	v := func(n int64) *int64 { return &n }
	km := func(f float64) *float64 { return &f }
	if err := a.Movement.SaveReportAsSystem(ctx, "183", year, movement.ReportData{
		Capital: movement.Capital{CentralBudget: v(2_864_000_000_000), People: v(110_000_000_000)},
		Outputs: movement.Outputs{NewRoadKM: km(23), ConcreteRoadKM: km(404), SchoolWorks: v(27)}}); err != nil {
		t.Fatal(err)
	}
}

// The dashboard shows, beside the gardens, the commune titles, the average criteria with
// its bands, capital by source and outputs; progress.xlsx has a sheet for each.
func TestDashboardShowsTheMovement(t *testing.T) {
	t.Parallel()
	a, set, campaignID := mvApp(t)
	seedFigures(t, a, set, 2022)
	b := newBrowser(t, a)
	b.login("tinh")
	// The province's own targets: +10 NTM communes (Hải Yến is 1 of them: behind).
	_, body, _ := b.get(fmt.Sprintf("/campaigns/%d/targets?year=2022", campaignID))
	mustContain(t, "the targets form", body, `name="min.20.ntm_commune"`, `name="min.20.average_criteria"`, "Cả tỉnh · Tỉnh Lạng Sơn",
		`name="min.all.advanced_ntm_commune"`)
	if strings.Contains(body, `name="max.20.average_criteria"`) {
		t.Error("the average has a maximum")
	}
	status, body, _ := b.post(fmt.Sprintf("/campaigns/%d/targets?year=2022", campaignID), url.Values{"csrf_token": {b.csrf},
		"min.20.ntm_commune": {"10"}, "min.20.advanced_ntm_commune": {"5"}, "min.183.model_garden": {"1"},
		"min.20.average_criteria": {"14,5"}, "min.183.average_criteria": {"1,2"}})
	if status != http.StatusSeeOther {
		t.Fatalf("targets: %d %.500s", status, body)
	}
	// A count is whole.
	if status, _, _ = b.post(fmt.Sprintf("/campaigns/%d/targets?year=2022", campaignID), url.Values{"csrf_token": {b.csrf},
		"min.20.ntm_commune": {"10,5"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("a fractional count: %d", status)
	}
	// The targets come back as typed, the average with its decimal comma.
	_, body, _ = b.get(fmt.Sprintf("/campaigns/%d/targets?year=2022", campaignID))
	mustContain(t, "the saved targets", body, `name="min.20.average_criteria" value="14,5"`, `name="min.20.ntm_commune" value="10"`)
	status, body, _ = b.get(fmt.Sprintf("/campaigns/%d?year=2022", campaignID))
	if status != http.StatusOK {
		t.Fatalf("dashboard: %d", status)
	}
	// The province's average against its 14,5; Cao Lộc's 1,45 meets its 1,2.
	mustContain(t, "the averages", body, "Chỉ tiêu: ≥ 14,5", "1,45 / 1,2 <span class=\"st st-met\">")
	if !regexp.MustCompile(`Chỉ tiêu: ≥ 14,5 <span class="st st-behind">Không đạt`).MatchString(body) {
		t.Error("the province's average is not shown behind its target")
	}
	// 29 criteria met over Lạng Sơn's 175 Xã: 0,17 on average (the unreported count 0).
	mustContain(t, "the dashboard", body, "Xã đạt danh hiệu nông thôn mới", `data-title="ntm_commune"`, "Bình quân tiêu chí/xã",
		`data-average>0,17</strong>`, "Đạt đủ 19 tiêu chí", "Vốn huy động theo nguồn", "2.974 tỷ đồng", `title="2.974.000.000.000 ₫"`,
		"tổng báo cáo của 1/11 đơn vị cấp dưới", "Đường giao thông làm mới (km)", "404", `>2021 (năm cơ sở)</option>`,
		"Vườn mẫu", "Huyện Cao Lộc")
	if !regexp.MustCompile(`data-title="ntm_commune"><th scope="row">[^<]+</th><td class="n"><strong>1</strong></td><td class="n">1</td>\s*<td class="n">10</td><td><span class="st st-behind">Không đạt</span>`).MatchString(body) {
		t.Error("the NTM title line does not show 1 held, 1 new, against a target of 10, not reached (2022 has ended)")
	}
	if section := body[strings.Index(body, `id="mv-titles-h"`):]; strings.Contains(section, "Chậm tiến độ") || strings.Contains(section, "Đúng tiến độ") {
		t.Error("the movement section of a closed year speaks of progress instead of reached / not reached")
	}
	// The garden bars stay two per district.
	if n := strings.Count(body, `<div class="chart-row">`); n != 11 {
		t.Errorf("%d districts in the chart", n)
	}
	// A district's dashboard: its communes, its own figures.
	_, body, _ = b.get(fmt.Sprintf("/campaigns/%d?year=2022&unit=183", campaignID))
	mustContain(t, "Cao Lộc's dashboard", body, "Xã Hải Yến", `title="2.974.000.000.000 ₫"`)

	token := a.Login(t, "tinh").Token
	res := a.Do(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress.xlsx?year=2022", campaignID), token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("xlsx: %d", res.Status)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != "Tiến độ|Danh hiệu xã|Bình quân tiêu chí|Nguồn vốn|Kết quả" {
		t.Fatalf("sheets = %q", got)
	}
	find := func(sheet, first, second string) []string {
		t.Helper()
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if len(r) > 2 && r[0] == first && r[1] == second {
				return r
			}
		}
		t.Fatalf("%s has no row %s %s", sheet, first, second)
		return nil
	}
	if r := find("Danh hiệu xã", "20", "Tỉnh Lạng Sơn"); r[2] != "Xã đạt chuẩn nông thôn mới" || r[3] != "1" || r[4] != "1" {
		t.Errorf("titles row = %q", r)
	}
	if r := find("Bình quân tiêu chí", "183", "Huyện Cao Lộc"); r[2] != "20" || r[4] != "2" || r[5] != "1.45" || r[8] != "1" {
		t.Errorf("average row = %q", r)
	}
	if r := find("Nguồn vốn", "183", "Huyện Cao Lộc"); r[2] != "2864000000000" || r[8] != "2974000000000" {
		t.Errorf("capital row = %q", r)
	}
	if r := find("Kết quả", "183", "Huyện Cao Lộc"); r[5] != "23" || r[6] != "404" {
		t.Errorf("outputs row = %q", r)
	}
	// The CSV stays one table.
	res = a.Do(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress.csv?year=2022", campaignID), token, nil)
	if res.Status != http.StatusOK || strings.Contains(res.Body, "Nguồn vốn") {
		t.Fatalf("csv: %d", res.Status)
	}

	// The baseline year: the results the plan was made from, without targets.
	seedFigures(t, a, set, 2021) // a second title of Hải Yến, decided in 2021
	status, body, _ = b.get(fmt.Sprintf("/campaigns/%d?year=2021", campaignID))
	if status != http.StatusOK {
		t.Fatalf("baseline: %d", status)
	}
	mustContain(t, "the baseline", body, `<option value="2021" selected>2021 (năm cơ sở)</option>`, "Năm 2021 là năm cơ sở", `data-average>0,17</strong>`)
	if strings.Contains(body, "Chỉ tiêu (mới trong năm)") || strings.Contains(body, "Chỉ tiêu: ≥") || strings.Contains(body, "st-behind") {
		t.Error("the baseline shows targets")
	}
	// No Xã reported in 2020: nothing to compare 2021 with.
	if strings.Contains(body, "data-previous") {
		t.Error("the baseline compares with a year nobody reported")
	}
	// 2022 now has a year before it to compare with, as the source document does.
	_, body, _ = b.get(fmt.Sprintf("/campaigns/%d?year=2022", campaignID))
	mustContain(t, "the comparison with 2021", body, `<span data-previous>Năm 2021: 0,17 (thay đổi 0)</span>`)
	// A year nobody has reported yet shows the year before without a "change" to nothing.
	_, body, _ = b.get(fmt.Sprintf("/campaigns/%d?year=2023", campaignID))
	mustContain(t, "2023 before any report", body, `<span data-previous>Năm 2022: 0,17</span>`)
}

// The home page and the menu lead each role to its movement pages, as the policy allows.
func TestHomeLinksToTheMovementPages(t *testing.T) {
	t.Parallel()
	a, _, _ := mvApp(t)
	cases := []struct {
		user  string
		wants []string
		not   []string
	}{
		{"xa.haiyen", []string{`href="/units/06220/criteria-status"`, "Tiêu chí NTM của xã", `href="/units/06220/movement-report"`, `href="/criteria-status"`}, nil},
		{"caoloc", []string{`href="/units/183/criteria-status"`, "Tiêu chí NTM các xã", `href="/units/183/movement-report"`}, []string{"Tiêu chí NTM của xã"}},
		{"tinh", []string{`href="/units/20/criteria-status"`, `href="/units/20/movement-report"`}, nil},
		{"admin", nil, []string{"criteria-status", "movement-report"}},
	}
	for _, c := range cases {
		b := newBrowser(t, a)
		b.login(c.user)
		_, home, _ := b.get("/")
		mustContain(t, c.user+"'s home", home, c.wants...)
		for _, n := range c.not {
			if strings.Contains(home, n) {
				t.Errorf("%s's home shows %q", c.user, n)
			}
		}
	}
	b := newBrowser(t, a)
	b.login("admin")
	if status, _, _ := b.get("/criteria-status"); status != http.StatusForbidden {
		t.Errorf("admin's criteria link: %d", status)
	}
}

// Every movement page exists in English too: no message id shows through untranslated.
func TestMovementPagesInEnglish(t *testing.T) {
	t.Parallel()
	a, set, campaignID := mvApp(t)
	seedFigures(t, a, set, 2022)
	b := newBrowser(t, a)
	b.login("tinh")
	b.post("/language", url.Values{"lang": {"en"}, "csrf_token": {b.csrf}, "back": {"/"}})
	b.get("/")
	leak := regexp.MustCompile(`\bmv\.[a-z_.0-9-]+`)
	for _, path := range []string{"/units/06220/criteria-status?year=2022", "/units/183/criteria-status?year=2022", "/units/20/criteria-status?year=2022",
		"/units/20/movement-report?year=2022", "/units/183/movement-report?year=2022", fmt.Sprintf("/campaigns/%d?year=2022", campaignID),
		fmt.Sprintf("/campaigns/%d/targets?year=2022", campaignID), "/"} {
		status, body, _ := b.get(path)
		if status != http.StatusOK {
			t.Errorf("%s: %d", path, status)
			continue
		}
		if m := leak.FindString(body); m != "" {
			t.Errorf("%s shows the message id %q", path, m)
		}
		if strings.Contains(body, "Tiêu chí NTM") || strings.Contains(body, "tỷ đồng") {
			t.Errorf("%s shows Vietnamese interface text in English", path)
		}
	}
	_, body, _ := b.get("/units/183/movement-report?year=2022")
	mustContain(t, "the English report", body, "2,974 billion VND", "Capital by source (VND)")
}

func mustUnit(t *testing.T, a *testkit.App, code string) units.Unit {
	t.Helper()
	u, err := a.Units.Get(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
