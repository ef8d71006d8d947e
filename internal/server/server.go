// Package server is the HTTP layer: the only package that knows Echo. Handlers bind,
// call a domain service and encode; every route is listed in routes.go.
package server

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Deps are the services the HTTP layer calls.
type Deps struct {
	Store        *store.Store
	Units        *units.Service
	Identity     *identity.Service
	Authz        *authz.Authorizer
	Criteria     *criteria.Service
	Nominations  *nomination.Service
	Recognitions *recognition.Service
	Campaigns    *campaign.Service
	PublicURL    string // base URL printed in certificate QR codes; "" means the request's host
	Logger       *slog.Logger
	Version      string
}

// Server holds the Echo instance and the dependencies handlers use.
type Server struct {
	e            *echo.Echo
	log          *slog.Logger
	store        *store.Store
	units        *units.Service
	identity     *identity.Service
	authz        *authz.Authorizer
	criteria     *criteria.Service
	nominations  *nomination.Service
	recognitions *recognition.Service
	campaigns    *campaign.Service
	publicURL    string
	metrics      *metrics
	pages        *renderer
	version      string
}

// New builds the server with its middleware and routes; templates are parsed here, so a
// broken template fails start-up.
func New(d Deps) (*Server, error) {
	pages, err := newRenderer()
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	s := &Server{
		e: e, log: d.Logger, store: d.Store, units: d.Units, identity: d.Identity, authz: d.Authz, version: d.Version,
		criteria: d.Criteria, nominations: d.Nominations, recognitions: d.Recognitions,
		campaigns: d.Campaigns, publicURL: strings.TrimRight(d.PublicURL, "/"),
		metrics: newMetrics(d.Store), pages: pages,
	}
	s.metrics.Register(d.Nominations.Collector())
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect()
	s.routes()
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.e.ServeHTTP(w, r) }

// Registry exposes the Prometheus registry (tests read it).
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }
