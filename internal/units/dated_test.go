package units_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// TestTreeOfAYear: a year's tree is the units valid on its 31 December, and the earliest
// list stands for the years before it; a retired unit belongs to the years it stood in.
func TestTreeOfAYear(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	svc := units.NewService(st)
	testkit.ImportUnits(t, svc, "20")
	if err := svc.Retire(ctx, "06220", time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for year, want := range map[int]string{2021: "2025-03-01", 2025: "2025-12-31", 2026: "2026-12-31"} {
		day, err := svc.DayOfYear(ctx, year)
		if err != nil || day.Format(time.DateOnly) != want {
			t.Errorf("DayOfYear(%d) = %s %v, want %s", year, day.Format(time.DateOnly), err, want)
		}
	}
	u, err := svc.GetInYear(ctx, "06220", 2021)
	if err != nil || u.Name != "Xã Hải Yến" || !u.IsRuralCommune() {
		t.Errorf("Hải Yến in 2021: %+v %v", u, err)
	}
	if _, err := svc.GetInYear(ctx, "06220", 2025); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("Hải Yến, retired on 30 June 2025, in 2025: %v", err)
	}
	count := func(year int) int {
		list, err := svc.ChildrenInYear(ctx, "183", year)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	if a, b := count(2021), count(2025); a != 22 || b != 21 {
		t.Errorf("Cao Lộc's communes: %d in 2021, %d in 2025; want 22 and 21", a, b)
	}
	if list, err := svc.ChildrenInYear(ctx, "", 2020); err != nil || len(list) != 1 || list[0].Code != "20" {
		t.Errorf("provinces in 2020: %v %v", list, err)
	}
	many, err := svc.GetManyInYear(ctx, []string{"06220", "06238", "99999"}, 2021)
	if err != nil || len(many) != 2 {
		t.Errorf("GetManyInYear = %v %v", many, err)
	}
	if ward, _ := svc.GetInYear(ctx, "05980", 2021); ward.IsRuralCommune() {
		t.Error("a Phường counted as a Xã")
	}
}
