package server

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzLocalPath: whatever a client sends as a redirect target, localPath answers the
// fallback or a path on this site: one leading "/" followed by something other than "/"
// or "\" (so never "//host" or "/\host", which browsers follow off-site), with no
// backslash and no control character anywhere.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/nominations?status=draft", "//evil.example/x", "/\\evil.example", "https://evil.example",
		"/\t/evil.example", "/%2F%2Fevil", "\x00/", "/nominations/1#top", "javascript:alert(1)", "/a\r\nLocation: x", "/\u2028x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := localPath(p, "/")
		if got == "/" {
			return
		}
		if got != p {
			t.Fatalf("localPath(%q) = %q: neither the input nor the fallback", p, got)
		}
		if len(got) < 2 || got[0] != '/' || got[1] == '/' || got[1] == '\\' {
			t.Fatalf("localPath(%q) = %q: not a single-slash local path", p, got)
		}
		if strings.ContainsRune(got, '\\') || strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Fatalf("localPath(%q) = %q: backslash or control character", p, got)
		}
	})
}
