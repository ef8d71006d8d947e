package movement_test

import (
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/movement"
)

func TestMovementReportRoundTrip(t *testing.T) {
	e := newEnv(t)
	caoloc := movement.ReportData{
		Capital: movement.Capital{CentralBudget: ptr[int64](100_000_000_000), People: ptr[int64](5_000_000_000)},
		People:  movement.PeopleContribution{LandM2: ptr[int64](12_000)},
		Outputs: movement.Outputs{NewRoadKM: ptr(0.1), SchoolWorks: ptr[int64](3)},
	}
	vanlang := movement.ReportData{
		Capital: movement.Capital{CentralBudget: ptr[int64](50_000_000_000), Credit: ptr[int64](7)},
		Outputs: movement.Outputs{NewRoadKM: ptr(0.2), SchoolWorks: ptr[int64](2)},
	}
	if _, err := e.m.SaveReport(e.ctx, e.p("caoloc"), "183", 2021, caoloc); err != nil {
		t.Fatal(err)
	}
	if _, err := e.m.SaveReport(e.ctx, e.p("vanlang"), "182", 2021, vanlang); err != nil {
		t.Fatal(err)
	}
	province := movement.ReportData{Capital: movement.Capital{CentralBudget: ptr[int64](2_974_000_000_000)},
		Outputs: movement.Outputs{ConcreteRoadKM: ptr(404.0)}}
	r, err := e.m.SaveReport(e.ctx, e.p("tinh"), "20", 2021, province)
	if err != nil {
		t.Fatal(err)
	}
	if !r.CanEdit || r.Reported == nil || *r.Reported.Capital.CentralBudget != 2_974_000_000_000 || r.Reported.Capital.People != nil {
		t.Fatalf("saved province report = %+v", r.Reported)
	}
	r, err = e.m.GetReport(e.ctx, e.p("quansat"), "20", 2021)
	if err != nil {
		t.Fatal(err)
	}
	tot := r.ChildrenTotal
	if r.CanEdit || len(r.Items) != 11 || tot.Capital.CentralBudget == nil || *tot.Capital.CentralBudget != 150_000_000_000 ||
		*tot.Capital.People != 5_000_000_000 || *tot.Capital.Credit != 7 || tot.Capital.LocalBudget != nil ||
		*tot.Outputs.NewRoadKM != 0.3 || *tot.Outputs.SchoolWorks != 5 || *tot.People.LandM2 != 12_000 || tot.Outputs.ConcreteRoadKM != nil {
		t.Fatalf("children total = %+v", tot)
	}
	if tot.CapitalTotal() != 155_000_000_007 {
		t.Errorf("CapitalTotal = %d", tot.CapitalTotal())
	}
	n := 0
	for _, it := range r.Items {
		if it.Reported != nil {
			n++
			if it.UnitCode == "183" && (it.UnitName != "Huyện Cao Lộc" || *it.Reported.Outputs.SchoolWorks != 3) {
				t.Errorf("Cao Lộc item = %+v", it)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d children reported, want 2", n)
	}

	// PUT replaces: a figure left out is no longer reported.
	if _, err := e.m.SaveReport(e.ctx, e.p("caoloc"), "183", 2021, movement.ReportData{Outputs: movement.Outputs{SchoolWorks: ptr[int64](4)}}); err != nil {
		t.Fatal(err)
	}
	r, _ = e.m.GetReport(e.ctx, e.p("caoloc"), "183", 2021)
	if !r.CanEdit || r.Reported.Capital.CentralBudget != nil || *r.Reported.Outputs.SchoolWorks != 4 || len(r.Items) != 22 {
		t.Errorf("replaced report = %+v, %d items", r.Reported, len(r.Items))
	}
	// A commune with no report and no children.
	r, err = e.m.GetReport(e.ctx, e.p("xa.haiyen"), "06220", 2021)
	if err != nil || r.Reported != nil || len(r.Items) != 0 || !r.CanEdit || !r.ChildrenTotal.Empty() {
		t.Errorf("commune report = %+v %v", r, err)
	}

	// Unit reach: a reviewer reads its communes' reports but writes only its district's.
	_, err = e.m.SaveReport(e.ctx, e.p("caoloc"), "06220", 2021, vanlang)
	wantErr(t, err, apperr.ErrForbidden)
	_, err = e.m.SaveReport(e.ctx, e.p("tinh"), "183", 2021, vanlang)
	wantErr(t, err, apperr.ErrForbidden)
	_, err = e.m.SaveReport(e.ctx, e.p("xa.haiyen"), "183", 2021, vanlang)
	wantErr(t, err, apperr.ErrNotFound)
	_, err = e.m.SaveReport(e.ctx, e.p("vanlang"), "183", 2021, vanlang)
	wantErr(t, err, apperr.ErrNotFound)
	_, err = e.m.SaveReport(e.ctx, e.p("quansat"), "20", 2021, vanlang)
	wantErr(t, err, apperr.ErrForbidden)
	_, err = e.m.GetReport(e.ctx, e.p("xa.haiyen"), "06238", 2021)
	wantErr(t, err, apperr.ErrNotFound)

	// Bad figures name their field; nothing is saved.
	_, err = e.m.SaveReport(e.ctx, e.p("xa.haiyen"), "06220", 2021, movement.ReportData{
		Capital: movement.Capital{People: ptr[int64](-1)}, Outputs: movement.Outputs{NewRoadKM: ptr(-0.5)}})
	wantField(t, err, "capital_vnd.people")
	wantField(t, err, "outputs.new_road_km")
	_, err = e.m.SaveReport(e.ctx, e.p("xa.haiyen"), "06220", 2019, caoloc)
	wantField(t, err, "year")
	if r, _ := e.m.GetReport(e.ctx, e.p("xa.haiyen"), "06220", 2021); r.Reported != nil {
		t.Error("a refused report was saved")
	}
	// The system writes without a caller (the demo seed).
	if err := e.m.SaveReportAsSystem(e.ctx, "06220", 2021, caoloc); err != nil {
		t.Fatal(err)
	}
	u, _ := e.units.Get(e.ctx, "183")
	r, err = e.m.ReportFor(e.ctx, u, 2021)
	if err != nil || *r.ChildrenTotal.Capital.People != 5_000_000_000 {
		t.Errorf("ReportFor after a system save: %+v %v", r.ChildrenTotal, err)
	}
}

func TestReportInputNeedsWholeNumbers(t *testing.T) {
	num := func(s string) *movement.Number { n := movement.Number(s); return &n }
	var in movement.ReportInput
	in.Capital.People = num("12.5")
	in.Capital.Credit = num("1e3")
	in.Capital.CentralBudget = num("99999999999999999999")
	in.Outputs.NewRoadKM = num("23.4")
	in.Outputs.SchoolWorks = num("27")
	_, err := in.Data()
	wantField(t, err, "capital_vnd.people")
	wantField(t, err, "capital_vnd.credit")
	wantField(t, err, "capital_vnd.central_budget")
	in.Capital.People, in.Capital.Credit, in.Capital.CentralBudget = num("110000000000"), nil, nil
	d, err := in.Data()
	if err != nil || *d.Capital.People != 110_000_000_000 || *d.Outputs.NewRoadKM != 23.4 || *d.Outputs.SchoolWorks != 27 || d.Capital.Credit != nil {
		t.Fatalf("Data = %+v %v", d, err)
	}
	in.Outputs.SchoolWorks = num("-2")
	_, err = in.Data()
	wantField(t, err, "outputs.school_works")
	var n movement.Number
	if err := n.UnmarshalJSON([]byte(`"12"`)); err == nil {
		t.Error("a string accepted as a number")
	}
}
