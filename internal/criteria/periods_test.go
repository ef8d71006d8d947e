package criteria_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

func ptr(s string) *string { return &s }

// A set's period: valid_from defaults to 2000-01-01 (valid for every date, as before
// periods), a bad date or a valid_to before valid_from is a 422 naming the field, and
// CurrentOn picks the newest version valid on the day, both ends included.
func TestSetPeriods(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	u := units.NewService(st)
	testkit.ImportUnits(t, u, "20")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := criteria.NewService(st, az, u)
	garden := func(from string, to *string) *criteria.Set {
		s := criteria.DemoSets("20")[0]
		s.ValidFrom, s.ValidTo = from, to
		return s
	}
	for _, c := range []struct {
		from  string
		to    *string
		field string
	}{
		{"2021-02-30", nil, "valid_from"},
		{"01/01/2021", nil, "valid_from"},
		{"0021-01-01", nil, "valid_from"},
		{"2021-01-01", ptr("2025-13-01"), "valid_to"},
		{"2021-01-01", ptr("2020-12-31"), "valid_to"},
	} {
		_, err := svc.PublishAsSystem(ctx, garden(c.from, c.to))
		var v *apperr.ValidationError
		if !errors.As(err, &v) || v.Fields[c.field] == "" {
			t.Errorf("%s..%v: %v, want a 422 on %s", c.from, c.to, err, c.field)
		}
	}
	if _, err := svc.Current(ctx, criteria.ModelGarden, "20"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a refused set was stored: %v", err)
	}

	always, err := svc.PublishAsSystem(ctx, garden("", nil))
	if err != nil || always.ValidFrom != criteria.DefaultValidFrom || always.ValidTo != nil {
		t.Fatalf("no period: %+v %v", always, err)
	}
	oneDay, err := svc.PublishAsSystem(ctx, garden("2024-05-01", ptr("2024-05-01")))
	if err != nil || oneDay.ValidFrom != "2024-05-01" || *oneDay.ValidTo != "2024-05-01" {
		t.Fatalf("one day: %+v %v", oneDay, err)
	}
	if got, err := svc.Get(ctx, oneDay.ID); err != nil || got.ValidFrom != "2024-05-01" || *got.ValidTo != "2024-05-01" {
		t.Fatalf("read back: %+v %v", got, err)
	}
	for on, want := range map[string]int64{"1999-12-31": 0, "2000-01-01": always.ID, "2024-04-30": always.ID,
		"2024-05-01": oneDay.ID, "2024-05-02": always.ID} {
		d, _ := time.Parse(time.DateOnly, on)
		got, err := svc.CurrentOn(ctx, criteria.ModelGarden, "20", d)
		switch {
		case want == 0 && !errors.Is(err, apperr.ErrNotFound):
			t.Errorf("%s: %+v %v, want none", on, got, err)
		case want != 0 && (err != nil || got.ID != want):
			t.Errorf("%s: %+v %v, want set %d", on, got, err, want)
		}
	}
}
