package app

import (
	"fmt"
	"slices"
)

// The movement figures of the source document (SPEC §11, DOMAIN.md "The figures of the
// source document, as data"), laid out over the 175 Xã of Lạng Sơn. Everything here is a
// pure function of the Xã codes, so every run of the demo seed picks the same communes.

// Figures of the source document for Lạng Sơn.
const (
	demoNTMBy2021      = 75 // active NTM communes at the end of 2021
	demoNTMNew2021     = 10 // of them decided in 2021
	demoAdvanced2021   = 5  // advanced NTM communes, decided in 2021
	demoCriteriaCount  = 19 // the national set 2021–2025
	demoStatusSum2020  = 2270
	demoStatusSum2021  = 2455
	demoStatusFirstVal = 4 // the fewest criteria a Xã of the demo meets
)

// 12.97 and 14.03 criteria per Xã are not whole sums over 175 Xã: 2270 / 175 = 12.971…
// and 2455 / 175 = 14.028… are the sums that round to exactly those averages.

// demoNTMByYear is how many Xã were first recognised NTM in each year before 2021 (65 in
// all): the programme started slowly in 2011 and picked up after 2015.
var demoNTMByYear = []struct{ year, n int }{
	{2012, 2}, {2013, 4}, {2014, 6}, {2015, 8}, {2016, 8}, {2017, 9}, {2018, 9}, {2019, 9}, {2020, 10},
}

// The demo users' communes: Hải Yến holds the NTM title; Mẫu Sơn and Tân Tác do not, so
// xa.mauson can nominate her Xã in the story (DOMAIN.md, SPEC §9).
const (
	demoHolder          = "06220"
	demoCandidate       = "06238"
	demoOtherNonHolder  = "06142"
	demoCandidate2021   = 18 // criteria Mẫu Sơn met in 2021: one short of the title
	demoCandidate2020   = 16
	demoNewHolders2020  = 15 // the fewest criteria a Xã recognised in 2021 met in 2020
	demoDecisionNumbers = 2290
)

// demoTitle is one commune title decided before ntmflow, recorded by the province.
type demoTitle struct {
	code     string
	typ      string // criteria.Type
	date     string // YYYY-MM-DD
	number   string
	signer   string
	metIn    int // the year it was decided
	position int // index of the Xã in code order
}

// demoPlan is the whole layout: the titles and the criteria met per Xã in 2020 and 2021.
type demoPlan struct {
	titles  []demoTitle            // NTM titles in decision order, then the advanced ones
	met     map[int]map[string]int // year → Xã code → number of criteria met
	holders map[int]map[string]bool
	rot     map[string]int // Xã code → which of the harder criteria it lacks first
}

// planDemoMovement lays the figures over xa, the codes of the province's Xã in code order.
// usedNumbers are decision numbers already taken in the province (the demo gardens').
func planDemoMovement(xa []string, usedNumbers map[string]bool) (demoPlan, error) {
	if len(xa) < demoNTMBy2021+10 {
		return demoPlan{}, fmt.Errorf("the demo province has %d Xã, too few for its figures", len(xa))
	}
	// The 75 holders are spread evenly over the codes (so over the districts): Xã k holds
	// the title when (k+offset)·75 mod 175 < 75, with the smallest offset that keeps the
	// demo users' communes as the story needs them.
	var holders []int
	for offset := 0; offset < len(xa); offset++ {
		holders = holders[:0]
		for k := range xa {
			if ((k+offset)*demoNTMBy2021)%len(xa) < demoNTMBy2021 {
				holders = append(holders, k)
			}
		}
		held := func(code string) bool {
			return slices.ContainsFunc(holders, func(k int) bool { return xa[k] == code })
		}
		if held(demoHolder) && !held(demoCandidate) && !held(demoOtherNonHolder) {
			break
		}
		if offset == len(xa)-1 {
			return demoPlan{}, fmt.Errorf("no spread of the demo titles fits the demo users' communes")
		}
	}
	p := demoPlan{met: map[int]map[string]int{2020: {}, 2021: {}}, holders: map[int]map[string]bool{2020: {}, 2021: {}}, rot: map[string]int{}}
	// Ten of them, spread the same way, were recognised in 2021; the other 65 in
	// 2012–2020, in an order that mixes the districts (37 is prime to 65), the earliest
	// first.
	var older, newer []int
	for j, k := range holders {
		if (j*demoNTMNew2021)%len(holders) < demoNTMNew2021 {
			newer = append(newer, k)
		} else {
			older = append(older, k)
		}
	}
	mixed := make([]int, len(older))
	for j := range older {
		mixed[j] = older[(j*37)%len(older)]
	}
	numbers := demoNumbers(usedNumbers)
	i := 0
	for _, y := range demoNTMByYear {
		for n := range y.n {
			k := mixed[i]
			i++
			p.titles = append(p.titles, demoTitle{code: xa[k], typ: "ntm_commune", metIn: y.year, position: k,
				date: fmt.Sprintf("%d-12-%02d", y.year, 8+n*20/y.n), number: numbers(), signer: demoSigner(y.year)})
		}
	}
	if i != len(mixed) {
		return demoPlan{}, fmt.Errorf("demo titles by year add up to %d, not %d", i, len(mixed))
	}
	for n, k := range newer {
		p.titles = append(p.titles, demoTitle{code: xa[k], typ: "ntm_commune", metIn: 2021, position: k,
			date: fmt.Sprintf("2021-12-%02d", 6+n*2), number: numbers(), signer: demoSigner(2021)})
	}
	// The five advanced titles went to the longest-standing NTM communes, late in 2021.
	for n := range demoAdvanced2021 {
		k := mixed[n]
		p.titles = append(p.titles, demoTitle{code: xa[k], typ: "advanced_ntm_commune", metIn: 2021, position: k,
			date: fmt.Sprintf("2021-12-%02d", 27+n/2), number: numbers(), signer: demoSigner(2021)})
	}
	for _, t := range p.titles {
		if t.typ != "ntm_commune" {
			continue
		}
		p.holders[2021][t.code] = true
		if t.metIn <= 2020 {
			p.holders[2020][t.code] = true
		}
	}
	for k, code := range xa {
		p.rot[code] = k % 10
	}
	p.spreadCriteria(xa)
	return p, nil
}

// spreadCriteria gives every Xã its number of criteria met in 2020 and 2021: 19 for a
// holder; the rest spread between 4 and 18 so the sums are exactly demoStatusSum2020 and
// demoStatusSum2021, each Xã meeting in 2021 at least what it met in 2020 (up to 3 more).
func (p *demoPlan) spreadCriteria(xa []string) {
	var rest []string // Xã without the title at the end of 2021
	sum21, sum20 := 0, 0
	for n, code := range xa {
		switch {
		case p.holders[2021][code]:
			p.met[2021][code] = demoCriteriaCount
			sum21 += demoCriteriaCount
			if p.holders[2020][code] {
				p.met[2020][code] = demoCriteriaCount
			} else {
				// Recognised in 2021: close to the standard a year before.
				p.met[2020][code] = demoNewHolders2020 + n%4
			}
			sum20 += p.met[2020][code]
		default:
			rest = append(rest, code)
		}
	}
	// 2021 first: a fixed pattern of values between 5 and 16 (about the mean the sum
	// needs), then moved one criterion at a time, round the list, until the sum is exact.
	fixed := map[string]int{demoCandidate: demoCandidate2021}
	v21 := make([]int, len(rest))
	for i, code := range rest {
		v21[i] = 5 + (i*7+3)%12
		if v, ok := fixed[code]; ok {
			v21[i] = v
		}
	}
	adjust(v21, demoStatusSum2021-sum21, func(i, v int) bool {
		_, f := fixed[rest[i]]
		return !f && v >= demoStatusFirstVal+1 && v <= demoCriteriaCount-1
	})
	// 2020: each one 0–3 lower, again moved to the exact sum.
	fixed = map[string]int{demoCandidate: demoCandidate2020}
	v20 := make([]int, len(rest))
	for i, code := range rest {
		v20[i] = max(demoStatusFirstVal, v21[i]-(i/12+i*5+1)%4)
		if v, ok := fixed[code]; ok {
			v20[i] = v
		}
	}
	adjust(v20, demoStatusSum2020-sum20, func(i, v int) bool {
		_, f := fixed[rest[i]]
		return !f && v >= demoStatusFirstVal && v <= v21[i] && v >= v21[i]-3
	})
	for i, code := range rest {
		p.met[2021][code], p.met[2020][code] = v21[i], v20[i]
	}
}

// adjust adds want − sum(vals) to vals one unit at a time, stepping through the list with
// a stride prime to its length so the changes spread, and only where ok allows the new
// value. It gives up (leaving the sum short) only if no value can move, which the tests
// rule out for the demo's figures.
func adjust(vals []int, want int, ok func(i, v int) bool) {
	for _, v := range vals {
		want -= v
	}
	step := 1
	if want < 0 {
		step = -1
	}
	stride := 7
	for len(vals)%stride == 0 {
		stride++
	}
	for i, stuck := 0, 0; want != 0 && stuck < len(vals); i = (i + stride) % len(vals) {
		if ok(i, vals[i]+step) {
			vals[i] += step
			want -= step
			stuck = 0
		} else {
			stuck++
		}
	}
}

// demoNumbers hands out decision numbers of the province's People's Committee ("2290/QĐ-UBND"
// onwards), skipping those already taken: a decision number is unique in a province.
func demoNumbers(used map[string]bool) func() string {
	next := demoDecisionNumbers
	return func() string {
		for {
			n := fmt.Sprintf("%d/QĐ-UBND", next)
			next += 3
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}
}

// demoSigner is who signs the province's recognition decisions in the demo: the same
// chairman as the demo's 2022 decisions from 2021 on, an (invented) vice-chairman before.
func demoSigner(year int) string {
	if year >= 2021 {
		return "Hồ Tiến Thiệu"
	}
	return "Lương Văn Khánh"
}

// easeOrder is the order in which a Xã usually comes to meet the national criteria:
// planning, electricity, communications and defence first; income, production
// organisation and the environment last (the same order as ntmflow gen-data).
var easeOrder = []string{"1", "4", "8", "19", "15", "18", "16", "12", "9", "14", "11", "5", "7", "3", "2", "6", "10", "13", "17"}

// metCodes are the n criteria a Xã meets, in the national set's order: the easier nine
// first, then the harder ten turned by rot so that Xã with the same count differ. A Xã
// meeting more criteria later keeps those it met before.
func metCodes(n, rot int) []string {
	order := append([]string(nil), easeOrder[:9]...)
	hard := easeOrder[9:]
	for i := range hard {
		order = append(order, hard[(i+rot)%len(hard)])
	}
	take := map[string]bool{}
	for _, code := range order[:min(n, len(order))] {
		take[code] = true
	}
	out := make([]string, 0, n)
	for i := 1; i <= demoCriteriaCount; i++ {
		if code := fmt.Sprint(i); take[code] {
			out = append(out, code)
		}
	}
	return out
}
