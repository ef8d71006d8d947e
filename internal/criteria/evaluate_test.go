package criteria_test

import (
	"testing"

	"github.com/ntmflow/ntmflow/internal/criteria"
)

func f(v float64) *float64 { return &v }

// set is a small set with one criterion of every kind and both operators.
var set = &criteria.Set{
	PassRule: criteria.PassRule{MinScore: 30, AllRequired: true},
	Criteria: []criteria.Criterion{
		{Code: "A", Kind: criteria.Number, Threshold: f(300), ThresholdOp: "ge", MaxScore: 10, Required: true},
		{Code: "B", Kind: criteria.Number, Threshold: f(2), ThresholdOp: "le", MaxScore: 10},
		{Code: "C", Kind: criteria.Boolean, MaxScore: 15, Required: true},
		{Code: "D", Kind: criteria.Score, MaxScore: 5},
	},
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name     string
		values   map[string]any
		total    float64
		passes   bool
		complete bool
		missing  []string
	}{
		{"all met, ge boundary inclusive, le boundary inclusive", map[string]any{"A": 300.0, "B": 2.0, "C": true, "D": 5.0}, 40, true, true, nil},
		{"just below ge threshold", map[string]any{"A": 299.99, "B": 2.0, "C": true, "D": 5.0}, 30, false, true, []string{"A"}},
		{"just above le threshold", map[string]any{"A": 500.0, "B": 2.01, "C": true, "D": 5.0}, 30, true, true, nil},
		{"boolean false on a required item fails despite points", map[string]any{"A": 400.0, "B": 0.0, "C": false, "D": 5.0}, 25, false, true, []string{"C"}},
		{"score partial points", map[string]any{"A": 301.0, "B": 1.0, "C": true, "D": 2.5}, 37.5, true, true, nil},
		{"under the pass mark though every required item is met", map[string]any{"A": 300.0, "B": 9.0, "C": true, "D": 0.0}, 25, false, true, nil},
		{"incomplete", map[string]any{"A": 300.0, "C": true}, 25, false, false, nil},
		{"wrong type counts as unanswered", map[string]any{"A": "300", "B": 1.0, "C": "yes", "D": 9.0}, 10, false, false, []string{"A", "C"}},
		{"integers accepted", map[string]any{"A": 300, "B": 2, "C": true, "D": 5}, 40, true, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := criteria.Evaluate(set, c.values)
			if r.Total != c.total || r.Passes != c.passes || r.Complete != c.complete || r.Max != 40 {
				t.Fatalf("got total=%v passes=%v complete=%v max=%v; want %v %v %v 40", r.Total, r.Passes, r.Complete, r.Max, c.total, c.passes, c.complete)
			}
			if len(r.MissingRequired) != len(c.missing) {
				t.Fatalf("missing required = %v, want %v", r.MissingRequired, c.missing)
			}
			for i := range c.missing {
				if r.MissingRequired[i] != c.missing[i] {
					t.Fatalf("missing required = %v, want %v", r.MissingRequired, c.missing)
				}
			}
		})
	}
}

func TestPassRuleWithoutAllRequired(t *testing.T) {
	lax := *set
	lax.PassRule = criteria.PassRule{MinScore: 20, AllRequired: false}
	r := criteria.Evaluate(&lax, map[string]any{"A": 100.0, "B": 1.0, "C": false, "D": 5.0})
	if r.Passes || r.Total != 15 { // 10 (B) + 5 (D) = 15 < 20
		t.Fatalf("lax rule under the mark: %+v", r)
	}
	r = criteria.Evaluate(&lax, map[string]any{"A": 300.0, "B": 1.0, "C": false, "D": 5.0})
	if !r.Passes || r.Total != 25 {
		t.Fatalf("required unmet but rule does not need it: %+v", r)
	}
}

func TestEvaluateReview(t *testing.T) {
	r := criteria.EvaluateReview(set, map[string]criteria.ReviewScore{
		"A": {Met: true, Score: 3}, // score ignored for number criteria: full points when met
		"B": {Met: false, Score: 10},
		"C": {Met: true},
		"D": {Score: 4},
	})
	if r.Total != 29 || r.Passes || !r.Complete {
		t.Fatalf("review = %+v, want 29 and failing (pass mark 30)", r)
	}
	r = criteria.EvaluateReview(set, map[string]criteria.ReviewScore{"A": {Met: true}, "B": {Met: true}, "C": {Met: true}, "D": {Score: 99}})
	if r.Total != 40 || !r.Passes {
		t.Fatalf("score is capped at max_score: %+v", r)
	}
}

func TestCheckValue(t *testing.T) {
	c := set.Criteria
	if criteria.CheckValue(c[0], 1.0) != "" || criteria.CheckValue(c[0], true) == "" || criteria.CheckValue(c[0], -1.0) == "" {
		t.Error("number checks")
	}
	if criteria.CheckValue(c[2], true) != "" || criteria.CheckValue(c[2], 1.0) == "" {
		t.Error("boolean checks")
	}
	if criteria.CheckValue(c[3], 5.0) != "" || criteria.CheckValue(c[3], 5.5) == "" || criteria.CheckValue(c[3], -0.5) == "" {
		t.Error("score checks")
	}
}

func BenchmarkEvaluate(b *testing.B) {
	set := criteria.DemoSets("20")[0]
	values := map[string]any{"G1.1": 350.0, "G1.2": true, "G2.1": true, "G2.2": true, "G3.1": true, "G3.2": 80.0,
		"G4.1": 85.0, "G4.2": true, "G5.1": 6.0, "G5.2": 4.0}
	b.ReportAllocs()
	for b.Loop() {
		if r := criteria.Evaluate(set, values); !r.Passes {
			b.Fatal("does not pass")
		}
	}
}
