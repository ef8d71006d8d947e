package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
)

// route is one line of a route table (routes.go).
type route struct {
	Method  string
	Path    string // relative to the table's prefix (apiPrefix for the API)
	Handler echo.HandlerFunc
	Access  access
	// Limit is the request body limit; 0 means smallBody. Page GETs read no body and
	// get none.
	Limit int64
	// Extra middleware, after the access check.
	Extra []echo.MiddlewareFunc
	// Doc describes an API route for the OpenAPI document; pages leave it empty.
	Doc apiDoc
}

// access is the permission a route needs, checked against the policy before the handler
// runs. It is coarse: which object, whether it is in the caller's scope (404) and whether
// the caller's role may act on it there (403) stay with the domain services.
type access struct {
	Declared bool   // false only on a line that forgot its access: register refuses it
	SignIn   bool   // a signed-in caller (401, or the sign-in page for a page)
	Obj      string // the policy object and action the route is governed by
	Act      string
	// Deny is what a caller none of whose roles the policy allows the check on Obj
	// anywhere gets before the handler runs: 403 (can), 404 (sees: nothing of Obj is in
	// their scope, so the one object named in the path is not either), or 0 (scoped: the
	// answer is what the scope allows, possibly nothing).
	Deny int
}

var (
	// public routes answer anyone, without a session.
	public = access{Declared: true}
	// signedIn routes answer any signed-in caller about their own account or session.
	signedIn = access{Declared: true, SignIn: true}
)

// can needs some role of the caller allowed act on obj somewhere, else 403. For routes
// whose domain answer to such a caller is 403 anyway, whatever the object.
func can(obj, act string) access {
	return access{Declared: true, SignIn: true, Obj: obj, Act: act, Deny: http.StatusForbidden}
}

// sees is for a route that names one object in its path and does act on it: a caller
// who may read no obj anywhere has none in scope, so gets 404 (as the domain answers
// out-of-scope objects) before the body is even read. Whether act is allowed on this
// object is decided per object by the domain.
func sees(obj, act string) access {
	return access{Declared: true, SignIn: true, Obj: obj, Act: act, Deny: http.StatusNotFound}
}

// scoped answers within the caller's scope for act on obj, which may be empty (a list
// with no items; a create whose Idempotency-Key replay is a read, 404 out of scope):
// signed in, no coarse denial.
func scoped(obj, act string) access { return access{Declared: true, SignIn: true, Obj: obj, Act: act} }

// checkAct is the action the coarse check asks the policy about.
func (a access) checkAct() string {
	if a.Deny == http.StatusNotFound {
		return authz.ActRead
	}
	return a.Act
}

// String names the access as the API reference shows it.
func (a access) String() string {
	switch {
	case a.Obj != "" && a.Deny == http.StatusForbidden:
		return a.Obj + ":" + a.Act
	case a.Obj != "" && a.Deny == http.StatusNotFound:
		return a.Obj + ":" + a.Act + " (per object; 404 unless some role reads " + a.Obj + ")"
	case a.Obj != "":
		return "signed-in, within " + a.Obj + ":" + a.Act + " scope"
	case a.SignIn:
		return "signed-in"
	}
	return "public"
}

// register adds one route under prefix: body limit, then the access check (signIn is
// requireAuth for the API, requirePage for pages), then the route's own middleware.
func (s *Server) register(r route, prefix string, signIn echo.MiddlewareFunc) {
	if !r.Access.Declared {
		// A route without an access would be public by accident: stop the boot.
		panic(fmt.Sprintf("routes.go: %s %s%s declares no access (public, signedIn, can, sees or scoped)", r.Method, prefix, r.Path))
	}
	var mw []echo.MiddlewareFunc
	if prefix != "" || !isSafeMethod(r.Method) {
		limit := r.Limit
		if limit == 0 {
			limit = smallBody
		}
		mw = append(mw, limitBody(limit))
	}
	if r.Access.SignIn {
		mw = append(mw, signIn)
	}
	if r.Access.Deny != 0 {
		mw = append(mw, s.allowedSomewhere(r.Access))
	}
	mw = append(mw, r.Extra...)
	s.e.Add(r.Method, prefix+r.Path, r.Handler, mw...)
}

// allowedSomewhere refuses a caller none of whose grants the policy allows the route's
// check at any unit: such a caller could never succeed here, whatever the object. The
// memoised decisions make it a map lookup per grant.
func (s *Server) allowedSomewhere(a access) echo.MiddlewareFunc {
	deny, act := apperr.ErrForbidden, a.checkAct()
	if a.Deny == http.StatusNotFound {
		deny = apperr.ErrNotFound
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if s.authz.Scopes(principal(c), a.Obj, act).Empty() {
				return deny
			}
			return next(c)
		}
	}
}

// EchoRoutes lists what echo serves, for the tests that compare it with the route tables
// and the OpenAPI document.
func (s *Server) EchoRoutes() []*echo.Route { return s.e.Routes() }

// RouteAccess is one line of a route table as the tests see it.
type RouteAccess struct {
	Method, Path string
	Declared     bool
	Kind         string // as the API reference shows it
	Obj, Act     string // the policy object and action, for can, sees and scoped
	API          bool
}

// RouteTable lists both route tables with their access, for the tests.
func (s *Server) RouteTable() []RouteAccess {
	var out []RouteAccess
	add := func(prefix string, api bool, rs []route) {
		for _, r := range rs {
			out = append(out, RouteAccess{Method: r.Method, Path: prefix + r.Path, Declared: r.Access.Declared,
				Kind: r.Access.String(), Obj: r.Access.Obj, Act: r.Access.Act, API: api})
		}
	}
	add("", false, s.allPageRoutes())
	add(apiPrefix, true, s.apiRoutes())
	add(apiPrefix, true, s.movementAPIRoutes())
	add(apiPrefix, true, s.notifyAPIRoutes())
	return out
}
