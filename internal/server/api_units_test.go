package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

type unitBody struct {
	Code         string  `json:"code"`
	Level        string  `json:"level"`
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	ParentCode   *string `json:"parent_code"`
	Path         []string
	ValidFrom    string  `json:"valid_from"`
	ValidTo      *string `json:"valid_to"`
	Successors   []link  `json:"successors"`
	Predecessors []link  `json:"predecessors"`
}

type link struct{ Code, Name, Share string }

// TestUnitsOnADate: the units API answers the tree of ?on= across the reform of 1 July 2025.
func TestUnitsOnADate(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	if _, err := a.Units.ImportTwoTier(context.Background(), "20"); err != nil {
		t.Fatal(err)
	}
	get := func(path string, status int) string {
		t.Helper()
		res := a.Do(t, "GET", path, "", nil)
		if res.Status != status {
			t.Fatalf("%s: status %d, want %d: %s", path, res.Status, status, res.Body)
		}
		return res.Body
	}
	list := func(path string) []unitBody {
		t.Helper()
		var out struct{ Items []unitBody }
		if err := json.Unmarshal([]byte(get(path, 200)), &out); err != nil {
			t.Fatal(err)
		}
		return out.Items
	}
	one := func(path string) unitBody {
		t.Helper()
		var u unitBody
		if err := json.Unmarshal([]byte(get(path, 200)), &u); err != nil {
			t.Fatal(err)
		}
		return u
	}

	if old := list("/api/v1/units?parent=20&on=2025-06-30"); len(old) != 11 || old[0].Level != "district" {
		t.Fatalf("Lạng Sơn on 30 June 2025: %d units", len(old))
	}
	now := list("/api/v1/units?parent=20&on=2025-07-01")
	kinds := map[string]int{}
	for _, u := range now {
		kinds[u.Kind]++
	}
	if len(now) != 65 || kinds["Xã"] != 61 || kinds["Phường"] != 4 {
		t.Fatalf("Lạng Sơn on 1 July 2025: %d units, %v", len(now), kinds)
	}
	if def := list("/api/v1/units?parent=20"); len(def) != 65 {
		t.Fatalf("today's Lạng Sơn: %d units", len(def))
	}

	hy := one("/api/v1/units/06220?on=2025-06-30")
	if hy.Name != "Xã Hải Yến" || hy.ParentCode == nil || *hy.ParentCode != "183" || hy.ValidFrom != "2025-03-01" ||
		hy.ValidTo == nil || *hy.ValidTo != "2025-06-30" || len(hy.Successors) != 1 ||
		hy.Successors[0] != (link{"06220", "Xã Công Sơn", "full"}) || len(hy.Predecessors) != 0 {
		t.Fatalf("06220 on 30 June: %+v", hy)
	}
	cs := one("/api/v1/units/06220?on=2025-07-01")
	if cs.Name != "Xã Công Sơn" || *cs.ParentCode != "20" || cs.Level != "commune" || strings.Join(cs.Path, ",") != "20,06220" ||
		cs.ValidFrom != "2025-07-01" || cs.ValidTo != nil || len(cs.Successors) != 0 || len(cs.Predecessors) != 3 ||
		cs.Predecessors[0] != (link{"06220", "Xã Hải Yến", "full"}) {
		t.Fatalf("06220 on 1 July: %+v", cs)
	}
	dk := one("/api/v1/units/05977?on=2025-07-01")
	found := false
	for _, p := range dk.Predecessors {
		found = found || p == link{"06247", "Xã Yên Trạch", "full"}
	}
	if dk.Name != "Phường Đông Kinh" || len(dk.Predecessors) != 4 || !found {
		t.Fatalf("Đông Kinh's predecessors: %+v", dk.Predecessors)
	}
	bx := one("/api/v1/units/06622?on=2025-06-30")
	if len(bx.Successors) != 2 || bx.Successors[0].Share != "partial" || bx.Successors[1].Share != "partial" {
		t.Fatalf("Bính Xá's successors: %+v", bx.Successors)
	}

	get("/api/v1/units/06238?on=2025-07-01", 404) // Mẫu Sơn ended with the reform (its code not reused)
	get("/api/v1/units?parent=183&on=2025-07-01", 404)
	for _, bad := range []string{"/api/v1/units/06220?on=30-06-2025", "/api/v1/units?parent=20&on=2025-13-01"} {
		if body := get(bad, 422); !strings.Contains(body, `"on"`) {
			t.Errorf("%s: %s", bad, body)
		}
	}
}
