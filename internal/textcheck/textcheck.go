// Package textcheck is the one rule for what text the application accepts from a client:
// valid UTF-8 without control characters, except tab, line feed and carriage return.
// PostgreSQL refuses NUL in text columns and control characters have no place in
// names, titles or comments (they break exports, logs and terminals), so they are
// rejected at the edge, for JSON bodies, form posts, paths and query strings alike.
package textcheck

import "unicode/utf8"

// Message is the client-facing explanation for a rejected field.
const Message = "must be valid UTF-8 text without control characters"

// Valid reports whether s is acceptable text.
func Valid(s string) bool {
	return Invalid(s) < 0
}

// Invalid returns the byte offset of the first unacceptable character of s, or -1.
// Rejected: invalid UTF-8, C0 controls other than \t \n \r, DEL and the C1 controls
// U+0080–U+009F.
func Invalid(s string) int {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		if r >= 0x80 && r <= 0x9f {
			return i
		}
		i += size
	}
	return -1
}
