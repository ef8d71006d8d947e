// Package identity keeps accounts, role grants and sessions: password hashing, sign-in
// with throttling, opaque session tokens stored as hashes, and the admin operations on
// users inside an admin's province.
package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
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
	LastSeenAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (User) TableName() string { return "users" }

type grantRow struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	Role      string
	UnitCode  string
	UnitPath  string
	CreatedAt time.Time
}

func (grantRow) TableName() string { return "role_grants" }

type sessionRow struct {
	ID         int64 `gorm:"primaryKey"`
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	ClientIP   string
	UserAgent  string
	PrevSeenAt *time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// Locales the UI offers.
var Locales = []string{"vi", "en"}

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
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$`)

// clientError is a domain error with a message meant for the client; it unwraps to the
// sentinel that server/errors.go maps to a status and code.
type clientError struct {
	sentinel error
	message  string
}

func (e *clientError) Error() string         { return e.sentinel.Error() + ": " + e.message }
func (e *clientError) Unwrap() error         { return e.sentinel }
func (e *clientError) ClientMessage() string { return e.message }

// usernameTaken is the answer to a duplicate username: a conflict (SPEC §4), not a field
// error, since the request itself is well-formed.
func usernameTaken(username string) error {
	return &clientError{apperr.ErrConflict, fmt.Sprintf("The username %q is already taken.", username)}
}

// errHoldsOtherRoles refuses to disable an account that also holds roles outside the
// admin's units: disabling would end work the admin does not manage.
var errHoldsOtherRoles = &clientError{apperr.ErrForbidden,
	"This account also holds roles outside the units you administer, so you cannot disable it; " +
		"remove the roles you manage instead (PUT /api/v1/users/{id}/roles with the remaining roles)."}

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
		case !roleFitsLevel(authz.Role(r.Role), u.Level):
			v.Add(field+".unit_code", fmt.Sprintf("%s is held at a %s", r.Role, requiredLevel(authz.Role(r.Role))))
		case seen[r]:
			v.Add(field, "is listed twice")
		default:
			seen[r] = true
			out = append(out, authz.Grant{Role: authz.Role(r.Role), UnitCode: u.Code, UnitPath: u.Path})
		}
	}
	return out, nil
}

func requiredLevel(r authz.Role) string {
	switch r {
	case authz.CommuneOfficer:
		return "commune"
	case authz.DistrictReviewer:
		return "district"
	case authz.ProvinceApprover, authz.Admin:
		return "province"
	}
	return "unit of any level"
}

func roleFitsLevel(r authz.Role, l units.Level) bool {
	need := requiredLevel(r)
	return need == "unit of any level" || need == string(l)
}

// CreateUser adds an account with its roles in one transaction.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (Account, error) {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.FullName = strings.Join(strings.Fields(in.FullName), " ")
	if in.Locale == "" {
		in.Locale = "vi"
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
			IsDemo: in.IsDemo, CreatedAt: now, UpdatedAt: now}
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

func validLocale(l string) bool { return l == "vi" || l == "en" }

// invalidateAfterCommit empties the session cache once the caller's outermost transaction
// has committed. Emptying it before the commit would let a concurrent request cache the
// old rows again for authCacheTTL.
func (s *Service) invalidateAfterCommit(ctx context.Context) {
	store.AfterCommit(ctx, s.cache.clear)
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
	return Account{ID: u.ID, Username: u.Username, FullName: u.FullName, Locale: u.Locale, Disabled: u.Disabled, Roles: roles}
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

func (s *Service) endSessions(ctx context.Context, userID int64) error {
	s.invalidateAfterCommit(ctx)
	return s.st.DB(ctx).Where("user_id = ?", userID).Delete(&sessionRow{}).Error
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

// Session is what a successful sign-in hands out. Token is shown once and never stored.
type Session struct {
	Token     string
	CSRFToken string
	ExpiresAt time.Time
	Account   Account
}

// Login checks the password and opens a session. Unknown users and wrong passwords give
// the same error after the same work; repeated failures give *apperr.RateLimited.
func (s *Service) Login(ctx context.Context, username, password, clientIP, userAgent string) (Session, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	userKey, addrKey := "u:"+username, "a:"+clientIP
	stamp := s.now()
	wait, ok := s.byUser.Reserve(userKey, stamp)
	if ok {
		if wait, ok = s.byAddr.Reserve(addrKey, stamp); !ok {
			s.byUser.Forgive(userKey, stamp)
		}
	}
	if !ok {
		return Session{}, &apperr.RateLimited{RetryAfterSeconds: retryAfterSeconds(wait)}
	}
	u, err := s.UserByUsername(ctx, username)
	hash := u.PasswordHash
	if err != nil {
		if !errors.Is(err, apperr.ErrNotFound) {
			return Session{}, err
		}
		hash = dummyHash()
	}
	match, verr := VerifyPassword(hash, password)
	if err != nil || verr != nil || !match || u.Disabled {
		return Session{}, apperr.ErrInvalidCredentials
	}
	s.byUser.Forgive(userKey, stamp)
	s.byAddr.Forgive(addrKey, stamp)
	token, tokenHash, err := newToken()
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	sess := sessionRow{TokenHash: tokenHash, UserID: u.ID, CreatedAt: now, LastSeenAt: now, PrevSeenAt: u.LastSeenAt,
		ExpiresAt: now.Add(s.cfg.AbsoluteTimeout), ClientIP: truncate(clientIP, 64), UserAgent: truncate(userAgent, 255)}
	var acc Account
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		if err := s.st.DB(ctx).Create(&sess).Error; err != nil {
			return err
		}
		if err := s.st.DB(ctx).Model(&User{}).Where("id = ?", u.ID).Update("last_seen_at", now).Error; err != nil {
			return err
		}
		acc, err = s.account(ctx, u)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	return Session{Token: token, CSRFToken: s.CSRFToken(tokenHash), ExpiresAt: sess.ExpiresAt, Account: acc}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// newToken returns a random token and the hash under which it is stored.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is how session tokens are stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CSRFToken derives the CSRF token of a session from its token hash and the server
// secret, so nothing more needs storing and it cannot be forged without the secret.
func (s *Service) CSRFToken(tokenHash string) string {
	mac := hmac.New(sha256.New, []byte(s.cfg.Secret))
	mac.Write([]byte("csrf:" + tokenHash))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckCSRF compares a presented CSRF token with the session's, in constant time.
func (s *Service) CheckCSRF(tokenHash, presented string) bool {
	return presented != "" && hmac.Equal([]byte(s.CSRFToken(tokenHash)), []byte(presented))
}

// Authenticated is a valid session with its principal.
type Authenticated struct {
	Principal *authz.Principal
	TokenHash string
	IsDemo    bool
	LastSeen  *time.Time // the user's visit before this session, for "since your last visit"
}

// Authenticate resolves a session token. Expired sessions are deleted; a disabled user's
// session never authenticates.
func (s *Service) Authenticate(ctx context.Context, token string) (Authenticated, error) {
	if token == "" || len(token) > 100 {
		return Authenticated{}, apperr.ErrUnauthenticated
	}
	hash := HashToken(token)
	now := s.now()
	if auth, ok := s.cache.get(hash, now); ok {
		return auth, nil
	}
	gen := s.cache.generation() // before reading: a change committed meanwhile voids the put
	var row struct {
		SessionID  int64
		UserID     int64
		LastSeenAt time.Time
		ExpiresAt  time.Time
		Username   string
		FullName   string
		Locale     string
		Disabled   bool
		IsDemo     bool
		PrevSeenAt *time.Time
	}
	err := s.st.DB(ctx).Table("sessions").
		Select("sessions.id AS session_id, sessions.user_id, sessions.last_seen_at, sessions.expires_at, "+
			"users.username, users.full_name, users.locale, users.disabled, users.is_demo, sessions.prev_seen_at").
		Joins("JOIN users ON users.id = sessions.user_id").
		Where("sessions.token_hash = ?", hash).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Authenticated{}, apperr.ErrUnauthenticated
	}
	if err != nil {
		return Authenticated{}, err
	}
	if row.Disabled || now.After(row.ExpiresAt) || now.Sub(row.LastSeenAt) > s.cfg.IdleTimeout {
		_ = s.st.DB(ctx).Where("id = ?", row.SessionID).Delete(&sessionRow{}).Error
		return Authenticated{}, apperr.ErrUnauthenticated
	}
	// Refresh the idle clock at most once a minute: one write per minute per session,
	// not one per request.
	touched := row.LastSeenAt
	if now.Sub(row.LastSeenAt) > time.Minute {
		touched = now
		if err := s.st.DB(ctx).Model(&sessionRow{}).Where("id = ?", row.SessionID).Update("last_seen_at", now).Error; err != nil {
			return Authenticated{}, err
		}
	}
	grants, err := s.grants(ctx, row.UserID)
	if err != nil {
		return Authenticated{}, err
	}
	auth := Authenticated{
		Principal: &authz.Principal{UserID: row.UserID, Username: row.Username, FullName: row.FullName, Locale: row.Locale, Grants: grants},
		TokenHash: hash, IsDemo: row.IsDemo, LastSeen: row.PrevSeenAt,
	}
	if s.beforeCache != nil {
		s.beforeCache()
	}
	s.cache.put(hash, gen, cachedAuth{auth: auth, until: now.Add(authCacheTTL), expiresAt: row.ExpiresAt, touched: touched})
	return auth, nil
}

// Logout ends the session with token hash. Ending an already-ended session is fine.
func (s *Service) Logout(ctx context.Context, tokenHash string) error {
	if err := s.st.DB(ctx).Where("token_hash = ?", tokenHash).Delete(&sessionRow{}).Error; err != nil {
		return err
	}
	store.AfterCommit(ctx, func() { s.cache.drop(tokenHash) })
	return nil
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
	return toAccount(u, p.Grants), nil
}

// ---- Admin operations, inside the admin's province -------------------------------------

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
	out := make([]Account, len(users))
	for i, u := range users {
		out[i] = toAccount(u, byUser[u.ID])
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

// PrincipalFor loads a user's principal by username (commands and the demo seed act as a
// user without a session).
func (s *Service) PrincipalFor(ctx context.Context, username string) (*authz.Principal, error) {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	grants, err := s.grants(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return &authz.Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Locale: u.Locale, Grants: grants}, nil
}
