// The nominations list: filters, paging, export link.

package server

import (
	"context"
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/units"
)

// listRow is a nomination in a list, with the names of its units.
type listRow struct {
	nomination.Summary
	CommuneName  string
	DistrictName string
}

func (s *Server) listRows(c echo.Context, items []nomination.Summary) ([]listRow, error) {
	codes := make([]string, 0, 2*len(items))
	for _, it := range items {
		codes = append(codes, it.CommuneCode, it.DistrictCode)
	}
	names, err := s.units.GetMany(c.Request().Context(), codes)
	if err != nil {
		return nil, err
	}
	rows := make([]listRow, len(items))
	for i, it := range items {
		rows[i] = listRow{Summary: it, CommuneName: names[it.CommuneCode].Name, DistrictName: names[it.DistrictCode].Name}
	}
	return rows, nil
}

type listData struct {
	Rows        []listRow
	Statuses    []nomination.Status
	Status      string
	Type        string
	Unit        string
	Query       string
	NextURL     string
	Units       []units.Unit // units the filter offers
	Filtered    bool
	ExportQuery template.URL // an encoded query (url.Values.Encode), safe in an href
	CanExport   bool
	FirstURL    string
	IsNextPage  bool
	Types       []criteria.Type // the type filter's choices
	Overdue     bool            // only the overdue (SPEC §13)
	Sort        string          // "" newest first, or nomination.SortDueOn
	// Decide is the approval queue's form (page_decisions.go): the endorsed nominations
	// listed get checkboxes, approved together under one decision. Nil elsewhere.
	Decide *decideForm
}

func (s *Server) nominationsPage(c echo.Context) error {
	f, err := nominationFilter(c)
	if err != nil {
		return err
	}
	d, err := s.nominationList(c, f, c.QueryParams())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "nominations", s.page(c, "nominations", "nominations.title", d))
}

// nominationList reads one page of the list for the filter f, which q (the page's query)
// states, with the approval queue's decision form when the page is that queue.
func (s *Server) nominationList(c echo.Context, f nomination.Filter, q url.Values) (listData, error) {
	p := principal(c)
	page, err := s.nominations.List(c.Request().Context(), p, f)
	if err != nil {
		return listData{}, err
	}
	rows, err := s.listRows(c, page.Items)
	if err != nil {
		return listData{}, err
	}
	d := listData{Rows: rows, Statuses: nomination.Statuses, Status: q.Get("status"), Type: f.Type, Unit: f.Unit,
		Query: f.Query, IsNextPage: f.Cursor != "", Types: criteria.Types}
	d.Overdue, d.Sort = f.Overdue, f.Sort
	d.Filtered = d.Status != "" || d.Type != "" || d.Unit != "" || d.Query != "" || d.Overdue || d.Sort != ""
	d.Decide = s.decideFormFor(p, d.Status)
	q.Del("cursor")
	d.FirstURL = "/nominations?" + q.Encode()
	d.ExportQuery = template.URL(q.Encode())
	d.CanExport = !s.authz.Scopes(p, authz.ObjReport, authz.ActRead).Empty()
	if page.NextCursor != "" {
		q.Set("cursor", page.NextCursor)
		d.NextURL = "/nominations?" + q.Encode()
	}
	if d.Units, err = s.filterUnits(c.Request().Context(), p); err != nil {
		return listData{}, err
	}
	return d, nil
}

// filterUnits lists the units below the caller's read scope that a filter can narrow to:
// the districts of a province, the communes of a district.
func (s *Server) filterUnits(ctx context.Context, p *authz.Principal) ([]units.Unit, error) {
	var out []units.Unit
	for _, root := range s.authz.Scopes(p, authz.ObjNomination, authz.ActRead) {
		codes := units.SplitPath(root)
		code := codes[len(codes)-1]
		if level, _ := units.LevelOfCode(code); level == units.Commune {
			continue // a commune has nothing below it to narrow to
		}
		kids, err := s.units.Children(ctx, code)
		if err != nil {
			return nil, err
		}
		out = append(out, kids...)
	}
	return out, nil
}
