package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/textfold"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). Stored in
// each hash, so they can be raised later without breaking existing passwords.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns a PHC-formatted argon2id hash.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// VerifyPassword reports whether password matches the encoded hash, in constant time.
func VerifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var memory, iterations uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &iterations, &threads); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, iterations, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when the username does not exist, so that an unknown
// user costs the same time as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("ntmflow-timing-equaliser")
	if err != nil {
		panic(err)
	}
	return h
})

// Password rules. Length alone lets "          " or "1234567890" through, so a password
// must also resist guessing as zxcvbn estimates it (common passwords, keyboard walks,
// repeats, dates, the user's own name).
const (
	MinPasswordLength = 10
	maxPasswordBytes  = 256
	// MinPasswordScore is zxcvbn's "safely unguessable" band (≥ 10^8 guesses). Sign-in
	// throttling stops online guessing well below that; 3 rather than 2 because these
	// accounts approve and administer for a province, so a leaked hash table is the threat
	// that counts: an argon2id guess costs tens of milliseconds of a core, so 10^8 guesses
	// cost core-months. Name + year ("Nguyễn Văn Bình 2024"), "matkhau123" or a phone number score below 3
	// while three or four words ("toi-yeu-lang-son", "caphe-sua-da") score 4.
	MinPasswordScore = 3
	// strengthPrefix bounds zxcvbn's work (it grows quadratically: ~10 ms for 64 runes,
	// ~0.4 s for 256). A password is at least as strong as its beginning, so judging the
	// prefix never accepts a weak password.
	strengthPrefix = 64
)

// weakWords are extra dictionary words zxcvbn does not know: Vietnamese password bases and
// the published passwords of the demo data (app.DemoPassword, gendata.Password), which
// must never protect a real account.
var weakWords = []string{
	"ntm-demo-2022", "gen-data-2022", "ntmflow", "nongthonmoi", "nong thon moi", "ntm",
	"matkhau", "mat khau", "mat-khau", "anhyeuem", "emyeuanh", "yeuem", "yeuanh", "vietnam", "langson", "hanoi",
}

// passwordMessage is shown for a guessable password (API and CLI): plain English, with a
// hint of what works.
const passwordMessage = "is too easy to guess: avoid common passwords, names, dates and repeated or keyboard sequences; a few unrelated words work well"

// validatePassword checks length and strength. username and fullName are the account's,
// which a password must not be built from.
func validatePassword(v *apperr.ValidationError, pw, username, fullName string) {
	if !validatePasswordLength(v, pw) {
		return
	}
	switch {
	case strings.TrimFunc(pw, unicode.IsSpace) == "":
		v.Add("password", "must not be only spaces")
	case username != "" && strings.EqualFold(strings.TrimSpace(pw), username):
		v.Add("password", "must not be the username")
	case passwordScore(pw, username, fullName) < MinPasswordScore:
		v.Add("password", passwordMessage)
	}
}

// validatePasswordLength checks only the length and encoding: the demo seed's published
// password passes no strength check by design, but still this one.
func validatePasswordLength(v *apperr.ValidationError, pw string) bool {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		v.Add("password", fmt.Sprintf("must be at least %d characters", MinPasswordLength))
	case len(pw) > maxPasswordBytes:
		v.Add("password", fmt.Sprintf("must be at most %d bytes", maxPasswordBytes))
	case !utf8.ValidString(pw):
		v.Add("password", "must be valid UTF-8 text")
	default:
		return true
	}
	return false
}

// passwordScore is zxcvbn's score (0–4) of the password's first strengthPrefix runes,
// with the account's names and weakWords as extra dictionary words. Both sides are folded
// (lower case, no diacritics: "Tỉnh" → "tinh"): zxcvbn knows no Vietnamese and miscounts
// multi-byte letters, and folding only ever lowers the estimate.
func passwordScore(pw, username, fullName string) int {
	if utf8.RuneCountInString(pw) > strengthPrefix {
		pw = string([]rune(pw)[:strengthPrefix])
	}
	inputs := make([]string, 0, len(weakWords)+12)
	notAlnum := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	for _, name := range []string{username, fullName} {
		// The whole name, the parts run together ("hoangvantinh") and each part.
		if parts := strings.FieldsFunc(textfold.Fold(name), notAlnum); len(parts) > 0 {
			inputs = append(inputs, textfold.Fold(name), strings.Join(parts, ""))
			inputs = append(inputs, parts...)
		}
	}
	inputs = append(inputs, weakWords...) // after the names: earlier inputs rank as more likely
	return zxcvbn.PasswordStrength(textfold.Fold(pw), inputs).Score
}
