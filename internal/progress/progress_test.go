package progress_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/progress"
)

// TestStatementsOrderAndDeltas: a change writes -1 on the status left and +1 on the status
// entered, in status order whichever way the nomination moves (so opposite moves lock the
// same rows in the same order), then the recognition; nothing outside a campaign.
func TestStatementsOrderAndDeltas(t *testing.T) {
	camp := int64(7)
	n := progress.Nomination{CampaignID: &camp, DistrictCode: "183", CommuneCode: "06220", Type: "model_garden"}
	summary := func(ch progress.Change) string {
		var out []string
		for _, s := range ch.Statements() {
			table := "nomination_counts"
			if strings.Contains(s.SQL, "INTO recognition_counts") {
				table = "recognition_counts"
			}
			out = append(out, fmt.Sprintf("%s %v %v", table, s.Args[4], s.Args[5]))
		}
		return strings.Join(out, "; ")
	}
	cases := []struct {
		ch   progress.Change
		want string
	}{
		{progress.Change{Nomination: n, From: "endorsed", To: "under_review"}, "nomination_counts endorsed -1; nomination_counts under_review 1"},
		{progress.Change{Nomination: n, From: "under_review", To: "endorsed"}, "nomination_counts endorsed 1; nomination_counts under_review -1"},
		{progress.Change{Nomination: n, To: "draft"}, "nomination_counts draft 1"},
		{progress.Change{Nomination: n, From: "returned"}, "nomination_counts returned -1"},
		{progress.Change{Nomination: n, From: "endorsed", To: "approved", Recognized: 1, RecognizedYear: 2024},
			"nomination_counts approved 1; nomination_counts endorsed -1; recognition_counts 2024 1"},
		{progress.Change{Nomination: n, From: "approved", To: "approved"}, ""},
		{progress.Change{Nomination: progress.Nomination{CommuneCode: "06220"}, From: "draft", To: "submitted"}, ""},
	}
	for _, tc := range cases {
		if got := summary(tc.ch); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.ch, got, tc.want)
		}
	}
}

// TestNumbered: the bench's pgx form of a statement numbers every placeholder in order.
func TestNumbered(t *testing.T) {
	camp := int64(1)
	for _, s := range (progress.Change{Nomination: progress.Nomination{CampaignID: &camp}, To: "draft", Recognized: 1}).Statements() {
		got := progress.Numbered(s.SQL)
		if strings.Contains(got, "?") || !strings.Contains(got, "($1, $2, $3, $4, $5, $6)") || strings.Contains(got, "$7") {
			t.Errorf("Numbered(%q) = %q", s.SQL, got)
		}
		if len(s.Args) != 6 {
			t.Errorf("%d args for %q", len(s.Args), s.SQL)
		}
	}
}
