package numparse

import "testing"

func TestParse(t *testing.T) {
	for _, ex := range Examples {
		got, err := Parse(ex.In)
		if ex.OK && (err != nil || got != ex.Out) {
			t.Errorf("Parse(%q) = %v, %v; want %v", ex.In, got, err, ex.Out)
		}
		if !ex.OK && err == nil {
			t.Errorf("Parse(%q) = %v; want refused", ex.In, got)
		}
	}
}

// The ambiguity that issue 15 is about: the decimal comma is never dropped.
func TestDecimalCommaIsNeverDropped(t *testing.T) {
	for in, want := range map[string]float64{"350,5": 350.5, "1.250,5": 1250.5, "2,05": 2.05} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}
