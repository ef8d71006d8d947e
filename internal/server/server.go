// Package server is the HTTP layer: the only package that knows Echo. Handlers bind,
// call a domain service and encode; every route is listed in routes.go.
package server

import (
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/delegation"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/movement"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/notify"
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
	Movement     *movement.Service
	Delegations  *delegation.Service
	Notify       *notify.Service
	Edge         Edge
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
	movement     *movement.Service
	delegations  *delegation.Service
	notify       *notify.Service
	publicURL    string
	allowedHosts []string
	metricsToken string
	metrics      *metrics
	pages        *renderer
	version      string
	apiDocument  apiDocument // GET /api/v1/openapi.json, built from the route table
	detailForms  *formStash  // failed detail-page actions' input, for the page redirected to
	getPages     [][]string  // the segments of every page route answering GET (servesGet)
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
		e: e, log: d.Logger, store: d.Store, units: d.Units, identity: d.Identity, authz: d.Authz, version: d.Version, detailForms: newFormStash(),
		criteria: d.Criteria, nominations: d.Nominations, recognitions: d.Recognitions,
		campaigns: d.Campaigns, movement: d.Movement, delegations: d.Delegations, notify: d.Notify, publicURL: strings.TrimRight(d.Edge.PublicURL, "/"),
		allowedHosts: d.Edge.AllowedHosts, metricsToken: d.Edge.MetricsToken,
		metrics: newMetrics(d.Store), pages: pages,
	}
	if len(s.allowedHosts) == 0 {
		s.allowedHosts = []string{"localhost"}
	}
	s.metrics.Register(d.Nominations.Collector())
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor, e.SchemeExtractor = forwardedExtractors(d.Edge.TrustedProxies)
	s.routes()
	return s, nil
}

// Edge is how the server meets the network: the address it prints in public links, whom it
// believes about the client's address and scheme, and who may read /metrics.
type Edge struct {
	// PublicURL is the base URL of public links (certificate QR codes, registry URLs).
	PublicURL string
	// AllowedHosts are the request Host values public links may use when PublicURL is
	// empty; any other Host gets the first entry (default: localhost).
	AllowedHosts []string
	// TrustedProxies may set X-Forwarded-For and X-Forwarded-Proto; nobody else may.
	TrustedProxies []*net.IPNet
	// MetricsToken opens /metrics on this handler to "Authorization: Bearer <token>"; empty
	// hides it (404).
	MetricsToken string
}

// forwardedExtractors believe forwarding headers only from the trusted proxies. Echo's
// defaults would trust any loopback or private peer, which is anyone on the LAN.
func forwardedExtractors(proxies []*net.IPNet) (echo.IPExtractor, echo.SchemeExtractor) {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect(), echo.ExtractSchemeDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range proxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), echo.ExtractSchemeFromHeaders(opts...)
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.e.ServeHTTP(w, r) }

// Registry exposes the Prometheus registry (tests read it).
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }
