package server

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/textcheck"
)

// requestTargets are the structs the API binds bodies into, as the handlers declare them.
var requestTargets = []func() any{
	func() any { return &loginRequest{} },
	func() any { return &campaignRequest{} },
	func() any {
		return &struct {
			Items []campaign.Target `json:"items"`
		}{}
	},
	func() any { return &publishRequest{} },
	func() any { return &nominationRequest{} },
	func() any { return &patchRequest{} },
	func() any { return &reviewRequest{} },
	func() any { return &transitionRequest{} },
	func() any { return &createUserRequest{} },
	func() any { return &rolesRequest{} },
}

// goTypeInMessage matches a Go type in a client message: a slice, map or pointer type, or
// a package-qualified name.
var (
	goTypeInMessage = regexp.MustCompile(`\[\]|map\[|\*[a-z]|\b[a-z]+\.[A-Z][A-Za-z]*\b`)
	quoted          = regexp.MustCompile(`"[^"]*"`)
)

// FuzzDecodeJSON: the strict decoder of every API body never panics; it accepts a body
// only when every string in it is clean text, and refuses with a 400 whose message names
// no Go type, or a 422 on the one offending field.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"username":"xa.haiyen","password":"ntm-demo-2022"}`,
		`{"type":"model_garden","commune_code":"06220","title":"Vườn cam của ông Hoàng Văn Thắng","subject":{"owner_name":"Hoàng Văn Thắng","village":"Thôn Pắc Cáp","area_m2":2400,"main_crops":"Cam","annual_income_vnd":185000000},"assessment":[{"criterion":"G1.1","value":300},{"criterion":"G1.2","value":true}]}`,
		`{"campaign_id":1,"title":"x","assessment":[{"criterion":"G3.2","value":80,"note":"dòng 1\ndòng 2"}]}`,
		`{"action":"return","comment":"Thiếu biên bản"}`,
		`{"action":"approve","decision":{"number":"1520/QĐ-UBND","date":"2022-09-15","signer":"Hồ Tiến Thiệu"}}`,
		`{"visited_on":"2022-06-01","summary":"Đạt","scores":[{"criterion":"G1.1","met":true,"comment":""}]}`,
		`{"name":"Phong trào","province_code":"20","starts_on":"2022-01-01","ends_on":"2025-12-31"}`,
		`{"items":[{"year":2022,"unit_code":"183","type":"model_garden","min":2}]}`,
		`{"username":"a","full_name":"B","password":"mat-khau-dai-12","roles":[{"role":"observer","unit_code":"01"}]}`,
		`{"roles":[{"role":"commune_officer","unit_code":"06220"}]}`,
		`{"title":"a\u0000b"}`, `{"title":"\u0085"}`, "{\"title\":\"\xff\"}", `{"assessment":{}}`, `[]`, `{"x":1}`, `{} {}`, `{"title":1e999}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, target := range requestTargets {
			err := decodeJSON(raw, target())
			var bad *BadRequestError
			var ve *apperr.ValidationError
			switch {
			case err == nil:
				if !utf8.Valid(raw) {
					t.Fatalf("accepted invalid UTF-8: %q", raw)
				}
				var v any
				if json.Unmarshal(raw, &v) == nil {
					if s, ok := badString(v); ok {
						t.Fatalf("accepted %q in %q", s, raw)
					}
				}
			case errors.As(err, &bad):
				// Quoted parts echo the client's own field names; the rest is ours.
				msg := quoted.ReplaceAllString(bad.ClientMessage(), `""`)
				if strings.HasPrefix(msg, "unknown field ") {
					break
				}
				if m := goTypeInMessage.FindString(msg); m != "" {
					t.Fatalf("message names a Go type (%q): %s", m, bad.ClientMessage())
				}
			case errors.As(err, &ve):
				if len(ve.Fields) != 1 {
					t.Fatalf("validation error on %d fields: %v", len(ve.Fields), ve)
				}
				for field, msg := range ve.Fields {
					if msg != textcheck.Message || !textcheck.Valid(field) {
						t.Fatalf("validation error %q: %q", field, msg)
					}
				}
			case errors.Is(err, apperr.ErrBadRequest):
			default:
				t.Fatalf("unexpected error %T: %v", err, err)
			}
		}
	})
}

// badString finds a string (key or value) that textcheck refuses.
func badString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, !textcheck.Valid(x)
	case []any:
		for _, e := range x {
			if s, bad := badString(e); bad {
				return s, true
			}
		}
	case map[string]any:
		for k, e := range x {
			if !textcheck.Valid(k) {
				return k, true
			}
			if s, bad := badString(e); bad {
				return s, true
			}
		}
	}
	return "", false
}
