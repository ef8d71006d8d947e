package nomination

import (
	"slices"
	"testing"

	"github.com/ntmflow/ntmflow/internal/progress"
)

// TestPipelineNamesWorkflowStatuses: the counters' pipeline (kept in progress, which
// cannot import this package) names statuses of the workflow, so renaming one here
// cannot silently empty the "in pipeline" figures.
func TestPipelineNamesWorkflowStatuses(t *testing.T) {
	for _, st := range progress.Pipeline {
		if !Status(st).Valid() {
			t.Errorf("progress.Pipeline has %q, not a workflow status", st)
		}
	}
	var in []Status
	for _, st := range Statuses {
		if st.InPipeline() {
			in = append(in, st)
		}
	}
	if !slices.Equal(in, []Status{Submitted, UnderReview, Returned, Endorsed}) {
		t.Errorf("in pipeline: %v", in)
	}
}
