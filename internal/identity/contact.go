// Reaching people: an account's e-mail address, and who holds a role over a unit (the
// recipients of a notification, SPEC §13).

package identity

import (
	"cmp"
	"context"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/units"
)

// maxEmail is the longest address SMTP carries (RFC 5321: 254 in a path).
const maxEmail = 254

// checkEmail validates an optional e-mail address: empty means none (nil); otherwise one
// plain address (no display name), at most 254 characters.
func checkEmail(v *apperr.ValidationError, raw string) *string {
	email := strings.TrimSpace(raw)
	if email == "" {
		return nil
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" || utf8.RuneCountInString(email) > maxEmail ||
		strings.ContainsAny(email, " \t\r\n") {
		v.Add("email", "must be one e-mail address such as tinh@ntm.langson.example (at most 254 characters)")
		return nil
	}
	return &email
}

// UserUpdate is an admin's change to an account; a nil field is left as it is.
type UserUpdate struct {
	// Email sets the address notifications are mailed to; "" removes it.
	Email *string
}

// AdminUpdateUser changes a user the admin manages (one holding a role in the admin's
// scope, else ErrNotFound) and returns the account with the roles in that scope.
func (s *Service) AdminUpdateUser(ctx context.Context, p *authz.Principal, id int64, in UserUpdate) (Account, error) {
	scope, err := s.manageScope(p)
	if err != nil {
		return Account{}, err
	}
	v := apperr.NewValidation()
	var email *string
	if in.Email != nil {
		email = checkEmail(v, *in.Email)
	}
	if err := v.Err(); err != nil {
		return Account{}, err
	}
	var acc Account
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		u, grants, err := s.userInScope(ctx, scope, id)
		if err != nil {
			return err
		}
		if in.Email != nil {
			if err := s.st.DB(ctx).Model(&User{}).Where("id = ?", id).
				Updates(map[string]any{"email": email, "updated_at": s.now()}).Error; err != nil {
				return err
			}
			u.Email = email
		}
		acc = toAccount(u, inScope(scope, grants))
		return nil
	})
	return acc, err
}

// Holder is a user who holds a role at a unit standing today, with what it takes to
// write to them.
type Holder struct {
	UserID   int64
	Username string
	FullName string
	Locale   string
	Email    string      // "" when the account has none
	Grant    authz.Grant // the role and its unit, with the unit's level
}

// Holders lists the enabled users who hold one of roles at a unit standing today on the
// path from the province down to unitPath, in their own right or through a delegation
// running today (its grant then names the delegator): the grants whose subtree (or
// province) may cover an object there. Which of them reach the object, and for what, is
// authz's to say (authz.Authorizer.GrantAllows). A grant at a unit that has ended gives
// nothing, as in a session (SPEC §12). Ordered by user id, own grants first.
func (s *Service) Holders(ctx context.Context, roles []authz.Role, unitPath string) ([]Holder, error) {
	codes := units.SplitPath(unitPath)
	if len(roles) == 0 || len(codes) == 0 {
		return nil, nil
	}
	paths := make([]string, len(codes))
	for i := range codes {
		paths[i] = "/" + strings.Join(codes[:i+1], "/")
	}
	var held []DelegatedGrant
	var own []grantRow
	if err := s.st.DB(ctx).Where("role IN ? AND unit_path IN ?", roles, paths).Order("user_id, id").Find(&own).Error; err != nil {
		return nil, err
	}
	for _, r := range own {
		held = append(held, DelegatedGrant{UserID: r.UserID, Grant: authz.Grant{Role: authz.Role(r.Role), UnitCode: r.UnitCode, UnitPath: r.UnitPath}})
	}
	if s.delegations != nil {
		delegated, err := s.delegations.HeldAt(ctx, roles, paths, units.Today(s.now()))
		if err != nil {
			return nil, err
		}
		held = append(held, delegated...)
	}
	if len(held) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(held))
	for _, h := range held {
		ids = append(ids, h.UserID)
	}
	var users []User
	if err := s.st.DB(ctx).Where("id IN ? AND disabled = ?", ids, false).Find(&users).Error; err != nil {
		return nil, err
	}
	byID := make(map[int64]User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	current, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return nil, err
	}
	out := make([]Holder, 0, len(held))
	for _, h := range held {
		u, enabled := byID[h.UserID]
		g, ok := s.standing(h.Grant, current)
		if !enabled || !ok {
			continue
		}
		holder := Holder{UserID: u.ID, Username: u.Username, FullName: u.FullName, Locale: u.Locale, Grant: g}
		if u.Email != nil {
			holder.Email = *u.Email
		}
		out = append(out, holder)
	}
	slices.SortStableFunc(out, func(a, b Holder) int { return cmp.Compare(a.UserID, b.UserID) })
	return out, nil
}
