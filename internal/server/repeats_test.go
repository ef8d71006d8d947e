package server_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/nomination"
)

// dupNom is a nomination body with its duplicates.
type dupNom struct {
	ID            int64                  `json:"id"`
	Version       int                    `json:"version"`
	Status        string                 `json:"status"`
	RecognitionID *int64                 `json:"recognition_id"`
	Duplicates    []nomination.Duplicate `json:"duplicates"`
}

func (w *wf) duplicatesOf(user string, id int64) []nomination.Duplicate {
	w.t.Helper()
	var n dupNom
	res := w.do(user, "GET", fmt.Sprintf("/api/v1/nominations/%d", id), nil)
	if res.Status != http.StatusOK {
		w.t.Fatalf("get %d: %d %s", id, res.Status, res.Body)
	}
	res.JSON(w.t, &n)
	if n.Duplicates == nil {
		w.t.Fatalf("nomination %d: no duplicates list in %s", id, res.Body)
	}
	return n.Duplicates
}

// gardenOf is a garden dossier of commune with the owner and village given.
func gardenOf(commune, owner, village string) map[string]any {
	body := gardenBody(commune)
	body["title"] = "Vườn của " + owner
	body["subject"] = map[string]any{"owner_name": owner, "village": village, "area_m2": 2400, "main_crops": "Cam", "annual_income_vnd": 185000000}
	return body
}

// areaOf is a residential area dossier of commune in village.
func areaOf(commune, village string) map[string]any {
	return map[string]any{"type": "model_residential_area", "commune_code": commune, "title": "Khu dân cư " + village,
		"subject": map[string]any{"village": village, "households": 120, "population": 480}}
}

// recentDecision is a decision taken a month ago: its recognitions are active for years.
func recentDecision() map[string]string {
	d := nextDecision()
	d["date"] = time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	return d
}

func dup(kind string, id int64) nomination.Duplicate { return nomination.Duplicate{Kind: kind, ID: id} }

// TestRepeatNominations (SPEC §13): a garden with the owner and village of an active
// recognition or of another open nomination of its commune, spelled with other diacritics,
// case or spacing, lists them in duplicates (recognitions first); a revoked or expired
// recognition, a rejected nomination, another commune, another owner, another type and
// the nomination itself are not listed. A residential area matches by village alone. The
// list carries the same duplicates, read for the whole page at once.
func TestRepeatNominations(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	const owner, village = "Hoàng Văn Thắng", "Thôn Pắc Cáp"
	garden := func(officer, commune, owner, village string) nom {
		return w.createWith(officer, gardenOf(commune, owner, village))
	}

	active := w.drive("xa.haiyen", "caoloc", garden("xa.haiyen", "06220", owner, village), "approved", recentDecision())
	expired := w.drive("xa.haiyen", "caoloc", garden("xa.haiyen", "06220", owner, village), "approved", nextDecision()) // 2022: past its 3 years
	revoked := w.drive("xa.haiyen", "caoloc", garden("xa.haiyen", "06220", owner, village), "approved", recentDecision())
	revoked = w.act("tinh", revoked, "revoke", map[string]any{"comment": "Vườn không còn duy trì tiêu chí"}, 200)
	rejected := w.drive("xa.haiyen", "caoloc", garden("xa.haiyen", "06220", owner, village), "under_review", nil)
	rejected = w.act("caoloc", rejected, "reject", map[string]any{"comment": "Không đạt"}, 200)

	b := w.drive("xa.haiyen", "caoloc", garden("xa.haiyen", "06220", "HOANG VAN THANG", "thôn pắc cáp"), "under_review", nil)
	c := garden("xa.haiyen", "06220", "hoàng  văn thắng", "Thon Pac Cap") // an open draft
	other := garden("xa.mauson", "06238", owner, village)                 // another commune
	neighbour := garden("xa.haiyen", "06220", "Hoàng Văn Thành", village) // another owner
	area := w.createWith("xa.haiyen", areaOf("06220", village))           // another type, same village
	area2 := w.createWith("xa.haiyen", areaOf("06220", "THÔN PẮC CÁP"))

	cases := []struct {
		name string
		id   int64
		want []nomination.Duplicate
	}{
		{"an open nomination under review", b.ID, []nomination.Duplicate{dup("recognition", *active.RecognitionID), dup("nomination", c.ID)}},
		{"an open draft", c.ID, []nomination.Duplicate{dup("recognition", *active.RecognitionID), dup("nomination", b.ID)}},
		{"the approved one: not its own recognition", active.ID, []nomination.Duplicate{dup("nomination", b.ID), dup("nomination", c.ID)}},
		{"a rejected one is still told", rejected.ID, []nomination.Duplicate{dup("recognition", *active.RecognitionID), dup("nomination", b.ID), dup("nomination", c.ID)}},
		{"another commune", other.ID, []nomination.Duplicate{}},
		{"another owner", neighbour.ID, []nomination.Duplicate{}},
		{"a residential area by village alone", area.ID, []nomination.Duplicate{dup("nomination", area2.ID)}},
	}
	for _, tc := range cases {
		if got := w.duplicatesOf("tinh", tc.id); !slices.Equal(got, tc.want) {
			t.Errorf("%s (#%d): duplicates %v, want %v", tc.name, tc.id, got, tc.want)
		}
	}
	for _, n := range []nom{expired, revoked} {
		if got := w.duplicatesOf("tinh", b.ID); slices.Contains(got, dup("recognition", *n.RecognitionID)) {
			t.Errorf("the %s recognition %d is listed: %v", n.Status, *n.RecognitionID, got)
		}
	}

	// PATCH answers with duplicates too, and an edit that changes the owner drops them.
	patch := w.do("xa.haiyen", "PATCH", fmt.Sprintf("/api/v1/nominations/%d", c.ID), map[string]any{
		"subject": map[string]any{"owner_name": "Lương Văn Tú", "village": village, "area_m2": 2400, "main_crops": "Cam", "annual_income_vnd": 185000000},
	}, ifMatch(c.Version)...)
	var patched dupNom
	patch.JSON(t, &patched)
	if patch.Status != http.StatusOK || patched.Duplicates == nil || len(patched.Duplicates) != 0 {
		t.Fatalf("patch to another owner: %d %s", patch.Status, patch.Body)
	}
	if got := w.duplicatesOf("caoloc", b.ID); !slices.Equal(got, []nomination.Duplicate{dup("recognition", *active.RecognitionID)}) {
		t.Errorf("after the draft changed owner: %v", got)
	}

	// The list: every item carries its duplicates.
	var page struct {
		Items []dupNom `json:"items"`
	}
	res := w.do("caoloc", "GET", "/api/v1/nominations?limit=100", nil)
	res.JSON(t, &page)
	byID := map[int64][]nomination.Duplicate{}
	for _, it := range page.Items {
		if it.Duplicates == nil {
			t.Fatalf("list item %d without duplicates: %s", it.ID, res.Body)
		}
		byID[it.ID] = it.Duplicates
	}
	if got := byID[b.ID]; !slices.Equal(got, []nomination.Duplicate{dup("recognition", *active.RecognitionID)}) {
		t.Errorf("list: #%d duplicates %v", b.ID, got)
	}
	if got := byID[area.ID]; !slices.Equal(got, []nomination.Duplicate{dup("nomination", area2.ID)}) {
		t.Errorf("list: area #%d duplicates %v", area.ID, got)
	}
	if got, ok := byID[neighbour.ID]; !ok || len(got) != 0 {
		t.Errorf("list: #%d duplicates %v (listed %v)", neighbour.ID, got, ok)
	}
}

// TestRepeatWarningPages: the review page and the nomination page warn of the repeat and
// link to what it repeats; the list marks the row; a nomination without repeats shows none.
func TestRepeatWarningPages(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	active := w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", gardenOf("06220", "Nông Thị Dung", "Thôn Nà Lầu")), "approved", recentDecision())
	b := w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", gardenOf("06220", "nong thi dung", "THÔN NÀ LẦU")), "under_review", nil)
	plain := w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", gardenOf("06220", "Lý Thị Mai", "Thôn Nà Lầu")), "under_review", nil)

	br := newBrowser(t, w.a)
	br.login("caoloc")
	recLink := fmt.Sprintf(`href="/public/recognitions/%d"`, *active.RecognitionID)
	for _, path := range []string{fmt.Sprintf("/nominations/%d/review", b.ID), fmt.Sprintf("/nominations/%d", b.ID)} {
		status, body, _ := br.get(path)
		if status != http.StatusOK || !strings.Contains(body, `id="repeat-warning"`) || !strings.Contains(body, recLink) ||
			!strings.Contains(body, "Có thể trùng lặp") || !strings.Contains(body, fmt.Sprintf("Công nhận số %d, còn hiệu lực", *active.RecognitionID)) {
			t.Errorf("%s: %d, no repeat warning linking %s:\n%.3000s", path, status, recLink, body)
		}
	}
	for _, path := range []string{fmt.Sprintf("/nominations/%d/review", plain.ID), fmt.Sprintf("/nominations/%d", plain.ID)} {
		if status, body, _ := br.get(path); status != http.StatusOK || strings.Contains(body, "repeat-warning") {
			t.Errorf("%s: %d, a warning without a repeat", path, status)
		}
	}

	status, body, _ := br.get("/nominations?status=under_review")
	if status != http.StatusOK {
		t.Fatalf("list: %d", status)
	}
	card := func(id int64) string {
		re := regexp.MustCompile(`(?s)<li class="card">\s*<a href="/nominations/` + fmt.Sprint(id) + `".*?</li>`)
		return re.FindString(body)
	}
	if c := card(b.ID); !strings.Contains(c, `data-repeats="1"`) || !strings.Contains(c, "Có thể trùng lặp (1)") {
		t.Errorf("the repeat's row has no marker: %q", c)
	}
	if c := card(plain.ID); c == "" || strings.Contains(c, "data-repeats") {
		t.Errorf("a row without repeats is marked (or missing): %q", c)
	}
}

// TestRepeatListQueries: a page of the list finds the duplicates of all its items in one
// query: as many queries for a page of 12 repeating nominations as for a page of 2.
func TestRepeatListQueries(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	w.drive("xa.haiyen", "caoloc", w.createWith("xa.haiyen", gardenOf("06220", "Hoàng Văn Thắng", "Thôn Pắc Cáp")), "approved", recentDecision())
	for range 12 {
		if res := w.do("xa.haiyen", "POST", "/api/v1/nominations", gardenOf("06220", "hoàng văn thắng", "thôn pắc cáp")); res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
	}
	caoloc, err := w.a.Identity.PrincipalFor(context.Background(), "caoloc")
	if err != nil {
		t.Fatal(err)
	}
	type key struct{}
	var n atomic.Int64
	count := func(db *gorm.DB) {
		if db.Statement.Context != nil && db.Statement.Context.Value(key{}) != nil {
			n.Add(1)
		}
	}
	db := w.a.Store.DB(context.Background())
	if err := db.Callback().Query().After("gorm:query").Register("test:count_repeat_query", count); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Row().After("gorm:row").Register("test:count_repeat_row", count); err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), key{}, true)
	queries := map[int]int64{}
	for _, limit := range []int{2, 12} {
		n.Store(0)
		page, err := w.a.Nominations.List(ctx, caoloc, nomination.Filter{Type: "model_garden", Statuses: []nomination.Status{nomination.Draft}, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != limit {
			t.Fatalf("limit %d: %d items", limit, len(page.Items))
		}
		for _, it := range page.Items {
			if len(it.Duplicates) != 12 { // the recognition and the 11 other drafts
				t.Fatalf("limit %d: #%d has %d duplicates: %v", limit, it.ID, len(it.Duplicates), it.Duplicates)
			}
		}
		queries[limit] = n.Load()
	}
	t.Logf("queries per page size: %v", queries)
	if queries[2] != queries[12] || queries[2] > 2 {
		t.Errorf("queries per page: %v, want the list and one for the duplicates, whatever its size", queries)
	}
}
