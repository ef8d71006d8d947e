package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/units"
)

// unitJSON is the unit shape of SPEC §2.
type unitJSON struct {
	Code       string   `json:"code"`
	Level      string   `json:"level"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	ParentCode *string  `json:"parent_code"`
	Path       []string `json:"path"`
}

func toUnitJSON(u units.Unit) unitJSON {
	return unitJSON{Code: u.Code, Level: string(u.Level), Name: u.Name, Kind: u.Kind, ParentCode: u.ParentCode, Path: u.PathCodes()}
}

func (s *Server) getUnit(c echo.Context) error {
	u, err := s.units.Get(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUnitJSON(u))
}

// listUnits lists the children of ?parent=, or the provinces when parent is absent.
func (s *Server) listUnits(c echo.Context) error {
	list, err := s.units.Children(c.Request().Context(), c.QueryParam("parent"))
	if err != nil {
		return err
	}
	items := make([]unitJSON, len(list))
	for i, u := range list {
		items[i] = toUnitJSON(u)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, itemsOf[unitJSON]{Items: items})
}
