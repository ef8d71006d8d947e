package nomination_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
)

// TestSharedBytesSurviveRemovalOfTheirLastOtherUse: the blob store keeps one file per
// content. Deleting the last attachment holding some bytes while another nomination
// uploads the same bytes must never leave the new attachment pointing at a removed file.
func TestSharedBytesSurviveRemovalOfTheirLastOtherUse(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, b := f.draft(t, "Vườn A"), f.draft(t, "Vườn B")
	const rounds = 40
	for i := range rounds {
		shared := pdf(fmt.Sprintf("shared evidence %d", i))
		old, err := f.a.Nominations.AddAttachment(ctx, f.officer, a.ID, "other", "chung.pdf", bytes.NewReader(shared))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var delErr, addErr error
		var addedID int64
		wg.Add(2)
		go func() {
			defer wg.Done()
			delErr = f.a.Nominations.DeleteAttachment(ctx, f.officer, a.ID, old.ID)
		}()
		go func() {
			defer wg.Done()
			added, err := f.a.Nominations.AddAttachment(ctx, f.officer, b.ID, "other", "chung.pdf", bytes.NewReader(shared))
			addErr, addedID = err, added.ID
		}()
		wg.Wait()
		if delErr != nil || addErr != nil {
			t.Fatalf("round %d: delete %v, add %v", i, delErr, addErr)
		}
		_, path, err := f.a.Nominations.OpenAttachment(ctx, f.officer, b.ID, addedID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("round %d: the new attachment's bytes are gone: %v", i, err)
		}
		// Keep b under its file limit; its bytes are no longer used and may go.
		if err := f.a.Nominations.DeleteAttachment(ctx, f.officer, b.ID, addedID); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("round %d: unreferenced bytes were kept (%v)", i, err)
		}
	}
}
