package units

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
)

// The tree of a year. The movement's yearly figures speak of the units valid on
// 31 December of the year; the earliest list imported stands for every year before its
// own date (the 2025-03-01 list is the tree the source document's 2020 and 2021 figures
// were counted on), since there is nothing older to go by. This file is the one place that
// says which unit rows a year means.

// YearEnd is 31 December of year, the day a year's tree is read on.
func YearEnd(year int) time.Time { return time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC) }

// DayOfYear is the day the tree of year is read on: 31 December, or the date of the
// earliest list imported when that is later.
func (s *Service) DayOfYear(ctx context.Context, year int) (time.Time, error) {
	day := YearEnd(year)
	var first Unit
	err := s.st.DB(ctx).Select("valid_from").Order("valid_from").Limit(1).Take(&first).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return day, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	if from := first.ValidFrom.UTC(); day.Before(from) {
		day = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	}
	return day, nil
}

// ValidOnSQL is the condition selecting the unit rows valid on day, on the units columns
// qualified by alias ("" for none), with its arguments. Dates are compared as
// YYYY-MM-DD text, which both databases order as dates (SQLite stores them as text that
// may carry a time after the date, hence "before the next day" rather than "on or before").
func ValidOnSQL(alias string, day time.Time) (string, []any) {
	col := func(c string) string {
		if alias == "" {
			return c
		}
		return alias + "." + c
	}
	next := day.AddDate(0, 0, 1).Format(time.DateOnly)
	return "(" + col("valid_from") + " < ? AND (" + col("valid_to") + " IS NULL OR " + col("valid_to") + " >= ?))",
		[]any{next, day.Format(time.DateOnly)}
}

// StandsOn is ValidOnSQL in memory, for rows already read: u took effect on or before d
// and, if it ended, on or after d (valid_to is its last day). d is read as its own date,
// as ValidOnSQL formats it; the row's dates as days in UTC, as they are stored.
func (u Unit) StandsOn(d time.Time) bool {
	on := d.Format(time.DateOnly)
	return day(u.ValidFrom) <= on && (u.ValidTo == nil || day(*u.ValidTo) >= on)
}

// ValidInYearSQL is ValidOnSQL for the day of year (DayOfYear).
func (s *Service) ValidInYearSQL(ctx context.Context, alias string, year int) (string, []any, error) {
	day, err := s.DayOfYear(ctx, year)
	if err != nil {
		return "", nil, err
	}
	cond, args := ValidOnSQL(alias, day)
	return cond, args, nil
}

// GetInYear returns the unit with code as it stood in year (its name of that time), or
// apperr.ErrNotFound.
func (s *Service) GetInYear(ctx context.Context, code string, year int) (Unit, error) {
	cond, args, err := s.ValidInYearSQL(ctx, "", year)
	if err != nil {
		return Unit{}, err
	}
	var u Unit
	err = s.st.DB(ctx).Where("code = ?", code).Where(cond, args...).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Unit{}, apperr.ErrNotFound
	}
	return u, err
}

// GetManyInYear returns the units with the given codes as they stood in year, keyed by
// code; codes without such a unit are left out.
func (s *Service) GetManyInYear(ctx context.Context, codes []string, year int) (map[string]Unit, error) {
	out := make(map[string]Unit, len(codes))
	cond, args, err := s.ValidInYearSQL(ctx, "", year)
	if err != nil {
		return nil, err
	}
	for chunk := range slices.Chunk(codes, 1000) {
		var list []Unit
		if err := s.st.DB(ctx).Where("code IN ?", chunk).Where(cond, args...).Find(&list).Error; err != nil {
			return nil, err
		}
		for _, u := range list {
			out[u.Code] = u
		}
	}
	return out, nil
}

// ChildrenInYear lists the units directly below parent that stood in year, ordered by
// code; an empty parent lists the provinces.
func (s *Service) ChildrenInYear(ctx context.Context, parent string, year int) ([]Unit, error) {
	cond, args, err := s.ValidInYearSQL(ctx, "", year)
	if err != nil {
		return nil, err
	}
	q := s.st.DB(ctx).Where(cond, args...).Order("code")
	if parent == "" {
		q = q.Where("parent_code IS NULL")
	} else {
		q = q.Where("parent_code = ?", parent)
	}
	var list []Unit
	if err := q.Find(&list).Error; err != nil {
		return nil, err
	}
	return list, nil
}

// IsRuralCommune reports whether u is a Xã, the only kind of unit the NTM criteria and the
// commune titles apply to.
func (u Unit) IsRuralCommune() bool { return u.Level == Commune && u.Kind == KindRuralCommune }

// vietnam is the country's time zone: "today" is the date there.
var vietnam = time.FixedZone("ICT", 7*3600)

// Today is the date in Vietnam at now, as midnight UTC (how dates are parsed).
func Today(now time.Time) time.Time {
	y, m, d := now.In(vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
