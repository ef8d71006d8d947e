package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/ntmflow/ntmflow/internal/logx"
)

// validRequestID accepts ids from a proxy only when they are short and plain, so a client
// cannot inject text into our logs.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestContext gives every request an id (X-Request-ID in and out), logs it once when it
// ends, records metrics, and turns panics into a logged 500.
func (s *Server) requestContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		req := c.Request()
		id := req.Header.Get(echo.HeaderXRequestID)
		if !validRequestID.MatchString(id) {
			id = newRequestID()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		ctx := logx.WithRequestID(req.Context(), id)
		c.SetRequest(req.WithContext(ctx))
		start := time.Now()
		defer func() {
			if r := recover(); r != nil {
				s.log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
			if err != nil {
				c.Error(err)
				err = nil
			}
			status := c.Response().Status
			route := routeLabel(c)
			elapsed := time.Since(start)
			s.metrics.observe(req.Method, route, status, elapsed)
			s.log.InfoContext(ctx, "request", "method", methodLabel(req.Method), "route", route, "status", status,
				"bytes", c.Response().Size, "duration_ms", float64(elapsed.Microseconds())/1000)
		}()
		return next(c)
	}
}

// routeLabel is the route pattern echo matched (one of those registered, or a group's
// not-found pattern such as /api/v1/*), or "unmatched": never the raw path, which the
// client chooses.
func routeLabel(c echo.Context) string {
	if c.Path() == "" {
		return "unmatched"
	}
	return c.Path()
}

// securityHeaders sets the headers every response carries. The CSP allows no inline
// script and no outside origin: every script and style is served from /static. HSTS is
// sent only over HTTPS (direct TLS or a trusted proxy's word), as RFC 6797 requires.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		if isHTTPS(c) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// limitBody caps request bodies; uploads get their own, larger limit on their route.
func limitBody(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			return next(c)
		}
	}
}

// isHTTPS reports whether the client reached us over HTTPS: a TLS connection, or a
// trusted proxy's X-Forwarded-Proto (Server.New sets which proxies echo believes).
func isHTTPS(c echo.Context) bool { return c.Scheme() == "https" }

func statusLabel(status int) string { return strconv.Itoa(status) }

// compressLarge gzips text responses of 16 KiB and more (long pages, big reports) for
// phones on slow links. Below that, compressing costs more server time than the few KB it
// saves (measured in make bench: gzip was a fifth of a list request's CPU); files that
// are already compressed (PDF, XLSX, images) are left alone.
func compressLarge() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{
		Level:     1, // fastest: most of the gain for a fraction of the CPU
		MinLength: 16 << 10,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasSuffix(p, ".pdf") || strings.HasSuffix(p, ".xlsx") || strings.Contains(p, "/attachments/") ||
				strings.HasPrefix(p, "/static/img/") || p == "/metrics"
		},
	})
}
