package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
)

// The OpenAPI 3.1 document of the API is generated at start-up from apiRoutes and the Go
// types its lines name (their json tags, by reflection), so it cannot drift from the code:
// a route added to the table is in the document, and a test validates every response the
// API tests receive against it. The error codes come from the error table (errors.go).

// apiDoc is what the document says of one API route beyond its method, path and access.
// Path parameters come from the path itself.
type apiDoc struct {
	Summary string
	Query   []param
	Headers []param // request headers besides If-Match
	IfMatch bool    // a state change that needs If-Match (428, 412)
	In      any     // the request body: a JSON type's zero value, or a multipartBody
	Out     any     // the JSON response type's zero value
	Status  int     // the success status, 200 when 0
	Media   []string
	// Errors are the statuses the domain answers beyond those the route's shape implies
	// (access, path parameters, body, If-Match: see statuses).
	Errors []int
}

// param is a query parameter or request header.
type param struct {
	Name, Desc, Type string
	header           bool
}

func qs(name, desc string) param { return param{Name: name, Desc: desc, Type: "string"} }
func qi(name, desc string) param { return param{Name: name, Desc: desc, Type: "integer"} }
func hs(name, desc string) param { return param{Name: name, Desc: desc, Type: "string", header: true} }

func codes(statuses ...int) []int { return statuses }

// itemsOf is the {"items":[…]} shape of the list endpoints.
type itemsOf[T any] struct {
	Items []T `json:"items"`
}

// anyJSON is a JSON object the document does not detail (the document itself).
type anyJSON map[string]any

// multipartBody marks a request type sent as multipart/form-data: its []byte fields are
// files.
type multipartBody interface{ multipart() }

// attachmentForm is the multipart body of an evidence upload (receiveAttachment reads it
// part by part; kind may come before or after the file).
type attachmentForm struct {
	File []byte `json:"file"`
	Kind string `json:"kind,omitempty"` // photo, minutes, survey or other (the default)
}

func (attachmentForm) multipart() {}

// success is the route's success status.
func (d apiDoc) success() int {
	if d.Status == 0 {
		return http.StatusOK
	}
	return d.Status
}

var pathParam = regexp.MustCompile(`:(\w+)`)

// pathParams lists the :names of an echo path.
func pathParams(p string) []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
		out = append(out, m[1])
	}
	return out
}

// statuses are every status the route can answer: its success, then what its shape
// implies, then its own errors. Every route may meet a bad bearer token (401), a bug
// (500) or an absent database (503).
func (r route) statuses() []int {
	set := map[int]bool{r.Doc.success(): true, 401: true, 500: true, 503: true}
	if r.Access.Deny != 0 || (r.Access.SignIn && !isSafeMethod(r.Method)) {
		set[403] = true // the role, or a cookie request without its CSRF token
	}
	if len(pathParams(r.Path)) > 0 {
		set[404] = true
	}
	if r.Doc.In != nil {
		set[400], set[413], set[422] = true, true, true
	}
	if len(r.Doc.Query) > 0 {
		set[422] = true
	}
	if r.Doc.IfMatch {
		set[412], set[428] = true, true
	}
	for _, s := range r.Doc.Errors {
		set[s] = true
	}
	out := make([]int, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// errorCodes lists, per status, the error codes of SPEC §4 the error table answers with.
func errorCodes() map[int][]string {
	out := map[int][]string{}
	add := func(k errorKind) {
		if !slices.Contains(out[k.status], k.code) {
			out[k.status] = append(out[k.status], k.code)
		}
	}
	for _, row := range errorTable {
		add(row.kind)
	}
	add(kindValidation)
	add(kindInternal)
	for _, k := range echoStatusKinds {
		add(k)
	}
	for s := range out {
		slices.Sort(out[s])
	}
	return out
}

// openAPIDocument builds the document from the API route table.
func openAPIDocument(routes []route, version string) map[string]any {
	g := &schemaGen{defs: map[string]any{}, names: map[schemaKey]string{}, taken: map[string]reflect.Type{}}
	g.defs["ErrorBody"] = g.object(reflect.TypeFor[ErrorBody](), false)
	errCodes := errorCodes()
	paths := map[string]any{}
	for _, r := range routes {
		p := pathParam.ReplaceAllString(r.Path, "{$1}")
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(r.Method)] = g.operation(r, errCodes)
	}
	for s, list := range errCodes {
		g.defs[fmt.Sprintf("Error%d", s)] = map[string]any{
			"allOf":      []any{ref("ErrorBody")},
			"properties": map[string]any{"error": map[string]any{"properties": map[string]any{"code": map[string]any{"enum": list}}}},
		}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "ntmflow API",
			"version": version,
			"description": "The recognition workflow of the new-style rural areas movement (Nông thôn mới). " +
				"Generated from the server's route table: every route names the access it needs " +
				"(x-access: public, signed-in, or object:action some role of the caller must hold); " +
				"scope (404) and the role at the object (403) are decided per object. " +
				"Every error body is {\"error\":{\"code\",\"message\",\"details\"}}.",
		},
		"servers": []any{map[string]any{"url": apiPrefix}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "the token of POST /auth/login"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "the browser's session; unsafe methods need X-CSRF-Token"},
			},
		},
	}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// operation describes one route.
func (g *schemaGen) operation(r route, errCodes map[int][]string) map[string]any {
	d := r.Doc
	op := map[string]any{
		"operationId": handlerName(r.Handler),
		"summary":     d.Summary,
		"tags":        []string{tagOf(r.Path)},
		"x-access":    r.Access.String(),
	}
	if r.Access.SignIn {
		op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
	} else {
		op["security"] = []any{}
	}
	var params []any
	for _, name := range pathParams(r.Path) {
		typ := "integer"
		if name == "code" || name == "date" { // a unit code; a day YYYY-MM-DD
			typ = "string"
		}
		params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": typ}})
	}
	for _, q := range d.Query {
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Desc, "schema": map[string]any{"type": q.Type}})
	}
	if d.IfMatch {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true,
			"description": "the version the change is based on, e.g. \"3\"", "schema": map[string]any{"type": "string"}})
	}
	for _, h := range d.Headers {
		params = append(params, map[string]any{"name": h.Name, "in": "header", "description": h.Desc, "schema": map[string]any{"type": h.Type}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if d.In != nil {
		t := reflect.TypeOf(d.In)
		media := "application/json"
		if _, ok := d.In.(multipartBody); ok {
			media = "multipart/form-data"
		}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{media: map[string]any{"schema": g.of(t, true)}}}
	}
	responses := map[string]any{}
	for _, s := range r.statuses() {
		key := fmt.Sprint(s)
		if s != d.success() {
			responses[key] = map[string]any{
				"description": http.StatusText(s) + ": " + strings.Join(errCodes[s], ", "),
				"content":     map[string]any{"application/json": map[string]any{"schema": ref(fmt.Sprintf("Error%d", s))}},
			}
			continue
		}
		resp := map[string]any{"description": http.StatusText(s)}
		content := map[string]any{}
		if d.Out != nil {
			content["application/json"] = map[string]any{"schema": g.of(reflect.TypeOf(d.Out), false)}
		}
		for _, m := range d.Media {
			content[m] = map[string]any{} // bytes; the type is what the document can say
		}
		if len(content) > 0 {
			resp["content"] = content
		}
		if s == http.StatusCreated {
			resp["headers"] = map[string]any{"Location": map[string]any{"required": true, "description": "the URL of the new object",
				"schema": map[string]any{"type": "string"}}}
		}
		responses[key] = resp
	}
	op["responses"] = responses
	return op
}

// handlerName is the Go name of a handler method, as the operationId.
func handlerName(h echo.HandlerFunc) string {
	name := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	name = strings.TrimSuffix(name[strings.LastIndex(name, ".")+1:], "-fm")
	return name
}

// tagOf groups operations by the first path segment (units, nominations, …).
func tagOf(p string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	seg, _, _ = strings.Cut(seg, ".")
	return seg
}

// schemaGen turns Go types into JSON Schema (2020-12, as OpenAPI 3.1 has it) the way
// encoding/json writes and reads them. Named structs become components; request types
// get their own ("…Input" unless named …Request): a request may leave fields out (the
// domain answers 422), a response always has every field that is not omitempty.
type schemaGen struct {
	defs  map[string]any
	names map[schemaKey]string
	taken map[string]reflect.Type
}

type schemaKey struct {
	t  reflect.Type
	in bool
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

func (g *schemaGen) of(t reflect.Type, in bool) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{} // any JSON value, as sent
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem(), in))
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		// A nil slice is written as null.
		return map[string]any{"type": []any{"array", "null"}, "items": g.of(t.Elem(), in)}
	case reflect.Array:
		return map[string]any{"type": "array", "items": g.of(t.Elem(), in)}
	case reflect.Map:
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": g.of(t.Elem(), in)}
	case reflect.Struct:
		name := g.name(t, in)
		if name == "" {
			return g.object(t, in)
		}
		if _, ok := g.names[schemaKey{t, in}]; !ok {
			g.names[schemaKey{t, in}] = name
			g.defs[name] = map[string]any{} // placeholder: a type may refer to itself
			g.defs[name] = g.object(t, in)
		}
		return ref(name)
	}
	panic(fmt.Sprintf("openapi: no JSON schema for %s", t))
}

// name is the component name of a named struct ("" for anonymous and generic ones,
// which are inlined): its package and type name, e.g. NominationView.
func (g *schemaGen) name(t reflect.Type, in bool) string {
	name := t.Name()
	if name == "" || strings.Contains(name, "[") {
		return ""
	}
	if done, ok := g.names[schemaKey{t, in}]; ok {
		return done
	}
	name = upperFirst(strings.TrimSuffix(name, "JSON"))
	if pkg := path.Base(t.PkgPath()); pkg != "server" {
		name = upperFirst(pkg) + name
	}
	if in && !strings.HasSuffix(name, "Request") && !strings.HasSuffix(name, "Form") {
		name += "Input"
	}
	for base, n := name, 2; g.taken[name] != nil && g.taken[name] != t; n++ {
		name = fmt.Sprintf("%s%d", base, n)
	}
	g.taken[name] = t
	return name
}

func upperFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// object is a struct's schema: its json fields, embedded structs flattened, no others
// (requests are decoded with DisallowUnknownFields).
func (g *schemaGen) object(t reflect.Type, in bool) map[string]any {
	props := map[string]any{}
	var required []string
	g.fields(t, in, props, &required)
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func (g *schemaGen) fields(t reflect.Type, in bool, props map[string]any, required *[]string) {
	_, multipart := reflect.Zero(t).Interface().(multipartBody)
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				g.fields(et, in, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := props[name]; dup {
			continue // the shallower field wins, as in encoding/json
		}
		switch {
		case multipart && f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Uint8:
			props[name] = map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}
		default:
			props[name] = g.of(f.Type, in)
		}
		omit := slices.Contains(strings.Split(opts, ","), "omitempty")
		if !omit && (!in || multipart && name == "file") {
			*required = append(*required, name)
		}
	}
}

// nullable lets a schema also match null (a nil pointer).
func nullable(s map[string]any) map[string]any {
	if _, isRef := s["$ref"]; isRef {
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
	}
	switch typ := s["type"].(type) {
	case string:
		s["type"] = []any{typ, "null"}
	case []any:
		if !slices.Contains(typ, any("null")) {
			s["type"] = append(typ, "null")
		}
	}
	return s
}

// openAPI serves the document, built once at start-up.
func (s *Server) openAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSONBlob(http.StatusOK, s.apiDocument.json)
}

// apiDocument is the generated document, as served and as the reference page shows it.
type apiDocument struct {
	json   []byte
	doc    map[string]any
	routes []route
}

func newAPIDocument(routes []route, version string) apiDocument {
	doc := openAPIDocument(routes, version)
	raw, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("openapi: %v", err)) // maps of strings and numbers always encode
	}
	return apiDocument{json: raw, doc: doc, routes: routes}
}
