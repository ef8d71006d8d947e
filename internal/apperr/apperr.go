// Package apperr holds the error values every domain package returns. The HTTP layer maps
// them to status codes in one table (server/errors.go); domain code never sees HTTP.
package apperr

import (
	"errors"
	"sort"
	"strings"
)

var (
	ErrNotFound             = errors.New("not found")
	ErrForbidden            = errors.New("forbidden")
	ErrUnauthenticated      = errors.New("unauthenticated")
	ErrInvalidCredentials   = errors.New("invalid credentials")
	ErrInvalidTransition    = errors.New("action not valid from the current status")
	ErrConflict             = errors.New("conflict")
	ErrVersionMismatch      = errors.New("version mismatch")
	ErrPreconditionRequired = errors.New("If-Match header required")
	ErrTooLarge             = errors.New("too large")
	ErrUnsupportedMedia     = errors.New("unsupported media type")
	ErrRateLimited          = errors.New("rate limited")
	ErrBadRequest           = errors.New("bad request")
	// ErrIdempotencyKeyReused: an Idempotency-Key sent again with a different request.
	ErrIdempotencyKeyReused = errors.New("idempotency key reused with a different request")
	// ErrUnavailable: the database (or another dependency) cannot be reached right now;
	// the request may be retried. store.IsUnavailable recognises the driver errors.
	ErrUnavailable = errors.New("service unavailable")
	// The public notice of SPEC §13: approve waits while the nomination's notice runs
	// (ErrNoticeOpen) and while an objection is unanswered (ErrObjectionsUnresolved); an
	// objection comes too late once the notice has closed (ErrNoticeClosed). All 409.
	ErrNoticeOpen           = errors.New("the public notice is still open")
	ErrObjectionsUnresolved = errors.New("objections are not yet answered")
	ErrNoticeClosed         = errors.New("the public notice has closed")
)

// ValidationError lists problems per field; it maps to 422 validation_failed.
type ValidationError struct {
	Fields map[string]string
}

// NewValidation starts an empty ValidationError; use Add and then Err.
func NewValidation() *ValidationError { return &ValidationError{Fields: map[string]string{}} }

// Add records a problem with one field (the first problem per field wins).
func (v *ValidationError) Add(field, msg string) {
	if _, ok := v.Fields[field]; !ok {
		v.Fields[field] = msg
	}
}

// Err returns nil when nothing was added, so callers can `return v.Err()`.
func (v *ValidationError) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}

func (v *ValidationError) Error() string {
	keys := make([]string, 0, len(v.Fields))
	for k := range v.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+v.Fields[k])
	}
	return "validation failed: " + strings.Join(parts, "; ")
}

// Invalid is a shortcut for a ValidationError with a single field.
func Invalid(field, msg string) error {
	v := NewValidation()
	v.Add(field, msg)
	return v
}

// RateLimited carries how long the client should wait.
type RateLimited struct{ RetryAfterSeconds int }

func (r *RateLimited) Error() string { return "rate limited" }
func (r *RateLimited) Unwrap() error { return ErrRateLimited }

// ItemError is the error of one item of a request that acts on a list all or nothing (a
// decision's items): the whole request is refused, and the answer names the item (Field,
// "items[2]") with the status and code the item's own error has.
type ItemError struct {
	Field string
	Err   error
}

func (e *ItemError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *ItemError) Unwrap() error { return e.Err }
