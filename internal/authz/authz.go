// Package authz decides who may do what where. Casbin holds the reviewed rules
// (policies/model.conf, policies/policy.csv); the database holds who holds which role at
// which unit. A decision is "some grant of the principal allows (obj, act) and the
// object's unit lies in that grant's subtree".
package authz

import (
	"fmt"
	"sort"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/units"
	"github.com/ntmflow/ntmflow/policies"
)

// Role is one of the five roles of SPEC §3.
type Role string

const (
	CommuneOfficer   Role = "commune_officer"
	DistrictReviewer Role = "district_reviewer"
	ProvinceApprover Role = "province_approver"
	Observer         Role = "observer"
	Admin            Role = "admin"
)

// Roles lists every role, in the order the UI shows them.
var Roles = []Role{CommuneOfficer, DistrictReviewer, ProvinceApprover, Observer, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Object kinds and actions used in the policy.
const (
	ObjNomination  = "nomination"
	ObjRecognition = "recognition"
	ObjReport      = "report"
	ObjCampaign    = "campaign"
	ObjUser        = "user"
	ObjCriteriaSet = "criteria_set"
	ObjUnit        = "unit"

	ActRead   = "read"
	ActManage = "manage"
)

// Grant is a role held at a unit.
type Grant struct {
	Role     Role
	UnitCode string
	UnitPath string // "/20/183"
}

// Level is the tier of the grant's unit, from its path depth.
func (g Grant) Level() string { return LevelOfPath(g.UnitPath) }

// LevelOfPath maps a unit path to province, district or commune by its depth.
func LevelOfPath(path string) string {
	switch strings.Count(strings.TrimSuffix(path, "/"), "/") {
	case 1:
		return string(units.Province)
	case 2:
		return string(units.District)
	case 3:
		return string(units.Commune)
	}
	return ""
}

// Principal is the signed-in caller with all of their grants.
type Principal struct {
	UserID   int64
	Username string
	FullName string
	Locale   string
	Grants   []Grant
}

// Require refuses a nil principal. Nil means nobody signed in, never "the system":
// services offer separate …AsSystem methods for the seed and the generators, so a missing
// principal can only ever deny.
func Require(p *Principal) error {
	if p == nil {
		return apperr.ErrUnauthenticated
	}
	return nil
}

// HasRole reports whether the principal holds role anywhere.
func (p *Principal) HasRole(role Role) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// Authorizer answers decisions from the embedded policy.
type Authorizer struct {
	enforcer *casbin.Enforcer
	// allowed memoises Enforce per (role, level, obj, act): the policy is static, so each
	// answer is computed once at start-up and decisions are a map lookup.
	allowed map[ruleKey]bool
}

type ruleKey struct{ role, level, obj, act string }

// New loads the embedded model and policy.
func New() (*Authorizer, error) { return NewFromStrings(policies.Model, policies.Policy) }

// NewFromStrings builds an Authorizer from a model and policy text (tests use it to check
// that a changed policy is caught).
func NewFromStrings(modelText, policyText string) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(strings.TrimSpace(policyText)))
	if err != nil {
		return nil, fmt.Errorf("casbin policy: %w", err)
	}
	e.AddFunction("unitWithin", func(args ...any) (any, error) {
		unit, _ := args[0].(string)
		scope, _ := args[1].(string)
		return units.Within(unit, scope), nil
	})
	e.AddFunction("levelOf", func(args ...any) (any, error) {
		scope, _ := args[0].(string)
		return LevelOfPath(scope), nil
	})
	a := &Authorizer{enforcer: e, allowed: map[ruleKey]bool{}}
	if err := a.memoise(); err != nil {
		return nil, err
	}
	return a, nil
}

// canonicalScope is a path of each level, used to evaluate the level part of the rules
// with the object inside the scope.
var canonicalScope = map[string]string{"province": "/00", "district": "/00/000", "commune": "/00/000/00000"}

func (a *Authorizer) memoise() error {
	policy, err := a.enforcer.GetPolicy()
	if err != nil {
		return err
	}
	seen := map[[2]string]bool{}
	roles := map[string]bool{}
	for _, r := range Roles {
		roles[string(r)] = true
	}
	for _, p := range policy {
		roles[p[0]] = true
		seen[[2]string{p[2], p[3]}] = true
	}
	for role := range roles {
		for level, scope := range canonicalScope {
			for oa := range seen {
				ok, err := a.enforcer.Enforce(role, scope, oa[0], scope, oa[1])
				if err != nil {
					return err
				}
				if ok {
					a.allowed[ruleKey{role, level, oa[0], oa[1]}] = true
				}
			}
		}
	}
	return nil
}

// Enforce is casbin's own decision for one grant, without the memo. Tests compare it with
// Can; production code calls Can.
func (a *Authorizer) Enforce(g Grant, obj, act, unitPath string) (bool, error) {
	return a.enforcer.Enforce(string(g.Role), g.UnitPath, obj, unitPath, act)
}

// GrantAllows reports whether one grant allows act on obj at unitPath.
func (a *Authorizer) GrantAllows(g Grant, obj, act, unitPath string) bool {
	return a.allowed[ruleKey{string(g.Role), g.Level(), obj, act}] && units.Within(unitPath, g.UnitPath)
}

// Can reports whether the principal may do act on obj belonging to the unit at unitPath.
func (a *Authorizer) Can(p *Principal, obj, act, unitPath string) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if a.GrantAllows(g, obj, act, unitPath) {
			return true
		}
	}
	return false
}

// CanAs is Can restricted to the grants of one role: the workflow table says which role
// performs an action ("reject" by a district reviewer differs from "reject" by the province).
func (a *Authorizer) CanAs(p *Principal, role Role, obj, act, unitPath string) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == role && a.GrantAllows(g, obj, act, unitPath) {
			return true
		}
	}
	return false
}

// Scopes returns the unit paths under which the principal may do act on obj, with paths
// already covered by another path removed. Empty means nothing.
func (a *Authorizer) Scopes(p *Principal, obj, act string) Scope {
	if p == nil {
		return nil
	}
	var paths []string
	for _, g := range p.Grants {
		if a.allowed[ruleKey{string(g.Role), g.Level(), obj, act}] {
			paths = append(paths, g.UnitPath)
		}
	}
	sort.Strings(paths) // a parent sorts before its descendants
	var out Scope
	for _, path := range paths {
		if len(out) > 0 && units.Within(path, out[len(out)-1]) {
			continue
		}
		out = append(out, path)
	}
	return out
}

// Scope is a set of unit subtrees, as returned by Scopes.
type Scope []string

// Contains reports whether unitPath lies in one of the subtrees.
func (s Scope) Contains(unitPath string) bool {
	for _, root := range s {
		if units.Within(unitPath, root) {
			return true
		}
	}
	return false
}

// Narrow keeps the part of the scope inside the subtree at path: the scope roots inside
// it, or path itself when a scope root covers it.
func (s Scope) Narrow(path string) Scope {
	var out Scope
	for _, root := range s {
		switch {
		case units.Within(path, root):
			return Scope{path}
		case units.Within(root, path):
			out = append(out, root)
		}
	}
	return out
}

// SQL returns a parenthesised WHERE fragment matching column against the scope, segment by
// segment: each root matches itself and everything below root + "/". The caller must not
// query at all when the scope is empty (Empty reports it).
func (s Scope) SQL(column string) (string, []any) {
	if len(s) == 0 {
		return "(1 = 0)", nil
	}
	parts := make([]string, 0, len(s))
	args := make([]any, 0, 2*len(s))
	for _, root := range s {
		parts = append(parts, fmt.Sprintf("%s = ? OR %s LIKE ?", column, column))
		args = append(args, root, escapeLike(root)+"/%")
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// UnitColumns names, for a table that stores the codes of its province, district and
// commune, the column holding each level's code.
type UnitColumns struct{ Province, District, Commune string }

// UnitCodeColumns is the usual naming (nominations, recognitions).
var UnitCodeColumns = UnitColumns{Province: "province_code", District: "district_code", Commune: "commune_code"}

// CodeSQL is SQL for tables that store the unit codes of every level: each root becomes an
// equality on its level's column (province_code = '20'), which an index on (column, id)
// serves directly. It selects the same rows as SQL on the path column.
func (s Scope) CodeSQL(cols UnitColumns) (string, []any) {
	if len(s) == 0 {
		return "(1 = 0)", nil
	}
	byCol := map[string][]string{}
	var order []string
	for _, root := range s {
		codes := units.SplitPath(root)
		col := cols.Province
		switch len(codes) {
		case 2:
			col = cols.District
		case 3:
			col = cols.Commune
		}
		if _, ok := byCol[col]; !ok {
			order = append(order, col)
		}
		byCol[col] = append(byCol[col], codes[len(codes)-1])
	}
	parts := make([]string, 0, len(order))
	args := make([]any, 0, len(order))
	for _, col := range order {
		if len(byCol[col]) == 1 {
			parts = append(parts, col+" = ?")
			args = append(args, byCol[col][0])
		} else {
			parts = append(parts, col+" IN ?")
			args = append(args, byCol[col])
		}
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Empty reports whether the scope allows nothing.
func (s Scope) Empty() bool { return len(s) == 0 }

func escapeLike(s string) string {
	// Unit paths are digits and slashes; reject anything else rather than escape it.
	for _, r := range s {
		if (r < '0' || r > '9') && r != '/' {
			return "\x00invalid"
		}
	}
	return s
}
