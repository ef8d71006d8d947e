package recognition_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// The paths searched for a unit of today and its predecessors: a commune reusing a code
// (06220) and a province that kept its row and absorbed two others (Phú Thọ, 25).
func TestUnitPathsFollowPredecessors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	us := units.NewService(testkit.NewDB(t))
	testkit.ImportUnits(t, us, "17", "20", "25", "26")
	if _, err := us.ImportTwoTier(ctx, "20", "25"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code string
		with bool
		want []string
	}{
		{"06220", false, []string{"/20/06220"}},
		{"06220", true, []string{"/20/06220", "/20/183/06220", "/20/183/06223", "/20/183/06232"}},
		{"05977", true, []string{"/20/05977", "/20/178/05977", "/20/178/05980", "/20/178/05992", "/20/183/06247"}},
		{"25", true, []string{"/17", "/25", "/26"}},
	} {
		got, err := recognition.UnitPaths(ctx, us, c.code, c.with, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		got = slices.Compact(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s (predecessors %v): %v, want %v", c.code, c.with, got, c.want)
		}
	}
	if _, err := recognition.UnitPaths(ctx, us, "99999", true, time.Now()); err == nil {
		t.Error("an unknown unit is accepted")
	}
}
