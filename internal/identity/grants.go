// Role grants: a role held at a unit, checked against the policy's levels.

package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

type grantRow struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	Role      string
	UnitCode  string
	UnitPath  string
	CreatedAt time.Time
}

func (grantRow) TableName() string { return "role_grants" }

// resolveRoles checks each role and unit and returns grants with unit paths.
func (s *Service) resolveRoles(ctx context.Context, v *apperr.ValidationError, roles []RoleAt) ([]authz.Grant, error) {
	codes := make([]string, 0, len(roles))
	for _, r := range roles {
		codes = append(codes, r.UnitCode)
	}
	found, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return nil, err // the database failed, not the roles: never a 422
	}
	var out []authz.Grant
	seen := map[RoleAt]bool{}
	for i, r := range roles {
		field := fmt.Sprintf("roles[%d]", i)
		u, ok := found[r.UnitCode]
		switch {
		case !authz.Role(r.Role).Valid():
			v.Add(field+".role", "is not a known role")
		case !ok:
			v.Add(field+".unit_code", "is not a current unit")
		case !slices.Contains(s.authz.LevelsFor(authz.Role(r.Role)), string(u.Level)):
			// The policy's level column is the one statement of where a role is held.
			v.Add(field+".unit_code", fmt.Sprintf("%s is held at a %s", r.Role,
				strings.Join(s.authz.LevelsFor(authz.Role(r.Role)), " or ")))
		case seen[r]:
			v.Add(field, "is listed twice")
		default:
			seen[r] = true
			out = append(out, authz.Grant{Role: authz.Role(r.Role), UnitCode: u.Code, UnitPath: u.Path})
		}
	}
	return out, nil
}

func (s *Service) insertGrants(ctx context.Context, userID int64, grants []authz.Grant) error {
	s.invalidateAfterCommit(ctx)
	now := s.now()
	for _, g := range grants {
		row := grantRow{UserID: userID, Role: string(g.Role), UnitCode: g.UnitCode, UnitPath: g.UnitPath, CreatedAt: now}
		if err := s.st.DB(ctx).Create(&row).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return fmt.Errorf("%w: %s already held at %s", apperr.ErrConflict, g.Role, g.UnitCode)
			}
			return err
		}
	}
	return nil
}

// principalGrants is the user's grants split in two (SPEC §12): those at a unit standing
// today, with its stored level, give rights; those at a unit no longer valid give none and
// are kept to be shown. The roles delegated to the user today follow their own (SPEC §13).
func (s *Service) principalGrants(ctx context.Context, userID int64) ([]authz.Grant, []authz.LapsedGrant, error) {
	all, err := s.grants(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	valid, lapsed, err := s.checkGrants(ctx, all)
	if err != nil {
		return nil, nil, err
	}
	delegated, err := s.delegatedGrants(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	return append(valid, delegated...), lapsed, nil
}

// checkGrants compares each grant with its unit's current row: the grant stands when a
// current row has its code, its path, and a level the role may be held at. Otherwise the
// unit ended (or its code now names another unit) and the grant lapsed.
func (s *Service) checkGrants(ctx context.Context, grants []authz.Grant) ([]authz.Grant, []authz.LapsedGrant, error) {
	codes := make([]string, len(grants))
	for i, g := range grants {
		codes[i] = g.UnitCode
	}
	current, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return nil, nil, err
	}
	valid := make([]authz.Grant, 0, len(grants))
	var gone []authz.Grant
	for _, g := range grants {
		if g, ok := s.standing(g, current); ok {
			valid = append(valid, g)
			continue
		}
		gone = append(gone, g)
	}
	lapsed, err := s.lapsed(ctx, gone)
	return valid, lapsed, err
}

// standing reports whether g stands at one of the current units (by code): a current row
// with its code, its path, and a level the role may be held at; the grant comes back with
// that level.
func (s *Service) standing(g authz.Grant, current map[string]units.Unit) (authz.Grant, bool) {
	u, ok := current[g.UnitCode]
	if !ok || u.Path != g.UnitPath || !slices.Contains(s.authz.LevelsFor(g.Role), string(u.Level)) {
		return g, false
	}
	g.UnitLevel = u.Level
	return g, true
}

// lapsed describes grants whose units no longer stand: the last version of each unit at
// the grant's path, when it ended, and the units to grant again at (units.RegrantAt), in
// a few queries however many grants lapsed.
func (s *Service) lapsed(ctx context.Context, grants []authz.Grant) ([]authz.LapsedGrant, error) {
	if len(grants) == 0 {
		return nil, nil
	}
	paths := make([]string, len(grants))
	for i, g := range grants {
		paths[i] = g.UnitPath
	}
	last, err := s.units.LastEnded(ctx, paths)
	if err != nil {
		return nil, err
	}
	versions := make([]units.Version, 0, len(last))
	for _, u := range last {
		versions = append(versions, units.VersionOf(u))
	}
	regrant, err := s.units.RegrantAt(ctx, versions)
	if err != nil {
		return nil, err
	}
	out := make([]authz.LapsedGrant, len(grants))
	for i, g := range grants {
		out[i] = authz.LapsedGrant{Grant: g}
		u, ok := last[g.UnitPath]
		if !ok {
			continue
		}
		out[i].UnitName = u.Name
		end := *u.ValidTo
		out[i].EndedOn = &end
		out[i].Successors = regrant[units.VersionOf(u)]
	}
	return out, nil
}

// tierHeir is the role that took a role's work over where its level ended: since districts
// ended on 1 July 2025 the review stage is the province's (SPEC §12).
var tierHeir = map[authz.Role]authz.Role{authz.DistrictReviewer: authz.ProvinceReviewer}

// regrantRole is the role to grant, in place of role lapsed at a unit that ended, at a
// successor of the given (stored) level: the same role where the policy lets it be held
// at that level (commune roles at the new communes), else its heir at that tier (a
// district reviewer's at the province), else none.
func (s *Service) regrantRole(role authz.Role, level units.Level) authz.Role {
	for _, r := range []authz.Role{role, tierHeir[role]} {
		if r != "" && slices.Contains(s.authz.LevelsFor(r), string(level)) {
			return r
		}
	}
	return ""
}

func (s *Service) grants(ctx context.Context, userID int64) ([]authz.Grant, error) {
	var rows []grantRow
	if err := s.st.DB(ctx).Where("user_id = ?", userID).Order("unit_path, role").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]authz.Grant, len(rows))
	for i, r := range rows {
		out[i] = authz.Grant{Role: authz.Role(r.Role), UnitCode: r.UnitCode, UnitPath: r.UnitPath}
	}
	return out, nil
}

// GrantRole gives username the role at unitCode.
func (s *Service) GrantRole(ctx context.Context, username string, role RoleAt) error {
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		v := apperr.NewValidation()
		grants, err := s.resolveRoles(ctx, v, []RoleAt{role})
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		return s.insertGrants(ctx, u.ID, grants)
	})
}

// RevokeRole takes the role at unitCode from username.
func (s *Service) RevokeRole(ctx context.Context, username string, role RoleAt) error {
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		s.invalidateAfterCommit(ctx)
		res := s.st.DB(ctx).Where("user_id = ? AND role = ? AND unit_code = ?", u.ID, role.Role, role.UnitCode).Delete(&grantRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return nil
	})
}
