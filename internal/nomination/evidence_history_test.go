package nomination_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// TestEvidenceAndSavesInHistory: an upload, a deletion and a save of the dossier are one
// history entry each, written with the change (a refused change writes none), carrying the
// file name and kind and the dossier hash after the change; evidence leaves the version.
func TestEvidenceAndSavesInHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	v := f.draft(t, "Vườn có lịch sử")
	get := func() nomination.View {
		t.Helper()
		v, err := f.a.Nominations.Get(ctx, f.officer, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	hist := func() []nomination.HistoryEntry {
		t.Helper()
		h, err := f.a.Nominations.History(ctx, f.officer, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	before := get()
	n0 := len(hist())
	if n0 != len(f.set.RequiredAttachments) {
		t.Fatalf("%d entries after the draft's uploads, want %d", n0, len(f.set.RequiredAttachments))
	}

	a, err := f.a.Nominations.AddAttachment(ctx, f.officer, v.ID, "survey", "phiếu khảo sát.pdf", bytes.NewReader(pdf("khảo sát")))
	if err != nil {
		t.Fatal(err)
	}
	added := get()
	// Refused: a bad type and an unknown attachment leave no entry.
	if _, err := f.a.Nominations.AddAttachment(ctx, f.officer, v.ID, "photo", "x.pdf", bytes.NewReader([]byte("không phải PDF"))); err == nil {
		t.Fatal("text stored as evidence")
	}
	if err := f.a.Nominations.DeleteAttachment(ctx, f.officer, v.ID, a.ID+1000); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("delete of nothing: %v", err)
	}
	if err := f.a.Nominations.DeleteAttachment(ctx, f.officer, v.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	deleted := get()
	title := "Vườn đã sửa tên"
	saved, err := f.a.Nominations.Update(ctx, f.officer, v.ID, deleted.Version, nomination.Input{Title: &title})
	if err != nil {
		t.Fatal(err)
	}

	h := hist()
	if len(h) != n0+3 {
		t.Fatalf("%d entries, want %d: %+v", len(h), n0+3, h)
	}
	add, del, upd := h[n0], h[n0+1], h[n0+2]
	var det struct {
		Filename, Kind string
		Size           int64
	}
	for _, e := range []nomination.HistoryEntry{add, del} {
		if err := json.Unmarshal(e.Details, &det); err != nil || det.Filename != "phiếu khảo sát.pdf" || det.Kind != "survey" || det.Size != a.Size ||
			e.Comment != "phiếu khảo sát.pdf" || e.Actor != "xa.haiyen" || e.To != nomination.Draft || e.From == nil || *e.From != nomination.Draft {
			t.Errorf("evidence entry %+v (details %s)", e, e.Details)
		}
	}
	if add.Action != nomination.ActionAddAttachment || del.Action != nomination.ActionDeleteAttachment || upd.Action != nomination.ActionUpdate {
		t.Errorf("actions %s %s %s", add.Action, del.Action, upd.Action)
	}
	if add.DossierSHA256 != added.DossierSHA256 || add.DossierSHA256 == before.DossierSHA256 {
		t.Error("the upload's entry does not hold the hash after the upload")
	}
	if del.DossierSHA256 != deleted.DossierSHA256 || del.DossierSHA256 != before.DossierSHA256 {
		t.Error("the deletion's entry does not hold the hash after it (that of the dossier before the upload)")
	}
	if upd.DossierSHA256 != saved.DossierSHA256 || saved.DossierSHA256 == deleted.DossierSHA256 {
		t.Error("the save's entry does not hold the saved dossier's hash")
	}
	if added.Version != before.Version || deleted.Version != before.Version || saved.Version != before.Version+1 {
		t.Errorf("versions %d %d %d from %d", added.Version, deleted.Version, saved.Version, before.Version)
	}
}

// TestPriorReviewAndReturnReason: after a return and resubmission the previous round's
// review (scores with comments, summary, visit date) is there to start from, until this
// round's review is saved; the commune reads the latest return's reason.
func TestPriorReviewAndReturnReason(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	reviewer, err := f.a.Identity.PrincipalFor(ctx, "caoloc")
	if err != nil {
		t.Fatal(err)
	}
	v := f.draft(t, "Vườn thẩm định hai lần")
	step := func(p any, action, comment string) {
		t.Helper()
		who := f.officer
		if p != nil {
			who = reviewer
		}
		if v, err = f.a.Nominations.Transition(ctx, who, v.ID, v.Version, nomination.TransitionInput{Action: action, Comment: comment}); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	review := nomination.ReviewInput{Summary: "Lần một", VisitedOn: "2026-10-05"}
	for _, c := range f.set.Criteria {
		sc := nomination.ReviewScore{Criterion: c.Code, Met: true, Comment: "Ghi chú " + c.Code}
		if c.Kind == criteria.Score {
			sc.Score = c.MaxScore
		}
		review.Scores = append(review.Scores, sc)
	}
	step(nil, "submit", "")
	step(reviewer, "start_review", "")
	if prior, err := f.a.Nominations.PriorReview(ctx, reviewer, v.ID); err != nil || prior != nil {
		t.Fatalf("first round: prior %+v, %v", prior, err)
	}
	if v, err = f.a.Nominations.SaveReview(ctx, reviewer, v.ID, v.Version, review); err != nil {
		t.Fatal(err)
	}
	step(reviewer, "return", "Lần đầu trả về")
	if reasons, err := f.a.Nominations.ReturnReasons(ctx, f.officer, []int64{v.ID}); err != nil || reasons[v.ID] != "Lần đầu trả về" {
		t.Fatalf("return reason %v, %v", reasons, err)
	}
	step(nil, "submit", "")
	step(reviewer, "start_review", "")
	if v.Review != nil {
		t.Fatal("the resubmission kept the review on the dossier")
	}
	prior, err := f.a.Nominations.PriorReview(ctx, reviewer, v.ID)
	if err != nil || prior == nil {
		t.Fatalf("second round: prior %+v, %v", prior, err)
	}
	if prior.Summary != "Lần một" || prior.VisitedOn != "2026-10-05" || prior.Reviewer != "caoloc" || len(prior.Scores) != len(review.Scores) {
		t.Fatalf("prior %+v", prior)
	}
	for i, sc := range prior.Scores {
		want := review.Scores[i] // the server awards the points of boolean and number criteria
		if sc.Criterion != want.Criterion || sc.Met != want.Met || sc.Comment != want.Comment || (want.Score != 0 && sc.Score != want.Score) {
			t.Errorf("score %d: %+v, want %+v", i, sc, want)
		}
	}
	// Returned a second time: the latest reason is the one shown.
	step(reviewer, "return", "Lần hai trả về")
	if reasons, _ := f.a.Nominations.ReturnReasons(ctx, f.officer, []int64{v.ID}); reasons[v.ID] != "Lần hai trả về" {
		t.Errorf("latest reason %q", reasons[v.ID])
	}
	step(nil, "submit", "")
	step(reviewer, "start_review", "")
	review.Summary = "Lần hai"
	if v, err = f.a.Nominations.SaveReview(ctx, reviewer, v.ID, v.Version, review); err != nil {
		t.Fatal(err)
	}
	if prior, err := f.a.Nominations.PriorReview(ctx, reviewer, v.ID); err != nil || prior != nil {
		t.Fatalf("after this round's review: prior %+v, %v", prior, err)
	}
}
