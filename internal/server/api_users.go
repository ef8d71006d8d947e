package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/identity"
)

type createUserRequest struct {
	Username string            `json:"username"`
	FullName string            `json:"full_name"`
	Password string            `json:"password"`
	Locale   string            `json:"locale"`
	Roles    []identity.RoleAt `json:"roles"`
	Email    string            `json:"email,omitempty"` // optional: where notifications are mailed
}

func (s *Server) createUser(c echo.Context) error {
	var in createUserRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	acc, err := s.identity.AdminCreateUser(c.Request().Context(), principal(c), identity.NewUser{
		Username: in.Username, FullName: in.FullName, Password: in.Password, Locale: in.Locale, Roles: in.Roles,
		Email: in.Email,
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/users/"+strconv.FormatInt(acc.ID, 10))
	return c.JSON(http.StatusCreated, acc)
}

func (s *Server) listUsers(c echo.Context) error {
	list, err := s.identity.AdminListUsers(c.Request().Context(), principal(c), c.QueryParam("unit"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, itemsOf[identity.Account]{Items: list})
}

type rolesRequest struct {
	Roles []identity.RoleAt `json:"roles"`
}

func (s *Server) replaceUserRoles(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in rolesRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	acc, err := s.identity.AdminReplaceRoles(c.Request().Context(), principal(c), id, in.Roles)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

func (s *Server) disableUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	acc, err := s.identity.AdminDisableUser(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}

// updateUserRequest is the body of PATCH /users/{id}: the fields to change.
type updateUserRequest struct {
	Email *string `json:"email"`
}

func (s *Server) updateUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in updateUserRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	acc, err := s.identity.AdminUpdateUser(c.Request().Context(), principal(c), id, identity.UserUpdate{Email: in.Email})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, acc)
}
