package server_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestPublicRegistrySearch: ?q= searches the owner's name, the title, the village and the
// decision number without regard to case or diacritics, the same in the API and on the
// page, on either database.
func TestPublicRegistrySearch(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	garden := func(commune, title, owner, village string) map[string]any {
		b := gardenBody(commune)
		b["title"] = title
		b["subject"].(map[string]any)["owner_name"] = owner
		b["subject"].(map[string]any)["village"] = village
		return b
	}
	approve := func(officer, reviewer string, body map[string]any, number string) {
		w.drive(officer, reviewer, w.createWith(officer, body), "approved", map[string]string{"number": number, "date": "2025-06-01", "signer": "A"})
	}
	approve("xa.haiyen", "caoloc", garden("06220", "Vườn hồi của bà Hải Yến", "Nguyễn Thị Hải Yến", "Thôn Nà Lầu"), "21/QĐ-UBND")
	approve("xa.haiyen", "caoloc", garden("06220", "Vườn cam Đồng Đăng", "Đặng Văn Đồng", "Thôn Pò Mã"), "22/QĐ-UBND")
	approve("xa.tantac", "vanlang", garden("06142", "Vườn na Chi Lăng", "Hoàng Văn Thắng", "Thôn Khòn Pát"), "123/QĐ-UBND")

	cases := []struct {
		q    string
		want []string // decision numbers, newest first
	}{
		{"hai yen", []string{"21/QĐ-UBND"}},
		{"HẢI YẾN", []string{"21/QĐ-UBND"}},
		{"  Nguyễn   thị hải  ", []string{"21/QĐ-UBND"}},
		{"na lau", []string{"21/QĐ-UBND"}},        // village
		{"dong dang", []string{"22/QĐ-UBND"}},     // title
		{"đặng văn đồng", []string{"22/QĐ-UBND"}}, // owner
		{"22/QĐ-UBND", []string{"22/QĐ-UBND"}},    // decision number as printed
		{"22/qd-ubnd", []string{"22/QĐ-UBND"}},    // typed without diacritics
		{"123/QĐ", []string{"123/QĐ-UBND"}},       // prefix
		{"qđ-ubnd", []string{"123/QĐ-UBND", "22/QĐ-UBND", "21/QĐ-UBND"}},
		{"vườn", []string{"123/QĐ-UBND", "22/QĐ-UBND", "21/QĐ-UBND"}},
		{"khong co ai", nil},
		{"100%", nil}, // a LIKE wildcard is text, not a pattern
		{"", []string{"123/QĐ-UBND", "22/QĐ-UBND", "21/QĐ-UBND"}},
	}
	for _, tc := range cases {
		res := w.a.Do(t, "GET", "/api/v1/public/recognitions?q="+url.QueryEscape(tc.q), "", nil)
		var out struct {
			Items []struct {
				DecisionNumber string `json:"decision_number"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(res.Body), &out); err != nil || res.Status != 200 {
			t.Fatalf("q=%q: %d %s", tc.q, res.Status, res.Body)
		}
		var got []string
		for _, it := range out.Items {
			got = append(got, it.DecisionNumber)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("API q=%q: %v, want %v", tc.q, got, tc.want)
		}
		page := w.a.Do(t, "GET", "/public/recognitions?q="+url.QueryEscape(tc.q), "", nil)
		for _, number := range []string{"21/QĐ-UBND", "22/QĐ-UBND", "123/QĐ-UBND"} {
			if strings.Contains(page.Body, "số "+number+" ") != slices.Contains(tc.want, number) {
				t.Errorf("page q=%q: shows %s = %v", tc.q, number, !slices.Contains(tc.want, number))
			}
		}
	}
	// The search combines with the other filters, and the page keeps it in the form.
	if res := w.a.Do(t, "GET", "/api/v1/public/recognitions?q=vuon&district=182", "", nil); !strings.Contains(res.Body, "123/QĐ-UBND") || strings.Contains(res.Body, "21/QĐ") {
		t.Errorf("q with district: %s", res.Body)
	}
	if page := w.a.Do(t, "GET", "/public/recognitions?q=h%E1%BA%A3i+y%E1%BA%BFn", "", nil); !strings.Contains(page.Body, `name="q" value="hải yến"`) {
		t.Error("the page's search box lost the query")
	}
}
