package gendata_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/gendata"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// TestGenerateIsConsistentAndDeterministic: a small run on the test database produces
// nominations whose history, recognitions and counters agree, and the same seed gives the
// same data.
func mustUnit(t *testing.T, svc *app.Services, code string) units.Unit {
	t.Helper()
	u, err := svc.Units.Get(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestGenerateIsConsistentAndDeterministic(t *testing.T) {
	ctx := context.Background()
	n := 3000
	if raceEnabled {
		n = 200
	}
	digest := func() string {
		st := testkit.NewDB(t)
		svc, err := app.NewServices(st, testkit.TestSecret, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		stats, err := gendata.Generate(ctx, gendata.Services{Store: st, Units: svc.Units, Criteria: svc.Criteria},
			gendata.Options{Nominations: n, Seed: 7, FocusProvince: "20", FocusShare: 0.5, Provinces: []string{"20", "01"}}, &log)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Nominations != n || stats.Users < 400 || stats.Campaigns != 2 || stats.History < n || stats.Recognitions < n*3/10 {
			t.Fatalf("stats = %+v", stats)
		}
		// One confirmed status per Xã of the two provinces for 2021, every commune title
		// holder meeting all 19 criteria and no one else.
		var xa int64
		st.DB(ctx).Table("units").Where("level = 'commune' AND kind = 'Xã' AND valid_to IS NULL").Count(&xa)
		if int64(stats.Statuses) != xa || stats.Titles < int(xa)/2 {
			t.Fatalf("%d statuses and %d titles for %d Xã", stats.Statuses, stats.Titles, xa)
		}
		agg, err := svc.Movement.AggregateFor(ctx, mustUnit(t, svc, "20"), 2021)
		if err != nil {
			t.Fatal(err)
		}
		if agg.Communes != 175 || agg.Reported != 175 || agg.Confirmed != 175 || agg.Bands["19"] != agg.NTMCommunes ||
			agg.NTMCommunes < 80 || agg.AdvancedNTMCommunes == 0 || agg.AverageMet < 12 {
			t.Fatalf("Lạng Sơn's generated 2021 figures: %+v", agg)
		}
		db := st.DB(ctx)
		var bad int64
		// Every approved or revoked nomination has exactly one recognition, revoked iff revoked.
		db.Raw(`SELECT COUNT(*) FROM nominations n LEFT JOIN recognitions r ON r.nomination_id = n.id
			WHERE (n.status IN ('approved','revoked')) <> (r.id IS NOT NULL)
			   OR (n.status = 'revoked') <> (r.revoked_at IS NOT NULL AND r.id IS NOT NULL)`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d nominations disagree with their recognitions", bad)
		}
		// The version is one more than the number of history entries, and the last
		// entry's to-status is the nomination's status.
		// A recorded title is version 1 with its one "record" entry.
		db.Raw(`SELECT COUNT(*) FROM nominations n WHERE n.version <> 1 + (SELECT COUNT(*) FROM nomination_history h WHERE h.nomination_id = n.id AND h.action <> 'record')
			OR (n.status <> 'draft' AND n.status <> (SELECT h.to_status FROM nomination_history h WHERE h.nomination_id = n.id ORDER BY h.id DESC LIMIT 1))`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d nominations disagree with their history", bad)
		}
		if drift, err := progress.New(st).Drift(ctx); err != nil || drift != 0 {
			t.Fatalf("progress counters drift by %d rows after generation (%v)", drift, err)
		}
		var focus int64
		// Counted over the generated gardens and residential areas: the recorded commune
		// titles come on top of n, and at the race detector's small n they would dominate.
		db.Raw(`SELECT COUNT(*) FROM nominations WHERE province_code = '20' AND type IN ('model_garden', 'model_residential_area')`).Scan(&focus)
		// Half go to Lạng Sơn on purpose; the other half spread over the communes of both
		// provinces, a quarter of which are Lạng Sơn's.
		if share := float64(focus) / float64(n); share < 0.5 || share > 0.72 {
			t.Fatalf("focus province has %d of %d, want about 62 %%", focus, n)
		}
		// A generated user can sign in.
		if _, err := svc.Identity.Login(ctx, "huyen.183.1", gendata.Password, "127.0.0.1", "test"); err != nil {
			t.Fatalf("generated user login: %v", err)
		}
		var sum struct{ A, B, C int64 }
		db.Raw(`SELECT SUM(id * version) AS a, SUM(LENGTH(title)) AS b FROM nominations`).Scan(&sum)
		db.Raw(`SELECT SUM(id * met_count) AS c FROM criteria_status`).Scan(&sum.C)
		return fmt.Sprint(sum.A, sum.B, sum.C)
	}
	if a, b := digest(), digest(); a != b {
		t.Fatal("the same seed gave different data")
	}
}
