package store_test

import (
	"errors"
	"testing"

	"github.com/ntmflow/ntmflow/internal/store"
)

// FuzzDecodeCursor: any cursor a client sends decodes to a positive id that encodes back
// to a cursor for the same id, or fails with ErrBadCursor; it never panics.
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{store.EncodeCursor(1), store.EncodeCursor(42), store.EncodeCursor(1 << 62), "", "bjE", "n1", "////", "bi0x", "bjA", "bjk5OTk5OTk5OTk5OTk5OTk5OTk5", "MTIz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		id, err := store.DecodeCursor(c)
		if err != nil {
			if !errors.Is(err, store.ErrBadCursor) {
				t.Fatalf("DecodeCursor(%q): %v is not ErrBadCursor", c, err)
			}
			return
		}
		if id <= 0 {
			t.Fatalf("DecodeCursor(%q) = %d", c, id)
		}
		if again, err := store.DecodeCursor(store.EncodeCursor(id)); err != nil || again != id {
			t.Fatalf("cursor of %d does not round-trip: %d, %v", id, again, err)
		}
	})
}
