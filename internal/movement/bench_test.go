package movement_test

import (
	"context"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/movement"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// BenchmarkAggregate: every unit of the country and a status for every Xã of 2021. The
// targets (PostgreSQL): a province under 50 ms, the nation under 500 ms.
//
//	TEST_DATABASE_URL=… go test ./internal/movement -run '^$' -bench Aggregate -benchtime 20x
func BenchmarkAggregate(b *testing.B) {
	ctx := context.Background()
	st := testkit.NewDB(b)
	us := units.NewService(st)
	testkit.ImportUnits(b, us)
	az, err := authz.New()
	if err != nil {
		b.Fatal(err)
	}
	cs := criteria.NewService(st, az, us)
	m := movement.NewService(st, az, us, cs, recognition.NewService(st, az), campaign.NewService(st, az, us))
	m.SetClock(func() time.Time { return clock })
	provinces, err := us.Children(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	all := map[string][]string{}
	for _, p := range provinces {
		set, err := cs.PublishAsSystem(ctx, criteria.NationalNTMCommuneSet(p.Code))
		if err != nil {
			b.Fatal(err)
		}
		g, err := m.Grid(ctx, &authz.Principal{Grants: []authz.Grant{{Role: authz.ProvinceApprover, UnitCode: p.Code, UnitPath: p.Path}}}, p.Code, 2021)
		if err != nil {
			b.Fatal(err)
		}
		met := map[string][]string{}
		for i, r := range g.Rows {
			met[r.Unit.Code] = codes(i % 20)
			all[r.Unit.Code] = met[r.Unit.Code]
		}
		if err := m.ImportStatusesAsSystem(ctx, 2021, set.ID, met); err != nil {
			b.Fatal(err)
		}
	}
	ls, err := us.Get(ctx, "20")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d Xã with a 2021 status", len(all))
	b.Run("province", func(b *testing.B) {
		for b.Loop() {
			if _, err := m.AggregateFor(ctx, ls, 2021); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("national", func(b *testing.B) {
		for b.Loop() {
			n, err := m.National(ctx, 2021)
			if err != nil {
				b.Fatal(err)
			}
			if n.Reported != len(all) {
				b.Fatalf("national reported %d of %d", n.Reported, len(all))
			}
		}
	})
}
