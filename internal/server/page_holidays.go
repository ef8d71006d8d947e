// The admin page of the public holidays: the list by year, add, edit, delete.

package server

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/calendar"
	"github.com/ntmflow/ntmflow/internal/units"
)

type holidaysData struct {
	Year  int
	Years []int // the years the page links to: those with holidays, and this year and the next
	Items []holidayItem
	// The add form's values and problems; Edit names the day whose edit failed, with the
	// values typed and the problems.
	Add        calendar.Input
	AddErrors  map[string]string
	Edit       string
	EditInput  calendar.Input
	EditErrors map[string]string
	// WorkingDays is the year's number of working days under the list (Monday to Friday
	// minus the holidays), a check an admin can compare with the published calendar.
	WorkingDays int
}

// holidayItem is one row of the page.
type holidayItem struct {
	calendar.Holiday
	Weekday int // 0 Sunday … 6 Saturday
}

func (s *Server) holidaysPage(c echo.Context) error {
	year := units.Today(time.Now()).Year()
	if raw := c.QueryParam("year"); raw != "" {
		y, err := strconv.Atoi(raw)
		if err != nil || y < calendar.FirstYear || y > calendar.LastYear {
			return apperr.Invalid("year", "must be a year from 2000 to 2100")
		}
		year = y
	}
	d := &holidaysData{Year: year, AddErrors: map[string]string{}, EditErrors: map[string]string{}}
	return s.renderHolidays(c, http.StatusOK, d)
}

// renderHolidays fills the list of d.Year and renders the page with status.
func (s *Server) renderHolidays(c echo.Context, status int, d *holidaysData) error {
	ctx := c.Request().Context()
	cal := s.nominations.Calendar()
	all, err := cal.List(ctx, 0)
	if err != nil {
		return err
	}
	this := units.Today(time.Now()).Year()
	years := map[int]bool{this: true, this + 1: true, d.Year: true}
	for _, h := range all {
		day, err := calendar.ParseDate(h.Date)
		if err != nil {
			continue
		}
		years[day.Year()] = true
		if day.Year() == d.Year {
			d.Items = append(d.Items, holidayItem{Holiday: h, Weekday: int(day.Weekday())})
		}
	}
	d.Years = slices.Sorted(maps.Keys(years))
	days, err := cal.Calendar(ctx)
	if err != nil {
		return err
	}
	first := time.Date(d.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	d.WorkingDays = days.WorkingDaysBetween(first.AddDate(0, 0, -1), first.AddDate(1, 0, -1))
	return s.render(c, status, "holidays", s.page(c, "holidays", "holidays.title", d))
}

// holidayForm reads the date and name of a holiday form.
func holidayForm(c echo.Context) calendar.Input {
	return calendar.Input{Date: c.FormValue("date"), Name: c.FormValue("name")}
}

// yearOf is the year of a typed date, or fallback when it is not one.
func yearOf(date string, fallback int) int {
	if d, err := calendar.ParseDate(date); err == nil && d.Year() >= calendar.FirstYear && d.Year() <= calendar.LastYear {
		return d.Year()
	}
	return fallback
}

// holidayProblems are the field messages of a refused holiday form, or nil when err is
// not the form's to answer. A day that has a holiday already is a problem of the date.
func holidayProblems(err error) (int, map[string]string) {
	if errors.Is(err, apperr.ErrConflict) {
		return http.StatusConflict, map[string]string{"date": "holidays.duplicate"}
	}
	o := formOutcome(err)
	if o.Fields == nil {
		return 0, nil
	}
	return o.Status, o.Fields
}

func (s *Server) addHolidaySubmit(c echo.Context) error {
	in := holidayForm(c)
	h, err := s.nominations.Calendar().Add(c.Request().Context(), principal(c), in)
	if err == nil {
		setFlash(c, "ok", "holidays.saved")
		return c.Redirect(http.StatusSeeOther, "/holidays?year="+h.Date[:4])
	}
	status, fields := holidayProblems(err)
	if fields == nil {
		return err
	}
	d := &holidaysData{Year: yearOf(in.Date, units.Today(time.Now()).Year()), Add: in, AddErrors: fields, EditErrors: map[string]string{}}
	return s.renderHolidays(c, status, d)
}

func (s *Server) editHolidaySubmit(c echo.Context) error {
	date, in := c.Param("date"), holidayForm(c)
	h, err := s.nominations.Calendar().Update(c.Request().Context(), principal(c), date, in)
	if err == nil {
		setFlash(c, "ok", "holidays.saved")
		return c.Redirect(http.StatusSeeOther, "/holidays?year="+h.Date[:4])
	}
	status, fields := holidayProblems(err)
	if fields == nil {
		return err
	}
	d := &holidaysData{Year: yearOf(date, units.Today(time.Now()).Year()), AddErrors: map[string]string{},
		Edit: date, EditInput: in, EditErrors: fields}
	return s.renderHolidays(c, status, d)
}

func (s *Server) deleteHolidaySubmit(c echo.Context) error {
	date := c.Param("date")
	if err := s.nominations.Calendar().Delete(c.Request().Context(), principal(c), date); err != nil {
		return err
	}
	setFlash(c, "ok", "holidays.deleted")
	return c.Redirect(http.StatusSeeOther, "/holidays?year="+strconv.Itoa(yearOf(date, units.Today(time.Now()).Year())))
}

// HolidayError translates the problem of a holiday form's field, or "" when it has none.
func (p *Page) HolidayError(errs map[string]string, field string) string {
	msg, ok := errs[field]
	switch {
	case !ok:
		return ""
	case msg == "holidays.duplicate":
		return p.T(msg)
	case field == "date" || field == "name":
		return p.T("holidays.err_" + field)
	}
	return p.T("err.invalid")
}
