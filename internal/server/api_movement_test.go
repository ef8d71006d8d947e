package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// mv is a test client for the movement's figures: the demo app with its criteria sets and
// the 2022–2025 campaign of Lạng Sơn (reporting window 2020–2025).
type mv struct {
	*wf
	setID, gardenSetID int64
}

func newMV(t *testing.T) *mv {
	t.Helper()
	w := newWF(t)
	if _, err := w.a.Campaigns.CreateAsSystem(context.Background(), campaign.Input{Name: "Phong trào thử", ProvinceCode: "20",
		StartsOn: "2022-01-01", EndsOn: "2025-12-31"}); err != nil {
		t.Fatal(err)
	}
	m := &mv{wf: w}
	m.setID = m.setOf("ntm_commune")
	m.gardenSetID = m.setOf("model_garden")
	return m
}

func (m *mv) setOf(typ string) int64 {
	m.t.Helper()
	res := m.do("tinh", "GET", "/api/v1/criteria-sets?type="+typ, nil)
	var out struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	res.JSON(m.t, &out)
	if res.Status != 200 || len(out.Items) == 0 {
		m.t.Fatalf("no %s criteria set: %d %s", typ, res.Status, res.Body)
	}
	return out.Items[0].ID
}

type statusJSON struct {
	UnitCode  string   `json:"unit_code"`
	Year      int      `json:"year"`
	Met       []string `json:"met"`
	MetCount  int      `json:"met_count"`
	Status    string   `json:"status"`
	Version   int      `json:"version"`
	UpdatedBy string   `json:"updated_by"`
}

func (m *mv) status(res testkit.Response) statusJSON {
	m.t.Helper()
	var s statusJSON
	res.JSON(m.t, &s)
	return s
}

// wantDetail fails unless res is a 422 whose details name field.
func wantDetail(t *testing.T, res testkit.Response, field string) {
	t.Helper()
	var body struct {
		Error struct {
			Code    string         `json:"code"`
			Details map[string]any `json:"details"`
		} `json:"error"`
	}
	res.JSON(t, &body)
	if res.Status != 422 || body.Error.Code != "validation_failed" || body.Error.Details[field] == nil {
		t.Errorf("want 422 naming %s, got %d %s", field, res.Status, res.Body)
	}
}

func TestCriteriaStatusAPI(t *testing.T) {
	m := newMV(t)
	path := "/api/v1/units/06220/criteria-status/2021"
	body := map[string]any{"criteria_set_id": m.setID, "met": []string{"2", "1"}, "note": "Tự đánh giá của xã"}

	res := m.do("xa.haiyen", "PUT", path, body)
	st := m.status(res)
	if res.Status != 200 || st.Status != "reported" || st.Version != 1 || strings.Join(st.Met, ",") != "1,2" ||
		st.UpdatedBy != "xa.haiyen" || res.Header.Get("ETag") != `"1"` {
		t.Fatalf("create: %d %s (ETag %s)", res.Status, res.Body, res.Header.Get("ETag"))
	}
	if res := m.do("xa.haiyen", "PUT", path, body); res.Status != 428 || !strings.Contains(res.Body, "precondition_required") {
		t.Errorf("second PUT without If-Match: %d %s", res.Status, res.Body)
	}
	if res := m.do("xa.haiyen", "PUT", path, body, ifMatch(9)...); res.Status != 412 || !strings.Contains(res.Body, "version_mismatch") {
		t.Errorf("stale If-Match: %d %s", res.Status, res.Body)
	}
	body["met"] = []string{"1", "2", "3"}
	res = m.do("xa.haiyen", "PUT", path, body, ifMatch(1)...)
	if st := m.status(res); res.Status != 200 || st.Version != 2 || st.MetCount != 3 || res.Header.Get("ETag") != `"2"` {
		t.Fatalf("PUT with the current version: %d %s", res.Status, res.Body)
	}
	if res := m.do("xa.haiyen", "GET", path, nil); res.Status != 200 || res.Header.Get("ETag") != `"2"` {
		t.Errorf("GET: %d %s", res.Status, res.Body)
	}

	// Scope: a neighbour commune and another district see nothing (404); the coarse check
	// already answers an admin, who reads no status anywhere.
	for _, c := range []struct{ user, method, path string }{
		{"xa.mauson", "GET", path},
		{"xa.mauson", "PUT", path},
		{"vanlang", "POST", path + "/confirm"},
		{"vanlang", "GET", path},
		{"admin", "GET", path},
	} {
		if res := m.do(c.user, c.method, c.path, body, ifMatch(2)...); res.Status != 404 {
			t.Errorf("%s %s as %s: %d, want 404", c.method, c.path, c.user, res.Status)
		}
	}
	// In scope, not the role.
	if res := m.do("xa.haiyen", "POST", path+"/confirm", nil, ifMatch(2)...); res.Status != 403 {
		t.Errorf("the commune confirms itself: %d %s", res.Status, res.Body)
	}
	if res := m.do("quansat", "PUT", path, body, ifMatch(2)...); res.Status != 403 {
		t.Errorf("an observer saves: %d %s", res.Status, res.Body)
	}
	// The district confirms its own commune: If-Match required and current.
	if res := m.do("caoloc", "POST", path+"/confirm", nil); res.Status != 428 {
		t.Errorf("confirm without If-Match: %d %s", res.Status, res.Body)
	}
	if res := m.do("caoloc", "POST", path+"/confirm", nil, ifMatch(1)...); res.Status != 412 {
		t.Errorf("confirm with a stale version: %d %s", res.Status, res.Body)
	}
	res = m.do("caoloc", "POST", path+"/confirm", nil, ifMatch(2)...)
	if st := m.status(res); res.Status != 200 || st.Status != "confirmed" || st.Version != 3 || st.UpdatedBy != "caoloc" {
		t.Fatalf("confirm: %d %s", res.Status, res.Body)
	}
	// A reviewer's own save is confirmed at once.
	res = m.do("caoloc", "PUT", "/api/v1/units/06238/criteria-status/2021", map[string]any{"criteria_set_id": m.setID, "met": codesUpTo(19)})
	if st := m.status(res); res.Status != 200 || st.Status != "confirmed" || st.MetCount != 19 {
		t.Fatalf("reviewer's save: %d %s", res.Status, res.Body)
	}

	// Bad input: 422 naming the field, nothing saved.
	fresh := "/api/v1/units/06241/criteria-status/"
	for _, c := range []struct {
		name, user, path string
		body             any
		field            string
	}{
		{"unknown code", "caoloc", fresh + "2021", map[string]any{"criteria_set_id": m.setID, "met": []string{"1", "42"}}, "met[1]"},
		{"duplicate", "caoloc", fresh + "2021", map[string]any{"criteria_set_id": m.setID, "met": []string{"1", "1"}}, "met[1]"},
		{"garden set", "caoloc", fresh + "2021", map[string]any{"criteria_set_id": m.gardenSetID, "met": []string{"1"}}, "criteria_set_id"},
		{"no set", "caoloc", fresh + "2021", map[string]any{"met": []string{"1"}}, "criteria_set_id"},
		{"no met", "caoloc", fresh + "2021", map[string]any{"criteria_set_id": m.setID}, "met"},
		{"future year", "caoloc", fresh + "2027", map[string]any{"criteria_set_id": m.setID, "met": []string{}}, "year"},
		{"before the window", "caoloc", fresh + "2019", map[string]any{"criteria_set_id": m.setID, "met": []string{}}, "year"},
		{"long note", "caoloc", fresh + "2021", map[string]any{"criteria_set_id": m.setID, "met": []string{}, "note": strings.Repeat("ế", 2001)}, "note"},
		{"control character", "caoloc", fresh + "2021", `{"criteria_set_id":` + itoa(m.setID) + `,"met":[],"note":"a\u0007b"}`, "note"},
		{"a ward", "tinh", "/api/v1/units/05980/criteria-status/2021", map[string]any{"criteria_set_id": m.setID, "met": []string{}}, "unit_code"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantDetail(t, m.do(c.user, "PUT", c.path, c.body), c.field)
			if res := m.do("tinh", "GET", c.path, nil); res.Status != 404 {
				t.Errorf("something was saved: %d %s", res.Status, res.Body)
			}
		})
	}
	if res := m.do("caoloc", "PUT", fresh+"2021", `{"criteria_set_id":1,"met":[],"extra":1}`); res.Status != 400 {
		t.Errorf("unknown field: %d %s", res.Status, res.Body)
	}

	// The aggregates: Cao Lộc has 20 Xã, 22 criteria met in all (3 + 19).
	res = m.do("caoloc", "GET", "/api/v1/units/183/criteria-status?year=2021", nil)
	var agg struct {
		UnitCode   string         `json:"unit_code"`
		Communes   int            `json:"communes"`
		Reported   int            `json:"reported"`
		Confirmed  int            `json:"confirmed"`
		AverageMet float64        `json:"average_met"`
		Bands      map[string]int `json:"bands"`
		Items      []struct {
			UnitCode   string  `json:"unit_code"`
			AverageMet float64 `json:"average_met"`
		} `json:"items"`
	}
	res.JSON(t, &agg)
	if res.Status != 200 || agg.Communes != 20 || agg.Reported != 2 || agg.Confirmed != 2 || agg.AverageMet != 1.1 ||
		agg.Bands["19"] != 1 || agg.Bands["0-4"] != 19 || len(agg.Items) != 20 {
		t.Errorf("Cao Lộc's aggregate: %d %+v", res.Status, agg)
	}
	res = m.do("tinh", "GET", "/api/v1/units/20/criteria-status?year=2021", nil)
	res.JSON(t, &agg)
	if res.Status != 200 || agg.Communes != 175 || len(agg.Items) != 11 || agg.AverageMet != 0.13 {
		t.Errorf("the province's aggregate: %d %+v", res.Status, agg)
	}
	if res := m.do("tinh", "GET", "/api/v1/units/20/criteria-status?year=abc", nil); res.Status != 422 {
		t.Errorf("a bad year: %d", res.Status)
	}
	if res := m.do("vanlang", "GET", "/api/v1/units/183/criteria-status?year=2021", nil); res.Status != 404 {
		t.Errorf("another district's aggregate: %d", res.Status)
	}
	if res := m.do("tinh", "GET", "/api/v1/units/20/criteria-status", nil); res.Status != 200 || !strings.Contains(res.Body, `"year":2025`) {
		t.Errorf("the default year: %d %.200s", res.Status, res.Body)
	}
}

func codesUpTo(n int) []string {
	out := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, itoa(int64(i)))
	}
	return out
}

func TestMovementReportAPI(t *testing.T) {
	m := newMV(t)
	caoloc := `{"capital_vnd":{"central_budget":100000000000,"people":5000000000},"people_contribution":{"land_m2":12000},"outputs":{"new_road_km":0.1,"school_works":3}}`
	vanlang := `{"capital_vnd":{"central_budget":50000000000},"outputs":{"new_road_km":0.2,"school_works":2}}`
	if res := m.do("caoloc", "PUT", "/api/v1/units/183/movement-report/2021", caoloc); res.Status != 200 {
		t.Fatalf("Cao Lộc's report: %d %s", res.Status, res.Body)
	}
	if res := m.do("vanlang", "PUT", "/api/v1/units/182/movement-report/2021", vanlang); res.Status != 200 {
		t.Fatalf("Văn Lãng's report: %d %s", res.Status, res.Body)
	}
	res := m.do("tinh", "GET", "/api/v1/units/20/movement-report?year=2021", nil)
	var rep struct {
		UnitCode      string          `json:"unit_code"`
		Year          int             `json:"year"`
		Reported      json.RawMessage `json:"reported"`
		ChildrenTotal struct {
			Capital map[string]int64   `json:"capital_vnd"`
			People  map[string]int64   `json:"people_contribution"`
			Outputs map[string]float64 `json:"outputs"`
		} `json:"children_total"`
		Items []struct {
			UnitCode string          `json:"unit_code"`
			UnitName string          `json:"unit_name"`
			Reported json.RawMessage `json:"reported"`
		} `json:"items"`
	}
	res.JSON(t, &rep)
	tot := rep.ChildrenTotal
	if res.Status != 200 || string(rep.Reported) != "null" || len(rep.Items) != 11 || tot.Capital["central_budget"] != 150_000_000_000 ||
		tot.Capital["people"] != 5_000_000_000 || tot.People["land_m2"] != 12000 || tot.Outputs["new_road_km"] != 0.3 || tot.Outputs["school_works"] != 5 {
		t.Fatalf("province report: %d %s", res.Status, res.Body)
	}
	if _, ok := tot.Capital["credit"]; ok {
		t.Error("a figure no child reported appears in the total")
	}
	reported := 0
	for _, it := range rep.Items {
		if string(it.Reported) != "null" {
			reported++
		}
	}
	if reported != 2 {
		t.Errorf("%d children with a report, want 2", reported)
	}
	// Unit reach: the district reads its communes' reports but does not write them; the
	// commune does not see the district's.
	if res := m.do("caoloc", "GET", "/api/v1/units/06220/movement-report?year=2021", nil); res.Status != 200 {
		t.Errorf("a district reads a commune's report: %d", res.Status)
	}
	if res := m.do("caoloc", "PUT", "/api/v1/units/06220/movement-report/2021", vanlang); res.Status != 403 {
		t.Errorf("a district writes a commune's report: %d %s", res.Status, res.Body)
	}
	if res := m.do("tinh", "PUT", "/api/v1/units/183/movement-report/2021", vanlang); res.Status != 403 {
		t.Errorf("the province writes a district's report: %d %s", res.Status, res.Body)
	}
	if res := m.do("xa.haiyen", "PUT", "/api/v1/units/183/movement-report/2021", vanlang); res.Status != 404 {
		t.Errorf("a commune writes its district's report: %d %s", res.Status, res.Body)
	}
	if res := m.do("admin", "GET", "/api/v1/units/20/movement-report?year=2021", nil); res.Status != 404 {
		t.Errorf("an admin reads a report: %d", res.Status)
	}
	// Money in whole VND: a fraction or an exponent is 422 naming the field, a string 400.
	for _, c := range []struct{ body, field string }{
		{`{"capital_vnd":{"people":12.5}}`, "capital_vnd.people"},
		{`{"capital_vnd":{"credit":1e3}}`, "capital_vnd.credit"},
		{`{"outputs":{"school_works":-1}}`, "outputs.school_works"},
		{`{"outputs":{"concrete_road_km":-4}}`, "outputs.concrete_road_km"},
		{`{"people_contribution":{"working_days":2.5}}`, "people_contribution.working_days"},
	} {
		wantDetail(t, m.do("xa.haiyen", "PUT", "/api/v1/units/06220/movement-report/2021", c.body), c.field)
	}
	for _, body := range []string{`{"capital_vnd":{"people":"12"}}`, `{"capital_vnd":{"foo":1}}`, `{"extra":{}}`} {
		if res := m.do("xa.haiyen", "PUT", "/api/v1/units/06220/movement-report/2021", body); res.Status != 400 {
			t.Errorf("%s: %d %s, want 400", body, res.Status, res.Body)
		}
	}
	if res := m.do("xa.haiyen", "GET", "/api/v1/units/06220/movement-report?year=2021", nil); res.Status != 200 || !strings.Contains(res.Body, `"reported":null`) {
		t.Errorf("a refused report was saved: %s", res.Body)
	}
	// The commune's own report, an empty one included.
	if res := m.do("xa.haiyen", "PUT", "/api/v1/units/06220/movement-report/2021", `{}`); res.Status != 200 || !strings.Contains(res.Body, `"reported":{"capital_vnd":{},"people_contribution":{},"outputs":{}}`) {
		t.Errorf("an empty report: %d %s", res.Status, res.Body)
	}
	if res := m.do("xa.haiyen", "PUT", "/api/v1/units/06220/movement-report/2019", `{}`); res.Status != 422 {
		t.Errorf("a year outside the window: %d", res.Status)
	}
}

// TestMovementRoutesForAHanoiObserver: a role held in another province sees nothing of
// Lạng Sơn's figures.
func TestMovementRoutesForAHanoiObserver(t *testing.T) {
	m := newMV(t)
	if _, err := m.a.Identity.CreateUser(context.Background(), newHanoiUser()); err != nil {
		t.Fatal(err)
	}
	u := newHanoiUser()
	login := m.a.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": u.Username, "password": u.Password})
	var out struct {
		Token string `json:"token"`
	}
	login.JSON(t, &out)
	tok := out.Token
	for _, p := range []string{"/api/v1/units/20/criteria-status?year=2021", "/api/v1/units/20/movement-report?year=2021",
		"/api/v1/units/06220/criteria-status/2021"} {
		if res := m.a.Do(t, "GET", p, tok, nil); res.Status != 404 {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}
	if res := m.a.Do(t, "GET", "/api/v1/units/01/criteria-status?year=2021", tok, nil); res.Status != 200 {
		t.Errorf("its own province: %d %s", res.Status, res.Body)
	}
}
