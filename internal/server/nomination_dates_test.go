package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// vietnamToday is today's date in Vietnam, where every date of a dossier is written.
func vietnamToday() time.Time {
	y, m, d := time.Now().In(time.FixedZone("ICT", 7*3600)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// TestReviewAndDecisionDatesInRange: the visit and decision dates run from 2000-01-01 to
// today in Vietnam (even in the hours when UTC is still on the day before); anything else
// is 422 naming the field, and changes nothing.
func TestReviewAndDecisionDatesInRange(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.advance("under_review")
	today := vietnamToday().Format(time.DateOnly)
	tomorrow := vietnamToday().AddDate(0, 0, 1).Format(time.DateOnly)
	path := fmt.Sprintf("/api/v1/nominations/%d/review", n.ID)
	for _, bad := range []string{"0001-01-01", "1999-12-31", tomorrow, "2022-02-30", ""} {
		body := gardenReview(true)
		body["visited_on"] = bad
		res := w.do("caoloc", "PUT", path, body, ifMatch(n.Version)...)
		if res.Status != 422 || !strings.Contains(res.Body, `"visited_on"`) {
			t.Errorf("visited_on %q: %d %s", bad, res.Status, res.Body)
		}
	}
	if got := w.get("caoloc", n.ID); got.Version != n.Version || got.Review != nil {
		t.Fatalf("a refused review changed the nomination: %+v", got)
	}
	for _, good := range []string{"2000-01-01", today} {
		body := gardenReview(true)
		body["visited_on"] = good
		res := w.do("caoloc", "PUT", path, body, ifMatch(n.Version)...)
		if res.Status != 200 || !strings.Contains(res.Body, `"visited_on":"`+good+`"`) {
			t.Fatalf("visited_on %q: %d %s", good, res.Status, res.Body)
		}
		n = w.decode(res)
	}
	n = w.act("caoloc", n, "endorse", nil, 200)
	for _, bad := range []string{"0001-01-01", "1999-12-31", tomorrow} {
		res := w.do("tinh", "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), map[string]any{"action": "approve",
			"decision": map[string]string{"number": "77/QĐ", "date": bad, "signer": "Hồ Tiến Thiệu"}}, ifMatch(n.Version)...)
		if res.Status != 422 || !strings.Contains(res.Body, `"decision.date"`) {
			t.Errorf("decision date %q: %d %s", bad, res.Status, res.Body)
		}
	}
	w.act("tinh", n, "approve", map[string]any{"decision": map[string]string{"number": "77/QĐ", "date": today, "signer": "Hồ Tiến Thiệu"}}, 200)
}

// TestNominationJoinsOnlyARunningCampaign: creating a nomination in a campaign that has
// ended or not begun, or moving one there, is 422 naming campaign_id; a dossier keeps the
// campaign it joined after that campaign ends; without campaign_id it joins none.
func TestNominationJoinsOnlyARunningCampaign(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	campaign := func(name, from, to string) int64 {
		res := w.do("tinh", "POST", "/api/v1/campaigns", map[string]any{"name": name, "province_code": "20", "starts_on": from, "ends_on": to})
		if res.Status != 201 {
			t.Fatalf("campaign %s: %d %s", name, res.Status, res.Body)
		}
		var c struct {
			ID int64 `json:"id"`
		}
		res.JSON(t, &c)
		return c.ID
	}
	year := vietnamToday().Year()
	ended := campaign("Giai đoạn 2022–2025", "2022-01-01", "2025-12-31")
	future := campaign("Giai đoạn sau", fmt.Sprintf("%d-01-01", year+2), fmt.Sprintf("%d-12-31", year+5))
	endsToday := campaign("Kết thúc hôm nay", "2022-01-01", vietnamToday().Format(time.DateOnly))
	running := campaign("Đang diễn ra", fmt.Sprintf("%d-01-01", year-1), fmt.Sprintf("%d-12-31", year+3))

	create := func(campaignID any) (int, string) {
		b := gardenBody("06220")
		if campaignID != nil {
			b["campaign_id"] = campaignID
		}
		res := w.do("xa.haiyen", "POST", "/api/v1/nominations", b)
		return res.Status, res.Body
	}
	for name, id := range map[string]int64{"ended": ended, "not begun": future} {
		if status, body := create(id); status != 422 || !strings.Contains(body, `"campaign_id":"the campaign`) {
			t.Errorf("create in the %s campaign: %d %s", name, status, body)
		}
	}
	for _, id := range []int64{endsToday, running} {
		if status, body := create(id); status != 201 || !strings.Contains(body, fmt.Sprintf(`"campaign_id":%d`, id)) {
			t.Errorf("create in running campaign %d: %d %s", id, status, body)
		}
	}
	status, body := create(nil)
	if status != 201 || !strings.Contains(body, `"campaign_id":null`) {
		t.Fatalf("create without a campaign: %d %s", status, body)
	}
	if n := countNominations(t, w, "tinh"); n != 3 {
		t.Fatalf("%d nominations, want 3 (the refused ones created nothing)", n)
	}

	// Moving by PATCH: into an ended campaign is refused; into a running one is fine.
	n := w.createWith("xa.haiyen", map[string]any{"type": "model_garden", "commune_code": "06220", "title": "Vườn đổi phong trào",
		"campaign_id": endsToday, "subject": gardenBody("06220")["subject"], "assessment": gardenAssessment(true)})
	patch := func(n nom, campaignID int64) (int, nom, string) {
		res := w.do("xa.haiyen", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", n.ID), map[string]any{"campaign_id": campaignID, "title": "Vườn đổi phong trào (sửa)"},
			ifMatch(n.Version)...)
		if res.Status == 200 {
			return res.Status, w.decode(res), res.Body
		}
		return res.Status, n, res.Body
	}
	if status, _, body := patch(n, ended); status != 422 || !strings.Contains(body, `"campaign_id"`) {
		t.Errorf("move into an ended campaign: %d %s", status, body)
	}
	// The campaign it joined ends (the province shortens it to yesterday): the dossier,
	// returned for revision, can still be edited in it.
	n = w.drive("xa.haiyen", "caoloc", n, "returned", nil)
	yesterday := vietnamToday().AddDate(0, 0, -1).Format(time.DateOnly)
	if res := w.do("tinh", "PUT", fmt.Sprintf("/api/v1/campaigns/%d", endsToday), map[string]any{"name": "Kết thúc hôm qua", "province_code": "20",
		"starts_on": "2022-01-01", "ends_on": yesterday}); res.Status != 200 {
		t.Fatalf("shorten the campaign: %d %s", res.Status, res.Body)
	}
	status, n, body = patch(n, endsToday)
	if status != 200 {
		t.Fatalf("edit in the campaign it joined, now ended: %d %s", status, body)
	}
	if status, _, body := patch(n, running); status != 200 || !strings.Contains(body, fmt.Sprintf(`"campaign_id":%d`, running)) {
		t.Errorf("move into a running campaign: %d %s", status, body)
	}
}
