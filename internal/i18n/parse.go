package i18n

import (
	"regexp"
	"strconv"
	"strings"
)

// ParseNumber reads a number as Vietnamese officials write it ("1.500,5", "1.500",
// "2,5") as well as the plain form browsers send ("1500.5"). "988.120" is 988 120: dots
// group thousands, the documented ambiguity of the Vietnamese form.
func ParseNumber(v string) (float64, error) {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	dot, comma := strings.LastIndex(v, "."), strings.LastIndex(v, ",")
	switch {
	case dot >= 0 && comma >= 0: // both: the later one is the decimal mark
		if comma > dot {
			v = strings.ReplaceAll(v, ".", "")
			v = strings.Replace(v, ",", ".", 1)
		} else {
			v = strings.ReplaceAll(v, ",", "")
		}
	case comma >= 0:
		v = strings.Replace(v, ",", ".", 1)
	case thousandsDots.MatchString(v): // "1.500" or "12.000.000": dots group thousands
		v = strings.ReplaceAll(v, ".", "")
	}
	return strconv.ParseFloat(v, 64)
}

var thousandsDots = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+$`)
