package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/i18n"
)

type loginForm struct {
	Username string
	Next     string
	Error    string
	Token    string
}

// loginPage shows the sign-in form. A CSRF cookie protects the form itself (there is no
// session yet to derive a token from).
func (s *Server) loginPage(c echo.Context) error {
	if authOf(c) != nil {
		return c.Redirect(http.StatusSeeOther, localPath(c.QueryParam("next"), "/"))
	}
	return s.renderLogin(c, http.StatusOK, loginForm{Next: c.QueryParam("next")})
}

func (s *Server) renderLogin(c echo.Context, status int, f loginForm) error {
	f.Token = randomToken()
	c.SetCookie(&http.Cookie{Name: loginCSRFCookie, Value: f.Token, Path: "/login", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: isHTTPS(c), MaxAge: 3600})
	return s.render(c, status, "login", s.page(c, "login", "login.title", f))
}

func (s *Server) loginSubmit(c echo.Context) error {
	f := loginForm{Username: c.FormValue("username"), Next: c.FormValue("next")}
	ck, err := c.Cookie(loginCSRFCookie)
	if err != nil || !sameToken(ck.Value, c.FormValue("csrf_token")) {
		f.Error = "login.error.expired_form"
		return s.renderLogin(c, http.StatusForbidden, f)
	}
	sess, err := s.identity.Login(c.Request().Context(), f.Username, c.FormValue("password"), c.RealIP(), c.Request().UserAgent())
	if err != nil {
		// Wrong credentials and too many attempts are told on the form; the rest by the error page.
		o := formOutcome(err)
		if o.Flash == "" {
			return err
		}
		f.Error = o.Flash
		return s.renderLogin(c, o.Status, f)
	}
	setSessionCookie(c, sess.Token, sess.ExpiresAt)
	return c.Redirect(http.StatusSeeOther, localPath(f.Next, "/"))
}

func (s *Server) logoutSubmit(c echo.Context) error {
	if err := s.identity.Logout(c.Request().Context(), authOf(c).TokenHash); err != nil {
		return err
	}
	clearSessionCookie(c)
	setFlash(c, "ok", "flash.signed_out")
	return c.Redirect(http.StatusSeeOther, "/login")
}

// setLanguage remembers the language: on the account when signed in, in a cookie otherwise,
// and goes back to the page it was asked from with its query (a local path only); a
// POST-only URL there (a stale form) goes to the Referer or an enclosing page instead.
func (s *Server) setLanguage(c echo.Context) error {
	l := i18n.Normalize(c.FormValue("lang"))
	if a := authOf(c); a != nil {
		if err := s.identity.SetLocale(c.Request().Context(), a.Principal.UserID, l); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(c)})
	return c.Redirect(http.StatusSeeOther, s.getTarget(c, c.FormValue("back")))
}
