package nomination

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Which commune and which criteria set a new nomination (or a record) is made in, by date
// (SPEC §12): units and criteria sets both have periods since the reform of 2025.

// currentCommune is the commune a nomination created now is made in: the unit the code
// names today. A code whose unit has ended gives a 422 naming what it went into.
func (s *Service) currentCommune(ctx context.Context, code string, val *apperr.ValidationError) (units.Unit, error) {
	u, err := s.units.Get(ctx, code)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return units.Unit{}, err // the lookup failed, not the code: never a 422
	}
	if err == nil && u.Level == units.Commune {
		return u, nil
	}
	if err == nil {
		val.Add("commune_code", "is not a current commune")
		return u, nil
	}
	return u, s.addEnded(ctx, code, val)
}

// communeOn is the commune a record decided on day is made in: the unit the code named that
// day (a record keeps the unit of its decision, SPEC §12). The earliest list imported
// stands for every day before its own date, as for the yearly figures (units.DayOfYear).
func (s *Service) communeOn(ctx context.Context, code string, day time.Time, val *apperr.ValidationError) (units.Unit, error) {
	first, err := s.units.DayOfYear(ctx, 0) // year 0 ends before any list: the earliest list's date
	if err != nil {
		return units.Unit{}, err
	}
	if day.Before(first) {
		day = first
	}
	u, err := s.units.GetOn(ctx, code, day)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return units.Unit{}, err
	}
	if err == nil && u.Level == units.Commune {
		return u, nil
	}
	if err == nil {
		val.Add("commune_code", "is not a commune")
		return u, nil
	}
	return u, s.addEnded(ctx, code, val)
}

// lastReformEve is the last day of the units the reform of 1 July 2025 ended. The units
// service answers by date, and that reform is the only one the shipped data holds, so an
// ended commune is looked up on that day.
var lastReformEve = units.TwoTierValidFrom.AddDate(0, 0, -1)

// addEnded adds the commune_code problem for a code that names no commune on the day
// asked: "Xã Yên Trạch ended on 30/06/2025; it is now part of Phường Đông Kinh (05977)"
// when the commune it named has ended, else "is not a current commune".
func (s *Service) addEnded(ctx context.Context, code string, val *apperr.ValidationError) error {
	old, err := s.units.GetOn(ctx, code, lastReformEve)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && (old.Level != units.Commune || old.ValidTo == nil)) {
		val.Add("commune_code", "is not a current commune")
		return nil
	}
	if err != nil {
		return err
	}
	succ, err := s.units.Successors(ctx, code, lastReformEve)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s ended on %s", old.Name, old.ValidTo.UTC().Format("02/01/2006"))
	names := make([]string, 0, len(succ))
	for _, l := range succ {
		names = append(names, fmt.Sprintf("%s (%s)", l.Name, l.Code))
	}
	switch {
	case len(names) == 1 && succ[0].Share == units.SharePartial:
		msg += "; part of it is now " + names[0]
	case len(names) == 1:
		msg += "; it is now part of " + names[0]
	case len(names) > 1:
		msg += "; it was divided among " + strings.Join(names, ", ")
	}
	val.Add("commune_code", msg)
	return nil
}

// setOn is the criteria set a nomination of typ in province made on day takes: the newest
// published one valid that day; a 422 on type naming the day when there is none.
func (s *Service) setOn(ctx context.Context, typ criteria.Type, province string, day time.Time) (*criteria.Set, error) {
	set, err := s.criteria.CurrentOn(ctx, typ, province, day)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, apperr.Invalid("type", "the province has no published criteria set for this type valid on "+day.Format("02/01/2006"))
	}
	return set, err
}
