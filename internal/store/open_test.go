package store_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// The embedded database holds password hashes and session hashes: only its owner may
// read it, including the WAL beside it, and an older, wider file is narrowed on open.
func TestSQLiteFilesArePrivate(t *testing.T) {
	if testkit.PostgresURL() != "" {
		t.Skip("SQLite file modes; this pass runs on PostgreSQL")
	}
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "ntmflow.db")
	old := filepath.Join(dir, "old.db")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, old} {
		st, err := store.Open(ctx, store.Options{SQLitePath: p})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{p, p + "-wal"} {
			fi, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if mode := fi.Mode().Perm(); mode != 0o600 {
				t.Errorf("%s has mode %o, want 600", filepath.Base(f), mode)
			}
		}
		_ = st.Close()
	}
}

// A new PostgreSQL installation usually fails first because the database was not
// created; start-up says so and how to fix it instead of a bare driver error.
func TestMissingPostgresDatabaseSaysCreateIt(t *testing.T) {
	base := testkit.PostgresURL()
	if base == "" {
		t.Skip("needs TEST_DATABASE_URL")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/ntmflow_does_not_exist_x9"
	_, err = store.Open(context.Background(), store.Options{PostgresURL: u.String()})
	if err == nil {
		t.Fatal("open of a missing database succeeded")
	}
	for _, want := range []string{`"ntmflow_does_not_exist_x9" does not exist`, "createdb"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
