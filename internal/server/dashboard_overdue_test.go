package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The province dashboard counts the campaign's dossiers past their stage's due date today
// (SPEC §13), in total and per row: the demo's open dossiers were submitted in June 2025
// and their 15 working days ran out long ago. In the two-tier demo they sit in districts
// that have ended, which the 2025 view keeps as former rows.
func TestDashboardShowsOverdueDossiers(t *testing.T) {
	t.Parallel()
	a, old, _ := twoTierDemo(t)
	token := a.Login(t, "tinh").Token

	var list struct {
		Items []struct {
			ID           int64  `json:"id"`
			DistrictCode string `json:"district_code"`
			Overdue      bool   `json:"overdue"`
		} `json:"items"`
	}
	res := a.Do(t, "GET", fmt.Sprintf("/api/v1/nominations?overdue=true&campaign_id=%d&limit=100", old), token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("overdue list: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &list)
	perDistrict := map[string]int{}
	for _, n := range list.Items {
		if !n.Overdue {
			t.Errorf("nomination %d listed as overdue without overdue=true", n.ID)
		}
		perDistrict[n.DistrictCode]++
	}
	if len(list.Items) == 0 || perDistrict["183"] == 0 {
		t.Fatalf("the demo has no overdue dossier in Cao Lộc: %+v", list.Items)
	}

	b := newBrowser(t, a)
	b.login("tinh")
	status, body, _ := b.get(fmt.Sprintf("/campaigns/%d?year=2025&unit=20", old))
	if status != http.StatusOK {
		t.Fatalf("dashboard: %d", status)
	}
	total := regexp.MustCompile(`id="dash-overdue"><span class="st st-behind">(\d+) hồ sơ quá hạn</span>`).FindStringSubmatch(body)
	if total == nil || total[1] != strconv.Itoa(len(list.Items)) {
		t.Errorf("dashboard total overdue %v, want %d", total, len(list.Items))
	}
	row := regexp.MustCompile(`(?s)<h3>[^<]*Huyện Cao Lộc.*?</h3>`).FindString(body)
	if want := fmt.Sprintf(`row-overdue">%d quá hạn`, perDistrict["183"]); !strings.Contains(row, want) {
		t.Errorf("Cao Lộc's row lacks %q: %s", want, row)
	}

	// A commune officer reads no whole province: no overdue line at all.
	c := newBrowser(t, a)
	c.login("xa.dongkinh")
	if status, body, _ := c.get(fmt.Sprintf("/campaigns/%d?year=2025&unit=20", old)); status == http.StatusOK && strings.Contains(body, `id="dash-overdue"`) {
		t.Error("a commune officer sees the province's overdue count")
	}
}
