// Package authz decides who may do what where. Casbin holds the reviewed rules
// (policies/model.conf, policies/policy.csv); the database holds who holds which role at
// which unit. A decision is "some grant of the principal allows (obj, act) and the
// object's unit lies in that grant's subtree".
package authz

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
	"github.com/ntmflow/ntmflow/policies"
)

// Role is one of the roles of SPEC §3 and §12.
type Role string

const (
	CommuneOfficer   Role = "commune_officer"
	DistrictReviewer Role = "district_reviewer"
	// ProvinceReviewer reviews at the province: the review stage of the two-tier world
	// (SPEC §12), and the finish of pre-reform nominations still in the pipeline.
	ProvinceReviewer Role = "province_reviewer"
	ProvinceApprover Role = "province_approver"
	Observer         Role = "observer"
	Admin            Role = "admin"
)

// Roles lists every role, in the order the UI shows them.
var Roles = []Role{CommuneOfficer, DistrictReviewer, ProvinceReviewer, ProvinceApprover, Observer, Admin}

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
	// The movement's yearly figures (SPEC §11): a Xã's criteria status, a unit's report.
	ObjCriteriaStatus = "criteria_status"
	ObjMovementReport = "movement_report"
	// ObjDelegation is a role handed to another user of the same unit for a period (SPEC
	// §13); "create" on it at a grant's unit says that grant's role may be delegated.
	ObjDelegation = "delegation"

	ActRead   = "read"
	ActCreate = "create"
	ActManage = "manage"
	// ActReport saves a commune's own criteria status (reported), ActConfirm saves or
	// confirms it from above (confirmed), ActWrite replaces a movement report.
	ActReport  = "report"
	ActConfirm = "confirm"
	ActWrite   = "write"
)

// Grant is a role held at a unit.
type Grant struct {
	Role     Role
	UnitCode string
	UnitPath string // "/20/183"; "/20/05977" for a commune of the two-tier tree
	// UnitLevel is the stored level of the grant's unit (identity loads it from units):
	// a path's depth does not tell a district from a commune under a province.
	UnitLevel units.Level
	// DelegatedBy is set on a role held through another user's delegation (SPEC §13): the
	// delegator's username, and DelegationID the delegation. Empty on the user's own grants.
	DelegatedBy  string
	DelegationID int64
}

// Delegated reports whether the grant is held through a delegation, not in one's own right.
func (g Grant) Delegated() bool { return g.DelegatedBy != "" }

// Level is the tier of the grant's unit: its stored level. A grant built by hand without
// one (older tests) takes the level its unit's code has in the statistics office's coding
// (2, 3 and 5 digits), never the depth of its path.
func (g Grant) Level() string {
	if g.UnitLevel != "" {
		return string(g.UnitLevel)
	}
	code := g.UnitCode
	if codes := units.SplitPath(g.UnitPath); code == "" && len(codes) > 0 {
		code = codes[len(codes)-1]
	}
	level, _ := units.LevelOfCode(code)
	return string(level)
}

// Principal is the signed-in caller with all of their grants.
type Principal struct {
	UserID   int64
	Username string
	FullName string
	Locale   string
	Grants   []Grant
	// Lapsed are the grants held at units that no longer stand (a unit ended at a reform,
	// or its code now names another unit): they give no rights and are kept to be shown.
	Lapsed []LapsedGrant
}

// LapsedGrant is a grant at a unit that is no longer valid (SPEC §12).
type LapsedGrant struct {
	Grant
	UnitName   string          // the unit's name while it stood ("" when not found)
	EndedOn    *time.Time      // its last valid day; nil when the code now names another unit
	Successors []units.Regrant // the units it went into, to re-grant at
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

// Authorizer answers decisions from the embedded policy.
type Authorizer struct {
	enforcer *casbin.Enforcer
	// allowed memoises Enforce per (role, level, obj, act) as the widest reach a grant of
	// that kind has: the policy is static, so each answer is computed once at start-up and
	// decisions are a map lookup. Absent means denied.
	allowed map[ruleKey]Reach
	rules   []Rule
	levels  map[Role][]string
}

// Reach is how far from its unit a policy line lets a grant act (the last column of
// policies/policy.csv).
type Reach string

const (
	// ReachSubtree covers the grant's unit and everything below it.
	ReachSubtree Reach = "subtree"
	// ReachProvince covers the whole province the grant's unit lies in: objects that
	// belong to a province (campaigns, criteria sets) are read by everyone working there.
	ReachProvince Reach = "province"
	// ReachUnit covers the grant's unit alone, nothing below it: a unit's own movement
	// report is written by the officers at that unit, never by those above it.
	ReachUnit Reach = "unit"
)

// exactMark starts a scope root that stands for its unit alone (a rule of unit reach)
// rather than the subtree below it: "=/20/183" is the district 183 itself.
const exactMark = "="

// root is the scope root a grant at grantPath reaches: a subtree root, or an exact root
// for unit reach.
func (r Reach) root(grantPath string) string {
	switch r {
	case ReachProvince:
		if codes := units.SplitPath(grantPath); len(codes) > 0 {
			return "/" + codes[0]
		}
	case ReachUnit:
		return exactMark + grantPath
	}
	return grantPath
}

// covers reports whether a scope root covers the unit at path: a subtree root its whole
// subtree (segment by segment), an exact root its own unit only.
func covers(root, path string) bool {
	if unit, exact := strings.CutPrefix(root, exactMark); exact {
		return path == unit
	}
	return units.Within(path, root)
}

// rootPath is the unit path of a scope root, without the exact mark.
func rootPath(root string) string { return strings.TrimPrefix(root, exactMark) }

func isExact(root string) bool { return strings.HasPrefix(root, exactMark) }

// Rule is one line of the policy: role held at level ("*" = any) may do Act on Obj within
// Reach of the grant's unit.
type Rule struct {
	Role  Role
	Level string
	Obj   string
	Act   string
	Reach Reach
}

// levelOrder is the order LevelsFor answers in, and what "*" stands for.
var levelOrder = []string{string(units.Province), string(units.District), string(units.Commune)}

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
		root, _ := args[1].(string) // from reachOf: a subtree or an exact root
		return covers(root, unit), nil
	})
	e.AddFunction("reachOf", func(args ...any) (any, error) {
		scope, _ := args[0].(string)
		reach, _ := args[1].(string)
		return Reach(reach).root(scope), nil
	})
	a := &Authorizer{enforcer: e, allowed: map[ruleKey]Reach{}, levels: map[Role][]string{}}
	if err := a.readRules(); err != nil {
		return nil, err
	}
	if err := a.memoise(); err != nil {
		return nil, err
	}
	return a, nil
}

// readRules checks every policy line's level and reach (a typo must stop start-up, not
// silently deny) and derives the levels each role may be held at from the level column.
func (a *Authorizer) readRules() error {
	policy, err := a.enforcer.GetPolicy()
	if err != nil {
		return err
	}
	at := map[Role]map[string]bool{}
	for _, p := range policy {
		r := Rule{Role: Role(p[0]), Level: p[1], Obj: p[2], Act: p[3], Reach: Reach(p[4])}
		if r.Level != "*" && !slices.Contains(levelOrder, r.Level) {
			return fmt.Errorf("casbin policy: %v: unknown level %q", p, r.Level)
		}
		if r.Reach != ReachSubtree && r.Reach != ReachProvince && r.Reach != ReachUnit {
			return fmt.Errorf("casbin policy: %v: unknown reach %q", p, r.Reach)
		}
		a.rules = append(a.rules, r)
		if at[r.Role] == nil {
			at[r.Role] = map[string]bool{}
		}
		at[r.Role][r.Level] = true
	}
	for role, levels := range at {
		for _, l := range levelOrder {
			if levels[l] || levels["*"] {
				a.levels[role] = append(a.levels[role], l)
			}
		}
	}
	return nil
}

// Rules lists the policy lines, in file order.
func (a *Authorizer) Rules() []Rule { return slices.Clone(a.rules) }

// LevelsFor lists the levels of the unit tree (province, district, commune) at which role
// may be granted: those its policy lines are held at. A role without lines gets none.
func (a *Authorizer) LevelsFor(role Role) []string { return slices.Clone(a.levels[role]) }

// canonicalScope is a path of each level, used to evaluate the level part of the rules
// with the object inside the scope; canonicalProvince is their province, used to find
// which rules reach beyond the grant's subtree.
var canonicalScope = map[string]string{"province": "/00", "district": "/00/000", "commune": "/00/000/00000"}

const canonicalProvince = "/00"

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
				ok, err := a.enforcer.Enforce(role, level, scope, oa[0], scope, oa[1])
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				reach := ReachSubtree
				if scope != canonicalProvince {
					wide, err := a.enforcer.Enforce(role, level, scope, oa[0], canonicalProvince, oa[1])
					if err != nil {
						return err
					}
					if wide {
						reach = ReachProvince
					}
				}
				if reach == ReachSubtree {
					// Allowed on its own unit but not below it: unit reach.
					below, err := a.enforcer.Enforce(role, level, scope, oa[0], scope+"/0", oa[1])
					if err != nil {
						return err
					}
					if !below {
						reach = ReachUnit
					}
				}
				a.allowed[ruleKey{role, level, oa[0], oa[1]}] = reach
			}
		}
	}
	return nil
}

// Enforce is casbin's own decision for one grant, without the memo. Tests compare it with
// Can; production code calls Can.
func (a *Authorizer) Enforce(g Grant, obj, act, unitPath string) (bool, error) {
	return a.enforcer.Enforce(string(g.Role), g.Level(), g.UnitPath, obj, unitPath, act)
}

// GrantAllows reports whether one grant allows act on obj at unitPath.
func (a *Authorizer) GrantAllows(g Grant, obj, act, unitPath string) bool {
	reach, ok := a.allowed[ruleKey{string(g.Role), g.Level(), obj, act}]
	return ok && covers(reach.root(g.UnitPath), unitPath)
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

// AllowingGrant is the grant of role through which p may do act on obj at unitPath: one
// of p's own when any allows it, else one held through a delegation (whose DelegatedBy
// names on whose behalf p acts). The history records the delegator only when p could not
// have acted in their own right.
func (a *Authorizer) AllowingGrant(p *Principal, role Role, obj, act, unitPath string) (Grant, bool) {
	if p == nil {
		return Grant{}, false
	}
	var via *Grant
	for i, g := range p.Grants {
		if g.Role != role || !a.GrantAllows(g, obj, act, unitPath) {
			continue
		}
		if !g.Delegated() {
			return g, true
		}
		if via == nil {
			via = &p.Grants[i]
		}
	}
	if via != nil {
		return *via, true
	}
	return Grant{}, false
}

// Scopes returns the scope roots under which the principal may do act on obj, with roots
// already covered by another removed. Empty means nothing. A rule of province reach
// contributes the grant's province ("/20" for a commune officer of Hải Yến); a rule of
// unit reach an exact root, the grant's unit alone.
func (a *Authorizer) Scopes(p *Principal, obj, act string) Scope {
	if p == nil {
		return nil
	}
	var roots []string
	for _, g := range p.Grants {
		if reach, ok := a.allowed[ruleKey{string(g.Role), g.Level(), obj, act}]; ok {
			roots = append(roots, reach.root(g.UnitPath))
		}
	}
	// A parent sorts before its descendants, and a subtree root before the exact root of
	// its own unit, so each root is checked against the wider ones already kept.
	sort.Slice(roots, func(i, j int) bool {
		if pi, pj := rootPath(roots[i]), rootPath(roots[j]); pi != pj {
			return pi < pj
		}
		return !isExact(roots[i]) && isExact(roots[j])
	})
	var out Scope
	for _, root := range roots {
		if !slices.ContainsFunc(out, func(kept string) bool {
			return kept == root || !isExact(kept) && covers(kept, rootPath(root))
		}) {
			out = append(out, root)
		}
	}
	return out
}

// Scope is a set of scope roots, as returned by Scopes: unit paths standing for their
// subtrees ("/20/183"), and exact roots standing for one unit alone ("=/20/183", from a
// rule of unit reach). Use its methods rather than reading the roots.
type Scope []string

// Contains reports whether unitPath is covered by one of the roots.
func (s Scope) Contains(unitPath string) bool {
	for _, root := range s {
		if covers(root, unitPath) {
			return true
		}
	}
	return false
}

// Narrow keeps the part of the scope inside the subtree at path: the scope roots inside
// it, or path itself when a subtree root covers it.
func (s Scope) Narrow(path string) Scope {
	var out Scope
	for _, root := range s {
		switch {
		case isExact(root):
			if units.Within(rootPath(root), path) {
				out = append(out, root)
			}
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
		if isExact(root) {
			parts = append(parts, column+" = ?")
			args = append(args, rootPath(root))
			continue
		}
		parts = append(parts, column+" = ? OR "+store.Like(column))
		args = append(args, root, store.EscapeLike(root)+"/%")
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// UnitColumns names, for a table that stores the codes of its province, district and
// commune, the column holding each level's code, and the column holding the commune's
// path (Path, optional).
type UnitColumns struct{ Province, District, Commune, Path string }

// UnitCodeColumns is the usual naming (nominations, recognitions).
var UnitCodeColumns = UnitColumns{Province: "province_code", District: "district_code", Commune: "commune_code", Path: "unit_path"}

// CodeSQL is SQL for tables that store the unit codes of every level: each root becomes an
// equality on its level's column (province_code = '20'), which an index on (column, id)
// serves directly. It selects the same rows as SQL on the path column. Such rows belong
// to communes, so an exact root above a commune selects none of them.
func (s Scope) CodeSQL(cols UnitColumns) (string, []any) {
	byCol := map[string][]string{}
	var order []string
	var exactCommunes []string // commune roots matched with their path (below)
	for _, root := range s {
		codes := units.SplitPath(rootPath(root))
		if len(codes) == 0 {
			continue
		}
		code := codes[len(codes)-1]
		// The column is the level of the root's own unit, read from its code: a path's
		// depth does not tell a district from a commune directly under its province.
		level, _ := units.LevelOfCode(code)
		if isExact(root) && level != units.Commune {
			continue
		}
		col := cols.Province
		switch level {
		case units.District:
			col = cols.District
		case units.Commune:
			// A commune code can be reused by a new unit (06220 was Xã Hải Yến, is Xã
			// Công Sơn since 1 July 2025): the path tells the two apart, so a grant at
			// the new commune does not reach the old one's records.
			if cols.Path != "" {
				exactCommunes = append(exactCommunes, rootPath(root))
				continue
			}
			col = cols.Commune
		}
		if _, ok := byCol[col]; !ok {
			order = append(order, col)
		}
		byCol[col] = append(byCol[col], code)
	}
	if len(order) == 0 && len(exactCommunes) == 0 {
		return "(1 = 0)", nil
	}
	parts := make([]string, 0, len(order)+len(exactCommunes))
	args := make([]any, 0, len(order)+2*len(exactCommunes))
	for _, path := range exactCommunes {
		codes := units.SplitPath(path)
		parts = append(parts, "("+cols.Commune+" = ? AND "+cols.Path+" = ?)")
		args = append(args, codes[len(codes)-1], path)
	}
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

// Provinces lists the provinces the scope covers whole: an object that belongs to a
// province (a campaign, a criteria set) is in scope only through a root at its province
// (a subtree root, or an exact root at the province, which covers the province's own
// objects).
func (s Scope) Provinces() []string {
	var out []string
	for _, root := range s {
		if codes := units.SplitPath(rootPath(root)); len(codes) == 1 {
			out = append(out, codes[0])
		}
	}
	return out
}
