package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// twoTierDemo is `seed --demo --two-tier` (SPEC §12): the 2022–2025 campaign as history and
// the 2026–2030 campaign with 2026 targets per commune of Lạng Sơn. It returns the app and
// the two campaigns' ids.
func twoTierDemo(t testing.TB) (a *testkit.App, old, later int64) {
	t.Helper()
	a = testkit.NewApp(t)
	if err := app.SeedDemoTwoTier(context.Background(), a.Services, io.Discard); err != nil {
		t.Fatal(err)
	}
	return a, campaignID(t, a, app.DemoCampaignName), campaignID(t, a, app.DemoTwoTierCampaignName)
}

func campaignID(t testing.TB, a *testkit.App, name string) int64 {
	t.Helper()
	var row struct{ ID int64 }
	if err := a.Store.DB(context.Background()).Table("campaigns").Select("id").Where("name = ?", name).Scan(&row).Error; err != nil || row.ID == 0 {
		t.Fatalf("campaign %q: %v", name, err)
	}
	return row.ID
}

var (
	chartRow  = regexp.MustCompile(`<div class="chart-row">\s*<h3>(<a href="([^"]*)">)?([^<]+)`)
	summaryUL = regexp.MustCompile(`(?s)<ul class="tiles summary">.*?</ul>`)
	formInput = regexp.MustCompile(`<input name="((?:min|max)\.[^"]+)" value="([^"]*)"`)
)

// dashRows reads the chart's rows of a dashboard page: unit name → drill link ("" for none).
func dashRows(body string) (names []string, drill map[string]string) {
	drill = map[string]string{}
	for _, m := range chartRow.FindAllStringSubmatch(body, -1) {
		name := strings.TrimSpace(m[3])
		names = append(names, name)
		drill[name] = m[2]
	}
	return names, drill
}

// progressItem is a row of the progress API.
type progressItem struct {
	UnitCode string  `json:"unit_code"`
	UnitName string  `json:"unit_name"`
	Type     string  `json:"type"`
	State    *string `json:"state"`
}

func progressItems(t *testing.T, a *testkit.App, token string, path string) []progressItem {
	t.Helper()
	res := a.Do(t, "GET", path, token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, res.Status, res.Body)
	}
	var out struct {
		Items []progressItem `json:"items"`
	}
	res.JSON(t, &out)
	return out.Items
}

// childrenByState: the names of the child units of a report with a bar (garden or
// residential area) in each state, "none" for a bar without a target.
func childrenByState(items []progressItem, unit string) (children []string, by map[string][]string) {
	by = map[string][]string{}
	seen := map[string]bool{}
	for _, it := range items {
		if it.UnitCode == unit {
			continue
		}
		if !seen[it.UnitName] {
			seen[it.UnitName] = true
			children = append(children, it.UnitName)
		}
		if it.Type != "model_garden" && it.Type != "model_residential_area" {
			continue
		}
		st := "none"
		if it.State != nil {
			st = *it.State
		}
		if !slices.Contains(by[st], it.UnitName) {
			by[st] = append(by[st], it.UnitName)
		}
	}
	return children, by
}

// The dashboard of a two-tier province lists its 65 communes (SPEC §12), filterable by
// name without diacritics and by state, from the server (GET, no script); the summary
// stays that of every commune. The 2022–2025 campaign still shows the 11 districts of
// 2023 and drills into Cao Lộc; its 2025 adds the districts that still have records.
func TestTwoTierDashboardListsCommunesAndFilters(t *testing.T) {
	t.Parallel()
	a, old, later := twoTierDemo(t)
	token := a.Login(t, "tinh").Token
	b := newBrowser(t, a)
	b.login("tinh")

	items := progressItems(t, a, token, fmt.Sprintf("/api/v1/campaigns/%d/progress?year=2026", later))
	children, byState := childrenByState(items, "20")
	if len(children) != 65 {
		t.Fatalf("progress of 2026: %d child units, want the 65 communes", len(children))
	}

	page := fmt.Sprintf("/campaigns/%d?year=2026&unit=20", later)
	status, body, _ := b.get(page)
	names, drill := dashRows(body)
	if status != http.StatusOK || len(names) != 65 || !strings.Contains(body, "Theo xã") || strings.Contains(body, "Theo huyện") {
		t.Fatalf("the 2026 dashboard: %d, %d rows", status, len(names))
	}
	for name, link := range drill {
		if link != "" {
			t.Errorf("a commune opens a dashboard of its own: %s → %s", name, link)
		}
	}
	if strings.Contains(body, "Đang hiển thị") {
		t.Error("the unfiltered page says how many rows it shows")
	}
	summary := summaryUL.FindString(body)

	for _, q := range []string{"dong kinh", "ĐÔNG  Kinh", "05977"} {
		status, body, _ := b.get(page + "&q=" + url.QueryEscape(q))
		names, _ := dashRows(body)
		if status != http.StatusOK || len(names) != 1 || names[0] != "Phường Đông Kinh" {
			t.Errorf("q=%q: %d, rows %v", q, status, names)
		}
		if !strings.Contains(body, "Đang hiển thị 1 / 65 đơn vị.") {
			t.Errorf("q=%q does not say 1 / 65", q)
		}
		if got := summaryUL.FindString(body); got != summary {
			t.Errorf("q=%q changed the summary:\n%s\nwas\n%s", q, got, summary)
		}
		// The table lists the filtered rows too: Đông Kinh's two types and the province's.
		if n := strings.Count(body, `<tr><th scope="row">`); n != 2 {
			t.Errorf("q=%q: %d table rows, want 2", q, n)
		}
	}
	for _, st := range []string{"met", "on_track", "behind", "none"} {
		_, body, _ := b.get(page + "&state=" + st)
		names, _ := dashRows(body)
		if want := byState[st]; len(want) == 0 || !slices.Equal(names, want) {
			t.Errorf("state=%s: rows %v, want %v", st, names, want)
		}
		if !strings.Contains(body, fmt.Sprintf("Đang hiển thị %d / 65 đơn vị.", len(names))) || summaryUL.FindString(body) != summary {
			t.Errorf("state=%s: the count or the summary is wrong", st)
		}
		if !strings.Contains(body, fmt.Sprintf(`<option value="%s" selected>`, st)) {
			t.Errorf("state=%s is not selected in the form", st)
		}
	}
	// Both filters together, the year's form keeps them, an unknown state is ignored.
	_, body, _ = b.get(page + "&q=chi+lang&state=on_track")
	if names, _ := dashRows(body); len(names) != 1 || !strings.Contains(names[0], "Chi Lăng") {
		t.Errorf("q=chi lang&state=on_track: %v", names)
	}
	if !strings.Contains(body, `<input type="hidden" name="q" value="chi lang">`) || !strings.Contains(body, `<input type="hidden" name="state" value="on_track">`) {
		t.Error("the year's form drops the filter")
	}
	if status, body, _ := b.get(page + "&state=bogus"); status != http.StatusOK || len(chartRow.FindAllString(body, -1)) != 65 {
		t.Errorf("state=bogus: %d", status)
	}
	// No match: a clear line, the summary still there.
	_, body, _ = b.get(page + "&q=khong+co+xa+nay")
	if names, _ := dashRows(body); len(names) != 0 || !strings.Contains(body, "Không có đơn vị nào khớp bộ lọc.") ||
		strings.Contains(body, "Không có đơn vị cấp dưới.") || summaryUL.FindString(body) != summary {
		t.Errorf("no match: rows %v", names)
	}
	// The text is escaped, and cut to 100 characters.
	_, body, _ = b.get(page + "&q=" + url.QueryEscape(`<script>alert(1)</script>`))
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, `value="&lt;script&gt;alert(1)&lt;/script&gt;"`) {
		t.Error("q is not escaped")
	}
	if status, body, _ := b.get(page + "&q=" + strings.Repeat("a", 150)); status != http.StatusOK ||
		!strings.Contains(body, `value="`+strings.Repeat("a", 100)+`"`) || strings.Contains(body, strings.Repeat("a", 101)) {
		t.Errorf("a long q: %d", status)
	}

	// The 2022–2025 campaign on the tree of 2023: the districts, and Cao Lộc's communes.
	status, body, _ = b.get(fmt.Sprintf("/campaigns/%d?year=2023", old))
	names, drill = dashRows(body)
	if status != http.StatusOK || len(names) != 11 || !strings.Contains(body, "Theo huyện, thành phố") {
		t.Fatalf("2023 of the old campaign: %d, rows %v", status, names)
	}
	link := drill["Huyện Cao Lộc"]
	if link != fmt.Sprintf("/campaigns/%d?year=2023&amp;unit=183", old) {
		t.Fatalf("the drill into Cao Lộc: %q", link)
	}
	status, body, _ = b.get(strings.ReplaceAll(link, "&amp;", "&"))
	names, drill = dashRows(body)
	if status != http.StatusOK || !strings.Contains(body, "Huyện Cao Lộc") || !strings.Contains(body, "Theo xã") ||
		!slices.Contains(names, "Xã Hải Yến") || drill["Xã Hải Yến"] != "" {
		t.Fatalf("Cao Lộc in 2023: %d, rows %v", status, names)
	}
	api := progressItems(t, a, token, fmt.Sprintf("/api/v1/campaigns/%d/progress?year=2023&unit=183", old))
	if cs, _ := childrenByState(api, "183"); len(cs) != len(names) {
		t.Errorf("Cao Lộc in 2023: %d communes in the API, %d on the page", len(cs), len(names))
	}
	// 2025 ends in the two-tier tree: the communes, and the districts whose nominations
	// made before the reform are still in the pipeline, named as they last stood.
	_, body, _ = b.get(fmt.Sprintf("/campaigns/%d?year=2025", old))
	names, drill = dashRows(body)
	if len(names) <= 65 || !slices.Contains(names, "Huyện Cao Lộc") || drill["Huyện Cao Lộc"] != "" || !strings.Contains(body, "(đến 30/06/2025)") {
		t.Errorf("2025 of the old campaign: rows %v", names[max(0, len(names)-3):])
	}
}

// The targets form works on the tree of its year: the 2023 targets of the old campaign
// are saved in a two-tier database (districts, "huyện"), the 2026 ones name communes
// ("xã, phường") and keep what was there.
func TestTwoTierTargetsForm(t *testing.T) {
	t.Parallel()
	a, old, later := twoTierDemo(t)
	token := a.Login(t, "tinh").Token
	b := newBrowser(t, a)
	b.login("tinh")

	save := func(id int64, year int, set map[string]string) (inputs int) {
		t.Helper()
		path := fmt.Sprintf("/campaigns/%d/targets?year=%d", id, year)
		status, body, _ := b.get(path)
		if status != http.StatusOK {
			t.Fatalf("%s: %d", path, status)
		}
		form := url.Values{"csrf_token": {b.csrf}}
		for _, m := range formInput.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], m[2])
			inputs++
		}
		for k, v := range set {
			form.Set(k, v)
		}
		status, body, h := b.post(path, form)
		if status != http.StatusSeeOther || h.Get("Location") != fmt.Sprintf("/campaigns/%d?year=%d", id, year) {
			t.Fatalf("saving %s: %d %s", path, status, body)
		}
		return inputs
	}
	targets := func(id int64) map[string]float64 {
		t.Helper()
		res := a.Do(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d", id), token, nil)
		var v struct {
			Targets []struct {
				Year     int     `json:"year"`
				UnitCode string  `json:"unit_code"`
				Type     string  `json:"type"`
				Min      float64 `json:"min"`
			} `json:"targets"`
		}
		res.JSON(t, &v)
		out := map[string]float64{}
		for _, x := range v.Targets {
			out[fmt.Sprintf("%d/%s/%s", x.Year, x.UnitCode, x.Type)] = x.Min
		}
		return out
	}

	_, body, _ := b.get(fmt.Sprintf("/campaigns/%d/targets?year=2023", old))
	if !strings.Contains(body, "Như nhau cho mọi huyện") || !strings.Contains(body, "mỗi huyện cần") || !strings.Contains(body, "Huyện Cao Lộc") {
		t.Error("the 2023 form does not speak of districts")
	}
	before := targets(old)
	save(old, 2023, map[string]string{"min.183.model_garden": "3"})
	after := targets(old)
	if after["2023/183/model_garden"] != 3 || len(after) != len(before)+1 || after["2022/183/model_garden"] != before["2022/183/model_garden"] {
		t.Errorf("2023 targets in a two-tier database: %d before, %d after, %v", len(before), len(after), after["2023/183/model_garden"])
	}

	_, body, _ = b.get(fmt.Sprintf("/campaigns/%d/targets?year=2026", later))
	if !strings.Contains(body, "Như nhau cho mọi xã, phường") || !strings.Contains(body, "mỗi xã, phường cần") ||
		strings.Contains(body, "mọi huyện") || !strings.Contains(body, "Phường Đông Kinh") {
		t.Error("the 2026 form does not speak of communes")
	}
	before = targets(later)
	save(later, 2026, map[string]string{"min.05977.model_garden": "2", "min.06001.model_garden": "1"})
	after = targets(later)
	if after["2026/05977/model_garden"] != 2 || after["2026/06001/model_garden"] != 1 || len(after) != len(before)+1 ||
		after["2026/06463/model_residential_area"] != before["2026/06463/model_residential_area"] {
		t.Errorf("2026 commune targets: %d before, %d after", len(before), len(after))
	}
}

// A three-tier database (make run's world) as before: the districts, each opening its
// own dashboard, and the same filter.
func TestThreeTierDashboardFilters(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	id := testkit.SeedCampaignWithRecognition(t, a)
	token := a.Login(t, "tinh").Token
	b := newBrowser(t, a)
	b.login("tinh")

	page := fmt.Sprintf("/campaigns/%d?year=2022", id)
	_, body, _ := b.get(page)
	names, drill := dashRows(body)
	if len(names) != 11 || !strings.Contains(body, "Theo huyện, thành phố") || drill["Huyện Cao Lộc"] != fmt.Sprintf("/campaigns/%d?year=2022&amp;unit=183", id) {
		t.Fatalf("the districts of 2022: %v", names)
	}
	_, body, _ = b.get(page + "&q=cao+loc")
	if names, drill := dashRows(body); len(names) != 1 || drill["Huyện Cao Lộc"] == "" || !strings.Contains(body, "Đang hiển thị 1 / 11 đơn vị.") {
		t.Errorf("q=cao loc: %v", names)
	}
	_, byState := childrenByState(progressItems(t, a, token, fmt.Sprintf("/api/v1/campaigns/%d/progress?year=2022&unit=20", id)), "20")
	_, body, _ = b.get(page + "&state=met")
	if names, _ := dashRows(body); !slices.Equal(names, byState["met"]) || len(names) != 1 {
		t.Errorf("state=met: %v, want %v", names, byState["met"])
	}
	status, body, _ := b.get(fmt.Sprintf("/campaigns/%d?year=2022&unit=183", id))
	if names, drill := dashRows(body); status != http.StatusOK || len(names) == 0 || !strings.Contains(body, "Theo xã") || drill[names[0]] != "" {
		t.Errorf("Cao Lộc: %d, %v", status, names)
	}
	if _, body, _ := b.get(fmt.Sprintf("/campaigns/%d/targets?year=2022", id)); !strings.Contains(body, "Như nhau cho mọi huyện") {
		t.Error("the three-tier targets form does not speak of districts")
	}
}

// BenchmarkTwoTierDashboard2026 serves the province's 2026 dashboard of the two-tier demo
// (65 communes) and its progress API. `go test -run '^$' -bench TwoTier ./internal/server/`.
func BenchmarkTwoTierDashboard2026(b *testing.B) {
	a, _, later := twoTierDemo(b)
	token := a.Login(b, "tinh").Token
	for _, bc := range []struct{ name, path string }{
		{"page", fmt.Sprintf("/campaigns/%d?year=2026&unit=20", later)},
		{"page_filtered", fmt.Sprintf("/campaigns/%d?year=2026&unit=20&q=dong+kinh&state=met", later)},
		{"api", fmt.Sprintf("/api/v1/campaigns/%d/progress?year=2026&unit=20", later)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if res := a.Do(b, "GET", bc.path, token, nil); res.Status != http.StatusOK {
					b.Fatalf("%s: %d", bc.path, res.Status)
				}
			}
		})
	}
}
