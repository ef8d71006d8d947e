package gendata_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/gendata"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestGenerateIsConsistentAndDeterministic: a small run on the test database produces
// nominations whose history, recognitions and counters agree, and the same seed gives the
// same data.
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
		db.Raw(`SELECT COUNT(*) FROM nominations n WHERE n.version <> 1 + (SELECT COUNT(*) FROM nomination_history h WHERE h.nomination_id = n.id)
			OR (n.status <> 'draft' AND n.status <> (SELECT h.to_status FROM nomination_history h WHERE h.nomination_id = n.id ORDER BY h.id DESC LIMIT 1))`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d nominations disagree with their history", bad)
		}
		if drift, err := progress.New(st).Drift(ctx); err != nil || drift != 0 {
			t.Fatalf("progress counters drift by %d rows after generation (%v)", drift, err)
		}
		var focus int64
		db.Raw(`SELECT COUNT(*) FROM nominations WHERE province_code = '20'`).Scan(&focus)
		// Half go to Lạng Sơn on purpose; the other half spread over the communes of both
		// provinces, a quarter of which are Lạng Sơn's.
		if share := float64(focus) / float64(n); share < 0.5 || share > 0.72 {
			t.Fatalf("focus province has %d of %d, want about 62 %%", focus, n)
		}
		// A generated user can sign in.
		if _, err := svc.Identity.Login(ctx, "huyen.183.1", gendata.Password, "127.0.0.1", "test"); err != nil {
			t.Fatalf("generated user login: %v", err)
		}
		var sum struct{ A, B int64 }
		db.Raw(`SELECT SUM(id * version) AS a, SUM(LENGTH(title)) AS b FROM nominations`).Scan(&sum)
		return string(rune(sum.A%1000)) + string(rune(sum.B%1000))
	}
	if a, b := digest(), digest(); a != b {
		t.Fatal("the same seed gave different data")
	}
}
