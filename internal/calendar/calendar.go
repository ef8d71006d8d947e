// Package calendar counts working days: Monday to Friday, minus the public holidays kept
// in the holidays table (Tết included; an admin edits them). Deadlines of the workflow
// are counted in these days (SPEC §13). A Calendar is a plain value built from a list of
// holidays, so its arithmetic is pure and tested without a database; the Service keeps
// the table and hands out the current Calendar.
//
// Dates are days, not instants: a time.Time is read by its own year, month and day (pass
// dates in Vietnam's time) and every date returned is midnight UTC, as the rest of
// ntmflow parses YYYY-MM-DD.
package calendar

import (
	"time"
)

// Day is the date of t (in t's own location) as midnight UTC.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayNumber is a date's number of days since 1970-01-01: the key of the holiday set.
func dayNumber(t time.Time) int64 { return Day(t).Unix() / 86400 }

// Calendar is a set of holidays. The zero value has none (every weekday works). It is
// never changed once built, so it may be shared between goroutines.
type Calendar struct {
	holidays map[int64]string // day number → name
}

// New builds a calendar from holidays (date → name; the time of day is ignored).
func New(holidays map[time.Time]string) *Calendar {
	c := &Calendar{holidays: make(map[int64]string, len(holidays))}
	for d, name := range holidays {
		c.holidays[dayNumber(d)] = name
	}
	return c
}

// Holiday returns the name of the holiday on d, if d is one.
func (c *Calendar) Holiday(d time.Time) (string, bool) {
	if c == nil {
		return "", false
	}
	name, ok := c.holidays[dayNumber(d)]
	return name, ok
}

// IsWorkingDay reports whether d is a working day: Monday to Friday and not a holiday.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	_, holiday := c.Holiday(d)
	return !holiday
}

// AddWorkingDays is the date n working days after start: the day start falls on is not
// counted (a dossier received on Friday with 1 day is due on Monday), whether or not it
// is a working day, so a dossier received during Tết is due n working days after Tết.
// n = 0 returns start itself; a negative n counts back (two working days before a due
// date). The result of a non-zero n is always a working day.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	d := Day(start)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after from up to and including to, the
// inverse of AddWorkingDays: AddWorkingDays(from, WorkingDaysBetween(from, to)) == to
// whenever to is a working day after from. It is 0 when to is from, and negative (the
// working days after to up to and including from) when to is before from.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := Day(from), Day(to)
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}
