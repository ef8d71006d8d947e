// Package numparse reads the numbers officials type into the nomination form, in the
// Vietnamese way ("1.250,5", "350,5") and the plain one ("1250.5", "350.5"), and refuses
// anything else instead of guessing. web/static/js/app.js (parseNumber) applies the same
// rule, pattern for pattern, to the live score; Examples is the rule by example, and both
// the Go tests and the browser test check their parser against it.
//
// The rule, tried in this order on the trimmed text (an optional leading "-"):
//
//  1. digits only: "1250".
//  2. a decimal comma: "350,5", ",5".
//  3. dots grouping thousands, then maybe a decimal comma: "1.250", "12.000.000",
//     "1.250,5". The first group is 1–3 digits not starting with 0 and every other group
//     exactly 3 digits. So the ambiguous "1.250" (one dot, exactly 3 digits after it, no
//     comma) is a thousands separator, as in Vietnamese: 1250, not 1.25.
//  4. a decimal point: "350.5", "1250.5", "0.250", "1.25" (anything rule 3 did not take).
//  5. commas grouping thousands with a decimal point ("1,250.5") or at least two commas
//     ("1,250,000"): the English form; one comma alone is decimal (rule 2).
//  6. spaces (also no-break and narrow no-break) grouping thousands, then maybe a decimal
//     comma or point: "1 250,5", "12 000 000".
//
// Anything else — letters, "1,2,3", "1.2.3", "1e5", "Infinity", "" — is not a number.
package numparse

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
)

// ErrNotNumber is returned for text that is none of the accepted forms.
var ErrNotNumber = errors.New("not a number in a form the form accepts")

var (
	digits      = regexp.MustCompile(`^-?\d+$`)
	comma       = regexp.MustCompile(`^-?\d*,\d+$`)
	dotGroups   = regexp.MustCompile(`^-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$`)
	point       = regexp.MustCompile(`^-?\d*\.\d+$`)
	commaGroups = regexp.MustCompile(`^-?[1-9]\d{0,2}((,\d{3})+\.\d+|(,\d{3}){2,})$`)
	spaceGroups = regexp.MustCompile(`^-?[1-9]\d{0,2}( \d{3})+([.,]\d+)?$`)
)

// Parse reads s by the rule above.
func Parse(s string) (float64, error) {
	s = strings.TrimSpace(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s))
	var plain string
	switch {
	case digits.MatchString(s), point.MatchString(s) && !dotGroups.MatchString(s):
		plain = s
	case comma.MatchString(s):
		plain = strings.Replace(s, ",", ".", 1)
	case dotGroups.MatchString(s):
		plain = strings.Replace(strings.ReplaceAll(s, ".", ""), ",", ".", 1)
	case commaGroups.MatchString(s):
		plain = strings.ReplaceAll(s, ",", "")
	case spaceGroups.MatchString(s):
		plain = strings.Replace(strings.ReplaceAll(s, " ", ""), ",", ".", 1)
	default:
		return 0, ErrNotNumber
	}
	f, err := strconv.ParseFloat(plain, 64)
	if err != nil {
		return 0, ErrNotNumber // out of range
	}
	return f, nil
}

// Example is one text and what Parse makes of it (OK false: refused).
type Example struct {
	In  string
	Out float64
	OK  bool
}

// Examples is the rule by example, for the Go and the browser tests.
var Examples = []Example{
	{"1250", 1250, true},
	{"0", 0, true},
	{" 42 ", 42, true},
	{"-3", -3, true},
	{"350,5", 350.5, true},
	{"0,75", 0.75, true},
	{",5", 0.5, true},
	{"1.250,5", 1250.5, true},
	{"1.250", 1250, true}, // the ambiguous case: thousands, as in Vietnamese
	{"12.000.000", 12000000, true},
	{"185.000.000", 185000000, true},
	{"350.5", 350.5, true},
	{"1250.5", 1250.5, true},
	{"1.25", 1.25, true},
	{"1.2500", 1.25, true},
	{"0.250", 0.25, true}, // a leading 0 is never a thousands group
	{"1,250.5", 1250.5, true},
	{"1,250,000", 1250000, true},
	{"1,250", 1.25, true}, // one comma alone is decimal
	{"1 250,5", 1250.5, true},
	{"12\u00a0000\u00a0000", 12000000, true},
	{"", 0, false},
	{"abc", 0, false},
	{"3,5 m²", 0, false},
	{"1,2,3", 0, false},
	{"1.2.3", 0, false},
	{"1.250.5", 0, false},
	{"12.50,5", 0, false},
	{"1e5", 0, false},
	{"Infinity", 0, false},
	{"NaN", 0, false},
	{"0x10", 0, false},
	{"1_000", 0, false},
	{"+5", 0, false},
	{"5.", 0, false},
	{"5,", 0, false},
	{"-", 0, false},
	{"1 2", 0, false},
}
