package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/web"
)

// renderer holds every page template, parsed once at start-up: a missing or broken
// template stops the boot, not a request.
type renderer struct {
	pages   map[string]*template.Template
	catalog *i18n.Catalog
	assets  map[string]string // static path → content hash, for cache-busting URLs
}

func newRenderer() (*renderer, error) {
	catalog, err := i18n.Load(web.Locales)
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}, catalog: catalog, assets: map[string]string{}}
	if err := r.hashAssets(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"static": r.staticURL,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"join": strings.Join,
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
		"add":  func(a, b int) int { return a + b },
		"list": func(items ...string) []string { return items },
		"kb":   func(n int64) float64 { return math.Ceil(float64(n) / 1024) },
		// deref reads a pointer field (an optional threshold, a from-status).
		"deref": func(v any) any {
			rv := reflect.ValueOf(v)
			if rv.Kind() == reflect.Pointer {
				if rv.IsNil() {
					return ""
				}
				return rv.Elem().Interface()
			}
			return v
		},
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(web.Templates, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	pages, err := fs.Glob(web.Templates, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(web.Templates, p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		r.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return r, nil
}

func (r *renderer) hashAssets() error {
	return fs.WalkDir(web.Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.Static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		r.assets[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:])[:10]
		return nil
	})
}

// staticURL gives an asset's URL with its content hash, so browsers may cache it forever.
func (r *renderer) staticURL(p string) string {
	return "/static/" + p + "?v=" + r.assets[p]
}

// Page is the data every page gets: who is signed in, the language, the CSRF token, the
// flash message, and the page's own data.
type Page struct {
	Lang     string
	User     *authz.Principal
	CSRF     string
	Flash    *Flash
	Nav      string
	TitleKey string
	Path     string
	// Back is where the language switch returns to: this page with its query, or for a
	// page answering a POST, a page that answers GET (page_base.go backURL).
	Back    string
	Now     time.Time
	IsDemo  bool
	Data    any
	catalog *i18n.Catalog
	az      *authz.Authorizer
	// Unread is how many of the signed-in user's notifications are unread (the header's badge).
	Unread int64
}

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind string // "ok" or "error"
	Key  string
}

// T translates a message id; extra arguments are name, value pairs for placeholders.
func (p *Page) T(id string, kv ...any) string {
	var data map[string]any
	if len(kv) > 1 {
		data = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return p.catalog.T(p.Lang, id, data)
}

// Date, DateTime, Num and VND format values in the page's language.
func (p *Page) Date(t any) string {
	switch v := t.(type) {
	case time.Time:
		return i18n.Date(p.Lang, v)
	case *time.Time:
		if v == nil {
			return ""
		}
		return i18n.Date(p.Lang, *v)
	case string:
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return v
		}
		return i18n.Date(p.Lang, d)
	}
	return ""
}

func (p *Page) DateTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		return i18n.DateTime(p.Lang, v)
	case *time.Time:
		if v == nil {
			return ""
		}
		return i18n.DateTime(p.Lang, *v)
	}
	return ""
}

func (p *Page) Num(v any) string {
	switch n := v.(type) {
	case float64:
		return i18n.Number(p.Lang, n)
	case int:
		return i18n.Number(p.Lang, float64(n))
	case int64:
		return i18n.Number(p.Lang, float64(n))
	}
	return fmt.Sprint(v)
}

func (p *Page) VND(v int64) string { return i18n.VND(p.Lang, v) }

// CritUnit names a criterion's unit ("lần", "điểm", "khu") in the page's language: the
// criteria sets are written in Vietnamese, so other languages look the word up under
// "ux.unit.<word>" and keep it as written when there is no translation ("%", "m²").
func (p *Page) CritUnit(unit string) string {
	if unit == "" || p.Lang == i18n.Default {
		return unit
	}
	if key := "ux.unit." + unit; p.catalog.Has(p.Lang, key) {
		return p.T(key)
	}
	return unit
}

// May reports whether the policy lets the signed-in user do act on obj somewhere: what a
// page offers (links, buttons) asks the policy, never a role name.
func (p *Page) May(obj, act string) bool {
	return p.az != nil && !p.az.Scopes(p.User, obj, act).Empty()
}

// indexPattern finds the item indexes of a validation field ("assessment[3].value").
var indexPattern = regexp.MustCompile(`\[\d+\]`)

// fieldKey maps a validation field ("assessment[3].value", "subject.area_m2") to the
// message shown beside it in the user's language.
func fieldKey(field string) string { return "err." + indexPattern.ReplaceAllString(field, "") }

// FieldError translates the error of a form field, or "" when there is none.
func (p *Page) FieldError(errs map[string]string, field string) string {
	if _, ok := errs[field]; !ok {
		return ""
	}
	key := fieldKey(field)
	if !p.catalog.Has(p.Lang, key) {
		key = "err.invalid"
	}
	return p.T(key)
}

// render writes a full page with status.
func (s *Server) render(c echo.Context, status int, name string, pg *Page) error {
	t, ok := s.pages.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// staticHandler serves embedded assets; a request with the current content hash may be
// cached for a year.
func (s *Server) staticHandler() echo.HandlerFunc {
	sub, _ := fs.Sub(web.Static, "static")
	files := http.FileServer(http.FS(sub))
	return func(c echo.Context) error {
		p := strings.TrimPrefix(c.Request().URL.Path, "/static/")
		hash, ok := s.pages.assets[p]
		if !ok {
			return echo.ErrNotFound
		}
		if c.QueryParam("v") == hash {
			c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Response().Header().Set("Cache-Control", "public, max-age=300")
		}
		req := c.Request().Clone(c.Request().Context())
		req.URL.Path = "/" + p
		files.ServeHTTP(c.Response(), req)
		return nil
	}
}
