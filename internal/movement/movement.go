// Package movement keeps the NTM movement's yearly figures (SPEC §11): each Xã's criteria
// status per year (reported by the commune, confirmed from above), the aggregate a district,
// a province or the country reads from them (communes, average criteria met, bands, commune
// titles held), and each unit's yearly movement report (capital by source, the people's
// contributions, outputs) with the sum of its children's reports.
//
// Figures are computed in SQL (GROUP BY over the year's Xã), never by loading communes
// into Go: the national aggregate over 10,047 communes is one grouped query.
package movement

import (
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Status values of a criteria status.
const (
	Reported  = "reported"  // saved by the commune's own officer
	Confirmed = "confirmed" // saved or confirmed by a district_reviewer or province_approver above it
)

// MaxNote is the longest note a criteria status keeps, in characters.
const MaxNote = 2000

// Service reads and writes the movement's figures.
type Service struct {
	st       *store.Store
	authz    *authz.Authorizer
	units    *units.Service
	criteria *criteria.Service
	recs     *recognition.Service
	camps    *campaign.Service
	now      func() time.Time
}

// NewService returns the movement service.
func NewService(st *store.Store, az *authz.Authorizer, u *units.Service, c *criteria.Service,
	r *recognition.Service, camps *campaign.Service) *Service {
	return &Service{st: st, authz: az, units: u, criteria: c, recs: r, camps: camps,
		now: func() time.Time { return time.Now().UTC() }}
}

// SetClock replaces the service's clock (tests: the reporting window ends at the current
// year).
func (s *Service) SetClock(now func() time.Time) { s.now = now }
