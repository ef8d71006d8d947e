package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// publicNotices reads the running notices as anyone does, without signing in.
// noticeItem is a running notice as GET /api/v1/public/notices lists it.
type noticeItem struct {
	NominationID int64  `json:"nomination_id"`
	Type         string `json:"type"`
	CommuneCode  string `json:"commune_code"`
	CommuneName  string `json:"commune_name"`
	NoticeUntil  string `json:"notice_until"`
}

func publicNotices(t *testing.T, a *testkit.App) []noticeItem {
	t.Helper()
	res := a.Do(t, "GET", "/api/v1/public/notices", "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("public notices: %d %s", res.Status, res.Body)
	}
	var page struct {
		Items []noticeItem `json:"items"`
	}
	res.JSON(t, &page)
	return page.Items
}

// TestDemoHasANoticeRunning: `make run` shows a public notice: the demo seed endorses Mẫu
// Sơn's NTM commune title on the day it runs, so the notice lists it without sign-in and
// the province cannot approve it yet (409 notice_open). A second seed adds no other. The
// two-tier demo does the same for Xã Chi Lăng, reviewed by the province.
func TestDemoHasANoticeRunning(t *testing.T) {
	ctx := context.Background()
	today := time.Now().In(time.FixedZone("ICT", 7*3600)).Format(time.DateOnly)
	for _, world := range []struct {
		name, commune, communeName string
		seed                       func(context.Context, *app.Services, *bytes.Buffer) error
	}{
		{"three-tier", "06238", "Xã Mẫu Sơn", func(ctx context.Context, s *app.Services, out *bytes.Buffer) error { return app.SeedDemo(ctx, s, out) }},
		{"two-tier", "06463", "Xã Chi Lăng", func(ctx context.Context, s *app.Services, out *bytes.Buffer) error {
			return app.SeedDemoTwoTier(ctx, s, out)
		}},
	} {
		t.Run(world.name, func(t *testing.T) {
			a := testkit.NewApp(t)
			var out bytes.Buffer
			if err := world.seed(ctx, a.Services, &out); err != nil {
				t.Fatalf("seed: %v\n%s", err, out.String())
			}
			items := publicNotices(t, a)
			if len(items) != 1 || items[0].CommuneCode != world.commune || items[0].CommuneName != world.communeName ||
				items[0].Type != "ntm_commune" || items[0].NoticeUntil <= today {
				t.Fatalf("public notices after the seed (today %s): %+v", today, items)
			}
			page := a.Do(t, "GET", "/public/notices", "", nil)
			if page.Status != http.StatusOK || !strings.Contains(string(page.Body), world.communeName) {
				t.Errorf("the public notice page: %d, lists %s: %v", page.Status, world.communeName,
					strings.Contains(string(page.Body), world.communeName))
			}
			st := newStory(t, a)
			id := items[0].NominationID
			var n nomination
			res := a.Do(t, "GET", fmt.Sprintf("/api/v1/nominations/%d", id), st.token("tinh"), nil)
			res.JSON(t, &n)
			if n.Status != "endorsed" {
				t.Fatalf("the noticed dossier: %d %s", res.Status, res.Body)
			}
			res = a.Do(t, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", id), st.token("tinh"),
				map[string]any{"action": "approve", "decision": map[string]any{"number": "999/QĐ-UBND", "date": today, "signer": "Hồ Tiến Thiệu"}},
				"If-Match", strconv.Quote(strconv.Itoa(n.Version)))
			if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "notice_open") {
				t.Errorf("approve during the notice: %d %s", res.Status, res.Body)
			}
			out.Reset()
			if err := world.seed(ctx, a.Services, &out); err != nil {
				t.Fatal(err)
			}
			if again := publicNotices(t, a); len(again) != 1 || strings.Contains(out.String(), "public notice") {
				t.Errorf("a second seed: %d notices\n%s", len(again), out.String())
			}
		})
	}
}
