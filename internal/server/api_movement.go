package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/movement"
)

// movementAPIRoutes are the movement's yearly figures (SPEC §11): each Xã's criteria
// status, the aggregates read from them, and each unit's movement report. Scope (404) and
// the role at the unit (403: a commune reports, the levels above confirm; a report is
// written at its own unit only) are decided per unit by the movement service.
func (s *Server) movementAPIRoutes() []route {
	cs, mr := authz.ObjCriteriaStatus, authz.ObjMovementReport
	optionalIfMatch := []param{hs("If-Match", `the version the change is based on, e.g. "3": required to change an existing status, absent to create one`)}
	return []route{
		{Method: put, Path: "/units/:code/criteria-status/:year", Handler: s.putCriteriaStatus, Access: sees(cs, authz.ActReport), Doc: apiDoc{
			Summary: "Save a Xã's criteria status of the year: reported by the commune's officer, confirmed by a district reviewer or province approver above it (ETag: its version)",
			Headers: optionalIfMatch, In: criteriaStatusRequest{}, Out: movement.Status{}, Errors: codes(412, 428)}},
		{Method: get, Path: "/units/:code/criteria-status/:year", Handler: s.getCriteriaStatus, Access: sees(cs, read), Doc: apiDoc{
			Summary: "A Xã's criteria status of the year (ETag: its version)", Out: movement.Status{}}},
		{Method: post, Path: "/units/:code/criteria-status/:year/confirm", Handler: s.confirmCriteriaStatus, Access: sees(cs, authz.ActConfirm), Doc: apiDoc{
			Summary: "Confirm a Xã's reported criteria status (a district reviewer or province approver above it)",
			IfMatch: true, Out: movement.Status{}}},
		{Method: get, Path: "/units/:code/criteria-status", Handler: s.getCriteriaAggregate, Access: sees(cs, read), Doc: apiDoc{
			Summary: "The year's figures of the Xã under a unit (communes, reported, confirmed, average criteria met, bands, commune titles), with the same per child unit",
			Query:   []param{qi("year", "the year (default: the last year of the province's reporting window)")}, Out: movement.Aggregate{}}},
		{Method: put, Path: "/units/:code/movement-report/:year", Handler: s.putMovementReport, Access: sees(mr, authz.ActWrite), Doc: apiDoc{
			Summary: "Replace a unit's movement report of the year (by an officer at that unit; money in whole VND, missing keys = not reported)",
			In:      movement.ReportData{}, Out: movement.Report{}, Errors: codes(409)}},
		{Method: get, Path: "/units/:code/movement-report", Handler: s.getMovementReport, Access: sees(mr, read), Doc: apiDoc{
			Summary: "A unit's movement report of the year, the sum of its children's reports and each child's",
			Query:   []param{qi("year", "the year (default: the last year of the province's reporting window)")}, Out: movement.Report{}}},
	}
}

// criteriaStatusRequest is the body of PUT …/criteria-status/{year}.
type criteriaStatusRequest struct {
	CriteriaSetID int64     `json:"criteria_set_id"`
	Met           *[]string `json:"met"`
	Note          string    `json:"note,omitempty"`
}

// statusPathYear reads the {year} of the path; anything but a year cannot name a status.
func statusPathYear(c echo.Context) (int, error) {
	y, err := strconv.Atoi(c.Param("year"))
	if err != nil || y < 1 || y > 9999 {
		return 0, apperr.ErrNotFound
	}
	return y, nil
}

// figuresQueryYear reads ?year=; 0 when absent (the service picks the default).
func figuresQueryYear(c echo.Context) (int, error) {
	q := strings.TrimSpace(c.QueryParam("year"))
	if q == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(q)
	if err != nil || y < 1 {
		return 0, apperr.Invalid("year", "must be a year such as 2021")
	}
	return y, nil
}

// ifMatchIfSent reads If-Match when sent (0 when absent: a create needs none).
func ifMatchIfSent(c echo.Context) (int, error) {
	if strings.TrimSpace(c.Request().Header.Get("If-Match")) == "" {
		return 0, nil
	}
	return ifMatch(c)
}

func writeCriteriaStatus(c echo.Context, st movement.Status) error {
	c.Response().Header().Set("ETag", `"`+strconv.Itoa(st.Version)+`"`)
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	return c.JSON(http.StatusOK, st)
}

func (s *Server) putCriteriaStatus(c echo.Context) error {
	year, err := statusPathYear(c)
	if err != nil {
		return err
	}
	version, err := ifMatchIfSent(c)
	if err != nil {
		return err
	}
	var in criteriaStatusRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Met == nil {
		return apperr.Invalid("met", "is required: the codes of the criteria met ([] when none)")
	}
	st, _, err := s.movement.SaveStatus(c.Request().Context(), principal(c), c.Param("code"), year,
		movement.StatusInput{CriteriaSetID: in.CriteriaSetID, Met: *in.Met, Note: in.Note}, version)
	if err != nil {
		return err
	}
	return writeCriteriaStatus(c, st)
}

func (s *Server) getCriteriaStatus(c echo.Context) error {
	year, err := statusPathYear(c)
	if err != nil {
		return err
	}
	st, err := s.movement.GetStatus(c.Request().Context(), principal(c), c.Param("code"), year)
	if err != nil {
		return err
	}
	return writeCriteriaStatus(c, st)
}

func (s *Server) confirmCriteriaStatus(c echo.Context) error {
	year, err := statusPathYear(c)
	if err != nil {
		return err
	}
	// Absent If-Match goes to the service as 0: scope (404) and role (403) answer first, as
	// they do for a save.
	version, err := ifMatchIfSent(c)
	if err != nil {
		return err
	}
	st, err := s.movement.Confirm(c.Request().Context(), principal(c), c.Param("code"), year, version)
	if err != nil {
		return err
	}
	return writeCriteriaStatus(c, st)
}

func (s *Server) getCriteriaAggregate(c echo.Context) error {
	year, err := figuresQueryYear(c)
	if err != nil {
		return err
	}
	a, err := s.movement.Aggregate(c.Request().Context(), principal(c), c.Param("code"), year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

func (s *Server) putMovementReport(c echo.Context) error {
	year, err := statusPathYear(c)
	if err != nil {
		return err
	}
	var in movement.ReportInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	data, err := in.Data()
	if err != nil {
		return err
	}
	r, err := s.movement.SaveReport(c.Request().Context(), principal(c), c.Param("code"), year, data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (s *Server) getMovementReport(c echo.Context) error {
	year, err := figuresQueryYear(c)
	if err != nil {
		return err
	}
	r, err := s.movement.GetReport(c.Request().Context(), principal(c), c.Param("code"), year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}
