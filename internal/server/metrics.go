package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/store"
)

// metrics lives in its own registry (no global state), served at /metrics to holders of
// the metrics token and on the loopback metrics address.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(st *store.Store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ntmflow_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ntmflow_http_request_duration_seconds", Help: "HTTP request latency by route, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method", "status"}),
	}
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(st.SQL(), string(st.Dialect())),
	)
	return m
}

// observe records one request. Every label comes from a small fixed set (the method
// folded, the route pattern, the status code), so no client can grow the series.
func (m *metrics) observe(method, route string, status int, d time.Duration) {
	s := statusLabel(status)
	method = methodLabel(method)
	m.requests.WithLabelValues(route, method, s).Inc()
	m.latency.WithLabelValues(route, method, s).Observe(d.Seconds())
}

// methodLabel folds a request method into the standard set; anything else is "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// Register adds a domain collector (workflow transitions and the like).
func (m *metrics) Register(c prometheus.Collector) { m.reg.MustRegister(c) }

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// MetricsHandler serves the metrics without any check, for the loopback listener of
// NTMFLOW_METRICS_ADDR.
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler() }

// metricsEndpoint is /metrics on the main listener: hidden (404) unless a token is
// configured, then only for "Authorization: Bearer <token>" (compared in constant time).
func (s *Server) metricsEndpoint() echo.HandlerFunc {
	h := echo.WrapHandler(s.metrics.handler())
	return func(c echo.Context) error {
		if s.metricsToken == "" {
			return apperr.ErrNotFound
		}
		scheme, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
		if !strings.EqualFold(scheme, "Bearer") ||
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.metricsToken)) != 1 {
			return apperr.ErrUnauthenticated
		}
		return h(c)
	}
}
