package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/units"
)

// unitJSON is the unit shape of SPEC §2 with the validity and succession of SPEC §12.
type unitJSON struct {
	Code         string     `json:"code"`
	Level        string     `json:"level"`
	Name         string     `json:"name"`
	Kind         string     `json:"kind"`
	ParentCode   *string    `json:"parent_code"`
	Path         []string   `json:"path"`
	ValidFrom    string     `json:"valid_from"`
	ValidTo      *string    `json:"valid_to"`
	Successors   []linkJSON `json:"successors"`
	Predecessors []linkJSON `json:"predecessors"`
}

// linkJSON is a unit across a reform, named as it was on its side's date.
type linkJSON struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Share string `json:"share"`
}

func toLinks(ls []units.Link) []linkJSON {
	out := make([]linkJSON, len(ls))
	for i, l := range ls {
		out[i] = linkJSON{Code: l.Code, Name: l.Name, Share: string(l.Share)}
	}
	return out
}

func toUnitJSON(u units.Unit, succ, pred []units.Link) unitJSON {
	j := unitJSON{Code: u.Code, Level: string(u.Level), Name: u.Name, Kind: u.Kind, ParentCode: u.ParentCode,
		Path: u.PathCodes(), ValidFrom: u.ValidFrom.UTC().Format(time.DateOnly),
		Successors: toLinks(succ), Predecessors: toLinks(pred)}
	if u.ValidTo != nil {
		to := u.ValidTo.UTC().Format(time.DateOnly)
		j.ValidTo = &to
	}
	return j
}

// unitsDay reads ?on=YYYY-MM-DD, today in Vietnam when absent.
func unitsDay(c echo.Context) (time.Time, error) {
	v := c.QueryParam("on")
	if v == "" {
		return units.Today(time.Now()), nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, apperr.Invalid("on", "must be a date YYYY-MM-DD")
	}
	return d, nil
}

// unitsJSON renders units that stood on day with their successors and predecessors.
func (s *Server) unitsJSON(ctx context.Context, list []units.Unit, on time.Time) ([]unitJSON, error) {
	succ, pred, err := s.units.Links(ctx, list, on)
	if err != nil {
		return nil, err
	}
	out := make([]unitJSON, len(list))
	for i, u := range list {
		out[i] = toUnitJSON(u, succ[u.Code], pred[u.Code])
	}
	return out, nil
}

func (s *Server) getUnit(c echo.Context) error {
	on, err := unitsDay(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.units.GetOn(ctx, c.Param("code"), on)
	if err != nil {
		return err
	}
	items, err := s.unitsJSON(ctx, []units.Unit{u}, on)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, items[0])
}

// listUnits lists the children of ?parent= on ?on=, or the provinces when parent is absent.
func (s *Server) listUnits(c echo.Context) error {
	on, err := unitsDay(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	list, err := s.units.ChildrenOn(ctx, c.QueryParam("parent"), on)
	if err != nil {
		return err
	}
	items, err := s.unitsJSON(ctx, list, on)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, itemsOf[unitJSON]{Items: items})
}
