package server

import "testing"

func TestParseNumber(t *testing.T) {
	cases := map[string]float64{
		"1500": 1500, "1500.5": 1500.5, "1.500": 1500, "1.500,5": 1500.5, "2,5": 2.5,
		"185.000.000": 185000000, "1,234.5": 1234.5, " 300 ": 300, "0.75": 0.75, "12.5": 12.5,
	}
	for in, want := range cases {
		got, err := parseNumber(in)
		if err != nil || got != want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"abc", "", "1.2.3,4,5"} {
		if _, err := parseNumber(bad); err == nil {
			t.Errorf("parseNumber(%q) accepted", bad)
		}
	}
}
