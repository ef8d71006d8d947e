package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

func TestIsUnavailableClassifies(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"wrapped", fmt.Errorf("load: %w", &pgconn.PgError{Code: "57P01"}), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"undefined table", &pgconn.PgError{Code: "42P01"}, false},
		{"NUL in text", &pgconn.PgError{Code: "22021"}, false},
		{"deadline", context.DeadlineExceeded, true},
		{"client went away", context.Canceled, false},
		{"not found", apperr.ErrNotFound, false},
		{"no row", gorm.ErrRecordNotFound, false},
		{"validation", apperr.Invalid("title", "is required"), false},
		{"explicit", apperr.ErrUnavailable, true},
		{"SQLite busy", errors.New("database is locked (5) (SQLITE_BUSY)"), true},
	}
	for _, c := range cases {
		if got := store.IsUnavailable(c.err); got != c.want {
			t.Errorf("%s: IsUnavailable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// A PostgreSQL that is not there is "unavailable", and the connect attempt fails fast.
func TestUnreachablePostgresIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	start := time.Now()
	_, err = store.Open(context.Background(), store.Options{PostgresURL: "postgres://postgres@" + addr + "/x?sslmode=disable"})
	if err == nil {
		t.Fatal("open succeeded")
	}
	if !store.IsUnavailable(err) {
		t.Errorf("connection refused not unavailable: %v", err)
	}
	if took := time.Since(start); took > 6*time.Second {
		t.Errorf("refused connect took %s", took)
	}
}

// A closed pool (shutdown in progress) is unavailable, on either database.
func TestClosedPoolIsUnavailable(t *testing.T) {
	st, err := store.Open(context.Background(), store.Options{SQLitePath: filepath.Join(t.TempDir(), "x.db")})
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	var n int
	err = st.DB(context.Background()).Raw("SELECT 1").Scan(&n).Error
	if err == nil || !store.IsUnavailable(err) {
		t.Fatalf("query on a closed pool: %v", err)
	}
}

// A connection the server terminates (what a PostgreSQL shutdown or restart does to
// every session) is unavailable, and the pool serves again on the next query.
func TestTerminatedConnectionIsUnavailable(t *testing.T) {
	if testkit.PostgresURL() == "" {
		t.Skip("needs TEST_DATABASE_URL")
	}
	st := testkit.NewDB(t)
	ctx := context.Background()
	err := st.WithTx(ctx, func(ctx context.Context) error {
		return st.DB(ctx).Exec("SELECT pg_terminate_backend(pg_backend_pid())").Error
	})
	if err == nil {
		t.Fatal("terminating our own backend did not fail")
	}
	if !store.IsUnavailable(err) {
		t.Fatalf("terminated connection not unavailable: %v", err)
	}
	var one int
	if err := st.DB(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil || one != 1 {
		t.Fatalf("pool did not recover: %v", err)
	}
}
