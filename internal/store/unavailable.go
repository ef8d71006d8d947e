package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ntmflow/ntmflow/internal/apperr"
)

// IsUnavailable reports whether err means the database could not be reached or did not
// answer in time, rather than that it refused the statement: connection refused or reset,
// a failed connect, an administrator shutdown or a server starting up, a broken pooled
// connection, a deadline, a locked SQLite file past its busy timeout. The request was
// fine; the client should retry later (503 with Retry-After), and nothing was changed
// that the client was told about.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, apperr.ErrUnavailable) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailableState(pgErr.Code)
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || pgconn.Timeout(err) {
		return true
	}
	// pgconn's own errors (write or receive failed, connection closed or busy, context
	// done before sending) all carry SafeToRetry; its SQL errors are PgError, seen above.
	var pgconnErr interface{ SafeToRetry() bool }
	if errors.As(err, &pgconnErr) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	for _, errno := range []syscall.Errno{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE, syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH} {
		if errors.Is(err, errno) {
			return true
		}
	}
	// Messages of database/sql and the SQLite driver that have no typed error.
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") ||
		strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY")
}

// unavailableState picks the SQLSTATEs that say "not now" rather than "not this": class
// 08 (connection exception), 53 (insufficient resources: too many connections, out of
// memory or disk), 57P01–57P03 (admin or crash shutdown, cannot connect now) and 57P05
// (idle session timeout).
func unavailableState(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"):
		return true
	case code == "57P01", code == "57P02", code == "57P03", code == "57P05":
		return true
	}
	return false
}

// connectTimeout bounds each new PostgreSQL connection. Without it a connect to a host
// that does not answer waits for the kernel's TCP timeout (minutes), and so would the
// request behind it; with it, an outage costs a request at most this long before 503.
const connectTimeout = "5"

// withConnectTimeout adds connect_timeout to a postgres:// URL that does not set one.
func withConnectTimeout(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn // key=value form or unparsable: left to the driver as given
	}
	q := u.Query()
	if q.Has("connect_timeout") {
		return dsn
	}
	q.Set("connect_timeout", connectTimeout)
	u.RawQuery = q.Encode()
	return u.String()
}
