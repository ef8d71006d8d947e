// Package store opens the database (embedded SQLite or PostgreSQL), runs the embedded
// migrations and carries transactions in the context. Domain packages keep their own
// queries and reach the connection through DB(ctx).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database kind behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options says which database to open. Exactly one of PostgresURL or SQLitePath is used:
// a non-empty PostgresURL wins.
type Options struct {
	PostgresURL string
	SQLitePath  string
	// MaxOpenConns sizes the PostgreSQL pool; 0 picks a size from the CPU count.
	MaxOpenConns int
}

// Store is the shared handle on the database.
type Store struct {
	gdb     *gorm.DB
	sqlDB   *sql.DB
	dialect Dialect
	// sqlitePath is the SQLite file, which Migrate opens a connection of its own on.
	sqlitePath string
	migrateMu  sync.Mutex
}

// Open connects and checks the connection. It does not migrate; call Migrate.
func Open(ctx context.Context, opt Options) (*Store, error) {
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true, // every write goes through WithTx explicitly
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         true,
	}
	var (
		gdb     *gorm.DB
		err     error
		dialect Dialect
	)
	if opt.PostgresURL != "" {
		dialect = Postgres
		gdb, err = gorm.Open(postgres.New(postgres.Config{DSN: withConnectTimeout(opt.PostgresURL)}), gcfg)
	} else {
		dialect = SQLite
		if err := os.MkdirAll(filepath.Dir(opt.SQLitePath), 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		if err := privateFile(opt.SQLitePath); err != nil {
			return nil, err
		}
		gdb, err = gorm.Open(sqlite.Open(sqliteDSN(opt.SQLitePath, true)), gcfg)
	}
	if err != nil {
		return nil, connectError(dialect, opt.PostgresURL, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	configurePool(sqlDB, dialect, opt.MaxOpenConns)
	s := &Store{gdb: gdb, sqlDB: sqlDB, dialect: dialect}
	if dialect == SQLite {
		s.sqlitePath = opt.SQLitePath
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, connectError(dialect, opt.PostgresURL, err)
	}
	return s, nil
}

// privateFile creates the SQLite file readable by its owner only before the driver opens
// it (the driver would create it 0644), and narrows an existing file. SQLite gives its
// -wal and -shm files the mode of the main file.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	_ = f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restrict database file: %w", err)
		}
	}
	return nil
}

// connectError explains a failed first connection; a missing PostgreSQL database, the usual
// first error of a new installation, gets the command that fixes it.
func connectError(d Dialect, dsn string, err error) error {
	if name, ok := missingDatabase(dsn, err); ok {
		host := "HOST"
		if u, perr := url.Parse(dsn); perr == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		return fmt.Errorf("PostgreSQL database %q does not exist: create it first, e.g. `createdb -h %s -U postgres %s`", name, host, name)
	}
	return fmt.Errorf("connect to %s database: %w", d, err)
}

// missingDatabase recognises PostgreSQL's "database does not exist" (SQLSTATE 3D000), the
// usual first error of a new installation, so start-up can say what to do about it.
func missingDatabase(dsn string, err error) (string, bool) {
	if dsn == "" || !strings.Contains(err.Error(), "SQLSTATE 3D000") {
		return "", false
	}
	name := "ntmflow"
	if u, perr := url.Parse(dsn); perr == nil && strings.Trim(u.Path, "/") != "" {
		name = strings.Trim(u.Path, "/")
	}
	return name, true
}

// sqliteDSN turns on what an embedded database needs to behave under concurrent requests:
// WAL (readers never block the writer), a busy timeout instead of instant SQLITE_BUSY,
// foreign keys, and IMMEDIATE transactions so a read-then-write never deadlocks.
// (No _time_format: the driver stops reading parameters after it, dropping _txlock.)
// Only the migration connection goes without foreign keys (see Migrate).
func sqliteDSN(path string, foreignKeys bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	if foreignKeys {
		q.Add("_pragma", "foreign_keys(1)")
	} else {
		q.Add("_pragma", "foreign_keys(0)")
	}
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

func configurePool(db *sql.DB, d Dialect, maxOpen int) {
	if d == SQLite {
		// One file, one writer: a few connections serve reads; writes queue on the lock.
		db.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
		db.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
		db.SetConnMaxIdleTime(5 * time.Minute)
		return
	}
	if maxOpen <= 0 {
		// PostgreSQL throughput peaks at a few connections per core of the DB host.
		maxOpen = max(8, runtime.NumCPU()*4)
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
}

// Dialect reports the database kind.
func (s *Store) Dialect() Dialect { return s.dialect }

// SQL exposes the pool (metrics, health checks, migrations).
func (s *Store) SQL() *sql.DB { return s.sqlDB }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.sqlDB.PingContext(ctx) }

// Close closes the pool. For SQLite it first checkpoints the WAL into the main file.
func (s *Store) Close() error {
	if s.dialect == SQLite {
		_, _ = s.sqlDB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	return s.sqlDB.Close()
}

type txKey struct{}

// DB returns the transaction carried by ctx, or the pool, bound to ctx.
func (s *Store) DB(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return s.gdb.WithContext(ctx)
}

// InTx reports whether ctx already carries a transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*gorm.DB)
	return ok
}

// WithTx runs fn in one transaction carried by the context passed to fn. Nested calls
// join the outer transaction, so a service can call another service's writes and still
// commit or roll back as one.
func (s *Store) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if InTx(ctx) {
		return fn(ctx)
	}
	hooks := &afterCommit{}
	err := s.gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), hooksKey{}, hooks))
	})
	if err == nil {
		hooks.run()
	}
	return err
}

type hooksKey struct{}

// afterCommit collects the functions to run once the outermost transaction has committed.
type afterCommit struct {
	mu  sync.Mutex
	fns []func()
}

func (h *afterCommit) run() {
	h.mu.Lock()
	fns := h.fns
	h.fns = nil
	h.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// AfterCommit runs fn once the outermost transaction carried by ctx has committed, or at
// once when ctx carries none; a rollback drops fn. Caches use it to forget state only when
// the change is visible to other connections: forgetting it earlier lets a concurrent
// reader cache the old rows again.
func AfterCommit(ctx context.Context, fn func()) {
	if h, ok := ctx.Value(hooksKey{}).(*afterCommit); ok {
		h.mu.Lock()
		h.fns = append(h.fns, fn)
		h.mu.Unlock()
		return
	}
	fn()
}

// IsUniqueViolation reports whether err is a unique-constraint failure on either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
