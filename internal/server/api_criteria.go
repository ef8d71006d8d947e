package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/criteria"
)

func (s *Server) listCriteriaSets(c echo.Context) error {
	list, err := s.criteria.List(c.Request().Context(), principal(c), c.QueryParam("type"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, itemsOf[*criteria.Set]{Items: list})
}

func (s *Server) getCriteriaSet(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	set, err := s.criteria.GetVisible(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, set)
}

// publishRequest is a criteria set without the server-assigned id and version. valid_from
// may be left out (valid for every date, criteria.DefaultValidFrom); valid_to null is open.
type publishRequest struct {
	Type                criteria.Type        `json:"type"`
	Name                string               `json:"name"`
	ProvinceCode        string               `json:"province_code"`
	PassRule            criteria.PassRule    `json:"pass_rule"`
	ValidityYears       int                  `json:"validity_years"`
	ValidFrom           string               `json:"valid_from"`
	ValidTo             *string              `json:"valid_to"`
	RequiredAttachments []string             `json:"required_attachments"`
	Criteria            []criteria.Criterion `json:"criteria"`
	ReviewDays          int                  `json:"review_days"`   // working days; 0: no deadline
	ApprovalDays        int                  `json:"approval_days"` // working days; 0: no deadline
	NoticeDays          int                  `json:"notice_days"`   // calendar days of public notice after endorse; 0: none
}

func (s *Server) publishCriteriaSet(c echo.Context) error {
	var in publishRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	set, err := s.criteria.Publish(c.Request().Context(), principal(c), &criteria.Set{
		Type: in.Type, Name: in.Name, ProvinceCode: in.ProvinceCode, PassRule: in.PassRule,
		ValidityYears: in.ValidityYears, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
		RequiredAttachments: in.RequiredAttachments, Criteria: in.Criteria,
		ReviewDays: in.ReviewDays, ApprovalDays: in.ApprovalDays, NoticeDays: in.NoticeDays,
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/criteria-sets/"+strconv.FormatInt(set.ID, 10))
	return c.JSON(http.StatusCreated, set)
}
