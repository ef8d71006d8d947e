package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/identity"
	nominations "github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// The demo seed reproduces the figures of the source document (SPEC §11, DOMAIN.md), read
// back through the API; a second seed adds nothing; and the story of 2022 runs on top of
// it: Mẫu Sơn is nominated for the NTM title, reviewed by Cao Lộc and recognised by the
// province, which the 2022 figures show.
func TestDemoReproducesTheSourceDocument(t *testing.T) {
	ctx := context.Background()
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemo(ctx, a.Services, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	for _, want := range []string{"demo commune titles recorded: 80", "demo criteria status 2020: 175 Xã",
		"demo criteria status 2021: 175 Xã", "demo movement report 2021 saved"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("seed output lacks %q:\n%s", want, out.String())
		}
	}
	counts := func() string {
		var n struct{ Noms, Recs, Statuses, Reports, Targets int64 }
		db := a.Store.DB(ctx)
		db.Table("nominations").Count(&n.Noms)
		db.Table("recognitions").Count(&n.Recs)
		db.Table("criteria_status").Count(&n.Statuses)
		db.Table("movement_reports").Count(&n.Reports)
		db.Table("campaign_targets").Count(&n.Targets)
		return fmt.Sprintf("%+v", n)
	}
	before := counts()
	out.Reset()
	if err := app.SeedDemo(ctx, a.Services, &out); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	if after := counts(); after != before {
		t.Fatalf("a second seed changed the data: %s, then %s\n%s", before, after, out.String())
	}
	for _, unwanted := range []string{"recorded", "criteria status", "movement report", "targets", "nominations:"} {
		if strings.Contains(out.String(), unwanted) {
			t.Errorf("second seed reports %q:\n%s", unwanted, out.String())
		}
	}

	tinh := a.Login(t, "tinh").Token
	get := func(path string, v any) {
		t.Helper()
		res := a.Do(t, "GET", path, tinh, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
		}
		res.JSON(t, v)
	}
	type aggregate struct {
		Communes            int            `json:"communes"`
		Reported            int            `json:"reported"`
		Confirmed           int            `json:"confirmed"`
		AverageMet          float64        `json:"average_met"`
		NTMCommunes         int            `json:"ntm_communes"`
		NTMCommunesNew      int            `json:"ntm_communes_new"`
		AdvancedNTMCommunes int            `json:"advanced_ntm_communes"`
		AdvancedNew         int            `json:"advanced_ntm_communes_new"`
		Bands               map[string]int `json:"bands"`
		Items               []struct {
			UnitCode   string  `json:"unit_code"`
			Communes   int     `json:"communes"`
			AverageMet float64 `json:"average_met"`
		} `json:"items"`
	}
	var y2021, y2020 aggregate
	get("/api/v1/units/20/criteria-status?year=2021", &y2021)
	get("/api/v1/units/20/criteria-status?year=2020", &y2020)
	if y2021.Communes != 175 || y2021.Reported != 175 || y2021.Confirmed != 175 || y2021.AverageMet != 14.03 ||
		y2021.NTMCommunes != 75 || y2021.NTMCommunesNew != 10 || y2021.AdvancedNTMCommunes != 5 || y2021.AdvancedNew != 5 {
		t.Errorf("2021 figures of Lạng Sơn: %+v", y2021)
	}
	if y2021.Bands["19"] != 75 || len(y2021.Items) != 11 {
		t.Errorf("2021 bands %v, %d districts", y2021.Bands, len(y2021.Items))
	}
	if y2020.Communes != 175 || y2020.AverageMet != 12.97 || y2020.NTMCommunes != 65 || y2020.NTMCommunesNew != 10 ||
		y2020.AdvancedNTMCommunes != 0 {
		t.Errorf("2020 figures of Lạng Sơn: %+v", y2020)
	}
	if d := math.Round((y2021.AverageMet-y2020.AverageMet)*100) / 100; d != 1.06 {
		t.Errorf("the average rose by %.2f, want 1.06", d)
	}

	// The 2021 movement report of the province.
	var rep struct {
		Reported *struct {
			Capital map[string]int64   `json:"capital_vnd"`
			People  map[string]int64   `json:"people_contribution"`
			Outputs map[string]float64 `json:"outputs"`
		} `json:"reported"`
	}
	get("/api/v1/units/20/movement-report?year=2021", &rep)
	if rep.Reported == nil {
		t.Fatal("no 2021 movement report")
	}
	var total int64
	for _, v := range rep.Reported.Capital {
		total += v
	}
	if total != 2_974_000_000_000 || rep.Reported.Capital["people"] != 110_000_000_000 || len(rep.Reported.Capital) != 6 {
		t.Errorf("capital %v (total %d)", rep.Reported.Capital, total)
	}
	if len(rep.Reported.People) != 3 {
		t.Errorf("people's contribution %v", rep.Reported.People)
	}
	wantOutputs := map[string]float64{"new_road_km": 23, "concrete_road_km": 404, "irrigation_water_works": 21, "electricity_works": 10,
		"school_works": 27, "commune_cultural_houses": 7, "village_cultural_houses": 24, "production_models": 16,
		"production_models_vnd": 6_900_000_000}
	for k, v := range wantOutputs {
		if rep.Reported.Outputs[k] != v {
			t.Errorf("outputs.%s = %v, want %v", k, rep.Reported.Outputs[k], v)
		}
	}

	// The campaign: the province's 2022 targets beside the districts', and 2021 as the
	// read-only baseline with its average.
	var camps struct {
		Items []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	get("/api/v1/campaigns", &camps)
	if len(camps.Items) != 1 || camps.Items[0].Name != app.DemoCampaignName {
		t.Fatalf("campaigns: %+v", camps.Items)
	}
	type row struct {
		UnitCode  string   `json:"unit_code"`
		Type      string   `json:"type"`
		TargetMin *float64 `json:"target_min"`
		TargetMax *float64 `json:"target_max"`
		Value     *float64 `json:"value"`
		State     *string  `json:"state"`
	}
	progress := func(year int) map[string]row {
		var p struct {
			Items []row `json:"items"`
		}
		get(fmt.Sprintf("/api/v1/campaigns/%d/progress?year=%d&unit=20", camps.Items[0].ID, year), &p)
		out := map[string]row{}
		for _, r := range p.Items {
			out[r.UnitCode+"/"+r.Type] = r
		}
		return out
	}
	p2022 := progress(2022)
	for key, min := range map[string]float64{"20/ntm_commune": 10, "20/advanced_ntm_commune": 5, "20/average_criteria": 14.5,
		"183/model_garden": 2, "183/model_residential_area": 2} {
		if r, ok := p2022[key]; !ok || r.TargetMin == nil || *r.TargetMin != min || r.State == nil {
			t.Errorf("2022 progress %s: %+v, want target %v with a state", key, r, min)
		}
	}
	if r := p2022["20/average_criteria"]; r.Value == nil || *r.Value != 0 || *r.State != "behind" {
		t.Errorf("2022 average row before any 2022 status: %+v", r)
	}
	p2021 := progress(2021)
	if r := p2021["20/average_criteria"]; r.Value == nil || *r.Value != 14.03 || r.TargetMin != nil || r.State != nil {
		t.Errorf("baseline 2021 average row: %+v (value 14.03, no target, no state; app.NewServices must wire "+
			"Campaigns.UseAverages(Movement))", r)
	}
	if r := p2021["183/model_garden"]; r.TargetMin != nil || r.State != nil {
		t.Errorf("baseline 2021 keeps a target: %+v", r)
	}

	// The story of 2022: Mẫu Sơn, one criterion short in 2021, meets all 19 and is
	// nominated; Cao Lộc reviews and endorses; the province approves.
	st := newStory(t, a)
	mauson := st.create("xa.mauson", "06238", 201)
	for _, kind := range []string{"minutes", "survey"} {
		st.upload("xa.mauson", mauson.ID, kind)
	}
	mauson = st.act("xa.mauson", mauson, map[string]any{"action": "submit"})
	mauson = st.act("caoloc", mauson, map[string]any{"action": "start_review"})
	res := a.Do(t, "PUT", fmt.Sprintf("/api/v1/nominations/%d/review", mauson.ID), st.token("caoloc"), st.review(),
		"If-Match", strconv.Quote(strconv.Itoa(mauson.Version)))
	if res.Status != 200 {
		t.Fatalf("review: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &mauson)
	// Endorsed on 20/11/2022, on the service's clock of that day: the title's 15-day public
	// notice ran to 05/12/2022, before the province's decision of 26/12/2022.
	caoloc, err := a.Identity.PrincipalFor(ctx, "caoloc")
	if err != nil {
		t.Fatal(err)
	}
	endorsed, err := a.Nominations.AsOf(time.Date(2022, 11, 20, 2, 0, 0, 0, time.UTC)).Transition(ctx, caoloc, mauson.ID, mauson.Version,
		nominations.TransitionInput{Action: "endorse", Comment: "Đủ điều kiện đề nghị công nhận"})
	if err != nil {
		t.Fatalf("endorse: %v", err)
	}
	mauson.Status, mauson.Version = string(endorsed.Status), endorsed.Version
	var before2022 aggregate
	get("/api/v1/units/20/criteria-status?year=2022", &before2022)
	mauson = st.act("tinh", mauson, map[string]any{"action": "approve",
		"decision": map[string]string{"number": "2468/QĐ-UBND", "date": "2022-12-26", "signer": "Hồ Tiến Thiệu"}})
	if mauson.Status != "approved" || mauson.RecognitionID == nil {
		t.Fatalf("approved: %+v", mauson)
	}
	var after2022 aggregate
	get("/api/v1/units/20/criteria-status?year=2022", &after2022)
	if after2022.NTMCommunesNew != before2022.NTMCommunesNew+1 || after2022.NTMCommunes != before2022.NTMCommunes+1 ||
		before2022.NTMCommunes != 75 {
		t.Errorf("2022 NTM communes: %d (%d new) before, %d (%d new) after", before2022.NTMCommunes, before2022.NTMCommunesNew,
			after2022.NTMCommunes, after2022.NTMCommunesNew)
	}

	// A ward or a town is no Xã: its own officer cannot nominate it for the title.
	for _, u := range []struct{ username, code string }{{"phuong.chilang", "05983"}, {"tt.caoloc", "06187"}} {
		acc := identity.NewUser{Username: u.username, FullName: "Cán bộ " + u.code, Password: app.DemoPassword, IsDemo: true,
			Locale: "vi", Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: u.code}}}
		if _, err := a.Identity.CreateUser(ctx, acc); err != nil {
			t.Fatal(err)
		}
		res := st.createRes(u.username, u.code)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "commune_code") {
			t.Errorf("%s nominated for ntm_commune: %d %s", u.code, res.Status, res.Body)
		}
	}
}

// story is an API client for the demo users of one test.
type story struct {
	t      *testing.T
	a      *testkit.App
	tokens map[string]string
}

func newStory(t *testing.T, a *testkit.App) *story {
	return &story{t: t, a: a, tokens: map[string]string{}}
}

type nomination struct {
	ID            int64  `json:"id"`
	Status        string `json:"status"`
	Version       int    `json:"version"`
	RecognitionID *int64 `json:"recognition_id"`
}

func (s *story) token(user string) string {
	if s.tokens[user] == "" {
		s.tokens[user] = s.a.Login(s.t, user).Token
	}
	return s.tokens[user]
}

// titleBody is an ntm_commune nomination meeting the 19 national criteria.
func titleBody(commune string) map[string]any {
	var assessment []map[string]any
	for i := 1; i <= 19; i++ {
		assessment = append(assessment, map[string]any{"criterion": strconv.Itoa(i), "value": true})
	}
	return map[string]any{"type": "ntm_commune", "commune_code": commune, "title": "Xã Mẫu Sơn đạt chuẩn nông thôn mới năm 2022",
		"subject": map[string]any{"satisfaction_pct": 93.5}, "assessment": assessment}
}

func (s *story) createRes(user, commune string) testkit.Response {
	return s.a.Do(s.t, "POST", "/api/v1/nominations", s.token(user), titleBody(commune))
}

func (s *story) create(user, commune string, want int) nomination {
	s.t.Helper()
	res := s.createRes(user, commune)
	if res.Status != want {
		s.t.Fatalf("create for %s: %d %s", commune, res.Status, res.Body)
	}
	var n nomination
	res.JSON(s.t, &n)
	return n
}

func (s *story) upload(user string, id int64, kind string) {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", kind+".pdf")
	_, _ = fw.Write([]byte("%PDF-1.4\n%âãÏÓ\ntrailer << >>\n%%EOF\n"))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/nominations/%d/attachments", s.a.URL, id), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+s.token(user))
	res, err := s.a.Server.Client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		s.t.Fatalf("upload %s: %d %s", kind, res.StatusCode, raw)
	}
}

func (s *story) act(user string, n nomination, body map[string]any) nomination {
	s.t.Helper()
	res := s.a.Do(s.t, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), s.token(user), body,
		"If-Match", strconv.Quote(strconv.Itoa(n.Version)))
	if res.Status != http.StatusOK {
		s.t.Fatalf("%v by %s: %d %s", body["action"], user, res.Status, res.Body)
	}
	var out nomination
	res.JSON(s.t, &out)
	return out
}

// review finds every national criterion met.
func (s *story) review() map[string]any {
	var scores []map[string]any
	for i := 1; i <= 19; i++ {
		scores = append(scores, map[string]any{"criterion": strconv.Itoa(i), "met": true, "comment": ""})
	}
	return map[string]any{"scores": scores, "summary": "Đã thẩm tra thực tế; xã đạt đủ 19 tiêu chí.", "visited_on": "2022-11-15"}
}
