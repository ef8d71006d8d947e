package nomination_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// fixture is the app with the demo criteria and the Hải Yến officer.
type fixture struct {
	a       *testkit.App
	officer *authz.Principal
	set     *criteria.Set
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	ctx := context.Background()
	officer, err := a.Identity.PrincipalFor(ctx, "xa.haiyen")
	if err != nil {
		t.Fatal(err)
	}
	set, err := a.Criteria.Current(ctx, criteria.ModelGarden, "20")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{a: a, officer: officer, set: set}
}

// draft creates a complete garden draft with its required photo and minutes.
func (f *fixture) draft(t *testing.T, title string) nomination.View {
	t.Helper()
	ctx := context.Background()
	var items []nomination.AssessmentItem
	for _, c := range f.set.Criteria {
		var v any = true
		switch c.Kind {
		case criteria.Number:
			v = *c.Threshold
			if c.ThresholdOp == criteria.OpLE {
				v = 0.0
			}
		case criteria.Score:
			v = c.MaxScore
		}
		items = append(items, nomination.AssessmentItem{Criterion: c.Code, Value: v})
	}
	subject, _ := json.Marshal(map[string]any{"owner_name": "Hoàng Văn Thắng", "village": "Thôn Pắc Cáp", "area_m2": 2400,
		"main_crops": "Cam", "annual_income_vnd": 185000000})
	v, _, err := f.a.Nominations.Create(ctx, f.officer, nomination.Input{Type: "model_garden", CommuneCode: "06220",
		Title: &title, Subject: subject, Assessment: &items}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range f.set.RequiredAttachments {
		if _, err := f.a.Nominations.AddAttachment(ctx, f.officer, v.ID, kind, kind+".pdf", bytes.NewReader(pdf(title+kind))); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// pdf is a small PDF whose bytes (and so hash) differ by tag.
func pdf(tag string) []byte {
	return []byte("%PDF-1.4\n% " + tag + "\ntrailer << >>\n%%EOF\n")
}

// TestSubmitHashCoversConcurrentUploads: uploads racing a submit either land before it
// (and are in the submitted dossier's hash and history) or are refused; the stored hash
// always equals a fresh recomputation over the attachments the dossier really has.
func TestSubmitHashCoversConcurrentUploads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	const rounds, uploaders = 30, 3
	landed, refused := 0, 0
	for round := range rounds {
		v := f.draft(t, fmt.Sprintf("Vườn thử %d", round))
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			submitErr error
		)
		start := make(chan struct{})
		for u := range uploaders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.a.Nominations.AddAttachment(ctx, f.officer, v.ID, "survey", "khao-sat.pdf",
					bytes.NewReader(pdf(fmt.Sprintf("round %d upload %d", round, u))))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					landed++
				case errors.Is(err, apperr.ErrInvalidTransition):
					refused++
				default:
					t.Errorf("round %d upload %d: %v", round, u, err)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, submitErr = f.a.Nominations.Transition(ctx, f.officer, v.ID, v.Version, nomination.TransitionInput{Action: "submit"})
		}()
		close(start)
		wg.Wait()
		if submitErr != nil {
			t.Fatalf("round %d submit: %v", round, submitErr)
		}
		got, err := f.a.Nominations.Get(ctx, f.officer, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := f.a.Nominations.FreshDossierHash(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != nomination.Submitted || got.DossierSHA256 != fresh {
			t.Errorf("round %d: %s dossier hash %s, but its rows hash to %s", round, got.Status, got.DossierSHA256, fresh)
		}
		history, err := f.a.Nominations.History(ctx, f.officer, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := history[len(history)-1]; last.Action != "submit" || last.DossierSHA256 != fresh {
			t.Errorf("round %d: history %s records %s, the submitted dossier hashes to %s", round, last.Action, last.DossierSHA256, fresh)
		}
	}
	t.Logf("%s: %d uploads landed before the submit, %d refused after it", testkit.Backend(), landed, refused)
}
