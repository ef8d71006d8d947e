package recognition_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// countingContext counts the queries run on st with the returned context.
func countingContext(t *testing.T, st *store.Store) (context.Context, *atomic.Int64) {
	t.Helper()
	type key struct{}
	n := &atomic.Int64{}
	count := func(db *gorm.DB) {
		if db.Statement.Context != nil && db.Statement.Context.Value(key{}) != nil {
			n.Add(1)
		}
	}
	db := st.DB(context.Background())
	if err := db.Callback().Query().After("gorm:query").Register("test:count_query", count); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Row().After("gorm:row").Register("test:count_row", count); err != nil {
		t.Fatal(err)
	}
	return context.WithValue(context.Background(), key{}, true), n
}

// A page of recognitions is named in a few queries, as many for 50 recognitions as for 5:
// the units' history is read once for the page (SPEC §12), recognitions made in the
// three-tier tree before the reform and in the two-tier tree after it. The unit searched
// with its predecessors costs a few queries too.
func TestDescribeQueriesDoNotGrow(t *testing.T) {
	t.Parallel()
	st := testkit.NewDB(t)
	us := units.NewService(st)
	testkit.ImportUnits(t, us, "20")
	if _, err := us.ImportTwoTier(context.Background(), "20"); err != nil {
		t.Fatal(err)
	}
	ctx, queries := countingContext(t, st)
	var old, current []units.Unit
	db := st.DB(context.Background())
	if err := db.Where("level = ? AND valid_to IS NOT NULL AND path LIKE ?", units.Commune, "/20/%").Order("code").Find(&old).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("level = ? AND valid_to IS NULL AND path LIKE ?", units.Commune, "/20/%").Order("code").Find(&current).Error; err != nil {
		t.Fatal(err)
	}
	if len(old) < 100 || len(current) < 40 {
		t.Fatalf("%d old communes, %d current ones", len(old), len(current))
	}
	made := func(u units.Unit, on time.Time) recognition.Recognition {
		return recognition.Recognition{CommuneCode: u.Code, DistrictCode: u.Parent(), ProvinceCode: "20", UnitPath: u.Path, DecisionDate: on}
	}
	// Hải Yến (06220, its code now Xã Công Sơn's) and Yên Trạch (06247, went into Phường Đông Kinh).
	find := func(code string) units.Unit {
		for _, u := range old {
			if u.Code == code {
				return u
			}
		}
		t.Fatalf("no old commune %s", code)
		return units.Unit{}
	}
	page := func(size int) []recognition.Recognition {
		list := []recognition.Recognition{
			made(find("06220"), time.Date(2023, 3, 15, 0, 0, 0, 0, time.UTC)),
			made(find("06247"), time.Date(2021, 12, 20, 0, 0, 0, 0, time.UTC)),
		}
		for i := 0; len(list) < size; i++ {
			if i%3 == 2 {
				list = append(list, made(current[i*7%len(current)], time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)))
			} else {
				list = append(list, made(old[i*11%len(old)], time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 20*i)))
			}
		}
		return list
	}
	describe := func(list []recognition.Recognition) int64 {
		queries.Store(0)
		if err := recognition.Describe(ctx, us, list, ""); err != nil {
			t.Fatal(err)
		}
		return queries.Load()
	}
	small, large := page(5), page(50)
	few, many := describe(small), describe(large)
	if few != many || many > 3 {
		t.Errorf("Describe: %d queries for %d recognitions, %d for %d", many, len(large), few, len(small))
	}
	named := func(p *recognition.Place) string {
		return p.CommuneName + " / " + p.DistrictName + " / " + p.ProvinceName + " / " + p.NowNames()
	}
	for i, r := range small { // the short page is the long one's beginning
		if a, b := named(r.Place), named(large[i].Place); a != b {
			t.Errorf("%s named %s in a short page, %s in a long one", r.CommuneCode, a, b)
		}
	}
	for _, c := range []struct {
		r                            recognition.Recognition
		commune, district, now, prov string
	}{
		{large[0], "Xã Hải Yến", "Huyện Cao Lộc", "Xã Công Sơn", "Tỉnh Lạng Sơn"},
		{large[1], "Xã Yên Trạch", "Huyện Cao Lộc", "Phường Đông Kinh", "Tỉnh Lạng Sơn"},
	} {
		p := c.r.Place
		if p.CommuneName != c.commune || p.DistrictName != c.district || p.NowNames() != c.now || p.ProvinceName != c.prov {
			t.Errorf("%s: %+v", c.r.CommuneCode, p)
		}
	}
	for _, r := range large {
		if r.Place == nil || r.Place.CommuneName == "" || r.Place.ProvinceName == "" || r.DistrictCode != "" && r.Place.DistrictName == "" {
			t.Errorf("%s on %s unnamed: %+v", r.CommuneCode, r.DecisionDate.Format(time.DateOnly), r.Place)
		}
	}

	for _, code := range []string{"05977", "06220", "20"} {
		queries.Store(0)
		paths, err := recognition.UnitPaths(ctx, us, code, true, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if n := queries.Load(); n > 3 || len(paths) < 2 && code != "20" {
			t.Errorf("%s with its predecessors: %d queries, paths %v", code, n, paths)
		}
	}
}
