package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// AfterCommit runs after the outermost transaction commits, never inside it, never after
// a rollback, and at once without a transaction.
func TestAfterCommit(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	var ran []string
	hook := func(name string) func() { return func() { ran = append(ran, name) } }

	store.AfterCommit(ctx, hook("no tx"))
	if len(ran) != 1 {
		t.Fatalf("without a transaction: ran %v, want at once", ran)
	}
	err := st.WithTx(ctx, func(ctx context.Context) error {
		store.AfterCommit(ctx, hook("outer"))
		// A nested WithTx joins the outer transaction: its hook waits for the outer commit.
		if err := st.WithTx(ctx, func(ctx context.Context) error {
			store.AfterCommit(ctx, hook("nested"))
			return nil
		}); err != nil {
			return err
		}
		if len(ran) != 1 {
			t.Errorf("inside the transaction: ran %v", ran)
		}
		return nil
	})
	if err != nil || len(ran) != 3 || ran[1] != "outer" || ran[2] != "nested" {
		t.Fatalf("after commit: ran %v, err %v", ran, err)
	}
	boom := errors.New("boom")
	err = st.WithTx(ctx, func(ctx context.Context) error {
		store.AfterCommit(ctx, hook("rolled back"))
		return boom
	})
	if !errors.Is(err, boom) || len(ran) != 3 {
		t.Fatalf("after rollback: ran %v, err %v", ran, err)
	}
}
