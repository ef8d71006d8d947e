package nomination

import (
	"errors"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
)

// FuzzDecodeCursor: any cursor a client sends decodes to a positive id that encodes back
// to a cursor for the same id, or fails with a validation error; it never panics.
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{encodeCursor(1), encodeCursor(42), encodeCursor(1 << 62), "", "bjE", "n1", "////", "bi0x", "bjA", "bjk5OTk5OTk5OTk5OTk5OTk5OTk5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		id, err := decodeCursor(c)
		if err != nil {
			var ve *apperr.ValidationError
			if !errors.As(err, &ve) || ve.Fields["cursor"] == "" {
				t.Fatalf("decodeCursor(%q): %v is not a validation error on cursor", c, err)
			}
			return
		}
		if id <= 0 {
			t.Fatalf("decodeCursor(%q) = %d", c, id)
		}
		if again, err := decodeCursor(encodeCursor(id)); err != nil || again != id {
			t.Fatalf("cursor of %d does not round-trip: %d, %v", id, again, err)
		}
	})
}
