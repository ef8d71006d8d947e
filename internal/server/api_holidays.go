package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/calendar"
)

// Public holidays (SPEC §13): the days off that working-day deadlines skip. Anyone may
// read them (the country's calendar, like the units); an admin edits them.

// holidayRequest is the body of POST /holidays and PUT /holidays/{date}.
type holidayRequest struct {
	Date string `json:"date"` // YYYY-MM-DD, 2000 to 2100
	Name string `json:"name"`
}

func (r holidayRequest) input() calendar.Input { return calendar.Input{Date: r.Date, Name: r.Name} }

// holidayYear reads the optional ?year= (0 when absent).
func holidayYear(c echo.Context) (int, error) {
	raw := c.QueryParam("year")
	if raw == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(raw)
	if err != nil {
		return 0, apperr.Invalid("year", "must be a year, e.g. 2026")
	}
	return y, nil
}

func (s *Server) listHolidays(c echo.Context) error {
	year, err := holidayYear(c)
	if err != nil {
		return err
	}
	list, err := s.nominations.Calendar().List(c.Request().Context(), year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, itemsOf[calendar.Holiday]{Items: list})
}

func (s *Server) createHoliday(c echo.Context) error {
	var in holidayRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	h, err := s.nominations.Calendar().Add(c.Request().Context(), principal(c), in.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, apiPrefix+"/holidays/"+h.Date)
	return c.JSON(http.StatusCreated, h)
}

func (s *Server) updateHoliday(c echo.Context) error {
	var in holidayRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	h, err := s.nominations.Calendar().Update(c.Request().Context(), principal(c), c.Param("date"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h)
}

func (s *Server) deleteHoliday(c echo.Context) error {
	if err := s.nominations.Calendar().Delete(c.Request().Context(), principal(c), c.Param("date")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
