package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
)

// bindJSON decodes a JSON body strictly: unknown fields, wrong types, trailing data and
// oversize bodies are client errors that name the problem but never echo internals.
func bindJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: unexpected data after the JSON value", apperr.ErrBadRequest)
	}
	return nil
}

func jsonError(err error) error {
	var maxErr *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &maxErr):
		return apperr.ErrTooLarge
	case errors.As(err, &typeErr):
		return badRequest(fmt.Sprintf("field %q must be %s", typeErr.Field, typeErr.Type.String()), typeErr.Field)
	case errors.As(err, &syntaxErr):
		return badRequest("malformed JSON at byte "+strconv.FormatInt(syntaxErr.Offset, 10), "")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body must be a JSON object", "")
	}
	if msg := err.Error(); len(msg) > 20 && msg[:20] == "json: unknown field " {
		return badRequest("unknown field "+msg[20:], "")
	}
	return badRequest("malformed JSON", "")
}

// BadRequestError is a 400 with a message for the client.
type BadRequestError struct {
	Message string
	Field   string
}

func (e *BadRequestError) Error() string { return e.Message }
func (e *BadRequestError) Unwrap() error { return apperr.ErrBadRequest }

// ClientMessage is safe to show: it names the field, never server internals.
func (e *BadRequestError) ClientMessage() string { return e.Message }

func badRequest(msg, field string) error { return &BadRequestError{Message: msg, Field: field} }

// pathID parses a numeric id from the path; anything else cannot name an object.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}
