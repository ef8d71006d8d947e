package units_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

func TestWithinComparesWholeSegments(t *testing.T) {
	cases := []struct {
		path, scope string
		want        bool
	}{
		{"/20/178", "/20/178", true},
		{"/20/178/06100", "/20/178", true},
		{"/20/1780/06100", "/20/178", false},
		{"/20/1780", "/20/178", false},
		{"/20", "/20/178", false},
		{"/201/178", "/20", false},
		{"/20/183/06220", "/20", true},
		{"/01/001", "/20", false},
	}
	for _, c := range cases {
		if got := units.Within(c.path, c.scope); got != c.want {
			t.Errorf("Within(%q, %q) = %v, want %v", c.path, c.scope, got, c.want)
		}
	}
}

func TestImportEmbeddedTwiceIsIdempotent(t *testing.T) {
	ctx := context.Background()
	svc := units.NewService(testkit.NewDB(t))
	for run := 1; run <= 2; run++ {
		f, err := units.OpenEmbedded()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := units.ParseCSV(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.Import(ctx, rows, units.EmbeddedValidFrom)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if run == 2 && (res.Inserted != 0 || res.Updated != 0 || res.Retired != 0 || res.Unchanged != len(rows)) {
			t.Fatalf("second import changed something: %+v", res)
		}
	}
	counts, err := svc.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[units.Province] != 63 || counts[units.District] != 696 || counts[units.Commune] != 10047 {
		t.Fatalf("counts = %v, want 63/696/10047", counts)
	}
	districts, err := svc.Children(ctx, "20")
	if err != nil || len(districts) != 11 {
		t.Fatalf("Lạng Sơn districts: %d, %v", len(districts), err)
	}
	communes, err := svc.Children(ctx, "183")
	if err != nil || len(communes) != 22 {
		t.Fatalf("Cao Lộc communes: %d, %v", len(communes), err)
	}
	for i := 1; i < len(communes); i++ {
		if communes[i-1].Code >= communes[i].Code {
			t.Fatal("children are not ordered by code")
		}
	}
	u, err := svc.Get(ctx, "06220")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(u.PathCodes(), ","); got != "20,183,06220" || u.Name != "Xã Hải Yến" || u.Parent() != "183" {
		t.Fatalf("06220 = %+v", u)
	}
}

const smallList = `code,level,name,kind,parent_code
20,province,Tỉnh   Lạng  Sơn,Tỉnh,
183,district,Huyện Cao Lộc,Huyện,20
06220,commune,Xã  Hải Yến ,Xã,183
`

func parse(t *testing.T, s string) []units.Row {
	t.Helper()
	rows, err := units.ParseCSV(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestImportCollapsesSpacesAndUpdatesNames(t *testing.T) {
	ctx := context.Background()
	svc := units.NewService(testkit.NewDB(t))
	if _, err := svc.Import(ctx, parse(t, smallList), units.EmbeddedValidFrom); err != nil {
		t.Fatal(err)
	}
	p, _ := svc.Get(ctx, "20")
	c, _ := svc.Get(ctx, "06220")
	if p.Name != "Tỉnh Lạng Sơn" || c.Name != "Xã Hải Yến" {
		t.Fatalf("names not collapsed: %q, %q", p.Name, c.Name)
	}
	renamed := strings.Replace(smallList, "Xã  Hải Yến ", "Phường Hải Yến", 1)
	res, err := svc.Import(ctx, parse(t, renamed), units.EmbeddedValidFrom)
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 1 || res.Inserted != 0 || res.Unchanged != 2 {
		t.Fatalf("rename import = %+v", res)
	}
	c, _ = svc.Get(ctx, "06220")
	if c.Name != "Phường Hải Yến" {
		t.Fatalf("name not updated: %q", c.Name)
	}
}

func TestReusedCodeRetiresTheOldUnit(t *testing.T) {
	ctx := context.Background()
	svc := units.NewService(testkit.NewDB(t))
	if _, err := svc.Import(ctx, parse(t, smallList+"184,district,Huyện Lộc Bình,Huyện,20\n"), units.EmbeddedValidFrom); err != nil {
		t.Fatal(err)
	}
	// After a reform, 06220 names a commune directly under the province.
	reform := "code,level,name,kind,parent_code\n06220,commune,Xã Đồng Đăng Mới,Xã,20\n"
	before := units.EmbeddedValidFrom
	if _, err := svc.Import(ctx, parse(t, reform), before); err == nil {
		t.Fatal("a reused code dated on the same day must be refused")
	}
	res, err := svc.Import(ctx, parse(t, reform), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if res.Retired != 1 || res.Inserted != 1 {
		t.Fatalf("reform import = %+v", res)
	}
	u, err := svc.Get(ctx, "06220")
	if err != nil || u.Path != "/20/06220" || u.Name != "Xã Đồng Đăng Mới" {
		t.Fatalf("current 06220 = %+v, %v", u, err)
	}
	kids, _ := svc.Children(ctx, "183")
	if len(kids) != 0 {
		t.Fatalf("retired unit still listed under 183: %+v", kids)
	}
}

func TestParseRejectsBadFilesWithLineNumbers(t *testing.T) {
	cases := map[string]string{
		"bad level":  "code,level,name,kind,parent_code\n20,state,X,Y,\n",
		"short code": "code,level,name,kind,parent_code\n2,province,X,Y,\n",
		"no parent":  "code,level,name,kind,parent_code\n183,district,X,Y,\n",
		"duplicate":  "code,level,name,kind,parent_code\n20,province,X,Y,\n20,province,Z,Y,\n",
		"bad header": "id,level,name,kind,parent\n20,province,X,Y,\n",
		"empty file": "code,level,name,kind,parent_code\n",
		"empty name": "code,level,name,kind,parent_code\n20,province,  ,Y,\n",
	}
	for name, body := range cases {
		_, err := units.ParseCSV(strings.NewReader(body))
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: err = %v, want validation error", name, err)
		}
	}
}

func TestImportWithUnknownParentChangesNothing(t *testing.T) {
	ctx := context.Background()
	svc := units.NewService(testkit.NewDB(t))
	rows := parse(t, smallList+"06238,commune,Xã Mẫu Sơn,Xã,999\n")
	if _, err := svc.Import(ctx, rows, units.EmbeddedValidFrom); err == nil {
		t.Fatal("want an error for an unknown parent")
	}
	counts, _ := svc.Counts(ctx)
	if counts[units.Province]+counts[units.District]+counts[units.Commune] != 0 {
		t.Fatalf("a failed import left rows: %v", counts)
	}
}

func TestUnknownUnit(t *testing.T) {
	svc := units.NewService(testkit.NewDB(t))
	if _, err := svc.Get(context.Background(), "99"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if _, err := svc.Children(context.Background(), "99"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("children of unknown: %v", err)
	}
}
