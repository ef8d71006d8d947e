// Accounts: creating, reading, passwords, language, disabling.

package identity

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/internal/store"
)

// User is an account.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Username     string
	FullName     string
	Locale       string
	PasswordHash string
	Disabled     bool
	IsDemo       bool
	// Email is where notifications are mailed when SMTP is configured (nil: none).
	Email      *string
	LastSeenAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (User) TableName() string { return "users" }

// RoleAt is a role at a unit code, as clients send and see it.
type RoleAt struct {
	Role     string `json:"role"`
	UnitCode string `json:"unit_code"`
}

// Account is a user with their roles, as the API shows it.
type Account struct {
	ID       int64    `json:"id"`
	Username string   `json:"username"`
	FullName string   `json:"full_name"`
	Locale   string   `json:"locale"`
	Disabled bool     `json:"disabled"`
	Roles    []RoleAt `json:"roles"`
	// Email is the address notifications are mailed to (null: none).
	Email *string `json:"email"`
	// LapsedRoles are roles held at units that no longer stand: they give no rights
	// (SPEC §12), and are shown so the user knows and an admin re-grants them.
	LapsedRoles []LapsedRole `json:"lapsed_roles,omitempty"`
	// DelegatedRoles are roles held today through another user's delegation (SPEC §13),
	// shown to the account itself (GET /me) apart from its own.
	DelegatedRoles []DelegatedRole `json:"delegated_roles,omitempty"`
}

// LapsedRole is a role at a unit no longer valid: the unit's name while it stood, its
// last day (empty when no ended version of the unit is found), and the units to grant
// the role again at.
type LapsedRole struct {
	Role       string        `json:"role"`
	UnitCode   string        `json:"unit_code"`
	UnitName   string        `json:"unit_name"`
	EndedOn    string        `json:"ended_on,omitempty"`
	Successors []RegrantUnit `json:"successors"`
}

// RegrantUnit is a unit standing in place of a lapsed grant's unit (units.RegrantAt),
// named as it stands now, with the share of the old unit that went into it and the role
// to grant there.
type RegrantUnit struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Share string `json:"share"`
	// Role is the role to grant at this unit: the lapsed role where it may be held at the
	// unit's level, else the role that took its work over at that tier (a district
	// reviewer's at the province: province_reviewer); empty when neither fits (a district
	// reviewer's old communes, listed as where the district's area now lies).
	Role string `json:"role,omitempty"`
}

// RegrantGroup is the units where one role is to be granted again.
type RegrantGroup struct {
	Role  string
	Names []string
}

// ByRole groups the successors by the role to grant there, in the order listed; the
// successors without one are left out (see Elsewhere).
func (r LapsedRole) ByRole() []RegrantGroup {
	var out []RegrantGroup
	at := map[string]int{}
	for _, u := range r.Successors {
		if u.Role == "" {
			continue
		}
		i, ok := at[u.Role]
		if !ok {
			i = len(out)
			at[u.Role] = i
			out = append(out, RegrantGroup{Role: u.Role})
		}
		out[i].Names = append(out[i].Names, u.Name)
	}
	return out
}

// Elsewhere names the successors where no role of the kind is held.
func (r LapsedRole) Elsewhere() []string {
	var out []string
	for _, u := range r.Successors {
		if u.Role == "" {
			out = append(out, u.Name)
		}
	}
	return out
}

func (s *Service) lapsedRoles(lapsed []authz.LapsedGrant) []LapsedRole {
	var out []LapsedRole
	for _, l := range lapsed {
		r := LapsedRole{Role: string(l.Role), UnitCode: l.UnitCode, UnitName: l.UnitName, Successors: []RegrantUnit{}}
		if l.EndedOn != nil {
			r.EndedOn = l.EndedOn.Format(time.DateOnly)
		}
		for _, succ := range l.Successors {
			r.Successors = append(r.Successors, RegrantUnit{Code: succ.Code, Name: succ.Name, Share: string(succ.Share),
				Role: string(s.regrantRole(l.Role, succ.Level))})
		}
		out = append(out, r)
	}
	return out
}

// NewUser is the input to CreateUser.
type NewUser struct {
	Username string
	FullName string
	Password string
	// PasswordHash, when set, is an argon2id hash used instead of hashing Password (test
	// fixtures create many users with one password and hash it once).
	PasswordHash string
	Locale       string
	Roles        []RoleAt
	IsDemo       bool
	Email        string // optional: where notifications are mailed
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$`)

// usernameTaken is the answer to a duplicate username: a conflict (SPEC §4), not a field
// error, since the request itself is well-formed.
func usernameTaken(username string) error {
	return &clientError{apperr.ErrConflict, fmt.Sprintf("The username %q is already taken.", username)}
}

// CreateUser adds an account with its roles in one transaction.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (Account, error) {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.FullName = strings.Join(strings.Fields(in.FullName), " ")
	if in.Locale == "" {
		in.Locale = i18n.Default
	}
	v := apperr.NewValidation()
	if !usernamePattern.MatchString(in.Username) {
		v.Add("username", "3–64 characters: lower-case letters, digits, '.', '_' or '-'")
	}
	if in.FullName == "" || utf8.RuneCountInString(in.FullName) > 200 {
		v.Add("full_name", "is required (at most 200 characters)")
	}
	if !validLocale(in.Locale) {
		v.Add("locale", "must be vi or en")
	}
	email := checkEmail(v, in.Email)
	hash := in.PasswordHash
	switch {
	case hash == "" && in.IsDemo:
		// Demo accounts share the published demo password by design (SPEC §9, the server
		// warns while they exist); only they skip the strength check.
		validatePasswordLength(v, in.Password)
	case hash == "":
		validatePassword(v, in.Password, in.Username, in.FullName)
	default:
		if _, err := VerifyPassword(hash, ""); err != nil {
			v.Add("password", "the given hash is not an argon2id hash")
		}
	}
	grants, rerr := s.resolveRoles(ctx, v, in.Roles)
	if rerr != nil {
		return Account{}, rerr
	}
	if err := v.Err(); err != nil {
		return Account{}, err
	}
	if hash == "" {
		var err error
		if hash, err = HashPassword(in.Password); err != nil {
			return Account{}, err
		}
	}
	var acc Account
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		u := User{Username: in.Username, FullName: in.FullName, Locale: in.Locale, PasswordHash: hash,
			IsDemo: in.IsDemo, Email: email, CreatedAt: now, UpdatedAt: now}
		if err := s.st.DB(ctx).Create(&u).Error; err != nil {
			// Usernames are stored lower-cased, so the unique index also catches "Tinh"
			// against "tinh", and the loser of two concurrent creates lands here too.
			if store.IsUniqueViolation(err) {
				return usernameTaken(in.Username)
			}
			return err
		}
		if err := s.insertGrants(ctx, u.ID, grants); err != nil {
			return err
		}
		var err error
		acc, err = s.account(ctx, u)
		return err
	})
	return acc, err
}

// validLocale: the languages an account may choose are those the interface speaks.
func validLocale(l string) bool { return slices.Contains(i18n.Languages, l) }

func (s *Service) account(ctx context.Context, u User) (Account, error) {
	grants, err := s.grants(ctx, u.ID)
	if err != nil {
		return Account{}, err
	}
	return toAccount(u, grants), nil
}

func toAccount(u User, grants []authz.Grant) Account {
	roles := make([]RoleAt, 0, len(grants))
	for _, g := range grants {
		roles = append(roles, RoleAt{Role: string(g.Role), UnitCode: g.UnitCode})
	}
	return Account{ID: u.ID, Username: u.Username, FullName: u.FullName, Locale: u.Locale, Disabled: u.Disabled, Roles: roles, Email: u.Email}
}

// UserByUsername returns the account or ErrNotFound.
func (s *Service) UserByUsername(ctx context.Context, username string) (User, error) {
	var u User
	err := s.st.DB(ctx).Where("username = ?", strings.ToLower(strings.TrimSpace(username))).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, apperr.ErrNotFound
	}
	return u, err
}

// SetPassword replaces a user's password and ends their sessions.
func (s *Service) SetPassword(ctx context.Context, username, password string) error {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	v := apperr.NewValidation()
	validatePassword(v, password, u.Username, u.FullName)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		if err := s.st.DB(ctx).Model(&User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"password_hash": hash, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		return s.endSessions(ctx, u.ID)
	})
}

// DisableUser blocks sign-in and ends every session of the user at once.
func (s *Service) DisableUser(ctx context.Context, userID int64) error {
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		res := s.st.DB(ctx).Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"disabled": true, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return s.endSessions(ctx, userID)
	})
}

// SetLocale remembers the user's language.
func (s *Service) SetLocale(ctx context.Context, userID int64, locale string) error {
	if !validLocale(locale) {
		return apperr.Invalid("locale", "must be vi or en")
	}
	err := s.st.DB(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"locale": locale, "updated_at": s.now()}).Error
	if err == nil {
		s.invalidateAfterCommit(ctx)
	}
	return err
}

// CountUsers returns how many demo and non-demo users exist.
func (s *Service) CountUsers(ctx context.Context) (demo, other int64, err error) {
	var rows []struct {
		IsDemo bool
		N      int64
	}
	if err := s.st.DB(ctx).Model(&User{}).Select("is_demo, COUNT(*) AS n").Group("is_demo").Scan(&rows).Error; err != nil {
		return 0, 0, err
	}
	for _, r := range rows {
		if r.IsDemo {
			demo = r.N
		} else {
			other = r.N
		}
	}
	return demo, other, nil
}

// Me returns the principal's account.
func (s *Service) Me(ctx context.Context, p *authz.Principal) (Account, error) {
	if err := authz.Require(p); err != nil {
		return Account{}, err
	}
	var u User
	if err := s.st.DB(ctx).Where("id = ?", p.UserID).Take(&u).Error; err != nil {
		return Account{}, err
	}
	own, delegated := splitDelegated(p.Grants)
	acc := toAccount(u, own)
	acc.LapsedRoles = s.lapsedRoles(p.Lapsed)
	acc.DelegatedRoles = delegated
	return acc, nil
}

// PrincipalFor loads a user's principal by username (commands and the demo seed act as a
// user without a session).
func (s *Service) PrincipalFor(ctx context.Context, username string) (*authz.Principal, error) {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	grants, lapsed, err := s.principalGrants(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return &authz.Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Locale: u.Locale, Grants: grants, Lapsed: lapsed}, nil
}
