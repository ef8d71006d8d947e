package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

func TestMigrationsAreCurrentAndIdempotent(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	ok, err := st.MigrationsCurrent(ctx)
	if err != nil || !ok {
		t.Fatalf("MigrationsCurrent = %v, %v", ok, err)
	}
	applied, err := st.Migrate(ctx)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, %v", applied, err)
	}
	status, err := st.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(status)) != store.LatestMigration() {
		t.Fatalf("status lists %d migrations, latest is %d", len(status), store.LatestMigration())
	}
	for _, m := range status {
		if !m.Applied {
			t.Errorf("migration %d not applied", m.Version)
		}
	}
}

var errBoom = errors.New("boom")

func countUnits(t *testing.T, st *store.Store, ctx context.Context) int64 {
	t.Helper()
	var n int64
	if err := st.DB(ctx).Table("units").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func insertUnit(st *store.Store, ctx context.Context, code string) error {
	return st.DB(ctx).Exec(`INSERT INTO units (code, level, name, kind, path, valid_from, created_at, updated_at)
		VALUES (?, 'province', 'X', 'Tỉnh', ?, '2025-03-01', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, code, "/"+code).Error
}

func TestWithTxRollsBackEverythingOnError(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	err := st.WithTx(ctx, func(ctx context.Context) error {
		if err := insertUnit(st, ctx, "98"); err != nil {
			return err
		}
		// A nested WithTx joins the outer transaction.
		if err := st.WithTx(ctx, func(ctx context.Context) error { return insertUnit(st, ctx, "97") }); err != nil {
			return err
		}
		if n := countUnits(t, st, ctx); n != 2 {
			t.Errorf("inside the transaction: %d rows", n)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v", err)
	}
	if n := countUnits(t, st, ctx); n != 0 {
		t.Fatalf("rolled-back rows visible: %d", n)
	}
	if err := st.WithTx(ctx, func(ctx context.Context) error { return insertUnit(st, ctx, "96") }); err != nil {
		t.Fatal(err)
	}
	if n := countUnits(t, st, ctx); n != 1 {
		t.Fatalf("committed rows: %d", n)
	}
}

func TestUniqueViolationIsRecognised(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	if err := insertUnit(st, ctx, "95"); err != nil {
		t.Fatal(err)
	}
	err := insertUnit(st, ctx, "95")
	if !store.IsUniqueViolation(err) {
		t.Fatalf("duplicate insert: %v is not recognised as a unique violation", err)
	}
}

func TestConcurrentWritersDoNotFail(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- st.WithTx(ctx, func(ctx context.Context) error {
				_ = countUnits(t, st, ctx) // read, then write, in one transaction
				return insertUnit(st, ctx, string(rune('A'+i))+"x")
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent write: %v", err)
		}
	}
	if n := countUnits(t, st, ctx); n != 20 {
		t.Fatalf("rows = %d, want 20", n)
	}
}

func TestConcurrentMigrationsOnOneDatabase(t *testing.T) {
	// Two replicas starting at once: both Migrate calls succeed and the schema is applied once.
	ctx := context.Background()
	st := testkit.NewDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = st.Migrate(ctx)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
