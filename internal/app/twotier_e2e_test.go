package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// `seed --demo --two-tier` (SPEC §12): the three-tier demo stays as history, Lạng Sơn has
// 65 communes today, a ward's garden goes commune → province reviewer → province approver,
// the old district reviewer can do nothing any more, and a second seed adds nothing.
func TestDemoTwoTier(t *testing.T) {
	ctx := context.Background()
	a := testkit.NewApp(t)
	var out bytes.Buffer
	if err := app.SeedDemoTwoTier(ctx, a.Services, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	for _, want := range []string{"demo nominations: 12 created", "demo commune titles recorded: 80",
		"now 34 provinces, 0 districts, 3321 communes", "two-tier demo users: 3 created",
		"two-tier demo campaign created", "two-tier demo campaign: 14 targets for 2026 added", "two-tier demo nominations: 5 created"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("seed output lacks %q:\n%s", want, out.String())
		}
	}
	counts := func() string {
		var n struct{ Units, Users, Grants, Campaigns, Targets, Noms, History, Recs int64 }
		db := a.Store.DB(ctx)
		db.Table("units").Count(&n.Units)
		db.Table("users").Count(&n.Users)
		db.Table("role_grants").Count(&n.Grants)
		db.Table("campaigns").Count(&n.Campaigns)
		db.Table("campaign_targets").Count(&n.Targets)
		db.Table("nominations").Count(&n.Noms)
		db.Table("nomination_history").Count(&n.History)
		db.Table("recognitions").Count(&n.Recs)
		return fmt.Sprintf("%+v", n)
	}
	before := counts()
	out.Reset()
	if err := app.SeedDemoTwoTier(ctx, a.Services, &out); err != nil {
		t.Fatalf("second seed: %v\n%s", err, out.String())
	}
	if after := counts(); after != before {
		t.Fatalf("a second seed changed the data: %s, then %s\n%s", before, after, out.String())
	}
	for _, want := range []string{"kept as history", "two-tier demo users: 0 created, 3 already present"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("second seed output lacks %q:\n%s", want, out.String())
		}
	}
	for _, unwanted := range []string{"campaign created", "targets", "nominations:", "succession:"} {
		if strings.Contains(out.String(), unwanted) {
			t.Errorf("second seed reports %q:\n%s", unwanted, out.String())
		}
	}

	// The 2026 dossiers stand at each stage, in the two new units only.
	var stages []struct{ Status, CommuneCode, DistrictCode string }
	if err := a.Store.DB(ctx).Table("nominations").Select("nominations.status, nominations.commune_code, nominations.district_code").
		Joins("JOIN campaigns ON campaigns.id = nominations.campaign_id").Where("campaigns.name = ?", app.DemoTwoTierCampaignName).
		Order("nominations.id").Scan(&stages).Error; err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range stages {
		got = append(got, s.Status+"@"+s.CommuneCode+"/"+s.DistrictCode)
	}
	if strings.Join(got, " ") != "approved@05977/ endorsed@06463/ under_review@06463/ submitted@05977/ draft@06463/" {
		t.Errorf("the 2026 demo dossiers: %v", got)
	}

	// Today's Lạng Sơn: 65 communes directly under the province.
	var tree struct {
		Items []struct{ Code, Level string }
	}
	if res := a.Do(t, "GET", "/api/v1/units?parent=20", "", nil); res.Status != http.StatusOK {
		t.Fatalf("units: %d %s", res.Status, res.Body)
	} else {
		res.JSON(t, &tree)
	}
	if len(tree.Items) != 65 || tree.Items[0].Level != "commune" {
		t.Fatalf("today's Lạng Sơn: %d units (%+v)", len(tree.Items), tree.Items[:min(3, len(tree.Items))])
	}

	// Phường Đông Kinh nominates a garden; the province reviewer reviews and endorses it; the
	// province approves it in 2026.
	st := newStory(t, a)
	set, err := a.Criteria.CurrentOn(ctx, criteria.ModelGarden, "20", units.Today(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	res := a.Do(t, "POST", "/api/v1/nominations", st.token("xa.dongkinh"), map[string]any{
		"type": "model_garden", "commune_code": "05977", "title": "Vườn rau an toàn của bà Nông Thị Thu",
		"subject": map[string]any{"owner_name": "Nông Thị Thu", "village": "Khối 5", "area_m2": 900,
			"main_crops": "Rau an toàn", "annual_income_vnd": 72_000_000},
		"assessment": gardenAssessment(set)})
	if res.Status != http.StatusCreated {
		t.Fatalf("create in 05977: %d %s", res.Status, res.Body)
	}
	var created struct {
		nomination
		DistrictCode string `json:"district_code"`
		ProvinceCode string `json:"province_code"`
	}
	res.JSON(t, &created)
	if created.DistrictCode != "" || created.ProvinceCode != "20" {
		t.Errorf("a commune under the province: district %q, province %q", created.DistrictCode, created.ProvinceCode)
	}
	n := created.nomination
	for _, kind := range set.RequiredAttachments {
		st.upload("xa.dongkinh", n.ID, kind)
	}
	n = st.act("xa.dongkinh", n, map[string]any{"action": "submit"})
	if res := a.Do(t, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), st.token("caoloc"),
		map[string]any{"action": "start_review"}, "If-Match", strconv.Quote(strconv.Itoa(n.Version))); res.Status != http.StatusNotFound {
		t.Errorf("caoloc starts the review of a 2026 dossier: %d %s", res.Status, res.Body)
	}
	n = st.act("thamdinh", n, map[string]any{"action": "start_review"})
	scores := allMet(set)
	res = a.Do(t, "PUT", fmt.Sprintf("/api/v1/nominations/%d/review", n.ID), st.token("thamdinh"),
		map[string]any{"scores": scores, "summary": "Đã thẩm định thực tế; vườn đạt các tiêu chí.", "visited_on": "2026-03-10"},
		"If-Match", strconv.Quote(strconv.Itoa(n.Version)))
	if res.Status != http.StatusOK {
		t.Fatalf("review by thamdinh: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &n)
	n = st.act("thamdinh", n, map[string]any{"action": "endorse", "comment": "Đủ điều kiện đề nghị công nhận"})
	n = st.act("tinh", n, map[string]any{"action": "approve",
		"decision": map[string]string{"number": "1001/QĐ-UBND", "date": "2026-03-20", "signer": "Hồ Tiến Thiệu"}})
	if n.Status != "approved" || n.RecognitionID == nil {
		t.Fatalf("approved: %+v", n)
	}
	var rec struct{ UnitPath, DistrictCode string }
	if err := a.Store.DB(ctx).Table("recognitions").Select("unit_path, district_code").Where("id = ?", *n.RecognitionID).Scan(&rec).Error; err != nil {
		t.Fatal(err)
	}
	if rec.UnitPath != "/20/05977" || rec.DistrictCode != "" {
		t.Errorf("the recognition's unit: %+v, want path /20/05977 and no district", rec)
	}

	// The 2022–2025 recognitions are still there beside the new one.
	var recs struct {
		Items []struct {
			ID             int64  `json:"id"`
			DecisionNumber string `json:"decision_number"`
			DistrictCode   string `json:"district_code"`
		} `json:"items"`
	}
	res = a.Do(t, "GET", "/api/v1/recognitions?type=model_garden", st.token("tinh"), nil)
	if res.Status != http.StatusOK {
		t.Fatalf("recognitions: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &recs)
	seen := map[string]string{}
	for _, r := range recs.Items {
		seen[r.DecisionNumber] = r.DistrictCode
	}
	for number, district := range map[string]string{"1520/QĐ-UBND": "183", "1874/QĐ-UBND": "183", "1633/QĐ-UBND": "183", "812/QĐ-UBND": "", "1001/QĐ-UBND": ""} {
		if d, ok := seen[number]; !ok || d != district {
			t.Errorf("recognition %s: listed %v, district %q (want %q); list %+v", number, ok, d, district, recs.Items)
		}
	}

	// caoloc's grant is at a district that ended on 30 June 2025: no rights, a message.
	var me struct {
		Lapsed []struct {
			UnitCode string `json:"unit_code"`
			EndedOn  string `json:"ended_on"`
		} `json:"lapsed_roles"`
	}
	res = a.Do(t, "GET", "/api/v1/me", st.token("caoloc"), nil)
	if res.Status != http.StatusOK {
		t.Fatalf("me: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &me)
	if len(me.Lapsed) != 1 || me.Lapsed[0].UnitCode != "183" || me.Lapsed[0].EndedOn != "2025-06-30" {
		t.Errorf("caoloc's lapsed grants: %+v", me.Lapsed)
	}
	var list struct {
		Items []nomination `json:"items"`
	}
	res = a.Do(t, "GET", "/api/v1/nominations", st.token("caoloc"), nil)
	if res.Status != http.StatusOK {
		t.Fatalf("caoloc's list: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("caoloc still lists %d nominations", len(list.Items))
	}
	var old struct {
		ID      int64
		Version int
	}
	if err := a.Store.DB(ctx).Table("nominations").Select("id, version").Where("commune_code = ? AND status = ?", "06238", "submitted").
		Order("id").Limit(1).Scan(&old).Error; err != nil || old.ID == 0 {
		t.Fatalf("the submitted Mẫu Sơn garden of the demo: %v", err)
	}
	if res := a.Do(t, "GET", fmt.Sprintf("/api/v1/nominations/%d", old.ID), st.token("caoloc"), nil); res.Status != http.StatusNotFound {
		t.Errorf("caoloc reads its old dossier: %d", res.Status)
	}
	if res := a.Do(t, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", old.ID), st.token("caoloc"),
		map[string]any{"action": "start_review"}, "If-Match", strconv.Quote(strconv.Itoa(old.Version))); res.Status != http.StatusNotFound {
		t.Errorf("caoloc starts the review of its old dossier: %d %s", res.Status, res.Body)
	}
	// The district's pending dossier was submitted in June 2025, before the reform: the
	// province reviewer finishes it and the province approves it; it keeps its district.
	var submittedOn time.Time
	if err := a.Store.DB(ctx).Table("nomination_history").Select("at").Where("nomination_id = ? AND action = ?", old.ID, "submit").
		Order("id DESC").Limit(1).Scan(&submittedOn).Error; err != nil {
		t.Fatal(err)
	}
	if submittedOn.Year() != 2025 || submittedOn.Month() != time.June {
		t.Fatalf("the demo's pending Mẫu Sơn garden was submitted on %v, want June 2025", submittedOn)
	}
	pending := st.act("thamdinh", nomination{ID: old.ID, Version: old.Version}, map[string]any{"action": "start_review"})
	var oldSet struct{ CriteriaSetID int64 }
	if err := a.Store.DB(ctx).Table("nominations").Select("criteria_set_id").Where("id = ?", old.ID).Scan(&oldSet).Error; err != nil {
		t.Fatal(err)
	}
	pendingSet, err := a.Criteria.Get(ctx, oldSet.CriteriaSetID)
	if err != nil {
		t.Fatal(err)
	}
	oldScores := allMet(pendingSet)
	res = a.Do(t, "PUT", fmt.Sprintf("/api/v1/nominations/%d/review", old.ID), st.token("thamdinh"),
		map[string]any{"scores": oldScores, "summary": "Tỉnh thẩm định hồ sơ huyện chưa xử lý xong trước 01/07/2025.", "visited_on": "2026-02-05"},
		"If-Match", strconv.Quote(strconv.Itoa(pending.Version)))
	if res.Status != http.StatusOK {
		t.Fatalf("review of the pending dossier by thamdinh: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &pending)
	pending = st.act("thamdinh", pending, map[string]any{"action": "endorse"})
	pending = st.act("tinh", pending, map[string]any{"action": "approve",
		"decision": map[string]string{"number": "1002/QĐ-UBND", "date": "2026-03-20", "signer": "Hồ Tiến Thiệu"}})
	var finished struct{ Status, DistrictCode, CommuneCode string }
	if err := a.Store.DB(ctx).Table("nominations").Select("status, district_code, commune_code").Where("id = ?", old.ID).Scan(&finished).Error; err != nil {
		t.Fatal(err)
	}
	if finished.Status != "approved" || finished.DistrictCode != "183" || finished.CommuneCode != "06238" {
		t.Errorf("the pre-reform dossier after the province's review: %+v", finished)
	}

	// The certificate names the ward as it was on the decision date, with no district.
	res = a.Do(t, "GET", fmt.Sprintf("/api/v1/recognitions/%d/certificate.pdf", *n.RecognitionID), st.token("tinh"), nil)
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF-") {
		t.Fatalf("certificate: %d", res.Status)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed: the certificate's text is not checked here")
	}
	cmd := exec.Command(pdftotext, "-layout", "-", "-")
	cmd.Stdin = strings.NewReader(res.Body)
	text, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "Phường Đông Kinh") || strings.Contains(string(text), "Huyện") {
		t.Errorf("the certificate of a 2026 garden in Phường Đông Kinh:\n%s", text)
	}
}

// gardenAssessment meets every criterion of set.
// allMet is a review of set that finds every criterion met, one point under its maximum.
func allMet(set *criteria.Set) []map[string]any {
	var scores []map[string]any
	for _, c := range set.Criteria {
		scores = append(scores, map[string]any{"criterion": c.Code, "met": true, "score": c.MaxScore - 1, "comment": ""})
	}
	return scores
}

func gardenAssessment(set *criteria.Set) []map[string]any {
	var items []map[string]any
	for _, c := range set.Criteria {
		var v any
		switch c.Kind {
		case criteria.Boolean:
			v = true
		case criteria.Score:
			v = c.MaxScore - 1
		case criteria.Number:
			if c.ThresholdOp == criteria.OpLE {
				v = *c.Threshold / 2
			} else {
				v = *c.Threshold * 1.2
			}
		}
		items = append(items, map[string]any{"criterion": c.Code, "value": v})
	}
	return items
}
