package criteria

import "testing"

func TestShortfall(t *testing.T) {
	set := &Set{Type: ModelGarden, PassRule: PassRule{MinScore: 30, AllRequired: true}, Criteria: []Criterion{
		{Code: "A", Kind: Boolean, MaxScore: 10, Required: true},
		{Code: "B", Kind: Boolean, MaxScore: 10},
		{Code: "C", Kind: Number, Unit: "m²", Threshold: new(300.0), MaxScore: 15, Required: true},
	}}
	s := Evaluate(set, map[string]any{"A": true, "B": false, "C": 250.0}).Shortfall(set)
	if len(s.Required) != 1 || s.Required[0].Code != "C" || s.Points != 20 || !s.Fails() {
		t.Errorf("shortfall = %+v", s)
	}
	if s := Evaluate(set, map[string]any{"A": true, "B": true, "C": 300.0}).Shortfall(set); s.Fails() {
		t.Errorf("a passing result has a shortfall: %+v", s)
	}
	set.PassRule.AllRequired = false
	if s := Evaluate(set, map[string]any{"A": true, "B": true, "C": 250.0}).Shortfall(set); len(s.Required) != 0 || s.Points != 10 {
		t.Errorf("without all_required: %+v", s)
	}
	if c, ok := set.AreaCriterion(); !ok || c.Code != "C" {
		t.Error("the area criterion is not found")
	}
	// The parts a nomination's view carries give the same shortfall.
	set.PassRule.AllRequired = true
	if s := ShortfallOf(set, false, 25, []string{"A", "C"}); len(s.Required) != 2 || s.Points != 5 {
		t.Errorf("ShortfallOf = %+v", s)
	}
	set.Criteria = append(set.Criteria, Criterion{Code: "D", Kind: Number, Unit: "m²"})
	if _, ok := set.AreaCriterion(); ok {
		t.Error("two m² criteria: neither may be taken for the area")
	}
}
