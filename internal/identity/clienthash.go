package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// ClientHash is the form in which a client's network address is kept where the address
// itself must not be (an objection to a public notice, SPEC §13): HMAC-SHA-256 keyed with
// the server secret, the key CSRF tokens are derived with (sessions.go). Unlike a token's
// plain hash it cannot be reversed by hashing the four billion IPv4 addresses, yet the
// same address always gives the same hash, so a rate limit can be kept on it.
func (s *Service) ClientHash(addr string) string {
	mac := hmac.New(sha256.New, []byte(s.cfg.Secret))
	mac.Write([]byte("client-address:" + addr))
	return hex.EncodeToString(mac.Sum(nil))
}
