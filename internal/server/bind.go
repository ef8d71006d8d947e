package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/textcheck"
)

// bindJSON decodes a JSON body strictly: unknown fields, wrong types, trailing data and
// oversize bodies are client errors that name the problem but never echo internals. Every
// string in the body, raw sub-documents included, must then pass textcheck (422 naming
// the field).
func bindJSON(c echo.Context, v any) error {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return jsonError(err)
	}
	return decodeJSON(raw, v)
}

// decodeJSON is bindJSON without the request, for the fuzz test.
func decodeJSON(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: unexpected data after the JSON value", apperr.ErrBadRequest)
	}
	return checkJSONText(raw)
}

func jsonError(err error) error {
	var maxErr *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &maxErr):
		return apperr.ErrTooLarge
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return badRequest("the request body must be a JSON object", "")
		}
		return badRequest(fmt.Sprintf("field %q must be %s", typeErr.Field, jsonKind(typeErr.Type)), typeErr.Field)
	case errors.As(err, &syntaxErr):
		return badRequest("malformed JSON at byte "+strconv.FormatInt(syntaxErr.Offset, 10), "")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body must be a JSON object", "")
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return badRequest("unknown field "+strings.TrimPrefix(msg, "json: unknown field "), "")
	}
	return badRequest("malformed JSON", "")
}

// jsonKind describes the JSON a Go type accepts, in the client's terms: a message must
// never name our Go types or packages.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		switch inner := jsonKind(t.Elem()); inner {
		case "a value":
			return "an array"
		case "an array":
			return "an array of arrays"
		default:
			return "an array of " + strings.TrimPrefix(strings.TrimPrefix(inner, "an "), "a ") + "s"
		}
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a value"
}

// checkJSONText walks the body's tokens and rejects the first string (key or value) that
// textcheck refuses, naming it as the domain names fields ("subject.owner_name",
// "assessment[2].note"). Invalid UTF-8 is found in the raw bytes, since the decoder
// silently replaces it.
func checkJSONText(raw []byte) error {
	badByte := -1
	if !utf8.Valid(raw) {
		badByte = textcheck.Invalid(string(raw))
	}
	type frame struct {
		path   string
		object bool
		key    string
		index  int
		isKey  bool // the next string in this object is a key
	}
	var stack []*frame
	// here is the path of the value about to be read.
	here := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.object {
			if f.path == "" {
				return f.key
			}
			return f.path + "." + f.key
		}
		return f.path + "[" + strconv.Itoa(f.index) + "]"
	}
	// done moves past a finished value.
	done := func() {
		if len(stack) == 0 {
			return
		}
		if f := stack[len(stack)-1]; f.object {
			f.isKey = true
		} else {
			f.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF; the body was already decoded once
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{path: here(), object: t == '{', isKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				done()
			}
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].isKey
			if isKey {
				top := stack[len(stack)-1]
				top.key, top.isKey = t, false
			}
			end := dec.InputOffset()
			if textcheck.Invalid(t) >= 0 || (badByte >= int(start) && badByte < int(end)) {
				return apperr.Invalid(printableField(here()), textcheck.Message)
			}
			if !isKey {
				done()
			}
		default:
			done()
		}
	}
}

// printableField keeps a field name fit for the details of an error: a key that itself
// holds control characters is named by its printable part.
func printableField(field string) string {
	if field == "" {
		return "body"
	}
	if textcheck.Valid(field) {
		return field
	}
	return strings.Map(func(r rune) rune {
		if textcheck.Valid(string(r)) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(field, ""))
}

// checkRequestText rejects control characters and invalid UTF-8 in the path, the query
// string and url-encoded form bodies of every request, before any handler reads them: page
// handlers read forms with c.FormValue in many places, so this is their one check. JSON
// bodies are checked by bindJSON; multipart uploads carry a file, whose name
// nomination.SafeFilename cleans.
func checkRequestText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !textcheck.Valid(req.URL.Path) {
			return apperr.ErrNotFound // no route or object has such a name
		}
		if err := checkValues(req.URL.Query()); err != nil {
			return err
		}
		if req.Method == http.MethodGet || req.Method == http.MethodHead || req.Body == nil {
			return next(c)
		}
		// The API reads every body as JSON whatever its Content-Type (curl -d sends the form
		// type) and bindJSON checks its text; parsing it here as a form would consume it.
		ct, _, _ := strings.Cut(req.Header.Get(echo.HeaderContentType), ";")
		if !strings.EqualFold(strings.TrimSpace(ct), echo.MIMEApplicationForm) || strings.HasPrefix(req.URL.Path, "/api/") {
			return next(c)
		}
		// The route's own limit applies later; a form is never bigger than the small one.
		req.Body = http.MaxBytesReader(c.Response(), req.Body, formLimit)
		if err := req.ParseForm(); err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				return apperr.ErrTooLarge
			}
			return badRequest("malformed form body", "")
		}
		if err := checkValues(req.PostForm); err != nil {
			return err
		}
		return next(c)
	}
}

// formLimit is the largest url-encoded form any page accepts (routes.go's small limit).
const formLimit = 1 << 20

func checkValues(values url.Values) error {
	val := apperr.NewValidation()
	for name, list := range values {
		for _, v := range list {
			if !textcheck.Valid(name) || !textcheck.Valid(v) {
				val.Add(printableField(name), textcheck.Message)
			}
		}
	}
	return val.Err()
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
