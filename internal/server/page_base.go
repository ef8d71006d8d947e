package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/i18n"
)

const (
	langCookie       = "ntmflow_lang"
	flashCookie      = "ntmflow_flash"
	loginCSRFCookie  = "ntmflow_login_csrf"
	ctxSessionExpiry = "session_expired"
)

// lang is the page language: the signed-in user's choice, else the language cookie of
// an anonymous visitor, else Vietnamese.
func lang(c echo.Context) string {
	if a := authOf(c); a != nil {
		return i18n.Normalize(a.Principal.Locale)
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		return i18n.Normalize(ck.Value)
	}
	return i18n.Default
}

// page builds the data every template gets.
func (s *Server) page(c echo.Context, nav, titleKey string, data any) *Page {
	p := &Page{Lang: lang(c), Nav: nav, TitleKey: titleKey, Path: c.Request().URL.Path, Now: time.Now(), Data: data,
		catalog: s.pages.catalog, Flash: takeFlash(c), az: s.authz, Back: s.backURL(c)}
	if a := authOf(c); a != nil {
		p.User = a.Principal
		p.CSRF = s.csrfFor(a.TokenHash) // masked anew for every page (csrf.go)
		p.IsDemo = a.IsDemo
		p.Unread = s.unreadFor(c, a.Principal)
	}
	return p
}

var flashKey = regexp.MustCompile(`^(ok|error):[a-z0-9_.]{1,64}$`)

// setFlash leaves a one-time message (a message id, never free text) for the next page.
func setFlash(c echo.Context, kind, key string) {
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: kind + ":" + key, Path: "/", MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(c)})
}

func takeFlash(c echo.Context) *Flash {
	ck, err := c.Cookie(flashCookie)
	if err != nil || !flashKey.MatchString(ck.Value) {
		return nil
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	kind, key, _ := strings.Cut(ck.Value, ":")
	return &Flash{Kind: kind, Key: key}
}

// requirePage sends signed-out visitors to the sign-in page, remembering where they were
// going (and telling them when their session has expired); CSRF as for the API.
func (s *Server) requirePage(next echo.HandlerFunc) echo.HandlerFunc {
	withAuth := s.requireAuth(next)
	return func(c echo.Context) error {
		if authOf(c) == nil {
			if expired, _ := c.Get(ctxSessionExpiry).(bool); expired {
				setFlash(c, "error", "flash.session_expired")
			}
			target := "/login"
			if c.Request().Method == http.MethodGet && c.Request().URL.Path != "/" {
				target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
			}
			return c.Redirect(http.StatusSeeOther, target)
		}
		return withAuth(c)
	}
}

// localPath accepts only same-site paths (with their query) as redirect targets. Browsers
// drop tab and newline from a Location and read a backslash as a slash, so "/<TAB>/evil.com"
// or "/\evil.com" would become "//evil.com", another site: any control character or
// backslash refuses the whole value rather than trying to clean it.
func localPath(p, fallback string) string {
	if p == "" || len(p) > 2048 || !utf8.ValidString(p) || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.ContainsRune(p, '\\') || strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return fallback
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return p
}

// backURL is where the language switch returns to after a page: the page itself with its
// query when it answered a GET; for a page shown in answer to a POST (a form re-shown
// with its errors at a POST-only URL) a page that answers GET instead: the Referer when
// it is of this site, else the nearest enclosing path that answers GET.
func (s *Server) backURL(c echo.Context) string {
	r := c.Request()
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return localPath(r.URL.RequestURI(), "/")
	}
	return s.getTarget(c, "")
}

// getTarget turns a wanted return path into one that answers GET: want itself (a local
// path, validated as localPath does) when its path is served by a GET route, else the
// Referer of this site when that is, else the nearest enclosing path of want (or of the
// request) that is, else "/". It never answers with a POST-only URL (which would show 405).
func (s *Server) getTarget(c echo.Context, want string) string {
	if want = localPath(want, ""); want != "" && s.servesGet(pathOf(want)) {
		return want
	}
	if ref := localReferer(c); ref != "" && s.servesGet(pathOf(ref)) {
		return ref
	}
	p := pathOf(want)
	if p == "" {
		p = c.Request().URL.Path
	}
	for p != "/" && p != "" {
		if s.servesGet(p) {
			return p
		}
		p = p[:strings.LastIndex(p, "/")]
	}
	return "/"
}

// localReferer is the Referer as a local path with its query when it is a page of this
// site (same host), else "".
func localReferer(c echo.Context) string {
	ref := c.Request().Referer()
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil || u.Host != c.Request().Host || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return localPath(u.RequestURI(), "")
}

// pathOf is the path of a local URL, without its query or fragment.
func pathOf(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		return p[:i]
	}
	return p
}

// servesGet reports whether a page answers GET at path (":param" matches one segment,
// "*" the rest): one of the page patterns routes() kept, which leave out static files
// and the redirects of POST-only URLs.
func (s *Server) servesGet(path string) bool {
	if path == "" {
		return false
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, pattern := range s.getPages {
		if routeMatches(pattern, segs) {
			return true
		}
	}
	return false
}

func routeMatches(pattern, segs []string) bool {
	for i, p := range pattern {
		if p == "*" {
			return true
		}
		if i >= len(segs) {
			return false
		}
		if strings.HasPrefix(p, ":") {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if p != segs[i] {
			return false
		}
	}
	return len(pattern) == len(segs)
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// wantsHTML reports whether an error should be answered with a page: browser routes
// outside /api.
func wantsHTML(c echo.Context) bool {
	return !strings.HasPrefix(c.Request().URL.Path, "/api/") && c.Request().URL.Path != "/metrics"
}
