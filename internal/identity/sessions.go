// Sessions: sign-in, opaque tokens stored as hashes, CSRF tokens, authentication.

package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
)

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

// invalidateAfterCommit empties the session cache once the caller's outermost transaction
// has committed. Emptying it before the commit would let a concurrent request cache the
// old rows again for authCacheTTL.
func (s *Service) invalidateAfterCommit(ctx context.Context) {
	store.AfterCommit(ctx, s.cache.clear)
}

func (s *Service) endSessions(ctx context.Context, userID int64) error {
	s.invalidateAfterCommit(ctx)
	return s.st.DB(ctx).Where("user_id = ?", userID).Delete(&sessionRow{}).Error
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
	grants, lapsed, err := s.principalGrants(ctx, row.UserID)
	if err != nil {
		return Authenticated{}, err
	}
	auth := Authenticated{
		Principal: &authz.Principal{UserID: row.UserID, Username: row.Username, FullName: row.FullName, Locale: row.Locale,
			Grants: grants, Lapsed: lapsed},
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
