package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/delegation"
)

// Delegation (SPEC §13): a reviewer or approver hands the role they hold at a unit to
// another user of that unit for a period; the delegation service decides everything.

// delegationRequest is the body of POST /delegations.
type delegationRequest struct {
	ToUserID int64  `json:"to_user_id"`
	Role     string `json:"role"`      // the role delegated, held by the caller at unit_code
	UnitCode string `json:"unit_code"` // the unit the role is held at
	From     string `json:"from"`      // YYYY-MM-DD, the first day (today or later; default today)
	Until    string `json:"until"`     // YYYY-MM-DD, the last day (at most a year after from)
}

func (r delegationRequest) input() delegation.Input {
	return delegation.Input{ToUserID: r.ToUserID, Role: r.Role, UnitCode: r.UnitCode, From: r.From, Until: r.Until}
}

var delegationQuery = []param{
	qs("direction", "given (by the caller) or received (by the caller); default both, and for an admin every delegation at the units of their province"),
	qi("limit", "at most this many, newest first: 1 to 500 (default 100)"),
}

func (s *Server) createDelegation(c echo.Context) error {
	var in delegationRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := s.delegations.Create(c.Request().Context(), principal(c), in.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, apiPrefix+"/delegations/"+strconv.FormatInt(v.ID, 10))
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) listDelegations(c echo.Context) error {
	f := delegation.Filter{Direction: c.QueryParam("direction")}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return apperr.Invalid("limit", "must be a number from 1 to 500")
		}
		f.Limit = n
	}
	list, err := s.delegations.List(c.Request().Context(), principal(c), f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []delegation.View{}
	}
	return c.JSON(http.StatusOK, itemsOf[delegation.View]{Items: list})
}

func (s *Server) getDelegation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.delegations.Get(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) revokeDelegation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.delegations.Revoke(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
