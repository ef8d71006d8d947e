package scopecheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// owners maps each scoped table to the package that owns it (its directory).
var owners = map[string]string{
	"nominations":        "internal/nomination",
	"nomination_history": "internal/nomination",
	"attachments":        "internal/nomination",
	"objections":         "internal/nomination",
	"recognitions":       "internal/recognition",
	"decisions":          "internal/recognition",
	"campaigns":          "internal/campaign",
	"campaign_targets":   "internal/campaign",
	"criteria_sets":      "internal/criteria",
	"nomination_counts":  "internal/progress",
	"recognition_counts": "internal/progress",
	"criteria_status":    "internal/movement",
	"movement_reports":   "internal/movement",
	"delegations":        "internal/delegation",
	"notifications":      "internal/notify",
	"email_outbox":       "internal/notify",
}

// entryFiles are the files in which an owner package may start a query: the scoped entry
// point and the named exceptions beside it.
var entryFiles = map[string]string{
	"internal/nomination":  "scope.go",
	"internal/recognition": "scope.go",
	"internal/campaign":    "scope.go",
	"internal/criteria":    "scope.go",
	"internal/progress":    "progress.go",
	"internal/movement":    "scope.go",
	"internal/delegation":  "scope.go",
	"internal/notify":      "scope.go",
}

// models are the owner packages' gorm model types: naming one in a query outside its
// package is a query on its table.
var models = map[string][]string{
	"nomination":  {"Attachment"},
	"recognition": {"Recognition", "Decision"},
	"campaign":    {"Campaign"},
}

// allowed are the places outside an owner's entry file that may name its tables, and why.
var allowed = []struct{ path, fn, table, why string }{
	{"internal/recognition/scope.go", "searchPublic", "nominations",
		"the public registry matches folded names through the nomination's search_text (SQL cannot fold diacritics on both databases), only behind active recognitions"},
	{"internal/nomination/scope.go", "repeatsOf", "recognitions",
		"repeat detection (SPEC §13) finds, in the same query as the open nominations, the active recognitions of a read nomination's commune under its match key: kinds and ids only"},
	{"internal/progress/progress.go", "recount", "nominations", "the counters' definition: a system recount, no caller"},
	{"internal/progress/progress.go", "recount", "recognitions", "the counters' definition: a system recount, no caller"},
	{"internal/progress/progress.go", "National", "campaigns", "the national summary groups the counters by the campaign's province, every province"},
	{"internal/app/demo.go", "seedCampaign", "campaigns", "the demo seed (no caller) looks for its own campaign by name before creating it"},
	{"internal/app/demo.go", "seedNominations", "nominations", "the demo seed (no caller) runs only on a database without nominations"},
	{"internal/app/demo_twotier.go", "seedTwoTierCampaign", "campaigns", "the two-tier demo seed (no caller) looks for its own campaign by name before creating it"},
	{"internal/app/demo_twotier.go", "seedTwoTierNominations", "nominations", "the two-tier demo seed (no caller) runs only while its campaign has no nominations"},
	{"internal/app/demo_notice.go", "seedNotice", "nominations", "the demo seed (no caller) puts a title on notice only while its commune has none open"},
	{"internal/gendata/", "*", "*", "the data generator bulk-loads a fresh benchmark database without a caller"},
	{"tools/loadbench/", "*", "*", "the load bench reads and drives its own generated database directly, as the pgx baseline"},
}

// sqlRef finds a table named by SQL text; exact finds a table given alone (with an
// optional alias) to a query builder, as in .Table("nominations AS n").
var (
	sqlRef = map[string]*regexp.Regexp{}
	exact  = map[string]*regexp.Regexp{}
)

func init() {
	for t := range owners {
		sqlRef[t] = regexp.MustCompile(`(?i)\b(from|join|into|update|table)\s+` + t + `\b`)
		exact[t] = regexp.MustCompile(`(?i)^\s*` + t + `(\s+(as\s+)?\w+)?\s*$`)
	}
}

// violation is one query built outside its table's entry points.
type violation struct{ place, what string }

func (v violation) String() string { return v.place + ": " + v.what }

// check reports the violations in one parsed file at path (slash-separated, relative to
// the repository root).
func check(fset *token.FileSet, path string, f *ast.File) []violation {
	dir, base := filepath.Dir(filepath.FromSlash(path)), filepath.Base(path)
	dir = filepath.ToSlash(dir)
	isEntry := entryFiles[dir] == base
	var out []violation
	// funcs gives the enclosing function of a position.
	type span struct {
		name     string
		from, to token.Pos
	}
	var funcs []span
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			funcs = append(funcs, span{fd.Name.Name, fd.Pos(), fd.End()})
		}
	}
	funcAt := func(p token.Pos) string {
		for _, s := range funcs {
			if p >= s.from && p < s.to {
				return s.name
			}
		}
		return "(package level)"
	}
	place := func(p token.Pos) string {
		return path + ":" + strconv.Itoa(fset.Position(p).Line) + " " + funcAt(p)
	}
	permitted := func(table string, p token.Pos) bool {
		owner := owners[table]
		fn := funcAt(p)
		if dir == owner && (isEntry || fn == "TableName") {
			return true
		}
		for _, a := range allowed {
			if (a.path == path || strings.HasSuffix(a.path, "/") && strings.HasPrefix(path, a.path)) &&
				(a.fn == "*" || a.fn == fn) && (a.table == "*" || a.table == table) {
				return true
			}
		}
		return false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			// In an owner package, only the entry file opens the store.
			if _, owner := entryFiles[dir]; owner && !isEntry && (sel.Sel.Name == "DB" || sel.Sel.Name == "SQL") && isStore(sel.X) {
				out = append(out, violation{place(n.Pos()), "opens the store outside " + entryFiles[dir]})
			}
			// A table given alone to a query builder.
			if sel.Sel.Name == "Table" {
				for _, arg := range n.Args {
					if s, ok := stringLit(arg); ok {
						for t, re := range exact {
							if re.MatchString(s) && !permitted(t, arg.Pos()) {
								out = append(out, violation{place(arg.Pos()), "queries " + t})
							}
						}
					}
				}
			}
			// Another package's model in a gorm call.
			if gormMethods[sel.Sel.Name] {
				for _, arg := range n.Args {
					if pkg, typ, ok := modelOf(arg); ok && dir != "internal/"+pkg {
						out = append(out, violation{place(arg.Pos()), "queries " + pkg + "." + typ + " outside its package"})
					}
				}
			}
		case *ast.BasicLit:
			if s, ok := stringLit(n); ok {
				for t, re := range sqlRef {
					if re.MatchString(s) && !permitted(t, n.Pos()) {
						out = append(out, violation{place(n.Pos()), "SQL on " + t})
					}
				}
			}
		}
		return true
	})
	return out
}

// gormMethods take the model or destination of a query.
var gormMethods = map[string]bool{"Model": true, "Find": true, "Take": true, "First": true, "Last": true, "Create": true,
	"CreateInBatches": true, "Save": true, "Delete": true, "Updates": true, "FirstOrCreate": true}

// isStore reports whether x is the store (a field or variable named st, or a Store field).
func isStore(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name == "st"
	case *ast.SelectorExpr:
		return x.Sel.Name == "st" || x.Sel.Name == "Store"
	}
	return false
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// modelOf finds a scoped model type (pkg.Type) in a query argument: a composite literal, a
// pointer to one, or a local variable declared with that type.
func modelOf(e ast.Expr) (pkg, typ string, ok bool) {
	for {
		switch x := e.(type) {
		case *ast.UnaryExpr:
			e = x.X
			continue
		case *ast.CompositeLit:
			return typeName(x.Type)
		case *ast.Ident:
			if x.Obj == nil {
				return "", "", false
			}
			switch d := x.Obj.Decl.(type) {
			case *ast.ValueSpec:
				if d.Type != nil {
					return typeName(d.Type)
				}
				for _, v := range d.Values {
					if pkg, typ, ok := modelOf(v); ok {
						return pkg, typ, ok
					}
				}
			case *ast.AssignStmt:
				for _, v := range d.Rhs {
					if pkg, typ, ok := modelOf(v); ok {
						return pkg, typ, ok
					}
				}
			}
		}
		return "", "", false
	}
}

func typeName(t ast.Expr) (string, string, bool) {
	for {
		switch x := t.(type) {
		case *ast.ArrayType:
			t = x.Elt
		case *ast.StarExpr:
			t = x.X
		case *ast.SelectorExpr:
			id, ok := x.X.(*ast.Ident)
			if ok && slices.Contains(models[id.Name], x.Sel.Name) {
				return id.Name, x.Sel.Name, true
			}
			return "", "", false
		default:
			return "", "", false
		}
	}
}

// repoRoot is the directory holding the server's go.mod.
func repoRoot(t *testing.T) string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", dir, err)
	}
	return dir
}

// TestScopedTablesAreQueriedOnlyThroughEntryPoints walks every non-test Go file of the
// repository (the tools module too) and fails on a query on a scoped table built outside
// its package's entry points and the allowed places above.
func TestScopedTablesAreQueriedOnlyThroughEntryPoints(t *testing.T) {
	root := repoRoot(t)
	fset := token.NewFileSet()
	var found []violation
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files++
		found = append(found, check(fset, filepath.ToSlash(rel), f)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("walked only %d Go files under %s", files, root)
	}
	for _, v := range found {
		t.Errorf("query on a scoped table outside its entry points: %s", v)
	}
}

// TestCheckFindsStrayQueries: the check sees each way of reaching a scoped table around
// its entry points, and lets the entry points and allowed places through.
func TestCheckFindsStrayQueries(t *testing.T) {
	cases := []struct {
		path, src string
		want      string // "" for no violation
	}{
		{"internal/server/page_x.go", `package server
func (s *Server) x() { s.store.DB(ctx).Table("nominations").Count(&n) }`, "queries nominations"},
		{"internal/server/page_x.go", `package server
func (s *Server) x() { s.store.DB(ctx).Raw("SELECT id FROM recognitions WHERE id = ?", 1) }`, "SQL on recognitions"},
		{"internal/server/page_x.go", `package server
func (s *Server) x() { var out []recognition.Recognition; s.store.DB(ctx).Find(&out) }`, "queries recognition.Recognition outside its package"},
		{"internal/nomination/attachments.go", `package nomination
func (s *Service) x() { s.st.DB(ctx).Where("nomination_id = ?", 1).Find(&out) }`, "opens the store outside scope.go"},
		{"internal/campaign/progress.go", `package campaign
func (s *Service) x() { q.Joins("JOIN nomination_counts c ON c.campaign_id = campaigns.id") }`, "SQL on nomination_counts"},
		{"internal/nomination/scope.go", `package nomination
func (s *Service) scoped() { s.st.DB(ctx).Table("nomination_history AS h").Joins("JOIN nominations AS n ON n.id = h.nomination_id") }`, ""},
		{"internal/nomination/nomination.go", `package nomination
func (row) TableName() string { return "nominations" }`, ""},
		{"internal/server/page_x.go", `package server
var msg = "gen-data needs a database without nominations"`, ""},
		{"internal/gendata/gendata.go", `package gendata
func x() { s.Store.DB(ctx).Table("nominations").Count(&n) }`, ""},
	}
	for _, tc := range cases {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, tc.path, tc.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := check(fset, tc.path, f)
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: unexpected %v in\n%s", tc.path, got, tc.src)
		case tc.want != "" && !slices.ContainsFunc(got, func(v violation) bool { return v.what == tc.want }):
			t.Errorf("%s: want %q, got %v in\n%s", tc.path, tc.want, got, tc.src)
		}
	}
}
