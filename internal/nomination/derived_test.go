package nomination

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
)

// TestSubjectFieldsAreWhatTheDomainReads: a form filled with exactly the listed fields
// (numbers where the list says so) is a subject the domain accepts, for every type.
func TestSubjectFieldsAreWhatTheDomainReads(t *testing.T) {
	for _, typ := range criteria.Types {
		fields := SubjectFields(typ)
		if len(fields) == 0 {
			t.Fatalf("%s: no subject fields", typ)
		}
		subject := map[string]any{}
		for _, f := range fields {
			subject[f.Name] = "Thôn Nà Pàn"
			if f.Numeric {
				subject[f.Name] = 50
			}
		}
		raw, _ := json.Marshal(subject)
		v := apperr.NewValidation()
		parseSubject(typ, raw, v)
		if err := v.Err(); err != nil {
			t.Errorf("%s: a subject of the listed fields is refused: %v", typ, err)
		}
	}
	want := []SubjectField{{"owner_name", false}, {"village", false}, {"area_m2", true}, {"main_crops", false}, {"annual_income_vnd", true}}
	if got := SubjectFields(criteria.ModelGarden); !reflect.DeepEqual(got, want) {
		t.Errorf("garden fields = %v, want the form's order %v", got, want)
	}
}

func TestMissingKindsKeepTheSetsOrder(t *testing.T) {
	got := missingKinds([]string{"photo", "minutes", "survey"}, []string{"survey", "other", "survey"})
	if !reflect.DeepEqual(got, []string{"photo", "minutes"}) {
		t.Errorf("missingKinds = %v", got)
	}
	if got := missingKinds([]string{"photo"}, kindsOf([]Attachment{{Kind: "photo"}})); got != nil {
		t.Errorf("nothing missing = %v", got)
	}
}
