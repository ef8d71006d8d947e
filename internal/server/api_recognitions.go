package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/recognition"
)

func (s *Server) listRecognitions(c echo.Context) error {
	f := recognition.Filter{Type: c.QueryParam("type"), Unit: c.QueryParam("unit"), Status: c.QueryParam("status")}
	if y := c.QueryParam("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return apperr.Invalid("year", "must be a year such as 2022")
		}
		f.Year = n
	}
	if v := c.QueryParam("include_predecessors"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return apperr.Invalid("include_predecessors", "must be true or false")
		}
		f.IncludePredecessors = b
	}
	list, err := s.recognitions.List(c.Request().Context(), principal(c), s.units, f)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	items := make([]recognition.View, len(list))
	for i, r := range list {
		items[i] = recognition.ToView(r, now)
	}
	return c.JSON(http.StatusOK, itemsOf[recognition.View]{Items: items})
}

func (s *Server) getRecognition(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.recognitions.Get(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	one := []recognition.Recognition{r}
	if err := recognition.Describe(c.Request().Context(), s.units, one, ""); err != nil {
		return err
	}
	r = one[0]
	return c.JSON(http.StatusOK, recognition.ToView(r, time.Now().UTC()))
}
