package nomination

import (
	"reflect"
	"slices"
	"strings"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/recognition"
)

// Data derived from a nomination for whoever reads it. The pages show it and the API's
// guards decide by it, so both read it from here.

// Actions lists the workflow rules p may apply to v in its current status, in table
// order: the buttons a page offers are the requests the API accepts.
func (s *Service) Actions(p *authz.Principal, v View) []Rule {
	return Available(s.authz, p, v.UnitPath, v.Status)
}

// Allows reports whether p may apply action to v now.
func (s *Service) Allows(p *authz.Principal, v View, action string) bool {
	return slices.ContainsFunc(s.Actions(p, v), func(r Rule) bool { return r.Action == action })
}

// Can reports whether the reader of f may apply action now.
func (f Full) Can(action string) bool {
	return slices.ContainsFunc(f.Actions, func(r Rule) bool { return r.Action == action })
}

// missingKinds lists the required evidence kinds not among have, in the set's order: the
// submit guard refuses a nomination with any, and the detail page lists them.
func missingKinds(required, have []string) []string {
	var missing []string
	for _, k := range required {
		if !slices.Contains(have, k) {
			missing = append(missing, k)
		}
	}
	return missing
}

func kindsOf(list []Attachment) []string {
	kinds := make([]string, len(list))
	for i, a := range list {
		kinds[i] = a.Kind
	}
	return kinds
}

// SubjectField is one field of a nomination type's subject, as a form asks for it.
type SubjectField struct {
	Name    string // the JSON name, "subject.<Name>" in validation errors
	Numeric bool
}

// subjectFields are read from the subject structs, so a field added there is asked for.
var subjectFields = map[criteria.Type][]SubjectField{
	criteria.ModelGarden:          fieldsOf(GardenSubject{}),
	criteria.ModelResidentialArea: fieldsOf(ResidentialSubject{}),
	criteria.NTMCommune:           fieldsOf(TitleSubject{}),
	criteria.AdvancedNTMCommune:   fieldsOf(TitleSubject{}),
	criteria.ModelNTMCommune:      fieldsOf(TitleSubject{}),
}

func fieldsOf(subject any) []SubjectField {
	t := reflect.TypeOf(subject)
	out := make([]SubjectField, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer { // a required number: a pointer tells missing from 0
			ft = ft.Elem()
		}
		k := ft.Kind()
		out = append(out, SubjectField{Name: name, Numeric: k >= reflect.Int && k <= reflect.Float64})
	}
	return out
}

// SuggestedTitle is the title a form proposes for a nomination of typ in the commune named
// communeName: the official wording of a commune title ("Xã Hải Yến đạt chuẩn nông thôn
// mới"); "" for the types whose title names a garden or a village.
func SuggestedTitle(typ criteria.Type, communeName string) string {
	phrase := recognition.TitlePhrase(string(typ))
	if phrase == "" || communeName == "" {
		return ""
	}
	return communeName + " " + phrase
}

// SubjectFields lists the subject fields of a nomination type in declaration order; nil
// for an unknown type.
func SubjectFields(typ criteria.Type) []SubjectField { return subjectFields[typ] }
