// Package config reads ntmflow's configuration from the environment (SPEC §1).
// There are no globals: callers get a Config value and pass it on.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Config is the whole runtime configuration.
type Config struct {
	Addr        string     // NTMFLOW_ADDR
	DatabaseURL string     // DATABASE_URL; empty means embedded SQLite
	DataDir     string     // NTMFLOW_DATA_DIR
	Secret      string     // NTMFLOW_SECRET; generated into the data dir when empty
	LogLevel    slog.Level // NTMFLOW_LOG_LEVEL
	PublicURL   string     // NTMFLOW_PUBLIC_URL: base URL printed on certificates; "" uses the request's host
	PprofAddr   string     // NTMFLOW_PPROF_ADDR: loopback address for Go profiles (off when empty)
}

// Error names the offending variable so start-up can stop with one clear line.
type Error struct {
	Var    string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid %s: %s", e.Var, e.Reason) }

// FromEnv builds a Config from getenv (os.Getenv in production) and validates it.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:        orDefault(getenv("NTMFLOW_ADDR"), "127.0.0.1:8080"),
		DatabaseURL: strings.TrimSpace(getenv("DATABASE_URL")),
		DataDir:     orDefault(getenv("NTMFLOW_DATA_DIR"), "./data"),
		Secret:      getenv("NTMFLOW_SECRET"),
		PublicURL:   strings.TrimRight(strings.TrimSpace(getenv("NTMFLOW_PUBLIC_URL")), "/"),
		PprofAddr:   strings.TrimSpace(getenv("NTMFLOW_PPROF_ADDR")),
	}
	level, err := parseLevel(getenv("NTMFLOW_LOG_LEVEL"))
	if err != nil {
		return c, err
	}
	c.LogLevel = level
	return c, c.Validate()
}

// Validate checks every field and returns the first problem found.
func (c Config) Validate() error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return &Error{"NTMFLOW_ADDR", fmt.Sprintf("%q is not host:port", c.Addr)}
	}
	if c.DatabaseURL != "" && !c.UsesPostgres() {
		return &Error{"DATABASE_URL", "must be a postgres:// or postgresql:// URL, or unset for embedded SQLite"}
	}
	if c.UsesPostgres() {
		if u, err := url.Parse(c.DatabaseURL); err != nil || u.Host == "" {
			return &Error{"DATABASE_URL", "is not a valid URL with a host"}
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{"NTMFLOW_PUBLIC_URL", "must be an http:// or https:// URL such as https://ntm.langson.gov.vn"}
		}
	}
	if c.PprofAddr != "" {
		host, _, err := net.SplitHostPort(c.PprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return &Error{"NTMFLOW_PPROF_ADDR", "must be a loopback host:port such as 127.0.0.1:6060 (profiles are not for the public)"}
		}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return &Error{"NTMFLOW_DATA_DIR", "must not be empty"}
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		return &Error{"NTMFLOW_SECRET", "must be at least 32 characters"}
	}
	return nil
}

// UsesPostgres reports whether DATABASE_URL selects PostgreSQL.
func (c Config) UsesPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// SQLitePath is the embedded database file inside the data directory.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "ntmflow.db") }

// EnsureSecret fills Secret from the data directory, creating a random one on first use,
// so cookies survive restarts without the operator having to set anything.
func (c *Config) EnsureSecret() error {
	if c.Secret != "" {
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return &Error{"NTMFLOW_DATA_DIR", "cannot be created: " + errors.Unwrap(err).Error()}
	}
	path := filepath.Join(c.DataDir, "secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		c.Secret = strings.TrimSpace(string(b))
		return nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return err
	}
	c.Secret = hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(c.Secret+"\n"), 0o600); err != nil {
		return &Error{"NTMFLOW_DATA_DIR", "is not writable"}
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, &Error{"NTMFLOW_LOG_LEVEL", fmt.Sprintf("%q is not one of debug, info, warn, error", s)}
}

func orDefault(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return strings.TrimSpace(v)
}
