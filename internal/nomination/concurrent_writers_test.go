package nomination_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ntmflow/ntmflow/internal/nomination"
)

// TestThirtyTwoWritersAtOnce: 32 officers' submissions of different dossiers at the same
// moment all go through, on the embedded SQLite (one writer at a time: the others wait on
// the lock with IMMEDIATE transactions and the busy timeout, never "database is locked")
// as on PostgreSQL, each with its history entry and counters.
func TestThirtyTwoWritersAtOnce(t *testing.T) {
	d := newDeadlines(t)
	const writers = 32
	drafts := make([]nomination.View, writers)
	for i := range drafts {
		drafts[i] = d.draftOn(t, "2024-03-04", "xa.haiyen", "06220", fmt.Sprintf("Vườn thử %02d", i))
	}
	svc := d.on("2024-03-04")
	start := make(chan struct{})
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i, v := range drafts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = svc.Transition(context.Background(), d.people["xa.haiyen"], v.ID, v.Version,
				nomination.TransitionInput{Action: "submit"})
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	for _, v := range drafts {
		got, err := svc.Get(context.Background(), d.people["xa.haiyen"], v.ID)
		if err != nil || got.Status != nomination.Submitted {
			t.Fatalf("dossier %d after the burst: %v %v", v.ID, got.Status, err)
		}
		hist, err := svc.History(context.Background(), d.people["xa.haiyen"], v.ID)
		if err != nil || hist[len(hist)-1].Action != "submit" {
			t.Fatalf("dossier %d's history: %v", v.ID, err)
		}
	}
}
