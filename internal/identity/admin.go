// Admin operations, inside the admin's province.

package identity

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
)

// errHoldsOtherRoles refuses to disable an account that also holds roles outside the
// admin's units: disabling would end work the admin does not manage.
var errHoldsOtherRoles = &clientError{apperr.ErrForbidden,
	"This account also holds roles outside the units you administer, so you cannot disable it; " +
		"remove the roles you manage instead (PUT /api/v1/users/{id}/roles with the remaining roles)."}

func (s *Service) manageScope(p *authz.Principal) (authz.Scope, error) {
	if err := authz.Require(p); err != nil {
		return nil, err
	}
	scope := s.authz.Scopes(p, authz.ObjUser, authz.ActManage)
	if scope.Empty() {
		return nil, apperr.ErrForbidden
	}
	return scope, nil
}

// checkRolesInScope reports roles the admin may not hand out as validation errors.
func checkRolesInScope(v *apperr.ValidationError, scope authz.Scope, grants []authz.Grant, roles []RoleAt) {
	for _, g := range grants {
		if !scope.Contains(g.UnitPath) {
			for i, r := range roles {
				if r.UnitCode == g.UnitCode {
					v.Add(fmt.Sprintf("roles[%d].unit_code", i), "is outside the units you administer")
				}
			}
		}
	}
}

// AdminCreateUser creates a user whose roles all lie inside the admin's scope.
func (s *Service) AdminCreateUser(ctx context.Context, p *authz.Principal, in NewUser) (Account, error) {
	scope, err := s.manageScope(p)
	if err != nil {
		return Account{}, err
	}
	v := apperr.NewValidation()
	if len(in.Roles) == 0 {
		v.Add("roles", "at least one role is required")
	}
	grants, err := s.resolveRoles(ctx, v, in.Roles)
	if err != nil {
		return Account{}, err
	}
	checkRolesInScope(v, scope, grants, in.Roles)
	if err := v.Err(); err != nil {
		return Account{}, err
	}
	in.IsDemo = false
	return s.CreateUser(ctx, in)
}

// AdminListUsers lists users holding a role inside the admin's scope (narrowed to the
// subtree of unitCode when given), ordered by username.
func (s *Service) AdminListUsers(ctx context.Context, p *authz.Principal, unitCode string) ([]Account, error) {
	manage, err := s.manageScope(p)
	if err != nil {
		return nil, err
	}
	scope := manage // the users listed; their roles are shown across all of manage
	if unitCode != "" {
		u, err := s.units.Get(ctx, unitCode)
		if err != nil {
			return nil, err
		}
		if scope = manage.Narrow(u.Path); scope.Empty() {
			return nil, apperr.ErrNotFound
		}
	}
	where, args := scope.SQL("role_grants.unit_path")
	var users []User
	err = s.st.DB(ctx).Where("id IN (?)", s.st.DB(ctx).Model(&grantRow{}).Select("user_id").Where(where, args...)).
		Order("username").Limit(1000).Find(&users).Error
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	var rows []grantRow
	if len(ids) > 0 {
		if err := s.st.DB(ctx).Where("user_id IN ?", ids).Order("unit_path, role").Find(&rows).Error; err != nil {
			return nil, err
		}
	}
	byUser := map[int64][]authz.Grant{}
	for _, r := range rows {
		// Roles elsewhere are another province's business: never shown.
		if manage.Contains(r.UnitPath) {
			byUser[r.UserID] = append(byUser[r.UserID], authz.Grant{Role: authz.Role(r.Role), UnitCode: r.UnitCode, UnitPath: r.UnitPath})
		}
	}
	// Grants at units that no longer stand are flagged for the admin to re-grant: checked
	// once for all the users listed (whether a grant lapsed depends on the grant alone).
	var shown []authz.Grant
	for _, gs := range byUser {
		shown = append(shown, gs...)
	}
	_, lapsed, err := s.checkGrants(ctx, shown)
	if err != nil {
		return nil, err
	}
	lapsedBy := map[authz.Grant]authz.LapsedGrant{}
	for _, l := range lapsed {
		lapsedBy[l.Grant] = l
	}
	out := make([]Account, len(users))
	for i, u := range users {
		out[i] = toAccount(u, byUser[u.ID])
		var mine []authz.LapsedGrant
		for _, g := range byUser[u.ID] {
			if l, ok := lapsedBy[g]; ok {
				mine = append(mine, l)
			}
		}
		out[i].LapsedRoles = s.lapsedRoles(mine)
	}
	return out, nil
}

// inScope keeps the grants inside the admin's scope: an admin sees and changes only those.
func inScope(scope authz.Scope, grants []authz.Grant) []authz.Grant {
	out := make([]authz.Grant, 0, len(grants))
	for _, g := range grants {
		if scope.Contains(g.UnitPath) {
			out = append(out, g)
		}
	}
	return out
}

// userInScope loads a user the admin may manage: one holding a role inside the scope. It
// returns all of the user's grants; show only inScope of them.
func (s *Service) userInScope(ctx context.Context, scope authz.Scope, id int64) (User, []authz.Grant, error) {
	var u User
	err := s.st.DB(ctx).Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, nil, apperr.ErrNotFound
	}
	if err != nil {
		return User{}, nil, err
	}
	grants, err := s.grants(ctx, id)
	if err != nil {
		return User{}, nil, err
	}
	for _, g := range grants {
		if scope.Contains(g.UnitPath) {
			return u, grants, nil
		}
	}
	return User{}, nil, apperr.ErrNotFound
}

// AdminReplaceRoles sets the user's roles inside the admin's scope to roles; roles the
// user holds elsewhere (another province) are kept.
func (s *Service) AdminReplaceRoles(ctx context.Context, p *authz.Principal, id int64, roles []RoleAt) (Account, error) {
	scope, err := s.manageScope(p)
	if err != nil {
		return Account{}, err
	}
	var acc Account
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		u, _, err := s.userInScope(ctx, scope, id)
		if err != nil {
			return err
		}
		v := apperr.NewValidation()
		grants, err := s.resolveRoles(ctx, v, roles)
		if err != nil {
			return err
		}
		checkRolesInScope(v, scope, grants, roles)
		if err := v.Err(); err != nil {
			return err
		}
		where, args := scope.SQL("unit_path")
		s.invalidateAfterCommit(ctx)
		if err := s.st.DB(ctx).Where("user_id = ?", id).Where(where, args...).Delete(&grantRow{}).Error; err != nil {
			return err
		}
		if err := s.insertGrants(ctx, id, grants); err != nil {
			return err
		}
		all, err := s.grants(ctx, id)
		acc = toAccount(u, inScope(scope, all))
		return err
	})
	return acc, err
}

// AdminDisableUser disables a user in the admin's scope and ends their sessions. A user who
// also holds roles outside the scope is refused (403): disabling would end their work for
// units the admin does not manage, so the admin removes their own roles instead.
func (s *Service) AdminDisableUser(ctx context.Context, p *authz.Principal, id int64) (Account, error) {
	scope, err := s.manageScope(p)
	if err != nil {
		return Account{}, err
	}
	if id == p.UserID {
		return Account{}, apperr.Invalid("id", "you cannot disable your own account")
	}
	var acc Account
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		u, grants, err := s.userInScope(ctx, scope, id)
		if err != nil {
			return err
		}
		local := inScope(scope, grants)
		if len(local) != len(grants) {
			return errHoldsOtherRoles
		}
		if err := s.DisableUser(ctx, id); err != nil {
			return err
		}
		u.Disabled = true
		acc = toAccount(u, local)
		return nil
	})
	return acc, err
}
