package server

import (
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/store"
)

// errorKind is one row of the single error table of SPEC §4.
type errorKind struct {
	status  int
	code    string
	message string
}

// errorRow is one row of the table: the domain error, its HTTP answer, and the message
// key a page shows for it beside the form ("" when a page has no answer of its own and
// the error page says it).
type errorRow struct {
	err   error
	kind  errorKind
	flash string
}

// errorTable maps domain errors to HTTP answers and page messages. It is the only place
// that does: the API reads it through classify, the pages through formOutcome.
var errorTable = []errorRow{
	{apperr.ErrBadRequest, errorKind{http.StatusBadRequest, "bad_request", "The request is malformed."}, ""},
	{apperr.ErrIdempotencyKeyReused, errorKind{http.StatusUnprocessableEntity, "idempotency_key_reused", "This Idempotency-Key was already used with a different request; send a new key."}, ""},
	{apperr.ErrUnauthenticated, errorKind{http.StatusUnauthorized, "unauthenticated", "Sign-in required."}, ""},
	{apperr.ErrInvalidCredentials, errorKind{http.StatusUnauthorized, "invalid_credentials", "Wrong username or password."}, "login.error.invalid"},
	{apperr.ErrForbidden, errorKind{http.StatusForbidden, "forbidden", "Your role does not allow this action."}, ""},
	{apperr.ErrNotFound, errorKind{http.StatusNotFound, "not_found", "Not found."}, ""},
	{apperr.ErrInvalidTransition, errorKind{http.StatusConflict, "invalid_transition", "This action is not valid in the current status."}, "flash.invalid_transition"},
	// Before ErrConflict, which it wraps: the page says which decision holds the number.
	{recognition.ErrDecisionTaken, errorKind{http.StatusConflict, "conflict", "This decision number is already used in the province with another date or signer."}, "decisions.flash.taken"},
	{apperr.ErrConflict, errorKind{http.StatusConflict, "conflict", "This conflicts with existing data."}, "flash.conflict"},
	// The public notice (SPEC §13): approval waits for it to end and for every objection's
	// answer; an objection after it is refused.
	{apperr.ErrNoticeOpen, errorKind{http.StatusConflict, "notice_open", "The public notice is still open; approve after it ends."}, "notices.flash.notice_open"},
	{apperr.ErrObjectionsUnresolved, errorKind{http.StatusConflict, "objections_unresolved", "Some objections are not answered yet; answer them before approving."}, "notices.flash.objections_unresolved"},
	{apperr.ErrNoticeClosed, errorKind{http.StatusConflict, "notice_closed", "The public notice has closed; objections are no longer taken."}, "notices.flash.closed"},
	{apperr.ErrVersionMismatch, errorKind{http.StatusPreconditionFailed, "version_mismatch", "The object was changed by someone else; reload it."}, "flash.stale"},
	{apperr.ErrTooLarge, errorKind{http.StatusRequestEntityTooLarge, "too_large", "The upload or request body is too large."}, "flash.upload_size"},
	{apperr.ErrUnsupportedMedia, errorKind{http.StatusUnsupportedMediaType, "unsupported_media_type", "This file type is not allowed."}, "flash.upload_type"},
	{apperr.ErrPreconditionRequired, errorKind{http.StatusPreconditionRequired, "precondition_required", "Send If-Match with the current version."}, ""},
	{apperr.ErrRateLimited, errorKind{http.StatusTooManyRequests, "rate_limited", "Too many attempts; try again later."}, "login.error.rate_limited"},
	{apperr.ErrUnavailable, errorKind{http.StatusServiceUnavailable, "unavailable", "The service is temporarily unavailable; try again shortly."}, ""},
}

var (
	kindValidation = errorKind{http.StatusUnprocessableEntity, "validation_failed", "Some fields are invalid."}
	kindInternal   = errorKind{http.StatusInternalServerError, "internal", "Something went wrong on our side."}
	// Statuses echo produces on its own (routing, body limit) mapped onto the same codes.
	echoStatusKinds = map[int]errorKind{
		http.StatusNotFound:              {http.StatusNotFound, "not_found", "Not found."},
		http.StatusMethodNotAllowed:      {http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed."},
		http.StatusRequestEntityTooLarge: {http.StatusRequestEntityTooLarge, "too_large", "The upload or request body is too large."},
		http.StatusBadRequest:            {http.StatusBadRequest, "bad_request", "The request is malformed."},
		http.StatusUnsupportedMediaType:  {http.StatusUnsupportedMediaType, "unsupported_media_type", "Unsupported content type."},
		http.StatusUnauthorized:          {http.StatusUnauthorized, "unauthenticated", "Sign-in required."},
		http.StatusForbidden:             {http.StatusForbidden, "forbidden", "Forbidden."},
		http.StatusServiceUnavailable:    {http.StatusServiceUnavailable, "unavailable", "Service unavailable."},
	}
)

// unavailableRetryAfter is the Retry-After (seconds) of a 503: about the time a
// PostgreSQL restart or failover takes.
const unavailableRetryAfter = 5

// ErrorBody is the JSON shape of every error (SPEC §4).
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries the code, a human message and optional per-field details.
type ErrorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// classify finds the table row for err. Unknown errors are internal.
func classify(err error) (errorKind, map[string]any) {
	if store.IsUnavailable(err) {
		// The database is away: the request was fine and may be retried as it is.
		err = apperr.ErrUnavailable
	}
	var item *apperr.ItemError
	if errors.As(err, &item) {
		return classifyItem(item)
	}
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		details := make(map[string]any, len(ve.Fields))
		for k, v := range ve.Fields {
			details[k] = v
		}
		return kindValidation, details
	}
	if row, ok := tableRow(err); ok {
		return row.kind, nil
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if k, ok := echoStatusKinds[he.Code]; ok {
			return k, nil
		}
	}
	return kindInternal, nil
}

// classifyItem answers the error of one item of a list acted on all or nothing with the
// item's own status and code, and details naming the item: {"items[2]": message}, or each
// field of the item's validation error under it ({"items[2].type": …}).
func classifyItem(item *apperr.ItemError) (errorKind, map[string]any) {
	kind, inner := classify(item.Err)
	if kind.status >= http.StatusInternalServerError {
		return kind, nil
	}
	details := map[string]any{}
	for k, v := range inner {
		details[item.Field+"."+k] = v
	}
	if len(details) == 0 {
		message := kind.message
		var cm interface{ ClientMessage() string }
		if errors.As(item.Err, &cm) {
			message = cm.ClientMessage()
		}
		details[item.Field] = message
	}
	return kind, details
}

// tableRow finds the row of a domain error in errorTable.
func tableRow(err error) (errorRow, bool) {
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return row, true
		}
	}
	return errorRow{}, false
}

// outcome is what a page handler does with an error of the domain: the same error the
// API answers with a status and code, told the way a form tells it.
type outcome struct {
	Status int               // the status the API gives the error, for a re-rendered page
	Fields map[string]string // messages by field, to show beside the fields (validation only)
	Flash  string            // message key of a known error, shown as a flash or atop the form
	Reload bool              // the record changed meanwhile: show the page again, freshly read
	// Item names the item of a list acted on all or nothing whose error this is
	// ("items[2]"); Fields then holds the item's fields under it, or the item alone.
	Item string
}

// formOutcome tells a page handler how to answer err: field errors, a message, or
// neither, when the error is not the form's to answer and the error handler answers it
// (an error page with the same status the API gives).
func formOutcome(err error) outcome {
	if err == nil {
		return outcome{}
	}
	kind, _ := classify(err)
	o := outcome{Status: kind.status}
	// A full nomination is a validation error (too many files) or too large (too many
	// bytes) for the API; the page says which limit was reached.
	var limit *nomination.LimitError
	if errors.As(err, &limit) {
		o.Flash = "flash.upload_total"
		if limit.TooMany {
			o.Flash = "flash.upload_count"
		}
		return o
	}
	var item *apperr.ItemError
	if errors.As(err, &item) {
		inner := formOutcome(item.Err)
		o.Item, o.Flash, o.Fields = item.Field, inner.Flash, map[string]string{}
		for k, v := range inner.Fields {
			o.Fields[item.Field+"."+k] = v
		}
		if len(o.Fields) == 0 {
			o.Fields[item.Field] = kind.message
		}
		return o
	}
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		o.Fields = maps.Clone(ve.Fields)
		return o
	}
	if row, ok := tableRow(err); ok {
		o.Flash = row.flash
		o.Reload = row.err == apperr.ErrVersionMismatch
	}
	return o
}

// handleError is echo's HTTPErrorHandler: one answer per error, logged once.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	kind, details := classify(err)
	ctx := c.Request().Context()
	switch {
	case kind.status == http.StatusServiceUnavailable:
		// Expected while the database is away; the readiness probe already reports it.
		s.log.WarnContext(ctx, "database unavailable", "err", err.Error(), "method", c.Request().Method, "route", c.Path())
	case kind.status >= 500:
		s.log.ErrorContext(ctx, "request failed", "err", err.Error(), "method", c.Request().Method, "route", c.Path())
	}
	var rl *apperr.RateLimited
	if errors.As(err, &rl) && rl.RetryAfterSeconds > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(rl.RetryAfterSeconds))
	}
	if kind.status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", strconv.Itoa(unavailableRetryAfter))
	}
	if wantsHTML(c) {
		if rerr := s.renderError(c, kind); rerr == nil {
			return
		}
	}
	message := kind.message
	var cm interface{ ClientMessage() string }
	if errors.As(err, &cm) {
		message = cm.ClientMessage()
	}
	if item := (*apperr.ItemError)(nil); errors.As(err, &item) && kind.status < http.StatusInternalServerError {
		message = item.Field + ": " + message
	}
	body := ErrorBody{Error: ErrorDetail{Code: kind.code, Message: message, Details: details}}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(kind.status)
		return
	}
	if werr := c.JSON(kind.status, body); werr != nil {
		s.log.WarnContext(ctx, "writing error response", slog.String("err", werr.Error()))
	}
}

// renderError answers a browser with an error page in the user's language. Signed-out
// visitors of a protected page were already redirected to sign in.
func (s *Server) renderError(c echo.Context, kind errorKind) error {
	key := "error." + kind.code
	if !s.pages.catalog.Has(lang(c), key) {
		key = "error.internal"
	}
	return s.render(c, kind.status, "error", s.page(c, "", "error.title", map[string]any{"Status": kind.status, "Key": key}))
}
