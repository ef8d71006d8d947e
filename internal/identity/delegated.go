// Roles held through a delegation (SPEC §13): the delegations themselves live in
// internal/delegation, which sits above this package; a session's principal carries the
// roles delegated to its user, marked with the delegator, beside their own.

package identity

import (
	"context"
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/units"
)

// DelegationSource gives the roles a user holds through other users' delegations.
type DelegationSource interface {
	// Received lists the grants userID holds on day through delegations running then,
	// each marked with its delegator (authz.Grant.DelegatedBy).
	Received(ctx context.Context, userID int64, day time.Time) ([]authz.Grant, error)
	// HeldAt lists who holds one of roles on day through a delegation at one of the units
	// at unitPaths.
	HeldAt(ctx context.Context, roles []authz.Role, unitPaths []string, day time.Time) ([]DelegatedGrant, error)
}

// DelegatedGrant is a role a user holds through a delegation (its grant names the delegator).
type DelegatedGrant struct {
	UserID int64
	Grant  authz.Grant
}

// UseDelegations makes principals carry the roles delegated to their user.
func (s *Service) UseDelegations(d DelegationSource) { s.delegations = d }

// GrantsChanged empties the session cache once ctx's transaction commits, as a change of
// grants does: a delegation given or revoked takes effect at the caller's next request
// (on another replica within authCacheTTL).
func (s *Service) GrantsChanged(ctx context.Context) { s.invalidateAfterCommit(ctx) }

// delegatedGrants are the roles userID holds today (in Vietnam) through delegations, at
// units that still stand; a delegation at a unit that has ended gives nothing.
func (s *Service) delegatedGrants(ctx context.Context, userID int64) ([]authz.Grant, error) {
	if s.delegations == nil {
		return nil, nil
	}
	got, err := s.delegations.Received(ctx, userID, units.Today(s.now()))
	if err != nil || len(got) == 0 {
		return nil, err
	}
	valid, _, err := s.checkGrants(ctx, got)
	return valid, err
}

// OwnGrants lists the roles userID holds in their own right at units standing today: the
// grants a delegation may hand on (never those held through another delegation, nor
// lapsed ones).
func (s *Service) OwnGrants(ctx context.Context, userID int64) ([]authz.Grant, error) {
	all, err := s.grants(ctx, userID)
	if err != nil {
		return nil, err
	}
	valid, _, err := s.checkGrants(ctx, all)
	return valid, err
}

// Member is a user holding a role at a unit, as a delegation form offers them.
type Member struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
}

// MembersAt lists the enabled users who hold some role in their own right at the unit
// with code and path (a unit's version: its path tells a reused code apart), by name.
func (s *Service) MembersAt(ctx context.Context, unitCode, unitPath string) ([]Member, error) {
	var out []Member
	err := s.st.DB(ctx).Table("users").Select("users.id, users.username, users.full_name").
		Where("users.disabled = ? AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = users.id AND g.unit_code = ? AND g.unit_path = ?)",
			false, unitCode, unitPath).
		Order("users.full_name, users.id").Scan(&out).Error
	return out, err
}

// IsMemberAt reports whether userID is an enabled user holding some role in their own
// right at the unit with code and path.
func (s *Service) IsMemberAt(ctx context.Context, userID int64, unitCode, unitPath string) (bool, error) {
	var n int64
	err := s.st.DB(ctx).Table("users").
		Where("users.id = ? AND users.disabled = ? AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = users.id AND g.unit_code = ? AND g.unit_path = ?)",
			userID, false, unitCode, unitPath).
		Count(&n).Error
	return n > 0, err
}

// DelegatedRole is a role the account holds through a delegation, as /me shows it.
type DelegatedRole struct {
	Role         string `json:"role"`
	UnitCode     string `json:"unit_code"`
	DelegatedBy  string `json:"delegated_by"` // the delegator's username
	DelegationID int64  `json:"delegation_id"`
}

// splitDelegated separates a principal's own grants from those held through delegations.
func splitDelegated(grants []authz.Grant) ([]authz.Grant, []DelegatedRole) {
	own := make([]authz.Grant, 0, len(grants))
	var delegated []DelegatedRole
	for _, g := range grants {
		if !g.Delegated() {
			own = append(own, g)
			continue
		}
		delegated = append(delegated, DelegatedRole{Role: string(g.Role), UnitCode: g.UnitCode,
			DelegatedBy: g.DelegatedBy, DelegationID: g.DelegationID})
	}
	return own, delegated
}
