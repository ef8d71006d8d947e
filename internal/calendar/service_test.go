package calendar_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/calendar"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

func newService(t *testing.T) (*calendar.Service, *store.Store) {
	t.Helper()
	st := testkit.NewDB(t)
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	return calendar.NewService(st, az), st
}

func principal(role authz.Role, path string, level units.Level) *authz.Principal {
	codes := units.SplitPath(path)
	return &authz.Principal{UserID: 1, Username: string(role), Grants: []authz.Grant{
		{Role: role, UnitCode: codes[len(codes)-1], UnitPath: path, UnitLevel: level}}}
}

var admin = principal(authz.Admin, "/20", units.Province)

// TestSeededHolidays: the migration's list of 2022–2027 gives the deadlines of the
// official calendar: Tết of each year, the made-up days of holidays on a weekend, and
// 249 or 250 working days a year (swapped days off count as days off).
func TestSeededHolidays(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	all, err := svc.List(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	byYear := map[int][]calendar.Holiday{}
	for _, h := range all {
		byYear[day(h.Date).Year()] = append(byYear[day(h.Date).Year()], h)
	}
	for y := 2022; y <= 2027; y++ {
		names := ""
		for _, h := range byYear[y] {
			names += h.Date + " " + h.Name + "\n"
		}
		for _, want := range []string{"-01-01 Tết Dương lịch", "Tết Nguyên đán", "Giỗ Tổ Hùng Vương", "-04-30 Ngày Giải phóng miền Nam",
			"-05-01 Ngày Quốc tế Lao động", "-09-02 Quốc khánh"} {
			if !strings.Contains(names, want) {
				t.Errorf("%d lacks %q:\n%s", y, want, names)
			}
		}
	}
	if len(byYear) != 6 {
		t.Errorf("holidays seeded for %d years, want 2022–2027", len(byYear))
	}
	cal, err := svc.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	workingDays := map[int]int{2022: 249, 2023: 249, 2024: 250, 2025: 249, 2026: 250, 2027: 250}
	for y, want := range workingDays {
		dec31 := time.Date(y-1, 12, 31, 0, 0, 0, 0, time.UTC)
		if got := cal.WorkingDaysBetween(dec31, dec31.AddDate(1, 0, 0)); got != want {
			t.Errorf("%d has %d working days, want %d", y, got, want)
		}
	}
	cases := []struct{ start, want string }{
		{"2024-02-07", "2024-03-06"}, // Tết Giáp Thìn 8–14/02/2024
		{"2025-01-24", "2025-02-21"}, // Tết Ất Tỵ 25/01–02/02/2025
		{"2026-02-13", "2026-03-13"}, // Tết Bính Ngọ 14–22/02/2026
		{"2022-12-30", "2023-01-30"}, // New Year on a Sunday (made up 02/01), across the year
		{"2023-04-28", "2023-05-24"}, // Giỗ Tổ on a Saturday, 30/4 on a Sunday: 02/05 and 03/05 made up
	}
	for _, c := range cases {
		if got := cal.AddWorkingDays(day(c.start), 15).Format(time.DateOnly); got != c.want {
			t.Errorf("15 working days after %s = %s, want %s", c.start, got, c.want)
		}
	}
	if name, ok := cal.Holiday(day("2024-04-29")); !ok || !strings.Contains(name, "04/5/2024") {
		t.Errorf("29/04/2024 (swapped for Saturday 04/05) = %q, %v", name, ok)
	}
}

// TestHolidayEditsReachTheCalendar: an admin's add, edit and delete change the calendar
// at once, in this service and in another one on the same database (another replica).
func TestHolidayEditsReachTheCalendar(t *testing.T) {
	svc, st := newService(t)
	az, _ := authz.New()
	other := calendar.NewService(st, az)
	ctx := context.Background()
	thursday := day("2026-11-26")
	for _, s := range []*calendar.Service{svc, other} {
		if c, _ := s.Calendar(ctx); !c.IsWorkingDay(thursday) {
			t.Fatal("26/11/2026 is a holiday before any edit")
		}
	}
	h, err := svc.Add(ctx, admin, calendar.Input{Date: "2026-11-26", Name: "  Ngày   nghỉ thử  "})
	if err != nil || h.Date != "2026-11-26" || h.Name != "Ngày nghỉ thử" {
		t.Fatalf("Add: %+v, %v", h, err)
	}
	for _, s := range []*calendar.Service{svc, other} {
		c, err := s.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.IsWorkingDay(thursday) || c.AddWorkingDays(day("2026-11-25"), 1).Format(time.DateOnly) != "2026-11-27" {
			t.Error("the added holiday is not in the calendar")
		}
	}
	if h, err = svc.Update(ctx, admin, "2026-11-26", calendar.Input{Name: "Ngày nghỉ đã sửa"}); err != nil || h.Date != "2026-11-26" {
		t.Fatalf("rename: %+v, %v", h, err)
	}
	if c, _ := other.Calendar(ctx); !strings.Contains(must(c.Holiday(thursday)), "đã sửa") {
		t.Error("the other service kept the old name")
	}
	if h, err = svc.Update(ctx, admin, "2026-11-26", calendar.Input{Date: "2026-11-27", Name: "Ngày nghỉ dời"}); err != nil || h.Date != "2026-11-27" {
		t.Fatalf("move: %+v, %v", h, err)
	}
	if c, _ := other.Calendar(ctx); !c.IsWorkingDay(thursday) || c.IsWorkingDay(day("2026-11-27")) {
		t.Error("the move did not reach the other service")
	}
	if err := svc.Delete(ctx, admin, "2026-11-27"); err != nil {
		t.Fatal(err)
	}
	if c, _ := other.Calendar(ctx); !c.IsWorkingDay(day("2026-11-27")) {
		t.Error("the deletion did not reach the other service")
	}
	if _, err := svc.Get(ctx, "2026-11-27"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("Get after delete: %v", err)
	}
}

func must(name string, _ bool) string { return name }

// TestHolidayBadInput: dates outside 2000–2100, malformed dates, duplicates, missing or
// long names and callers other than an admin are refused, and nothing is saved.
func TestHolidayBadInput(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	before, err := svc.List(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("ă", calendar.MaxNameLength+1)
	cases := []struct {
		name  string
		p     *authz.Principal
		in    calendar.Input
		field string // the validation error's field; "" for the sentinel want
		want  error
	}{
		{"before 2000", admin, calendar.Input{Date: "1999-12-31", Name: "Cũ"}, "date", nil},
		{"after 2100", admin, calendar.Input{Date: "2101-01-01", Name: "Xa"}, "date", nil},
		{"year 0202", admin, calendar.Input{Date: "0202-09-02", Name: "Gõ nhầm"}, "date", nil},
		{"no such day", admin, calendar.Input{Date: "2026-02-30", Name: "Không có"}, "date", nil},
		{"day first", admin, calendar.Input{Date: "02/09/2026", Name: "Sai định dạng"}, "date", nil},
		{"no date", admin, calendar.Input{Name: "Thiếu ngày"}, "date", nil},
		{"no name", admin, calendar.Input{Date: "2026-11-26", Name: "   "}, "name", nil},
		{"long name", admin, calendar.Input{Date: "2026-11-26", Name: long}, "name", nil},
		{"already a holiday", admin, calendar.Input{Date: "2026-02-17", Name: "Mùng 1 Tết"}, "", apperr.ErrConflict},
		{"not an admin", principal(authz.ProvinceApprover, "/20", units.Province), calendar.Input{Date: "2026-11-26", Name: "X"}, "", apperr.ErrForbidden},
		{"an admin at a district", principal(authz.Admin, "/20/183", units.District), calendar.Input{Date: "2026-11-26", Name: "X"}, "", apperr.ErrForbidden},
		{"nobody", nil, calendar.Input{Date: "2026-11-26", Name: "X"}, "", apperr.ErrUnauthenticated},
	}
	for _, c := range cases {
		_, err := svc.Add(ctx, c.p, c.in)
		checkRefusal(t, "Add "+c.name, err, c.field, c.want)
	}
	// An edit onto a day that has a holiday, or out of range, leaves both days as they were.
	_, err = svc.Update(ctx, admin, "2026-02-16", calendar.Input{Date: "2026-02-17", Name: "Dời"})
	checkRefusal(t, "Update onto a holiday", err, "", apperr.ErrConflict)
	_, err = svc.Update(ctx, admin, "2026-02-16", calendar.Input{Date: "2101-02-16", Name: "Dời"})
	checkRefusal(t, "Update out of range", err, "date", nil)
	_, err = svc.Update(ctx, admin, "2026-03-16", calendar.Input{Name: "Không có"})
	checkRefusal(t, "Update of no holiday", err, "", apperr.ErrNotFound)
	checkRefusal(t, "Delete of no holiday", svc.Delete(ctx, admin, "2026-03-16"), "", apperr.ErrNotFound)
	checkRefusal(t, "Delete of no date", svc.Delete(ctx, admin, "sáng mai"), "", apperr.ErrNotFound)
	checkRefusal(t, "Delete by a commune officer", svc.Delete(ctx, principal(authz.CommuneOfficer, "/20/183/06220", units.Commune), "2026-02-16"), "", apperr.ErrForbidden)
	_, err = svc.List(ctx, 1999)
	checkRefusal(t, "List of 1999", err, "year", nil)

	after, err := svc.List(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("%d holidays after the refusals, %d before", len(after), len(before))
	}
	for i := range after {
		if after[i].Date != before[i].Date || after[i].Name != before[i].Name {
			t.Fatalf("holiday %d changed: %+v → %+v", i, before[i], after[i])
		}
	}
}

func checkRefusal(t *testing.T, what string, err error, field string, want error) {
	t.Helper()
	if field != "" {
		var v *apperr.ValidationError
		if !errors.As(err, &v) || v.Fields[field] == "" {
			t.Errorf("%s: %v, want a validation error on %s", what, err, field)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Errorf("%s: %v, want %v", what, err, want)
	}
}
