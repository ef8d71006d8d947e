package server_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/progress"
)

type progressRow struct {
	UnitCode   string  `json:"unit_code"`
	UnitName   string  `json:"unit_name"`
	Type       string  `json:"type"`
	TargetMin  *int    `json:"target_min"`
	TargetMax  *int    `json:"target_max"`
	Recognized int     `json:"recognized"`
	InPipeline int     `json:"in_pipeline"`
	State      *string `json:"state"`
}

func (w *wf) progress(user string, campaignID int64, query string) map[string]progressRow {
	w.t.Helper()
	res := w.do(user, "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress?%s", campaignID, query), nil)
	if res.Status != 200 {
		w.t.Fatalf("progress %s as %s: %d %s", query, user, res.Status, res.Body)
	}
	var out struct {
		Items []progressRow `json:"items"`
	}
	res.JSON(w.t, &out)
	m := map[string]progressRow{}
	for i, r := range out.Items {
		m[r.UnitCode+"/"+r.Type] = r
		if i == 0 && !strings.Contains(query, "unit=") && r.UnitCode == "" {
			w.t.Fatal("first row has no unit")
		}
	}
	m["_first"] = out.Items[0]
	return m
}

func (w *wf) newCampaign(name string) int64 {
	w.t.Helper()
	// Running from 2022 until after today: nominations can only join a running campaign,
	// and the tests decide in 2022 and 2023.
	res := w.do("tinh", "POST", "/api/v1/campaigns", map[string]any{"name": name, "province_code": "20", "starts_on": "2022-01-01",
		"ends_on": fmt.Sprintf("%d-12-31", time.Now().Year()+1)})
	if res.Status != 201 {
		w.t.Fatalf("create campaign: %d %s", res.Status, res.Body)
	}
	var c struct {
		ID int64 `json:"id"`
	}
	res.JSON(w.t, &c)
	return c.ID
}

func state(r progressRow) string {
	if r.State == nil {
		return "null"
	}
	return *r.State
}

// TestProgressEdgeCases: recognized counts approved, not revoked, decided in the year, of
// this campaign; in pipeline counts submitted, under review, returned and endorsed.
func TestProgressEdgeCases(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	camp := w.newCampaign("Phong trào thử nghiệm")
	other := w.newCampaign("Phong trào khác")
	res := w.do("tinh", "PUT", fmt.Sprintf("/api/v1/campaigns/%d/targets", camp), map[string]any{"items": []map[string]any{
		{"year": 2022, "unit_code": "183", "type": "model_garden", "min": 2, "max": nil},
		{"year": 2022, "unit_code": "182", "type": "model_garden", "min": 1, "max": 2},
		{"year": 2022, "unit_code": "189", "type": "model_garden", "min": 3, "max": nil},
	}})
	if res.Status != 200 {
		t.Fatalf("targets: %d %s", res.Status, res.Body)
	}
	in := func(commune string, id int64) map[string]any {
		b := gardenBody(commune)
		b["campaign_id"] = id
		return b
	}
	dec := func(n, date string) map[string]string {
		return map[string]string{"number": n, "date": date, "signer": "Hồ Tiến Thiệu"}
	}
	// Cao Lộc (183): one approved in 2022, one approved in 2023 (other year), one approved
	// in 2022 then revoked, one approved in 2022 for another campaign, one endorsed, one
	// returned, one draft (not in the pipeline).
	w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", in("06220", camp)), "approved", dec("1/QĐ", "2022-05-01"))
	w.drive("xa.mauson", "caoloc", w.createWith("xa.mauson", in("06238", camp)), "approved", dec("2/QĐ", "2023-01-10"))
	revoked := w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", in("06220", camp)), "approved", dec("3/QĐ", "2022-06-01"))
	w.act("tinh", revoked, "revoke", map[string]any{"comment": "Không duy trì"}, 200)
	w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", in("06220", other)), "approved", dec("4/QĐ", "2022-07-01"))
	w.drive("xa.mauson", "caoloc", w.createWith("xa.mauson", in("06238", camp)), "endorsed", nil)
	w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", in("06220", camp)), "returned", nil)
	w.createWith("xa.haiyen", in("06220", camp))
	// Văn Lãng (182): one approved in 2022, meets its target of 1.
	w.drive("xa.tantac", "vanlang", w.createWith("xa.tantac", in("06142", camp)), "approved", dec("5/QĐ", "2022-08-01"))

	p := w.progress("tinh", camp, "year=2022")
	first := p["_first"]
	if first.UnitCode != "20" || first.Type != "model_garden" || first.TargetMin != nil || first.State != nil {
		t.Fatalf("first row must be the province itself, without a target: %+v", first)
	}
	garden := func(code string) progressRow { return p[code+"/model_garden"] }
	if r := garden("20"); r.Recognized != 2 || r.InPipeline != 2 {
		t.Errorf("province totals = %+v, want 2 recognized, 2 in pipeline", r)
	}
	if r := garden("183"); r.Recognized != 1 || r.InPipeline != 2 || state(r) != "on_track" || *r.TargetMin != 2 || r.TargetMax != nil {
		t.Errorf("Cao Lộc = %+v (state %s), want 1 + 2 pipeline, on track", r, state(r))
	}
	if r := garden("182"); r.Recognized != 1 || state(r) != "met" || *r.TargetMax != 2 {
		t.Errorf("Văn Lãng = %+v (state %s), want met", r, state(r))
	}
	if r := garden("189"); r.Recognized != 0 || state(r) != "behind" {
		t.Errorf("Hữu Lũng = %+v, want behind", r)
	}
	if r := garden("178"); r.TargetMin != nil || r.State != nil || r.UnitName != "Thành phố Lạng Sơn" {
		t.Errorf("a district without a target = %+v", r)
	}
	if r := p["183/model_residential_area"]; r.Recognized != 0 || r.State != nil {
		t.Errorf("Cao Lộc residential = %+v", r)
	}
	if n, want := len(p)-1, len(campaign.Metrics)*12; n != want {
		t.Errorf("rows = %d, want %d: one per type and the average, for the province and its 11 districts", n, want)
	}
	// 2023 counts the other approval; the revoked one never counts.
	if r := w.progress("tinh", camp, "year=2023")["183/model_garden"]; r.Recognized != 1 || r.TargetMin != nil {
		t.Errorf("2023 = %+v", r)
	}
	// District view: its communes.
	d := w.progress("caoloc", camp, "year=2022")
	if d["_first"].UnitCode != "183" {
		t.Fatalf("the district's default unit = %s", d["_first"].UnitCode)
	}
	if r := d["06220/model_garden"]; r.Recognized != 1 || r.InPipeline != 1 || r.UnitName != "Xã Hải Yến" {
		t.Errorf("Hải Yến = %+v", r)
	}
	if r := d["06238/model_garden"]; r.Recognized != 0 || r.InPipeline != 1 {
		t.Errorf("Mẫu Sơn = %+v", r)
	}
	// Scope: a district cannot look at another; a commune officer has no report; a unit
	// in another province is not found; a year outside the campaign is invalid.
	for _, c := range []struct {
		user, query string
		want        int
	}{
		{"caoloc", "unit=182", 404}, {"xa.haiyen", "", 403}, {"tinh", "unit=01", 404},
		{"tinh", "year=2999", 422}, {"quansat", "unit=183", 200}, {"admin", "", 403},
	} {
		if res := w.do(c.user, "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress?%s", camp, c.query), nil); res.Status != c.want {
			t.Errorf("progress %s as %s = %d, want %d", c.query, c.user, res.Status, c.want)
		}
	}
	// Approving one more in Cao Lộc moves its count at once.
	endorsed := w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", in("06220", camp)), "endorsed", nil)
	w.act("tinh", endorsed, "approve", map[string]any{"decision": dec("6/QĐ", "2022-12-30")}, 200)
	if r := w.progress("tinh", camp, "year=2022")["183/model_garden"]; r.Recognized != 2 || state(r) != "met" {
		t.Errorf("after one more approval: %+v (state %s)", r, state(r))
	}
	// Moving a returned nomination to another campaign moves its count too.
	moved := w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", in("06220", camp)), "returned", nil)
	res = w.do("xa.haiyen", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", moved.ID), map[string]any{"campaign_id": other}, ifMatch(moved.Version)...)
	if res.Status != 200 {
		t.Fatalf("move campaign: %d %s", res.Status, res.Body)
	}
	if r := w.progress("tinh", camp, "year=2022")["183/model_garden"]; r.InPipeline != 2 {
		t.Errorf("pipeline after moving one away = %d, want 2", r.InPipeline)
	}
	// The counters kept with every transition equal a fresh count.
	if drift, err := progress.New(w.a.Store).Drift(t.Context()); err != nil || drift != 0 {
		t.Fatalf("progress counters drift by %d rows (%v)", drift, err)
	}
}

// TestCountersUnderConcurrentOppositeMoves: nominations of one commune moving both ways
// at once (endorse and send back) never deadlock on the counters and keep them exact.
func TestCountersUnderConcurrentOppositeMoves(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	camp := w.newCampaign("Phong trào đồng thời")
	var noms []nom
	for i := range 8 {
		b := gardenBody("06220")
		b["campaign_id"] = camp
		n := w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", b), "endorsed", nil)
		if i%2 == 0 {
			n = w.act("tinh", n, "send_back", map[string]any{"comment": "Xem lại"}, 200)
		}
		noms = append(noms, n)
	}
	w.token("tinh")
	w.token("caoloc")
	var wg sync.WaitGroup
	for _, n := range noms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 4 {
				user, action, body := "tinh", "send_back", map[string]any{"action": "send_back", "comment": "Xem lại"}
				if n.Status == "under_review" {
					user, action, body = "caoloc", "endorse", map[string]any{"action": "endorse"}
				}
				res := w.a.Do(t, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), w.tokens[user], body, ifMatch(n.Version)...)
				if res.Status != 200 {
					t.Errorf("%s %d: %d %s", action, n.ID, res.Status, res.Body)
					return
				}
				res.JSON(t, &n)
			}
		}()
	}
	wg.Wait()
	if drift, err := progress.New(w.a.Store).Drift(t.Context()); err != nil || drift != 0 {
		t.Fatalf("progress counters drift by %d rows (%v)", drift, err)
	}
	if r := w.progress("tinh", camp, "year=2022")["183/model_garden"]; r.InPipeline != 8 {
		t.Errorf("pipeline = %d, want 8", r.InPipeline)
	}
}

func TestCampaignsAndTargetsAPI(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	body := map[string]any{"name": "Phong trào 2026", "province_code": "20", "starts_on": "2026-01-01", "ends_on": "2030-12-31", "description": "Giai đoạn mới"}
	for _, u := range []string{"caoloc", "xa.haiyen", "quansat"} {
		if res := w.do(u, "POST", "/api/v1/campaigns", body); res.Status != 403 {
			t.Errorf("create by %s = %d", u, res.Status)
		}
	}
	if res := w.do("admin", "POST", "/api/v1/campaigns", map[string]any{"name": "", "province_code": "20", "starts_on": "2026-05-01", "ends_on": "2026-01-01"}); res.Status != 422 ||
		!strings.Contains(res.Body, `"name"`) || !strings.Contains(res.Body, `"ends_on"`) {
		t.Fatalf("invalid campaign: %d %s", res.Status, res.Body)
	}
	res := w.do("admin", "POST", "/api/v1/campaigns", body)
	if res.Status != 201 {
		t.Fatalf("create by admin: %d %s", res.Status, res.Body)
	}
	var c struct {
		ID int64 `json:"id"`
	}
	res.JSON(t, &c)
	path := fmt.Sprintf("/api/v1/campaigns/%d", c.ID)
	if res := w.do("xa.tantac", "GET", path, nil); res.Status != 200 || !strings.Contains(res.Body, `"starts_on":"2026-01-01"`) {
		t.Errorf("a commune of the province reads the campaign: %d %s", res.Status, res.Body)
	}
	if res := w.do("xa.tantac", "GET", "/api/v1/campaigns", nil); !strings.Contains(res.Body, "Phong trào 2026") {
		t.Errorf("list: %s", res.Body)
	}
	bad := map[string]any{"items": []map[string]any{
		{"year": 2031, "unit_code": "183", "type": "model_garden", "min": 1},
		{"year": 2026, "unit_code": "001", "type": "model_garden", "min": 1},
		{"year": 2026, "unit_code": "183", "type": "model_school", "min": 1},
		{"year": 2026, "unit_code": "183", "type": "model_garden", "min": 3, "max": 2},
		{"year": 2026, "unit_code": "182", "type": "model_garden", "min": -1},
	}}
	res = w.do("tinh", "PUT", path+"/targets", bad)
	for _, f := range []string{"items[0].year", "items[1].unit_code", "items[2].type", "items[3].max", "items[4].min"} {
		if !strings.Contains(res.Body, f) {
			t.Errorf("targets validation lacks %s: %s", f, res.Body)
		}
	}
	good := map[string]any{"items": []map[string]any{
		{"year": 2026, "unit_code": "183", "type": "model_garden", "min": 2, "max": nil},
		{"year": 2026, "unit_code": "183", "type": "model_residential_area", "min": 2, "max": 3},
	}}
	if res := w.do("caoloc", "PUT", path+"/targets", good); res.Status != 403 {
		t.Errorf("targets by a district: %d", res.Status)
	}
	res = w.do("tinh", "PUT", path+"/targets", good)
	if res.Status != 200 || !strings.Contains(res.Body, `{"year":2026,"unit_code":"183","type":"model_residential_area","min":2,"max":3}`) ||
		!strings.Contains(res.Body, `"max":null`) {
		t.Fatalf("targets: %d %s", res.Status, res.Body)
	}
	// Shortening the period below the targets' years is refused.
	short := map[string]any{"name": "Phong trào 2026", "province_code": "20", "starts_on": "2027-01-01", "ends_on": "2030-12-31"}
	if res := w.do("tinh", "PUT", path, short); res.Status != 422 {
		t.Errorf("period without the targets' year: %d %s", res.Status, res.Body)
	}
	if res := w.do("tinh", "GET", "/api/v1/campaigns/999999", nil); res.Status != 404 {
		t.Errorf("unknown campaign: %d", res.Status)
	}
}

func TestExports(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	camp := w.newCampaign("Lạng Sơn cùng cả nước xây dựng nông thôn mới")
	w.do("tinh", "PUT", fmt.Sprintf("/api/v1/campaigns/%d/targets", camp), map[string]any{"items": []map[string]any{
		{"year": 2022, "unit_code": "183", "type": "model_garden", "min": 2}}})
	b := gardenBody("06220")
	b["campaign_id"] = camp
	w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", b), "approved", map[string]string{"number": "9/QĐ", "date": "2022-03-03", "signer": "A"})

	res := w.do("tinh", "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress.xlsx?year=2022", camp), nil)
	if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %v", res.Status, res.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	title, _ := f.GetCellValue(sheet, "A1")
	if !strings.Contains(title, "Lạng Sơn cùng cả nước") || !strings.Contains(title, "2022") {
		t.Errorf("title row = %q", title)
	}
	if h, _ := f.GetCellValue(sheet, "F2"); h != "Đã công nhận" {
		t.Errorf("header F2 = %q", h)
	}
	rows, _ := f.GetRows(sheet)
	found := false
	for i, r := range rows {
		if len(r) > 5 && r[1] == "Huyện Cao Lộc" && r[2] == "Vườn mẫu" {
			found = true
			cell := fmt.Sprintf("F%d", i+1)
			if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("%s is text, want a number", cell)
			}
			if r[5] != "1" || r[7] != "Chậm tiến độ" {
				t.Errorf("Cao Lộc row = %v", r)
			}
		}
	}
	if !found {
		t.Fatalf("no Cao Lộc garden row in %v", rows)
	}
	csv := w.do("caoloc", "GET", fmt.Sprintf("/api/v1/campaigns/%d/progress.csv?year=2022", camp), nil)
	if csv.Status != 200 || !strings.HasPrefix(csv.Body, "\ufeff") || !strings.Contains(csv.Body, "Xã Hải Yến,Vườn mẫu,,,1,0,") {
		t.Errorf("csv: %d %q", csv.Status, csv.Body)
	}
	// The nominations list export: district and province levels only.
	if res := w.do("xa.haiyen", "GET", "/api/v1/nominations.csv", nil); res.Status != 403 {
		t.Errorf("commune export = %d", res.Status)
	}
	res = w.do("caoloc", "GET", "/api/v1/nominations.csv?status=approved", nil)
	if res.Status != 200 || !strings.Contains(res.Body, "Vườn cam của ông Hoàng Văn Thắng") || !strings.Contains(res.Body, "Đã công nhận") {
		t.Errorf("nominations csv: %d %s", res.Status, res.Body)
	}
	if res := w.do("vanlang", "GET", "/api/v1/nominations.csv", nil); strings.Contains(res.Body, "Hoàng Văn Thắng") {
		t.Error("export shows another district's nominations")
	}
	if res := w.do("tinh", "GET", "/api/v1/nominations.xlsx", nil); res.Status != 200 {
		t.Errorf("nominations xlsx = %d", res.Status)
	}
}

func TestPublicRegistryAndCertificate(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	active := w.drive("xa.haiyen", "caoloc", w.create("xa.haiyen", "06220"), "approved", map[string]string{"number": "11/QĐ", "date": "2025-06-01", "signer": "A"})
	expired := w.drive("xa.haiyen", "caoloc", w.create("xa.haiyen", "06220"), "approved", map[string]string{"number": "12/QĐ", "date": "2021-06-01", "signer": "A"})
	revoked := w.drive("xa.tantac", "vanlang", w.create("xa.tantac", "06142"), "approved", map[string]string{"number": "13/QĐ", "date": "2025-06-01", "signer": "A"})
	w.act("tinh", revoked, "revoke", map[string]any{"comment": "Vi phạm"}, 200)

	res := w.a.Do(t, "GET", "/api/v1/public/recognitions", "", nil)
	if res.Status != 200 || !strings.Contains(res.Body, `"decision_number":"11/QĐ"`) || strings.Contains(res.Body, "12/QĐ") || strings.Contains(res.Body, "13/QĐ") {
		t.Fatalf("public list must show active only: %s", res.Body)
	}
	for _, private := range []string{"annual_income", "area_m2", "created_by", "signer", "unit_path", "185000000"} {
		if strings.Contains(res.Body, private) {
			t.Errorf("public list leaks %s", private)
		}
	}
	if res := w.a.Do(t, "GET", "/api/v1/public/recognitions?district=182", "", nil); strings.Contains(res.Body, "11/QĐ") {
		t.Error("district filter ignored")
	}
	if res := w.a.Do(t, "GET", "/api/v1/public/recognitions?year=2024", "", nil); strings.Contains(res.Body, "11/QĐ") {
		t.Error("year filter ignored")
	}
	// One page per recognition, stating its status, signed out.
	for id, want := range map[int64]string{*active.RecognitionID: "Còn hiệu lực", *expired.RecognitionID: "Đã hết hiệu lực", *revoked.RecognitionID: "Đã bị thu hồi"} {
		page := w.a.Do(t, "GET", fmt.Sprintf("/public/recognitions/%d", id), "", nil)
		if page.Status != 200 || !strings.Contains(page.Body, want) {
			t.Errorf("public page %d: %d lacks %q", id, page.Status, want)
		}
	}
	if page := w.a.Do(t, "GET", "/public/recognitions", "", nil); page.Status != 200 || !strings.Contains(page.Body, "11/QĐ") || strings.Contains(page.Body, "13/QĐ") {
		t.Errorf("public list page: %d", page.Status)
	}
	// Stored text is escaped on the public page.
	b := gardenBody("06238")
	b["title"] = `<script>alert("x")</script> Vườn`
	evil := w.drive("xa.mauson", "caoloc", w.createWith("xa.mauson", b), "approved", map[string]string{"number": "14/QĐ", "date": "2025-07-01", "signer": "A"})
	page := w.a.Do(t, "GET", fmt.Sprintf("/public/recognitions/%d", *evil.RecognitionID), "", nil)
	if strings.Contains(page.Body, "<script>alert") || !strings.Contains(page.Body, "&lt;script&gt;") {
		t.Error("stored text is not escaped")
	}
	// The certificate: a PDF for those in scope only.
	cert := w.do("xa.haiyen", "GET", fmt.Sprintf("/api/v1/recognitions/%d/certificate.pdf", *active.RecognitionID), nil)
	if cert.Status != 200 || !strings.HasPrefix(cert.Body, "%PDF-") || cert.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("certificate: %d %v", cert.Status, cert.Header)
	}
	if res := w.do("xa.tantac", "GET", fmt.Sprintf("/api/v1/recognitions/%d/certificate.pdf", *active.RecognitionID), nil); res.Status != 404 {
		t.Errorf("certificate out of scope = %d", res.Status)
	}
}

func TestDashboardPage(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	camp := w.newCampaign("Phong trào có bảng điều khiển")
	w.do("tinh", "PUT", fmt.Sprintf("/api/v1/campaigns/%d/targets", camp), map[string]any{"items": []map[string]any{
		{"year": 2022, "unit_code": "183", "type": "model_garden", "min": 1}}})
	b := gardenBody("06220")
	b["campaign_id"] = camp
	w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", b), "approved", map[string]string{"number": "21/QĐ", "date": "2022-03-03", "signer": "A"})
	br := newBrowser(t, w.a)
	br.login("tinh")
	status, body, _ := br.get(fmt.Sprintf("/campaigns/%d?year=2022", camp))
	if status != 200 {
		t.Fatalf("dashboard: %d", status)
	}
	for _, want := range []string{"Huyện Cao Lộc", "Huyện Văn Lãng", `class="bar bar-met"`, "progress.xlsx?year=2022", "Đạt", `unit=183`} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if n := strings.Count(body, `class="chart-row"`); n != 11 {
		t.Errorf("chart rows = %d, want 11 districts", n)
	}
	status, body, _ = br.get(fmt.Sprintf("/campaigns/%d?year=2022&unit=183", camp))
	if status != 200 || !strings.Contains(body, "Xã Hải Yến") || strings.Count(body, `class="chart-row"`) != 22 {
		t.Errorf("drill-down: %d", status)
	}
	// Targets table with the "same for every district" row.
	br.get(fmt.Sprintf("/campaigns/%d/targets?year=2023", camp))
	form := map[string][]string{"csrf_token": {br.csrf}, "min.all.model_garden": {"2"}, "min.all.model_residential_area": {"2"}, "max.all.model_residential_area": {"3"}}
	status, _, _ = br.post(fmt.Sprintf("/campaigns/%d/targets?year=2023", camp), form)
	if status != 303 {
		t.Fatalf("targets form: %d", status)
	}
	var c struct {
		Targets []map[string]any `json:"targets"`
	}
	w.do("tinh", "GET", fmt.Sprintf("/api/v1/campaigns/%d", camp), nil).JSON(t, &c)
	if len(c.Targets) != 1+22 {
		t.Fatalf("targets after the shortcut = %d, want 1 (2022) + 2 × 11 (2023)", len(c.Targets))
	}
}

// TestOnlyLargeResponsesAreCompressed: the campaign dashboard (over 16 KB) is gzipped for
// browsers that accept it; a small JSON answer is not.
func TestOnlyLargeResponsesAreCompressed(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	camp := w.newCampaign("Phong trào nén")
	res := w.do("tinh", "GET", fmt.Sprintf("/campaigns/%d?year=2022", camp), nil, "Accept-Encoding", "gzip")
	if res.Status != 200 || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("dashboard: %d, Content-Encoding %q", res.Status, res.Header.Get("Content-Encoding"))
	}
	small := w.do("tinh", "GET", "/api/v1/me", nil, "Accept-Encoding", "gzip")
	if small.Header.Get("Content-Encoding") == "gzip" {
		t.Fatal("a small answer was gzipped")
	}
}
