package app

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

// The layout of the source document's figures over 175 Xã: exact sums, the users'
// communes as the story needs them, each Xã's criteria never fewer in 2021 than in 2020,
// unique decision numbers, and the same layout every time.
func TestDemoPlanReproducesTheSourceDocument(t *testing.T) {
	var xa []string
	for i := range 175 {
		xa = append(xa, fmt.Sprintf("%05d", 7000+i))
	}
	// The demo users' communes at their real positions in Lạng Sơn's Xã.
	xa[44], xa[66], xa[71] = demoOtherNonHolder, demoHolder, demoCandidate
	used := map[string]bool{"2290/QĐ-UBND": true}
	p, err := planDemoMovement(xa, used)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := planDemoMovement(xa, map[string]bool{"2290/QĐ-UBND": true})
	if !reflect.DeepEqual(p, again) {
		t.Fatal("two plans differ")
	}
	count := map[string]int{}
	numbers := map[string]bool{}
	years := map[int]int{}
	for _, tt := range p.titles {
		count[tt.typ]++
		if tt.typ == "ntm_commune" {
			years[tt.metIn]++
		}
		if numbers[tt.number] || tt.number == "2290/QĐ-UBND" {
			t.Errorf("decision number %s given twice", tt.number)
		}
		numbers[tt.number] = true
		if tt.typ == "advanced_ntm_commune" && !p.holders[2020][tt.code] {
			t.Errorf("advanced title for %s, which had no NTM title before 2021", tt.code)
		}
		if tt.date[:4] != fmt.Sprint(tt.metIn) {
			t.Errorf("%+v decided outside its year", tt)
		}
	}
	if count["ntm_commune"] != 75 || count["advanced_ntm_commune"] != 5 || years[2021] != 10 || len(p.holders[2020]) != 65 {
		t.Fatalf("titles %v, NTM by year %v", count, years)
	}
	if !p.holders[2021][demoHolder] || p.holders[2021][demoCandidate] || p.holders[2021][demoOtherNonHolder] {
		t.Fatal("the demo users' communes do not hold the titles the story needs")
	}
	for year, want := range map[int]float64{2020: 12.97, 2021: 14.03} {
		sum := 0
		for _, code := range xa {
			n := p.met[year][code]
			if n < demoStatusFirstVal || n > 19 || (n == 19) != p.holders[year][code] && p.holders[year][code] {
				t.Errorf("%d: %s meets %d", year, code, n)
			}
			sum += n
		}
		if avg := math.Round(float64(sum)/175*100) / 100; avg != want {
			t.Errorf("%d: sum %d, average %.2f, want %.2f", year, sum, avg, want)
		}
	}
	for _, code := range xa {
		a, b := p.met[2020][code], p.met[2021][code]
		if b < a || (!p.holders[2021][code] && b > 18) {
			t.Errorf("%s: %d in 2020, %d in 2021", code, a, b)
		}
		before, after := metCodes(a, p.rot[code]), metCodes(b, p.rot[code])
		if len(before) != a || len(after) != b {
			t.Fatalf("%s: met lists of %d and %d codes", code, len(before), len(after))
		}
		for _, c := range before {
			if !contains(after, c) {
				t.Errorf("%s met criterion %s in 2020 but not in 2021", code, c)
			}
		}
	}
	if p.met[2021][demoCandidate] != 18 {
		t.Errorf("Mẫu Sơn meets %d in 2021", p.met[2021][demoCandidate])
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
