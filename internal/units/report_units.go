package units

import (
	"context"
	"slices"
	"time"
)

// Units as a year's records name them. Records keep the units they were made in (SPEC §12):
// a report or a target form of a year lists the year's tree (ChildrenInYear) and, beside
// it, the units the year's counts and targets were made in that are not in that tree (a
// district whose recognitions were decided before 1 July 2025 is not in the tree of
// 31 December 2025). These look such units up, many codes in one query.

// LastStoodInYear returns the units with the given codes as they last stood by the day of
// year (DayOfYear): the newest row version that began by then, or the newest of all for a
// code whose versions all began later. Unknown codes are left out.
func (s *Service) LastStoodInYear(ctx context.Context, codes []string, year int) (map[string]Unit, error) {
	return s.pickVersions(ctx, codes, year, true)
}

// StoodInYear returns the units with the given codes that stood on some day of year (from
// 1 January to the day of year, so the earliest list stands for the years before it), each
// as it last stood in the year, keyed by code. Codes without such a unit are left out. A
// year's targets may name them: a district that ended on 30 June 2025 had 2025 targets.
func (s *Service) StoodInYear(ctx context.Context, codes []string, year int) (map[string]Unit, error) {
	return s.pickVersions(ctx, codes, year, false)
}

// pickVersions reads every row version of codes (one query per 1000 codes) and keeps, per
// code, the newest version that began by the day of year and, unless fallback, had not
// ended before 1 January of year. With fallback a code with no version begun by then keeps
// its newest version.
func (s *Service) pickVersions(ctx context.Context, codes []string, year int, fallback bool) (map[string]Unit, error) {
	out := make(map[string]Unit, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	day, err := s.DayOfYear(ctx, year)
	if err != nil {
		return nil, err
	}
	last := day.Format(time.DateOnly)
	first := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	dateOf := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	newest := map[string]Unit{}
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(codes))), 1000) {
		var list []Unit
		if err := s.st.DB(ctx).Where("code IN ?", chunk).Order("code, valid_from").Find(&list).Error; err != nil {
			return nil, err
		}
		for _, u := range list { // oldest first: a later version replaces an earlier one
			newest[u.Code] = u
			if dateOf(u.ValidFrom) > last {
				continue
			}
			if !fallback && u.ValidTo != nil && dateOf(*u.ValidTo) < first {
				continue
			}
			out[u.Code] = u
		}
	}
	if fallback {
		for code, u := range newest {
			if _, ok := out[code]; !ok {
				out[code] = u
			}
		}
	}
	return out, nil
}
