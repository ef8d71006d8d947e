package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/store"
)

// errorKind is one row of the single error table of SPEC §4.
type errorKind struct {
	status  int
	code    string
	message string
}

// errorTable maps domain errors to HTTP answers. It is the only place that does.
var errorTable = []struct {
	err  error
	kind errorKind
}{
	{apperr.ErrBadRequest, errorKind{http.StatusBadRequest, "bad_request", "The request is malformed."}},
	{apperr.ErrIdempotencyKeyReused, errorKind{http.StatusUnprocessableEntity, "idempotency_key_reused", "This Idempotency-Key was already used with a different request; send a new key."}},
	{apperr.ErrUnauthenticated, errorKind{http.StatusUnauthorized, "unauthenticated", "Sign-in required."}},
	{apperr.ErrInvalidCredentials, errorKind{http.StatusUnauthorized, "invalid_credentials", "Wrong username or password."}},
	{apperr.ErrForbidden, errorKind{http.StatusForbidden, "forbidden", "Your role does not allow this action."}},
	{apperr.ErrNotFound, errorKind{http.StatusNotFound, "not_found", "Not found."}},
	{apperr.ErrInvalidTransition, errorKind{http.StatusConflict, "invalid_transition", "This action is not valid in the current status."}},
	{apperr.ErrConflict, errorKind{http.StatusConflict, "conflict", "This conflicts with existing data."}},
	{apperr.ErrVersionMismatch, errorKind{http.StatusPreconditionFailed, "version_mismatch", "The object was changed by someone else; reload it."}},
	{apperr.ErrTooLarge, errorKind{http.StatusRequestEntityTooLarge, "too_large", "The upload or request body is too large."}},
	{apperr.ErrUnsupportedMedia, errorKind{http.StatusUnsupportedMediaType, "unsupported_media_type", "This file type is not allowed."}},
	{apperr.ErrPreconditionRequired, errorKind{http.StatusPreconditionRequired, "precondition_required", "Send If-Match with the current version."}},
	{apperr.ErrRateLimited, errorKind{http.StatusTooManyRequests, "rate_limited", "Too many attempts; try again later."}},
	{apperr.ErrUnavailable, errorKind{http.StatusServiceUnavailable, "unavailable", "The service is temporarily unavailable; try again shortly."}},
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
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		details := make(map[string]any, len(ve.Fields))
		for k, v := range ve.Fields {
			details[k] = v
		}
		return kindValidation, details
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return row.kind, nil
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if k, ok := echoStatusKinds[he.Code]; ok {
			return k, nil
		}
	}
	return kindInternal, nil
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
