// Package identity keeps accounts, role grants and sessions: password hashing, sign-in
// with throttling, opaque session tokens stored as hashes, and the admin operations on
// users inside an admin's province. users.go, grants.go, sessions.go and admin.go hold
// each part; this file the service they share.
package identity

import (
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Config holds the session lifetimes and the secret that signs CSRF tokens.
type Config struct {
	Secret          string
	IdleTimeout     time.Duration // a session unused this long ends
	AbsoluteTimeout time.Duration // a session ends this long after sign-in, used or not
}

// Service is the identity service.
type Service struct {
	st    *store.Store
	units *units.Service
	authz *authz.Authorizer
	cfg   Config
	// Failed sign-ins: 5 per username and 20 per client address in 15 minutes.
	byUser *Throttle
	byAddr *Throttle
	now    func() time.Time
	cache  *authCache
	// delegations, when set, gives the roles held through delegations (delegated.go).
	delegations DelegationSource
	// beforeCache, when set (tests only), runs between reading a session and caching it,
	// to place a concurrent change exactly there.
	beforeCache func()
}

// NewService builds the identity service.
func NewService(st *store.Store, u *units.Service, az *authz.Authorizer, cfg Config) *Service {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 8 * time.Hour
	}
	if cfg.AbsoluteTimeout == 0 {
		cfg.AbsoluteTimeout = 7 * 24 * time.Hour
	}
	return &Service{
		st: st, units: u, authz: az, cfg: cfg,
		byUser: NewThrottle(5, 15*time.Minute),
		byAddr: NewThrottle(20, 15*time.Minute),
		now:    func() time.Time { return time.Now().UTC() },
		cache:  newAuthCache(),
	}
}

// clientError is a domain error with a message meant for the client; it unwraps to the
// sentinel that server/errors.go maps to a status and code.
type clientError struct {
	sentinel error
	message  string
}

func (e *clientError) Error() string         { return e.sentinel.Error() + ": " + e.message }
func (e *clientError) Unwrap() error         { return e.sentinel }
func (e *clientError) ClientMessage() string { return e.message }
