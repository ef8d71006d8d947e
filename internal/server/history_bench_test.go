package server_test

import (
	"net/http"
	"testing"
)

// BenchmarkRecognitionHistory measures what following the succession costs (SPEC §12):
// the recognitions of Phường Đông Kinh (05977, five units went into it) and of the
// province, plain and with their predecessors, signed in and on the public registry, on the
// two-tier demo. The target (issue 13): each "_pred" within 2 × of its plain pair.
// `go test -run '^$' -bench RecognitionHistory ./internal/server/`.
func BenchmarkRecognitionHistory(b *testing.B) {
	a, _, _ := twoTierDemo(b)
	token := a.Login(b, "tinh").Token
	for _, bc := range []struct{ name, path, token string }{
		{"commune_plain", "/api/v1/recognitions?unit=05977", token},
		{"commune_pred", "/api/v1/recognitions?unit=05977&include_predecessors=true", token},
		{"province_plain", "/api/v1/recognitions?unit=20", token},
		{"province_pred", "/api/v1/recognitions?unit=20&include_predecessors=true", token},
		{"public_commune_plain", "/api/v1/public/recognitions?commune=05977", ""},
		{"public_commune_pred", "/api/v1/public/recognitions?unit=05977", ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if res := a.Do(b, "GET", bc.path, bc.token, nil); res.Status != http.StatusOK {
					b.Fatalf("%s: %d %s", bc.path, res.Status, res.Body)
				}
			}
		})
	}
}
