package movement

import (
	"context"
	"errors"
	"fmt"

	"github.com/ntmflow/ntmflow/internal/apperr"
)

// Years is the reporting window of a province: from the year before the baseline of its
// earliest campaign (earliest start year − 2: the baseline year and the year it is compared
// with, 2020 and 2021 for a campaign starting in 2022) to the earlier of its latest
// campaign's end year and the current year. A province without a campaign reports the
// current year and the one before. A status or report for a year outside it → 422 "year".
// to < from when the window is still empty (a first campaign starting years ahead).
func (s *Service) Years(ctx context.Context, province string) (from, to int, err error) {
	now := s.now().Year()
	first, last, ok, err := s.camps.YearSpan(ctx, province)
	if err != nil {
		return 0, 0, err
	}
	if !ok {
		return now - 1, now, nil
	}
	return first - 2, min(last, now), nil
}

// checkYear refuses a year a status or report cannot be saved for: in the future, or
// outside the province's reporting window.
func (s *Service) checkYear(ctx context.Context, province string, year int) error {
	if year > s.now().Year() {
		return apperr.Invalid("year", "must not be in the future")
	}
	from, to, err := s.Years(ctx, province)
	if err != nil {
		return err
	}
	if year < from || year > to {
		if to < from {
			return apperr.Invalid("year", "no year can be reported yet: the province's campaign has not started")
		}
		return apperr.Invalid("year", fmt.Sprintf("must be from %d to %d", from, to))
	}
	return nil
}

// Reading a year's figures changes nothing, so any year of the era the movement covers is
// answered (the window is for saving); a year in the future has no figures yet.
const firstYear = 2000

func (s *Service) checkReadYear(year int) error {
	if year < firstYear || year > s.now().Year() {
		return apperr.Invalid("year", fmt.Sprintf("must be from %d to %d", firstYear, s.now().Year()))
	}
	return nil
}

// DefaultYear is the year a figure is shown for when none is asked: the last year of the
// province's reporting window (its latest campaign's last year, or the current year).
func (s *Service) DefaultYear(ctx context.Context, province string) (int, error) {
	_, to, err := s.Years(ctx, province)
	return to, err
}

// yearOrDefault is year, or for 0 the default year of the province of the unit with code
// (the current year when no current unit has that code: the scope check answers for it).
func (s *Service) yearOrDefault(ctx context.Context, unitCode string, year int) (int, error) {
	if year != 0 {
		return year, nil
	}
	u, err := s.units.Get(ctx, unitCode)
	if errors.Is(err, apperr.ErrNotFound) {
		return s.now().Year(), nil
	}
	if err != nil {
		return 0, err
	}
	return s.DefaultYear(ctx, province(u))
}
