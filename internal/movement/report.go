package movement

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Capital is the capital mobilised in the year by source, in whole VND (nil = not
// reported). The sources add up to the total mobilised; People is the people's share of it
// (land, cash and working days converted to money), which PeopleContribution details.
type Capital struct {
	CentralBudget *int64 `json:"central_budget,omitempty"`
	LocalBudget   *int64 `json:"local_budget,omitempty"`
	Integrated    *int64 `json:"integrated,omitempty"`
	Credit        *int64 `json:"credit,omitempty"`
	Enterprises   *int64 `json:"enterprises,omitempty"`
	People        *int64 `json:"people,omitempty"`
}

// PeopleContribution details the people's contributions: cash in VND, land in m², working
// days.
type PeopleContribution struct {
	CashVND     *int64 `json:"cash_vnd,omitempty"`
	LandM2      *int64 `json:"land_m2,omitempty"`
	WorkingDays *int64 `json:"working_days,omitempty"`
}

// Outputs are what the year built: road lengths in km, counts of works, the production
// models and the VND put into them.
type Outputs struct {
	NewRoadKM             *float64 `json:"new_road_km,omitempty"`
	ConcreteRoadKM        *float64 `json:"concrete_road_km,omitempty"`
	IrrigationWaterWorks  *int64   `json:"irrigation_water_works,omitempty"`
	ElectricityWorks      *int64   `json:"electricity_works,omitempty"`
	SchoolWorks           *int64   `json:"school_works,omitempty"`
	CommuneCulturalHouses *int64   `json:"commune_cultural_houses,omitempty"`
	VillageCulturalHouses *int64   `json:"village_cultural_houses,omitempty"`
	ProductionModels      *int64   `json:"production_models,omitempty"`
	ProductionModelsVND   *int64   `json:"production_models_vnd,omitempty"`
}

// ReportData is a unit's yearly movement report (the body of PUT …/movement-report/{year}).
type ReportData struct {
	Capital Capital            `json:"capital_vnd"`
	People  PeopleContribution `json:"people_contribution"`
	Outputs Outputs            `json:"outputs"`
}

// CapitalTotal is the sum of the capital sources reported: the total mobilised.
func (d ReportData) CapitalTotal() int64 {
	var t int64
	for _, v := range []*int64{d.Capital.CentralBudget, d.Capital.LocalBudget, d.Capital.Integrated,
		d.Capital.Credit, d.Capital.Enterprises, d.Capital.People} {
		if v != nil {
			t += *v
		}
	}
	return t
}

// Empty reports whether nothing at all is reported.
func (d ReportData) Empty() bool { return reflect.ValueOf(d).IsZero() }

// Upper bounds keep a province's sum of its children inside int64 and refuse typing
// slips: 10^16 VND is far above any unit's yearly capital.
const (
	maxAmount = 10_000_000_000_000_000
	maxKM     = 10_000_000
)

// Validate checks every figure: whole, non-negative and within bounds. Fields are named as
// in the JSON body ("capital_vnd.people").
func (d ReportData) Validate() error {
	v := apperr.NewValidation()
	d.eachInt(func(field string, p *int64) {
		switch {
		case p == nil:
		case *p < 0:
			v.Add(field, "must not be negative")
		case *p > maxAmount:
			v.Add(field, "is too large")
		}
	})
	d.eachFloat(func(field string, p *float64) {
		switch {
		case p == nil:
		case math.IsNaN(*p) || math.IsInf(*p, 0):
			v.Add(field, "must be a number")
		case *p < 0:
			v.Add(field, "must not be negative")
		case *p > maxKM:
			v.Add(field, "is too large")
		}
	})
	return v.Err()
}

// eachInt calls fn with the JSON name and the address of every integer figure.
func (d *ReportData) eachInt(fn func(field string, p *int64)) {
	c, pc, o := &d.Capital, &d.People, &d.Outputs
	for _, f := range []struct {
		name string
		p    **int64
	}{
		{"capital_vnd.central_budget", &c.CentralBudget}, {"capital_vnd.local_budget", &c.LocalBudget},
		{"capital_vnd.integrated", &c.Integrated}, {"capital_vnd.credit", &c.Credit},
		{"capital_vnd.enterprises", &c.Enterprises}, {"capital_vnd.people", &c.People},
		{"people_contribution.cash_vnd", &pc.CashVND}, {"people_contribution.land_m2", &pc.LandM2},
		{"people_contribution.working_days", &pc.WorkingDays},
		{"outputs.irrigation_water_works", &o.IrrigationWaterWorks}, {"outputs.electricity_works", &o.ElectricityWorks},
		{"outputs.school_works", &o.SchoolWorks}, {"outputs.commune_cultural_houses", &o.CommuneCulturalHouses},
		{"outputs.village_cultural_houses", &o.VillageCulturalHouses}, {"outputs.production_models", &o.ProductionModels},
		{"outputs.production_models_vnd", &o.ProductionModelsVND},
	} {
		fn(f.name, *f.p)
	}
}

func (d *ReportData) eachFloat(fn func(field string, p *float64)) {
	fn("outputs.new_road_km", d.Outputs.NewRoadKM)
	fn("outputs.concrete_road_km", d.Outputs.ConcreteRoadKM)
}

// Number is a JSON number exactly as the client wrote it: ReportInput keeps the figures so,
// and Data decides whether each is what its field needs (12.5 or 1e3 VND is not a whole
// number of VND, which a float64 would hide). A string, boolean, array or object is a
// wrong type (400), as for any other field.
type Number string

// UnmarshalJSON accepts a JSON number only (null never reaches it: the pointer stays nil).
func (n *Number) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '-' && (b[0] < '0' || b[0] > '9') {
		return &json.UnmarshalTypeError{Value: "non-number", Type: reflect.TypeFor[float64]()}
	}
	*n = Number(b)
	return nil
}

// ReportInput is the wire form of a movement report: every figure as written. Decode a
// request body into it strictly (unknown keys refused), then call Data.
type ReportInput struct {
	Capital struct {
		CentralBudget *Number `json:"central_budget"`
		LocalBudget   *Number `json:"local_budget"`
		Integrated    *Number `json:"integrated"`
		Credit        *Number `json:"credit"`
		Enterprises   *Number `json:"enterprises"`
		People        *Number `json:"people"`
	} `json:"capital_vnd"`
	People struct {
		CashVND     *Number `json:"cash_vnd"`
		LandM2      *Number `json:"land_m2"`
		WorkingDays *Number `json:"working_days"`
	} `json:"people_contribution"`
	Outputs struct {
		NewRoadKM             *Number `json:"new_road_km"`
		ConcreteRoadKM        *Number `json:"concrete_road_km"`
		IrrigationWaterWorks  *Number `json:"irrigation_water_works"`
		ElectricityWorks      *Number `json:"electricity_works"`
		SchoolWorks           *Number `json:"school_works"`
		CommuneCulturalHouses *Number `json:"commune_cultural_houses"`
		VillageCulturalHouses *Number `json:"village_cultural_houses"`
		ProductionModels      *Number `json:"production_models"`
		ProductionModelsVND   *Number `json:"production_models_vnd"`
	} `json:"outputs"`
}

// Data converts the figures: money, areas, days and counts must be whole numbers written
// as such, lengths any number; then Validate applies. Every problem is named by its field.
func (in ReportInput) Data() (ReportData, error) {
	v := apperr.NewValidation()
	whole := func(field string, n *Number) *int64 {
		if n == nil {
			return nil
		}
		x, err := strconv.ParseInt(string(*n), 10, 64)
		if err != nil {
			if strings.ContainsAny(string(*n), ".eE") {
				v.Add(field, "must be a whole number")
			} else {
				v.Add(field, "is too large")
			}
			return nil
		}
		return &x
	}
	decimal := func(field string, n *Number) *float64 {
		if n == nil {
			return nil
		}
		x, err := strconv.ParseFloat(string(*n), 64)
		if err != nil {
			v.Add(field, "is too large")
			return nil
		}
		return &x
	}
	c, p, o := in.Capital, in.People, in.Outputs
	d := ReportData{
		Capital: Capital{CentralBudget: whole("capital_vnd.central_budget", c.CentralBudget),
			LocalBudget: whole("capital_vnd.local_budget", c.LocalBudget), Integrated: whole("capital_vnd.integrated", c.Integrated),
			Credit: whole("capital_vnd.credit", c.Credit), Enterprises: whole("capital_vnd.enterprises", c.Enterprises),
			People: whole("capital_vnd.people", c.People)},
		People: PeopleContribution{CashVND: whole("people_contribution.cash_vnd", p.CashVND),
			LandM2: whole("people_contribution.land_m2", p.LandM2), WorkingDays: whole("people_contribution.working_days", p.WorkingDays)},
		Outputs: Outputs{NewRoadKM: decimal("outputs.new_road_km", o.NewRoadKM), ConcreteRoadKM: decimal("outputs.concrete_road_km", o.ConcreteRoadKM),
			IrrigationWaterWorks:  whole("outputs.irrigation_water_works", o.IrrigationWaterWorks),
			ElectricityWorks:      whole("outputs.electricity_works", o.ElectricityWorks),
			SchoolWorks:           whole("outputs.school_works", o.SchoolWorks),
			CommuneCulturalHouses: whole("outputs.commune_cultural_houses", o.CommuneCulturalHouses),
			VillageCulturalHouses: whole("outputs.village_cultural_houses", o.VillageCulturalHouses),
			ProductionModels:      whole("outputs.production_models", o.ProductionModels),
			ProductionModelsVND:   whole("outputs.production_models_vnd", o.ProductionModelsVND)},
	}
	if err := d.Validate(); err != nil {
		var ve *apperr.ValidationError
		errors.As(err, &ve)
		for f, msg := range ve.Fields {
			v.Add(f, msg)
		}
	}
	if err := v.Err(); err != nil {
		return ReportData{}, err
	}
	return d, nil
}

// ReportItem is one child unit's report (nil when it has none for the year).
type ReportItem struct {
	UnitCode string      `json:"unit_code"`
	UnitName string      `json:"unit_name"`
	Reported *ReportData `json:"reported"`
}

// Report is the GET …/movement-report?year= body: the unit's own report (nil when none),
// the sum of its children's reports (a figure no child reported stays absent) and each
// child's report.
type Report struct {
	UnitCode      string       `json:"unit_code"`
	Year          int          `json:"year"`
	Reported      *ReportData  `json:"reported"`
	ChildrenTotal ReportData   `json:"children_total"`
	Items         []ReportItem `json:"items"`
	CanEdit       bool         `json:"-"` // p may save this unit's report
}

type reportRow struct {
	ID                    int64 `gorm:"primaryKey"`
	UnitCode              string
	UnitPath              string
	Year                  int
	CapitalCentralBudget  *int64
	CapitalLocalBudget    *int64
	CapitalIntegrated     *int64
	CapitalCredit         *int64
	CapitalEnterprises    *int64
	CapitalPeople         *int64
	PeopleCashVND         *int64 `gorm:"column:people_cash_vnd"`
	PeopleLandM2          *int64 `gorm:"column:people_land_m2"`
	PeopleWorkingDays     *int64
	NewRoadKM             *float64 `gorm:"column:new_road_km"`
	ConcreteRoadKM        *float64 `gorm:"column:concrete_road_km"`
	IrrigationWaterWorks  *int64
	ElectricityWorks      *int64
	SchoolWorks           *int64
	CommuneCulturalHouses *int64
	VillageCulturalHouses *int64
	ProductionModels      *int64
	ProductionModelsVND   *int64 `gorm:"column:production_models_vnd"`
	Version               int
	UpdatedBy             *int64
	UpdatedAt             time.Time
}

func (reportRow) TableName() string { return "movement_reports" }

// figureColumns are the report's figure columns, in the order of reportRow.
var figureColumns = []string{"capital_central_budget", "capital_local_budget", "capital_integrated", "capital_credit",
	"capital_enterprises", "capital_people", "people_cash_vnd", "people_land_m2", "people_working_days",
	"new_road_km", "concrete_road_km", "irrigation_water_works", "electricity_works", "school_works",
	"commune_cultural_houses", "village_cultural_houses", "production_models", "production_models_vnd"}

// realColumns hold lengths (DOUBLE PRECISION); the others whole numbers (BIGINT).
var realColumns = map[string]bool{"new_road_km": true, "concrete_road_km": true}

func (r reportRow) data() ReportData {
	return ReportData{
		Capital: Capital{CentralBudget: r.CapitalCentralBudget, LocalBudget: r.CapitalLocalBudget, Integrated: r.CapitalIntegrated,
			Credit: r.CapitalCredit, Enterprises: r.CapitalEnterprises, People: r.CapitalPeople},
		People: PeopleContribution{CashVND: r.PeopleCashVND, LandM2: r.PeopleLandM2, WorkingDays: r.PeopleWorkingDays},
		Outputs: Outputs{NewRoadKM: roundKM(r.NewRoadKM), ConcreteRoadKM: roundKM(r.ConcreteRoadKM), IrrigationWaterWorks: r.IrrigationWaterWorks,
			ElectricityWorks: r.ElectricityWorks, SchoolWorks: r.SchoolWorks, CommuneCulturalHouses: r.CommuneCulturalHouses,
			VillageCulturalHouses: r.VillageCulturalHouses, ProductionModels: r.ProductionModels, ProductionModelsVND: r.ProductionModelsVND},
	}
}

// roundKM keeps lengths to the metre, so sums of decimals read as typed (0.1 + 0.2 = 0.3).
func roundKM(p *float64) *float64 {
	if p == nil {
		return nil
	}
	x := math.Round(*p*1000) / 1000
	return &x
}

// fields maps every figure column to its value in d (nil for not reported), so a save
// replaces the whole report.
func fields(d ReportData) map[string]any {
	r := reportRow{CapitalCentralBudget: d.Capital.CentralBudget, CapitalLocalBudget: d.Capital.LocalBudget,
		CapitalIntegrated: d.Capital.Integrated, CapitalCredit: d.Capital.Credit, CapitalEnterprises: d.Capital.Enterprises,
		CapitalPeople: d.Capital.People, PeopleCashVND: d.People.CashVND, PeopleLandM2: d.People.LandM2,
		PeopleWorkingDays: d.People.WorkingDays, NewRoadKM: d.Outputs.NewRoadKM, ConcreteRoadKM: d.Outputs.ConcreteRoadKM,
		IrrigationWaterWorks: d.Outputs.IrrigationWaterWorks, ElectricityWorks: d.Outputs.ElectricityWorks,
		SchoolWorks: d.Outputs.SchoolWorks, CommuneCulturalHouses: d.Outputs.CommuneCulturalHouses,
		VillageCulturalHouses: d.Outputs.VillageCulturalHouses, ProductionModels: d.Outputs.ProductionModels,
		ProductionModelsVND: d.Outputs.ProductionModelsVND}
	vals := []any{r.CapitalCentralBudget, r.CapitalLocalBudget, r.CapitalIntegrated, r.CapitalCredit, r.CapitalEnterprises,
		r.CapitalPeople, r.PeopleCashVND, r.PeopleLandM2, r.PeopleWorkingDays, r.NewRoadKM, r.ConcreteRoadKM,
		r.IrrigationWaterWorks, r.ElectricityWorks, r.SchoolWorks, r.CommuneCulturalHouses, r.VillageCulturalHouses,
		r.ProductionModels, r.ProductionModelsVND}
	out := make(map[string]any, len(figureColumns))
	for i, col := range figureColumns {
		out[col] = vals[i]
	}
	return out
}

// GetReport returns the unit's report of the year (0: the last year of the province's
// reporting window) with its children's: ErrNotFound when the unit is outside p's scope.
func (s *Service) GetReport(ctx context.Context, p *authz.Principal, unitCode string, year int) (Report, error) {
	if err := authz.Require(p); err != nil {
		return Report{}, err
	}
	year, err := s.yearOrDefault(ctx, unitCode, year)
	if err != nil {
		return Report{}, err
	}
	if err := s.checkReadYear(year); err != nil {
		return Report{}, err
	}
	u, err := s.unitFor(ctx, p, authz.ObjMovementReport, unitCode, year)
	if err != nil {
		return Report{}, err
	}
	r, err := s.ReportFor(ctx, u, year)
	r.CanEdit = s.authz.Can(p, authz.ObjMovementReport, authz.ActWrite, u.Path)
	return r, err
}

// ReportFor is GetReport without a caller (the demo, benchmarks, the campaign dashboard).
func (s *Service) ReportFor(ctx context.Context, unit units.Unit, year int) (Report, error) {
	out := Report{UnitCode: unit.Code, Year: year, Items: []ReportItem{}}
	var own reportRow
	ok, err := found(s.reportOf(ctx, unit.Code, year).Take(&own).Error)
	if err != nil {
		return Report{}, err
	}
	if ok {
		d := own.data()
		out.Reported = &d
	}
	children, err := s.units.ChildrenInYear(ctx, unit.Code, year)
	if err != nil || len(children) == 0 {
		return out, err
	}
	codes := make([]string, 0, len(children))
	for _, c := range children {
		codes = append(codes, c.Code)
	}
	var rows []reportRow
	if err := s.reportsOf(ctx, codes, year).Find(&rows).Error; err != nil {
		return Report{}, err
	}
	byCode := make(map[string]ReportData, len(rows))
	for _, r := range rows {
		byCode[r.UnitCode] = r.data()
	}
	for _, c := range children {
		it := ReportItem{UnitCode: c.Code, UnitName: c.Name}
		if d, ok := byCode[c.Code]; ok {
			it.Reported = &d
		}
		out.Items = append(out.Items, it)
	}
	// The sum is SQL's: SUM skips the children that did not report a figure and is NULL
	// when none did.
	sums := make([]string, 0, len(figureColumns))
	for _, col := range figureColumns {
		if realColumns[col] {
			sums = append(sums, "SUM("+col+") AS "+col)
		} else {
			sums = append(sums, "CAST(SUM("+col+") AS BIGINT) AS "+col)
		}
	}
	var total reportRow
	if err := s.reportsOf(ctx, codes, year).Select(strings.Join(sums, ", ")).Scan(&total).Error; err != nil {
		return Report{}, err
	}
	out.ChildrenTotal = total.data()
	return out, nil
}

// SaveReport replaces the unit's report of the year (PUT of SPEC §11). Only an officer at
// that very unit may write it (the policy's unit reach): a unit p may read but not write →
// ErrForbidden; outside p's scope → ErrNotFound.
func (s *Service) SaveReport(ctx context.Context, p *authz.Principal, unitCode string, year int, in ReportData) (Report, error) {
	u, err := s.unitFor(ctx, p, authz.ObjMovementReport, unitCode, year)
	if err != nil {
		return Report{}, err
	}
	if !s.authz.Can(p, authz.ObjMovementReport, authz.ActWrite, u.Path) {
		return Report{}, apperr.ErrForbidden
	}
	if err := s.checkYear(ctx, province(u), year); err != nil {
		return Report{}, err
	}
	uid := p.UserID
	if err := s.saveReport(ctx, u, year, in, &uid); err != nil {
		return Report{}, err
	}
	r, err := s.ReportFor(ctx, u, year)
	r.CanEdit = true
	return r, err
}

// SaveReportAsSystem replaces a unit's report of the year without a caller (the demo seed,
// bulk loads), whatever the reporting window: history may be loaded before its campaign.
func (s *Service) SaveReportAsSystem(ctx context.Context, unitCode string, year int, in ReportData) error {
	u, err := s.units.GetInYear(ctx, unitCode, year)
	if err != nil {
		return err
	}
	return s.saveReport(ctx, u, year, in, nil)
}

func (s *Service) saveReport(ctx context.Context, u units.Unit, year int, in ReportData, by *int64) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		var cur reportRow
		exists, err := found(s.reportOf(ctx, u.Code, year).Take(&cur).Error)
		if err != nil {
			return err
		}
		f := fields(in)
		f["unit_path"], f["updated_by"], f["updated_at"] = u.Path, by, s.now()
		if exists {
			f["version"] = gorm.Expr("version + 1")
			return s.reportOf(ctx, u.Code, year).Updates(f).Error
		}
		f["unit_code"], f["year"], f["version"] = u.Code, year, 1
		if err := s.reportTable(ctx).Create(f).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return apperr.ErrConflict // saved at the same moment by someone else: send it again
			}
			return err
		}
		return nil
	})
}
