// Package criteria keeps the published criteria sets (versioned per recognition type and
// province) and evaluates assessments against them. Evaluate and EvaluateReview are pure
// functions: the same answers always give the same score.
package criteria

import (
	"fmt"
	"math"
	"slices"
)

// Type is a recognition type: a title given to a garden or a residential area of a
// commune, or to the commune itself (SPEC §11).
type Type string

const (
	ModelGarden          Type = "model_garden"
	ModelResidentialArea Type = "model_residential_area"
	NTMCommune           Type = "ntm_commune"
	AdvancedNTMCommune   Type = "advanced_ntm_commune"
	ModelNTMCommune      Type = "model_ntm_commune"
)

// Types lists the recognition types: the movement's gardens and residential areas first,
// then the commune titles from the lowest to the highest.
var Types = []Type{ModelGarden, ModelResidentialArea, NTMCommune, AdvancedNTMCommune, ModelNTMCommune}

// CommuneTitles lists the titles a commune itself holds, from the lowest to the highest.
var CommuneTitles = []Type{NTMCommune, AdvancedNTMCommune, ModelNTMCommune}

// TypesMessage is the validation message for an unknown type.
const TypesMessage = "must be model_garden, model_residential_area, ntm_commune, advanced_ntm_commune or model_ntm_commune"

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// IsCommuneTitle reports whether t is a title of the commune itself (its subject is the
// commune, only a Xã may hold it, and it does not expire).
func (t Type) IsCommuneTitle() bool { return slices.Contains(CommuneTitles, t) }

// Prerequisite is the title a commune must hold (active) before it may be nominated for t:
// advanced needs NTM, model needs advanced; "" when t needs none.
func (t Type) Prerequisite() Type {
	switch t {
	case AdvancedNTMCommune:
		return NTMCommune
	case ModelNTMCommune:
		return AdvancedNTMCommune
	}
	return ""
}

// Kind is how a criterion is judged.
type Kind string

const (
	Boolean Kind = "boolean" // met when true
	Number  Kind = "number"  // met when the value reaches the threshold
	Score   Kind = "score"   // 0..max_score points given by the reviewer
)

// Comparison operators for number criteria.
const (
	OpGE = "ge"
	OpLE = "le"
)

// Attachment kinds.
var AttachmentKinds = []string{"photo", "minutes", "survey", "other"}

// Criterion is one line of a criteria set.
type Criterion struct {
	Code        string   `json:"code"`
	Group       string   `json:"group"`
	Title       string   `json:"title"`
	Kind        Kind     `json:"kind"`
	Threshold   *float64 `json:"threshold"`
	ThresholdOp string   `json:"threshold_op"`
	Unit        string   `json:"unit"`
	MaxScore    float64  `json:"max_score"`
	Required    bool     `json:"required"`
}

// PassRule says when a nomination passes.
type PassRule struct {
	MinScore    float64 `json:"min_score"`
	AllRequired bool    `json:"all_required"`
}

// Set is a published criteria set version. ValidFrom and ValidTo bound the period it
// applies to (YYYY-MM-DD, both days included; ValidTo nil while open): a nomination takes
// the newest set valid on its creation date, so the national sets of 2021–2025 and of
// 2026–2030 live side by side.
type Set struct {
	ID                  int64       `json:"id"`
	Type                Type        `json:"type"`
	Version             int         `json:"version"`
	Name                string      `json:"name"`
	ProvinceCode        string      `json:"province_code"`
	PassRule            PassRule    `json:"pass_rule"`
	ValidityYears       int         `json:"validity_years"`
	ValidFrom           string      `json:"valid_from"`
	ValidTo             *string     `json:"valid_to"`
	RequiredAttachments []string    `json:"required_attachments"`
	Criteria            []Criterion `json:"criteria"`
	// ReviewDays and ApprovalDays are the time limits, in working days, of the review
	// (from submission) and of the approval (from endorsement); 0 sets none (SPEC §13).
	ReviewDays   int `json:"review_days"`
	ApprovalDays int `json:"approval_days"`
	// NoticeDays is the public notice endorse opens, in calendar days after the
	// endorsement (the last day included); 0 opens none (SPEC §13).
	NoticeDays int `json:"notice_days"`
}

// Criterion returns the criterion with code.
func (s *Set) Criterion(code string) (Criterion, bool) {
	for _, c := range s.Criteria {
		if c.Code == code {
			return c, true
		}
	}
	return Criterion{}, false
}

// MaxTotal is the sum of every criterion's points.
func (s *Set) MaxTotal() float64 {
	var t float64
	for _, c := range s.Criteria {
		t += c.MaxScore
	}
	return t
}

// Groups returns the group names in the order they first appear.
func (s *Set) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range s.Criteria {
		if !seen[c.Group] {
			seen[c.Group] = true
			out = append(out, c.Group)
		}
	}
	return out
}

// Meets reports whether a number value meets the criterion's threshold. Boundaries are
// inclusive both ways: 300 meets "≥ 300" and 2 meets "≤ 2".
func (c Criterion) Meets(v float64) bool {
	if c.Threshold == nil {
		return false
	}
	if c.ThresholdOp == OpLE {
		return v <= *c.Threshold
	}
	return v >= *c.Threshold
}

// ItemResult is how one criterion came out.
type ItemResult struct {
	Code     string  `json:"criterion"`
	Answered bool    `json:"answered"`
	Met      bool    `json:"met"`
	Points   float64 `json:"points"`
}

// Result is the outcome of evaluating a set.
type Result struct {
	Total           float64      `json:"total_score"`
	Max             float64      `json:"max_score"`
	Passes          bool         `json:"passes"`
	Complete        bool         `json:"complete"`
	Items           []ItemResult `json:"items"`
	MissingRequired []string     `json:"missing_required,omitempty"` // required criteria not met
	Unanswered      []string     `json:"unanswered,omitempty"`
}

// judgement is a normalised answer: whether the criterion is met and the points earned.
type judgement struct {
	met    bool
	points float64
}

// Evaluate scores a self-assessment: values hold, per criterion code, a bool (boolean), a
// number (number) or the self-given points (score). Values of the wrong type count as
// unanswered; Validate reports them to the user.
func Evaluate(set *Set, values map[string]any) Result {
	j := map[string]judgement{}
	for _, c := range set.Criteria {
		v, ok := values[c.Code]
		if !ok {
			continue
		}
		switch c.Kind {
		case Boolean:
			if b, ok := v.(bool); ok {
				j[c.Code] = judgement{met: b, points: pointsIf(b, c.MaxScore)}
			}
		case Number:
			if f, ok := asNumber(v); ok {
				met := c.Meets(f)
				j[c.Code] = judgement{met: met, points: pointsIf(met, c.MaxScore)}
			}
		case Score:
			if f, ok := asNumber(v); ok && f >= 0 && f <= c.MaxScore {
				j[c.Code] = judgement{met: f > 0, points: f}
			}
		}
	}
	return total(set, j)
}

// ReviewScore is the reviewer's verdict on one criterion: Met decides boolean and number
// criteria (the server awards the points), Score decides score criteria.
type ReviewScore struct {
	Met   bool
	Score float64
}

// EvaluateReview scores a district review.
func EvaluateReview(set *Set, scores map[string]ReviewScore) Result {
	j := map[string]judgement{}
	for _, c := range set.Criteria {
		s, ok := scores[c.Code]
		if !ok {
			continue
		}
		if c.Kind == Score {
			p := math.Max(0, math.Min(s.Score, c.MaxScore))
			j[c.Code] = judgement{met: p > 0, points: p}
		} else {
			j[c.Code] = judgement{met: s.Met, points: pointsIf(s.Met, c.MaxScore)}
		}
	}
	return total(set, j)
}

// total applies the pass rule. A score criterion counts as met when it earned any points.
func total(set *Set, j map[string]judgement) Result {
	r := Result{Max: set.MaxTotal(), Items: make([]ItemResult, 0, len(set.Criteria)), Complete: true}
	requiredOK := true
	for _, c := range set.Criteria {
		jd, answered := j[c.Code]
		r.Items = append(r.Items, ItemResult{Code: c.Code, Answered: answered, Met: jd.met, Points: jd.points})
		r.Total += jd.points
		if !answered {
			r.Complete = false
			r.Unanswered = append(r.Unanswered, c.Code)
		}
		if c.Required && !jd.met {
			requiredOK = false
			r.MissingRequired = append(r.MissingRequired, c.Code)
		}
	}
	r.Total = math.Round(r.Total*100) / 100
	r.Passes = r.Total >= set.PassRule.MinScore && (requiredOK || !set.PassRule.AllRequired)
	return r
}

func pointsIf(ok bool, p float64) float64 {
	if ok {
		return p
	}
	return 0
}

func asNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// CheckValue reports what is wrong with a self-assessment value for c, or "".
func CheckValue(c Criterion, v any) string {
	switch c.Kind {
	case Boolean:
		if _, ok := v.(bool); !ok {
			return "must be true or false"
		}
	case Number:
		f, ok := asNumber(v)
		if !ok {
			return "must be a number"
		}
		if f < 0 {
			return "must not be negative"
		}
	case Score:
		f, ok := asNumber(v)
		if !ok || f < 0 || f > c.MaxScore {
			return fmt.Sprintf("must be a number of points from 0 to %g", c.MaxScore)
		}
	}
	return ""
}
