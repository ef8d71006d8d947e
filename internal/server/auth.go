package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/identity"
)

const (
	sessionCookie = "ntmflow_session"
	ctxAuth       = "auth"
	ctxViaCookie  = "auth_via_cookie"
	metricsPath   = "/metrics"
)

// loadPrincipal resolves the session once per request, from the bearer token or the
// session cookie. A request without credentials continues anonymously; requireAuth turns
// that into 401 and checks CSRF.
func (s *Server) loadPrincipal(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Path() == metricsPath {
			return next(c) // its bearer token is the metrics token, not a session
		}
		token, viaCookie := "", false
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			scheme, t, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				return apperr.ErrUnauthenticated
			}
			token = strings.TrimSpace(t)
		} else if ck, err := c.Cookie(sessionCookie); err == nil {
			token, viaCookie = ck.Value, true
		}
		if token == "" {
			return next(c)
		}
		auth, err := s.identity.Authenticate(c.Request().Context(), token)
		if err != nil {
			if viaCookie && err == apperr.ErrUnauthenticated {
				clearSessionCookie(c) // expired: drop it and continue signed out
				c.Set(ctxSessionExpiry, true)
				return next(c)
			}
			return err
		}
		c.Set(ctxAuth, &auth)
		c.Set(ctxViaCookie, viaCookie)
		return next(c)
	}
}

// csrfError is a forbidden request whose CSRF token is missing or wrong.
type csrfError struct{}

func (*csrfError) Error() string { return "CSRF token missing or invalid" }
func (*csrfError) Unwrap() error { return apperr.ErrForbidden }

// ClientMessage tells the client what to send.
func (*csrfError) ClientMessage() string {
	return "CSRF token missing or invalid: send X-CSRF-Token (or the csrf_token form field)"
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// requireAuth answers 401 when there is no signed-in principal, and 403 when an unsafe
// request authenticated by the cookie lacks the session's CSRF token (a bearer token
// cannot be sent by another site, so it needs none).
func (s *Server) requireAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		auth := authOf(c)
		if auth == nil {
			return apperr.ErrUnauthenticated
		}
		if err := s.checkCSRF(c, auth); err != nil {
			return err
		}
		return next(c)
	}
}

// checkCSRF requires the session's CSRF token on unsafe cookie-authenticated requests:
// from the X-CSRF-Token header, the csrf_token form field, or, for multipart uploads that
// are streamed and never parsed whole, the csrf_token query parameter.
func (s *Server) checkCSRF(c echo.Context, auth *identity.Authenticated) error {
	viaCookie, _ := c.Get(ctxViaCookie).(bool)
	if !viaCookie || isSafeMethod(c.Request().Method) {
		return nil
	}
	presented := c.Request().Header.Get("X-CSRF-Token")
	if presented == "" {
		if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
			presented = c.QueryParam("csrf_token")
		} else {
			presented = c.Request().FormValue("csrf_token")
		}
	}
	if !s.validCSRF(auth, presented) {
		return &csrfError{}
	}
	return nil
}

// csrfIfSignedIn checks CSRF only when there is a session (the language switch works
// signed out too).
func (s *Server) csrfIfSignedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if auth := authOf(c); auth != nil {
			if err := s.checkCSRF(c, auth); err != nil {
				return err
			}
		}
		return next(c)
	}
}

func authOf(c echo.Context) *identity.Authenticated {
	a, _ := c.Get(ctxAuth).(*identity.Authenticated)
	return a
}

// principal returns the signed-in caller (routes behind requireAuth always have one).
func principal(c echo.Context) *authz.Principal {
	if a := authOf(c); a != nil {
		return a.Principal
	}
	return nil
}

func setSessionCookie(c echo.Context, token string, expires time.Time) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(c),
	})
}

func clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(c),
	})
}
