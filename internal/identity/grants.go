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
