// Package testkit gives tests an isolated, migrated database: a temporary SQLite file, or,
// when TEST_DATABASE_URL is set, a fresh PostgreSQL schema dropped afterwards. The same
// tests therefore run on both databases.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema setup

	"github.com/ntmflow/ntmflow/internal/store"
)

// PostgresURL returns TEST_DATABASE_URL ("" when the tests run on SQLite).
func PostgresURL() string { return os.Getenv("TEST_DATABASE_URL") }

// RequirePostgres reports whether an unreachable PostgreSQL must fail the run instead of
// skipping (CI sets it; the Makefile also refuses a run without TEST_DATABASE_URL then).
func RequirePostgres() bool { return os.Getenv("REQUIRE_POSTGRES") == "1" }

// Backend names the database the tests run on, for test names and logs.
func Backend() string {
	if PostgresURL() != "" {
		return "postgres"
	}
	return "sqlite"
}

// NewDB returns a migrated store private to this test.
func NewDB(t testing.TB) *store.Store {
	t.Helper()
	st := NewEmptyDB(t)
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return st
}

// NewEmptyDB returns a store private to this test that no migration has run on yet, for
// tests that hold data in an older schema and migrate it.
func NewEmptyDB(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	var opt store.Options
	if base := PostgresURL(); base != "" {
		opt.PostgresURL = newSchema(t, base)
		opt.MaxOpenConns = 8
	} else {
		opt.SQLitePath = filepath.Join(t.TempDir(), "test.db")
	}
	st, err := store.Open(ctx, opt)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

var (
	adminOnce sync.Once
	adminDB   *sql.DB
	adminErr  error
)

// newSchema creates an empty schema and returns base with search_path set to it; the
// schema is dropped when the test ends.
func newSchema(t testing.TB, base string) string {
	t.Helper()
	adminOnce.Do(func() {
		adminDB, adminErr = sql.Open("pgx", base)
		if adminErr == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			adminErr = adminDB.PingContext(ctx)
		}
	})
	if adminErr != nil {
		if RequirePostgres() {
			t.Fatalf("PostgreSQL required (REQUIRE_POSTGRES=1) but unreachable: %v", adminErr)
		}
		t.Skipf("PostgreSQL at TEST_DATABASE_URL unreachable, skipping: %v", adminErr)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := adminDB.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := adminDB.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
