package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/config"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// `ntmflow import-units` loads the shipped lists by name, the reform with its succession,
// and a second run changes nothing.
func TestImportUnitsCommandTwoTier(t *testing.T) {
	if testkit.PostgresURL() != "" {
		t.Skip("the import runs on both databases in internal/units")
	}
	dir := t.TempDir()
	cfg, err := config.FromEnv(func(k string) string { return map[string]string{"NTMFLOW_DATA_DIR": dir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run := func(args ...string) string {
		t.Helper()
		var out strings.Builder
		if err := app.ImportUnitsCommand(ctx, cfg, args, &out); err != nil {
			t.Fatalf("import-units %v: %v", args, err)
		}
		return out.String()
	}
	run("vn-admin-units-2025-03-01.csv")
	out := run("vn-admin-units-2025-07-01.csv", "--valid-from", "2025-07-01", "--succession", "vn-unit-succession-2025-07-01.csv")
	if !strings.Contains(out, "now 34 provinces, 0 districts, 3321 communes") || !strings.Contains(out, "succession: 10667 inserted") {
		t.Fatalf("reform import: %s", out)
	}
	out = run("--valid-from=2025-07-01", "--succession", "vn-unit-succession-2025-07-01.csv", "vn-admin-units-2025-07-01.csv")
	if !strings.Contains(out, "0 inserted, 0 updated, 0 retired, 3355 unchanged") || strings.Contains(out, "succession:") {
		t.Fatalf("second import: %s", out)
	}
	var none strings.Builder
	if err := app.ImportUnitsCommand(ctx, cfg, []string{"vn-admin-units-2025-07-01.csv", "--valid-from", "2025-06-01",
		"--succession", "vn-unit-succession-2025-07-01.csv"}, &none); err == nil || !strings.Contains(err.Error(), "line") {
		t.Fatalf("an overlapping date: %v", err)
	}
}
