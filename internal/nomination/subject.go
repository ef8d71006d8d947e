package nomination

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/textfold"
)

// GardenSubject describes a model garden (SPEC §6).
type GardenSubject struct {
	OwnerName       string  `json:"owner_name"`
	Village         string  `json:"village"`
	AreaM2          float64 `json:"area_m2"`
	MainCrops       string  `json:"main_crops"`
	AnnualIncomeVND int64   `json:"annual_income_vnd"`
}

// ResidentialSubject describes a model residential area.
type ResidentialSubject struct {
	Village    string `json:"village"`
	Households int    `json:"households"`
	Population int    `json:"population"`
}

// TitleSubject describes a commune nominated for a commune title (SPEC §11): the subject
// is the commune itself, so only the residents' satisfaction with the results is asked
// for (required, a percentage; Decision 18/2022 makes it a condition of recognition).
type TitleSubject struct {
	SatisfactionPct *float64 `json:"satisfaction_pct"`
}

// Subject is the parsed subject of any type; exactly one field is set once parsed.
type Subject struct {
	Garden      *GardenSubject
	Residential *ResidentialSubject
	Title       *TitleSubject
}

// parsed reports whether the subject was read (whatever its field errors).
func (s Subject) parsed() bool { return s.Garden != nil || s.Residential != nil || s.Title != nil }

// OwnerName is the garden owner, "" for a residential area or a commune title.
func (s Subject) OwnerName() string {
	if s.Garden != nil {
		return s.Garden.OwnerName
	}
	return ""
}

// Village is the village (thôn) of the subject, "" for a commune title.
func (s Subject) Village() string {
	if s.Garden != nil {
		return s.Garden.Village
	}
	if s.Residential != nil {
		return s.Residential.Village
	}
	return ""
}

// matchKey is what two nominations of one type and commune share when they name the same
// subject (SPEC §13, repeat nominations): a garden's owner and village, a residential
// area's village, folded (diacritics, case and spacing ignored); "" for a commune title,
// which has no key and is never matched. The line feed between owner and village is never
// left in a folded name, so no other pair of names gives the same key. Stored in
// match_key on nominations and recognitions; migration 00019 computes it in SQL for the
// rows stored before it, with the same fold (store.FoldSQL).
func matchKey(typ criteria.Type, owner, village string) string {
	switch typ {
	case criteria.ModelGarden:
		return textfold.Fold(owner) + "\n" + textfold.Fold(village)
	case criteria.ModelResidentialArea:
		return textfold.Fold(village)
	}
	return ""
}

// canonical is the subject's JSON with fields in a fixed order.
func (s Subject) canonical() json.RawMessage {
	var b []byte
	switch {
	case s.Garden != nil:
		b, _ = json.Marshal(s.Garden)
	case s.Title != nil:
		b, _ = json.Marshal(s.Title)
	default:
		b, _ = json.Marshal(s.Residential)
	}
	return b
}

func cleanText(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseSubject decodes and checks a subject for the type; problems are reported per field
// as "subject.<field>".
func parseSubject(typ criteria.Type, raw json.RawMessage, v *apperr.ValidationError) Subject {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		v.Add("subject", "is required")
		return Subject{}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	text := func(field, val string, max int) string {
		val = cleanText(val)
		if val == "" {
			v.Add("subject."+field, "is required")
		} else if utf8.RuneCountInString(val) > max {
			v.Add("subject."+field, "is too long")
		}
		return val
	}
	switch typ {
	case criteria.ModelGarden:
		var g GardenSubject
		if err := dec.Decode(&g); err != nil {
			v.Add("subject", subjectDecodeMessage(err))
			return Subject{}
		}
		g.OwnerName = text("owner_name", g.OwnerName, 200)
		g.Village = text("village", g.Village, 200)
		g.MainCrops = text("main_crops", g.MainCrops, 300)
		if g.AreaM2 <= 0 || g.AreaM2 > 10_000_000 {
			v.Add("subject.area_m2", "must be a positive area in m²")
		}
		if g.AnnualIncomeVND < 0 {
			v.Add("subject.annual_income_vnd", "must not be negative")
		}
		return Subject{Garden: &g}
	case criteria.ModelResidentialArea:
		var r ResidentialSubject
		if err := dec.Decode(&r); err != nil {
			v.Add("subject", subjectDecodeMessage(err))
			return Subject{}
		}
		r.Village = text("village", r.Village, 200)
		if r.Households <= 0 {
			v.Add("subject.households", "must be a positive number of households")
		}
		if r.Population < r.Households {
			v.Add("subject.population", "must be at least the number of households")
		}
		return Subject{Residential: &r}
	case criteria.NTMCommune, criteria.AdvancedNTMCommune, criteria.ModelNTMCommune:
		var c TitleSubject
		if err := dec.Decode(&c); err != nil {
			v.Add("subject", subjectDecodeMessage(err))
			return Subject{}
		}
		if c.SatisfactionPct == nil || *c.SatisfactionPct < 0 || *c.SatisfactionPct > 100 {
			v.Add("subject.satisfaction_pct", "is required: the residents' satisfaction in percent, 0 to 100")
		}
		return Subject{Title: &c}
	}
	return Subject{}
}

func subjectDecodeMessage(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return "unknown field " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	var te *json.UnmarshalTypeError
	if ok := asTypeError(err, &te); ok {
		return "field " + te.Field + " has the wrong type"
	}
	return "must be an object with the fields of the nomination type"
}

func asTypeError(err error, target **json.UnmarshalTypeError) bool {
	te, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*target = te
	}
	return ok
}

// decodeSubject reads a stored (already validated) subject.
func decodeSubject(typ criteria.Type, raw string) Subject {
	if typ == criteria.ModelGarden {
		var g GardenSubject
		_ = json.Unmarshal([]byte(raw), &g)
		return Subject{Garden: &g}
	}
	if typ.IsCommuneTitle() {
		var c TitleSubject
		_ = json.Unmarshal([]byte(raw), &c)
		return Subject{Title: &c}
	}
	var r ResidentialSubject
	_ = json.Unmarshal([]byte(raw), &r)
	return Subject{Residential: &r}
}
