// Reaching people: an account's e-mail address, and who holds a role over a unit (the
// recipients of a notification, SPEC §13).

package identity

import (
	"context"
	"net/mail"
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

// Holders lists the enabled users who hold, in their own right, one of roles at a unit
// standing today on the path from the province down to unitPath: the grants whose
// subtree (or province) may cover an object there. Which of them reach the object, and
// for what, is authz's to say (authz.Authorizer.GrantAllows). A grant at a unit that has
// ended gives nothing, as in a session (SPEC §12). Ordered by user id.
func (s *Service) Holders(ctx context.Context, roles []authz.Role, unitPath string) ([]Holder, error) {
	codes := units.SplitPath(unitPath)
	if len(roles) == 0 || len(codes) == 0 {
		return nil, nil
	}
	paths := make([]string, len(codes))
	for i := range codes {
		paths[i] = "/" + strings.Join(codes[:i+1], "/")
	}
	var rows []struct {
		UserID   int64
		Role     string
		UnitCode string
		UnitPath string
		Username string
		FullName string
		Locale   string
		Email    *string
	}
	err := s.st.DB(ctx).Table("role_grants AS g").
		Select("g.user_id, g.role, g.unit_code, g.unit_path, u.username, u.full_name, u.locale, u.email").
		Joins("JOIN users AS u ON u.id = g.user_id").
		Where("u.disabled = ? AND g.role IN ? AND g.unit_path IN ?", false, roles, paths).
		Order("g.user_id, g.id").Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	current, err := s.units.GetMany(ctx, codes)
	if err != nil {
		return nil, err
	}
	out := make([]Holder, 0, len(rows))
	for _, r := range rows {
		g, ok := s.standing(authz.Grant{Role: authz.Role(r.Role), UnitCode: r.UnitCode, UnitPath: r.UnitPath}, current)
		if !ok {
			continue
		}
		h := Holder{UserID: r.UserID, Username: r.Username, FullName: r.FullName, Locale: r.Locale, Grant: g}
		if r.Email != nil {
			h.Email = *r.Email
		}
		out = append(out, h)
	}
	return out, nil
}
