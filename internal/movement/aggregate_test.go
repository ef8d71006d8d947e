package movement_test

import (
	"fmt"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/movement"
)

func item(t *testing.T, a movement.Aggregate, code string) movement.Aggregate {
	t.Helper()
	for _, it := range a.Items {
		if it.UnitCode == code {
			return it
		}
	}
	t.Fatalf("no item %s in %s's aggregate", code, a.UnitCode)
	return movement.Aggregate{}
}

func bands(a movement.Aggregate) string {
	s := ""
	for _, k := range movement.BandKeys {
		s += fmt.Sprintf("%s:%d ", k, a.Bands[k])
	}
	return s
}

// statuses2021 gives four Xã a status for 2021: three confirmed by import, Hải Yến
// reported by its own officer; a ward and a town get rows they could never have saved.
func statuses2021(e *env) {
	e.t.Helper()
	if err := e.m.ImportStatusesAsSystem(e.ctx, 2021, e.set.ID, map[string][]string{
		"05986": codes(19), // Xã Hoàng Đồng (TP Lạng Sơn)
		"05989": codes(10), // Xã Quảng Lạc (TP Lạng Sơn)
		"06238": codes(5),  // Xã Mẫu Sơn (Cao Lộc)
	}); err != nil {
		e.t.Fatal(err)
	}
	if _, _, err := e.m.SaveStatus(e.ctx, e.p("xa.haiyen"), "06220", 2021, movement.StatusInput{CriteriaSetID: e.set.ID, Met: codes(15)}, 0); err != nil {
		e.t.Fatal(err)
	}
	e.rawStatus("05980", "/20/178/05980", 2021, 19) // Phường Đông Kinh
	e.rawStatus("06184", "/20/183/06184", 2021, 19) // Thị trấn Đồng Đăng
}

func TestAverageAndBandsCountXaOnly(t *testing.T) {
	e := newEnv(t)
	statuses2021(e)

	// The city of Lạng Sơn: 3 Xã (19, 10, unreported) and 5 Phường that never count.
	city, err := e.m.Aggregate(e.ctx, e.p("tinh"), "178", 2021)
	if err != nil {
		t.Fatal(err)
	}
	if city.Communes != 3 || city.Reported != 2 || city.Confirmed != 2 || city.AverageMet != 9.67 {
		t.Errorf("city 178: communes %d reported %d confirmed %d average %v; want 3, 2, 2, 9.67 (29/3 rounded)",
			city.Communes, city.Reported, city.Confirmed, city.AverageMet)
	}
	if got := bands(city); got != "19:1 15-18:0 10-14:1 5-9:0 0-4:1 " {
		t.Errorf("city bands = %s", got)
	}
	if len(city.Items) != 3 {
		t.Fatalf("city items = %d, want its 3 Xã (no ward)", len(city.Items))
	}
	if it := item(t, city, "05992"); it.Communes != 1 || it.Reported != 0 || it.AverageMet != 0 || it.Bands["0-4"] != 1 {
		t.Errorf("unreported Xã Mai Pha item = %+v", it)
	}
	if it := item(t, city, "05986"); it.AverageMet != 19 || it.Bands["19"] != 1 || it.UnitName != "Xã Hoàng Đồng" {
		t.Errorf("Xã Hoàng Đồng item = %+v", it)
	}

	// The province: 175 Xã, 49 criteria met in all.
	prov, err := e.m.Aggregate(e.ctx, e.p("tinh"), "20", 2021)
	if err != nil {
		t.Fatal(err)
	}
	if prov.Communes != 175 || prov.Reported != 4 || prov.Confirmed != 3 || prov.AverageMet != 0.28 {
		t.Errorf("province: communes %d reported %d confirmed %d average %v; want 175, 4, 3, 0.28",
			prov.Communes, prov.Reported, prov.Confirmed, prov.AverageMet)
	}
	if got := bands(prov); got != "19:1 15-18:1 10-14:1 5-9:1 0-4:171 " {
		t.Errorf("province bands = %s", got)
	}
	if len(prov.Items) != 11 {
		t.Fatalf("province items = %d, want 11 districts", len(prov.Items))
	}
	caoloc := item(t, prov, "183")
	if caoloc.Communes != 20 || caoloc.Reported != 2 || caoloc.Confirmed != 1 || caoloc.AverageMet != 1 || caoloc.Items != nil {
		t.Errorf("Cao Lộc item: %+v (20 Xã, 20 criteria met; no nested items)", caoloc)
	}
	if it := item(t, prov, "178"); it.AverageMet != 9.67 || it.Communes != 3 {
		t.Errorf("city item = %+v", it)
	}
	sum := 0
	for _, it := range prov.Items {
		sum += it.Communes
	}
	if sum != 175 {
		t.Errorf("items hold %d Xã, the province %d", sum, prov.Communes)
	}
	// AverageMet gives the unit and its children.
	u, _ := e.units.Get(e.ctx, "20")
	avg, err := e.m.AverageMet(e.ctx, u, 2021)
	if err != nil {
		t.Fatal(err)
	}
	if avg["20"] != 0.28 || avg["178"] != 9.67 || avg["183"] != 1 || avg["182"] != 0 {
		t.Errorf("AverageMet = %v", avg)
	}

	// 2020 has no statuses: every Xã counts 0, all in the lowest band; the 2025-03-01
	// list stands for the years before it.
	y2020, err := e.m.Aggregate(e.ctx, e.p("tinh"), "20", 2020)
	if err != nil {
		t.Fatal(err)
	}
	if y2020.Communes != 175 || y2020.AverageMet != 0 || y2020.Bands["0-4"] != 175 || y2020.Reported != 0 {
		t.Errorf("2020: %+v", y2020)
	}
	// The default year is the window's last (2025).
	def, err := e.m.Aggregate(e.ctx, e.p("tinh"), "20", 0)
	if err != nil || def.Year != 2025 {
		t.Errorf("default year = %d, %v", def.Year, err)
	}
	if _, err := e.m.Aggregate(e.ctx, e.p("tinh"), "20", 2027); err == nil {
		t.Error("an aggregate of a future year answered")
	} else {
		wantField(t, err, "year")
	}
}

func TestAggregateScope(t *testing.T) {
	e := newEnv(t)
	statuses2021(e)
	for _, c := range []struct {
		user, unit string
		want       error
	}{
		{"caoloc", "183", nil},
		{"caoloc", "182", apperr.ErrNotFound},
		{"caoloc", "20", apperr.ErrNotFound},
		{"qs.caoloc", "183", nil},
		{"quansat", "20", nil},
		{"xa.haiyen", "06220", nil},
		{"xa.haiyen", "183", apperr.ErrNotFound},
		{"admin", "20", apperr.ErrNotFound},
		{"hanoi", "20", apperr.ErrNotFound},
		{"tinh", "99", apperr.ErrNotFound},
	} {
		_, err := e.m.Aggregate(e.ctx, e.p(c.user), c.unit, 2021)
		if c.want == nil && err != nil || c.want != nil && err != c.want {
			t.Errorf("%s reads the aggregate of %s: %v, want %v", c.user, c.unit, err, c.want)
		}
	}
	own, err := e.m.Aggregate(e.ctx, e.p("xa.haiyen"), "06220", 2021)
	if err != nil || own.Communes != 1 || own.AverageMet != 15 || own.Items != nil {
		t.Errorf("a commune's own aggregate = %+v, %v", own, err)
	}
}

func TestTitlesHeldAndNewByYear(t *testing.T) {
	e := newEnv(t)
	e.recognize(criteria.NTMCommune, "06220", "183", "2019-05-01", false)
	e.recognize(criteria.NTMCommune, "06238", "183", "2021-03-01", false)
	e.recognize(criteria.NTMCommune, "05986", "178", "2021-11-30", false)
	e.recognize(criteria.AdvancedNTMCommune, "06220", "183", "2021-12-31", false) // the last day counts
	e.recognize(criteria.NTMCommune, "06190", "183", "2022-01-01", false)         // next year
	e.recognize(criteria.NTMCommune, "06142", "182", "2020-06-01", true)          // revoked: no longer held
	e.recognize(criteria.ModelNTMCommune, "06220", "183", "2021-06-01", false)
	e.recognize(criteria.ModelGarden, "06220", "183", "2021-04-01", false) // a garden is not a commune title

	want := map[int]string{
		2019: "ntm 1/1 adv 0/0 model 0",
		2020: "ntm 1/0 adv 0/0 model 0",
		2021: "ntm 3/2 adv 1/1 model 1",
		2022: "ntm 4/1 adv 1/0 model 1",
	}
	titles := func(a movement.Aggregate) string {
		return fmt.Sprintf("ntm %d/%d adv %d/%d model %d", a.NTMCommunes, a.NTMCommunesNew, a.AdvancedNTMCommunes,
			a.AdvancedNTMCommunesNew, a.ModelNTMCommunes)
	}
	for year, w := range want {
		u, _ := e.units.Get(e.ctx, "20")
		a, err := e.m.AggregateFor(e.ctx, u, year)
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(a); got != w {
			t.Errorf("%d province titles: %s, want %s", year, got, w)
		}
	}
	prov, err := e.m.Aggregate(e.ctx, e.p("tinh"), "20", 2021)
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(item(t, prov, "183")); got != "ntm 2/1 adv 1/1 model 1" {
		t.Errorf("Cao Lộc 2021: %s", got)
	}
	if got := titles(item(t, prov, "178")); got != "ntm 1/1 adv 0/0 model 0" {
		t.Errorf("city 2021: %s", got)
	}
	if got := titles(item(t, prov, "182")); got != "ntm 0/0 adv 0/0 model 0" {
		t.Errorf("Văn Lãng 2021 (revoked title): %s", got)
	}
	d, err := e.m.Aggregate(e.ctx, e.p("caoloc"), "183", 2021)
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(item(t, d, "06220")); got != "ntm 1/0 adv 1/1 model 1" {
		t.Errorf("Hải Yến 2021: %s", got)
	}
	if got := titles(item(t, d, "06238")); got != "ntm 1/1 adv 0/0 model 0" {
		t.Errorf("Mẫu Sơn 2021: %s", got)
	}
}

func TestNationalAggregate(t *testing.T) {
	e := newEnv(t)
	statuses2021(e)
	if err := e.m.ImportStatusesAsSystem(e.ctx, 2021, publishFor(e, "01"), map[string][]string{"08974": codes(18)}); err != nil {
		t.Fatal(err)
	}
	e.recognize(criteria.NTMCommune, "06238", "183", "2021-03-01", false)
	n, err := e.m.National(e.ctx, 2021)
	if err != nil {
		t.Fatal(err)
	}
	if n.UnitCode != "" || len(n.Items) != 2 || n.Items[0].UnitCode != "01" || n.Items[1].UnitCode != "20" {
		t.Fatalf("national items = %+v", n.Items)
	}
	u, _ := e.units.Get(e.ctx, "20")
	prov, err := e.m.AggregateFor(e.ctx, u, 2021)
	if err != nil {
		t.Fatal(err)
	}
	ls := n.Items[1]
	if ls.Communes != prov.Communes || ls.AverageMet != prov.AverageMet || ls.Reported != prov.Reported ||
		ls.NTMCommunes != 1 || bands(ls) != bands(prov) || ls.UnitName != "Tỉnh Lạng Sơn" {
		t.Errorf("national item of 20 = %+v, the province's own = %+v", ls, prov)
	}
	hn := n.Items[0]
	if hn.Reported != 1 || hn.Bands["15-18"] != 1 || hn.Communes < 100 {
		t.Errorf("Hà Nội item = %+v", hn)
	}
	if n.Communes != hn.Communes+ls.Communes || n.Reported != 5 || n.NTMCommunes != 1 {
		t.Errorf("national = %+v", n)
	}
	if want := float64(int(float64(49+18)*100/float64(n.Communes)+0.5)) / 100; n.AverageMet != want {
		t.Errorf("national average = %v, want %v", n.AverageMet, want)
	}
}

// publishFor publishes the national set for another province and returns its id.
func publishFor(e *env, province string) int64 {
	e.t.Helper()
	set, err := e.crit.PublishAsSystem(e.ctx, criteria.NationalNTMCommuneSet(province))
	if err != nil {
		e.t.Fatal(err)
	}
	return set.ID
}
