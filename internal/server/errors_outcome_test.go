package server

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/web"
)

// TestFormOutcome: a page answers a domain error the way the error table says, with the
// status the API gives the same error.
func TestFormOutcome(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want outcome
	}{
		{"validation", apperr.Invalid("title", "is required"), outcome{Status: 422, Fields: map[string]string{"title": "is required"}}},
		{"wrapped validation", fmt.Errorf("saving: %w", apperr.Invalid("subject.area_m2", "must be positive")),
			outcome{Status: 422, Fields: map[string]string{"subject.area_m2": "must be positive"}}},
		{"stale", fmt.Errorf("update: %w", apperr.ErrVersionMismatch), outcome{Status: 412, Flash: "flash.stale", Reload: true}},
		{"invalid transition", apperr.ErrInvalidTransition, outcome{Status: 409, Flash: "flash.invalid_transition"}},
		{"conflict", apperr.ErrConflict, outcome{Status: 409, Flash: "flash.conflict"}},
		{"too large", apperr.ErrTooLarge, outcome{Status: 413, Flash: "flash.upload_size"}},
		{"file type", apperr.ErrUnsupportedMedia, outcome{Status: 415, Flash: "flash.upload_type"}},
		{"wrong password", apperr.ErrInvalidCredentials, outcome{Status: 401, Flash: "login.error.invalid"}},
		{"throttled", &apperr.RateLimited{RetryAfterSeconds: 60}, outcome{Status: 429, Flash: "login.error.rate_limited"}},
		// Not the form's to answer: the error page says it.
		{"forbidden", apperr.ErrForbidden, outcome{Status: 403}},
		{"not found", apperr.ErrNotFound, outcome{Status: 404}},
		{"unknown", errors.New("disk on fire"), outcome{Status: 500}},
		{"database away", fmt.Errorf("saving: %w", apperr.ErrUnavailable), outcome{Status: 503}},
		{"none", nil, outcome{}},
	}
	for _, c := range cases {
		if got := formOutcome(c.err); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: formOutcome = %+v, want %+v", c.name, got, c.want)
		}
	}
	// The page holds a copy: adding to its field errors leaves the domain's error alone.
	ve := apperr.Invalid("title", "is required")
	formOutcome(ve).Fields["extra"] = "x"
	if len(ve.(*apperr.ValidationError).Fields) != 1 {
		t.Error("formOutcome shares the error's field map")
	}
}

// TestLimitErrorOutcome: the upload page names the limit a full nomination reached,
// where the API answers 422 (files) or 413 (bytes).
func TestLimitErrorOutcome(t *testing.T) {
	if o := formOutcome(&nomination.LimitError{TooMany: true}); o.Flash != "flash.upload_count" || o.Fields != nil {
		t.Errorf("too many files: %+v", o)
	}
	if o := formOutcome(fmt.Errorf("upload: %w", &nomination.LimitError{})); o.Flash != "flash.upload_total" {
		t.Errorf("too many bytes: %+v", o)
	}
}

// TestErrorTableMessagesExist: every message key of the table is in both catalogues.
func TestErrorTableMessagesExist(t *testing.T) {
	cat, err := i18n.Load(web.Locales)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range errorTable {
		if row.flash == "" {
			continue
		}
		for _, l := range i18n.Languages {
			if !cat.Has(l, row.flash) {
				t.Errorf("%s: %q missing in %s", row.kind.code, row.flash, l)
			}
		}
	}
}
