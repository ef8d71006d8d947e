package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/units"
)

type recognitionRow struct {
	recognition.View
	CommuneName  string
	DistrictName string
	OwnerName    string
	Village      string
	// DecisionLink: the reader may open the decision's page (its province's readers).
	DecisionLink bool
}

type recognitionsData struct {
	Rows   []recognitionRow
	Type   string
	Year   string
	Status string
	Unit   string
	// WithPredecessors also lists what was recognised in the units that went into Unit
	// at the 2025 reform (SPEC §12).
	WithPredecessors bool
	Units            []units.Unit
	Years            []int
	Types            []criteria.Type // the type filter's choices
}

func (s *Server) recognitionsPage(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	d := recognitionsData{Type: c.QueryParam("type"), Year: c.QueryParam("year"), Status: c.QueryParam("status"), Unit: c.QueryParam("unit"),
		Types: criteria.Types}
	d.WithPredecessors = c.QueryParam("include_predecessors") == "true"
	f := recognition.Filter{Type: d.Type, Status: d.Status, Unit: d.Unit, IncludePredecessors: d.WithPredecessors}
	if d.Year != "" {
		y, err := strconv.Atoi(d.Year)
		if err != nil {
			return apperr.Invalid("year", "must be a year")
		}
		f.Year = y
	}
	list, err := s.recognitions.List(ctx, p, s.units, f)
	if err != nil {
		return err
	}
	codes := make([]string, 0, 2*len(list))
	for _, r := range list {
		codes = append(codes, r.CommuneCode, r.DistrictCode)
	}
	names, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	for _, r := range list {
		d.Rows = append(d.Rows, recognitionRow{View: recognition.ToView(r, now), CommuneName: names[r.CommuneCode].Name,
			DistrictName: names[r.DistrictCode].Name, OwnerName: r.OwnerName, Village: r.Village,
			DecisionLink: s.recognitions.ReadsDecisionsOf(p, r.ProvinceCode)})
	}
	if d.Units, err = s.filterUnits(ctx, p); err != nil {
		return err
	}
	for y := now.Year(); y >= 2020; y-- {
		d.Years = append(d.Years, y)
	}
	return s.render(c, http.StatusOK, "recognitions", s.page(c, "recognitions", "recognitions.title", d))
}

func (s *Server) criteriaPage(c echo.Context) error {
	sets, err := s.criteria.List(c.Request().Context(), principal(c), "")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "criteria", s.page(c, "criteria", "criteria.title", sets))
}

// GroupsOf lists a set's criteria by group, for the criteria page.
func (p *Page) GroupsOf(set *criteria.Set) []formGroup {
	var out []formGroup
	for i, c := range set.Criteria {
		if len(out) == 0 || out[len(out)-1].Name != c.Group {
			out = append(out, formGroup{Name: c.Group})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, formCriterion{Criterion: c, Index: i})
	}
	return out
}

type usersData struct {
	Users []identity.Account
	Names map[string]string
}

func (s *Server) usersPage(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.identity.AdminListUsers(ctx, principal(c), c.QueryParam("unit"))
	if err != nil {
		return err
	}
	var codes []string
	for _, u := range list {
		for _, r := range u.Roles {
			codes = append(codes, r.UnitCode)
		}
	}
	names, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return err
	}
	d := usersData{Users: list, Names: map[string]string{}}
	for code, u := range names {
		d.Names[code] = u.Name
	}
	return s.render(c, http.StatusOK, "users", s.page(c, "users", "users.title", d))
}
