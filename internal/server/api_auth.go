package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/identity"
)

// meJSON is the account shape of SPEC §3 (GET /me and the login answer).
type meJSON struct {
	ID       int64             `json:"id"`
	Username string            `json:"username"`
	FullName string            `json:"full_name"`
	Locale   string            `json:"locale"`
	Roles    []identity.RoleAt `json:"roles"`
	// LapsedRoles are roles at units that no longer stand (SPEC §12): shown, never used.
	LapsedRoles []identity.LapsedRole `json:"lapsed_roles,omitempty"`
	// DelegatedRoles are roles held today through another user's delegation (SPEC §13).
	DelegatedRoles []identity.DelegatedRole `json:"delegated_roles,omitempty"`
}

func toMe(a identity.Account) meJSON {
	return meJSON{ID: a.ID, Username: a.Username, FullName: a.FullName, Locale: a.Locale, Roles: a.Roles, LapsedRoles: a.LapsedRoles,
		DelegatedRoles: a.DelegatedRoles}
}

// loginResponse is the answer to a sign-in (SPEC §3).
type loginResponse struct {
	Token     string `json:"token"`
	User      meJSON `json:"user"`
	CSRFToken string `json:"csrf_token"`
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) login(c echo.Context) error {
	var in loginRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Username == "" || in.Password == "" {
		return apperr.ErrInvalidCredentials
	}
	sess, err := s.identity.Login(c.Request().Context(), in.Username, in.Password, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return err
	}
	setSessionCookie(c, sess.Token, sess.ExpiresAt)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, loginResponse{Token: sess.Token, User: toMe(sess.Account), CSRFToken: maskCSRF(sess.CSRFToken)})
}

func (s *Server) logout(c echo.Context) error {
	if err := s.identity.Logout(c.Request().Context(), authOf(c).TokenHash); err != nil {
		return err
	}
	clearSessionCookie(c)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) me(c echo.Context) error {
	acc, err := s.identity.Me(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMe(acc))
}
