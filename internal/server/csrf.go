package server

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/ntmflow/ntmflow/internal/identity"
)

// The session's CSRF token never changes, and pages print it beside text reflected from
// the query under gzip: an attacker who can make a victim load many pages could read it
// off the compressed sizes (BREACH). So every response carries it masked with a fresh
// random pad, base64url(pad || pad XOR token); the check unmasks before identity compares
// it in constant time.

// maskCSRF masks token with a new pad; two calls never give the same string.
func maskCSRF(token string) string {
	out := make([]byte, 2*len(token))
	pad, masked := out[:len(token)], out[len(token):]
	_, _ = rand.Read(pad)
	for i := range masked {
		masked[i] = pad[i] ^ token[i]
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// unmaskCSRF reverses maskCSRF; anything that is not a masked value gives "".
func unmaskCSRF(presented string) string {
	// Strict: one masked value has one spelling, so a changed last character never passes.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(presented)
	if err != nil || len(raw) == 0 || len(raw)%2 != 0 {
		return ""
	}
	n := len(raw) / 2
	token := make([]byte, n)
	for i := range token {
		token[i] = raw[i] ^ raw[n+i]
	}
	return string(token)
}

// csrfFor is the masked CSRF token of a session, for a page or the login answer.
func (s *Server) csrfFor(tokenHash string) string { return maskCSRF(s.identity.CSRFToken(tokenHash)) }

// validCSRF accepts a masked token, and also the bare token handed out before tokens were
// masked (an API client may still hold one from an older login); both are compared by
// identity in constant time.
func (s *Server) validCSRF(auth *identity.Authenticated, presented string) bool {
	if presented == "" {
		return false
	}
	return s.identity.CheckCSRF(auth.TokenHash, unmaskCSRF(presented)) || s.identity.CheckCSRF(auth.TokenHash, presented)
}
