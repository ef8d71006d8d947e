package criteria

import "math"

// Shortfall says why a result does not pass, for whoever shows a verdict ("Chưa đạt")
// and must say what fails: the nomination form's score box, and the detail page before
// a submit.
type Shortfall struct {
	// Required are the required criteria not met (unanswered ones included), in the set's
	// order; empty when the pass rule does not ask for every required criterion.
	Required []Criterion
	// Points are the points still missing to the pass mark, 0 when it is reached.
	Points float64
}

// Fails reports whether there is anything to name.
func (s Shortfall) Fails() bool { return len(s.Required) > 0 || s.Points > 0 }

// Shortfall is what keeps r (an evaluation of set) from passing; zero when it passes.
func (r Result) Shortfall(set *Set) Shortfall {
	return ShortfallOf(set, r.Passes, r.Total, r.MissingRequired)
}

// ShortfallOf is the shortfall of a result known by its parts, as a nomination's view
// carries them (self_assessment: passes, total_score, missing_required): the detail page
// needs no second evaluation to say why a dossier does not pass.
func ShortfallOf(set *Set, passes bool, total float64, missingRequired []string) Shortfall {
	var s Shortfall
	if passes {
		return s
	}
	if set.PassRule.AllRequired {
		for _, code := range missingRequired {
			if c, ok := set.Criterion(code); ok {
				s.Required = append(s.Required, c)
			}
		}
	}
	s.Points = math.Max(0, math.Round((set.PassRule.MinScore-total)*100)/100)
	return s
}

// AreaCriterion is the criterion of a model garden set that asks for the garden's area,
// which the nomination's subject gives too (area_m2): the set's only number criterion
// measured in m² (G1.1 in the demo set). The nomination form asks for the area once, in
// the subject, and fills this criterion from it. ok is false for any other type, or when
// the set has no such criterion or more than one.
func (s *Set) AreaCriterion() (c Criterion, ok bool) {
	if s.Type != ModelGarden {
		return Criterion{}, false
	}
	for _, x := range s.Criteria {
		if x.Kind == Number && x.Unit == "m²" {
			if ok {
				return Criterion{}, false
			}
			c, ok = x, true
		}
	}
	return c, ok
}
