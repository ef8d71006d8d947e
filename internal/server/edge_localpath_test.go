package server

import "testing"

// TestLocalPathRefusesOtherOrigins: every value a browser could read as another origin,
// once it has stripped tab and newline and turned backslashes into slashes, falls back.
func TestLocalPathRefusesOtherOrigins(t *testing.T) {
	hostile := []string{
		"", "evil.com", "http://evil.com", "https://evil.com/", "javascript:alert(1)", "data:text/html,x",
		"//evil.com", "///evil.com", "/\\evil.com", "\\\\evil.com", "/\\/evil.com",
		"/\t/evil.com", "/\n/evil.com", "/\r/evil.com", "/\r\n/evil.com", "\t//evil.com", " //evil.com",
		"/\x00/evil.com", "/\x0b/evil.com", "/\x0c/evil.com", "/\x7f/evil.com", "/\u0085/evil.com",
		"/path\\..\\..\\evil", "/ok?x=\\evil", "/ok\nSet-Cookie: x=1",
		"/\xff/evil.com", // not UTF-8
		"/" + string(make([]byte, 3000)),
	}
	for _, p := range hostile {
		if got := localPath(p, "/"); got != "/" {
			t.Errorf("localPath(%q) = %q, want the fallback", p, got)
		}
	}
	local := []string{
		"/", "/nominations", "/nominations?status=submitted&q=h%E1%BA%A3i+y%E1%BA%BFn", "/nominations/12/edit",
		"/public/recognitions?province=20&district=183", "/campaigns/3?year=2022#top", "/%2F%2Fevil.com", "/a//b",
	}
	for _, p := range local {
		if got := localPath(p, "/"); got != p {
			t.Errorf("localPath(%q) = %q, want it kept", p, got)
		}
	}
}
