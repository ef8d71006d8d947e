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
	"regexp"
	"slices"
	"strconv"
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

	// MetricsAddr is a loopback address serving /metrics alone (NTMFLOW_METRICS_ADDR);
	// MetricsToken lets a scraper read /metrics on the main listener with
	// "Authorization: Bearer <token>" (NTMFLOW_METRICS_TOKEN). With neither, /metrics is off.
	MetricsAddr  string
	MetricsToken string
	// AllowedHosts are the Host values that may appear in public links when PublicURL is
	// unset (NTMFLOW_ALLOWED_HOSTS); empty means the defaults of PublicHosts.
	AllowedHosts []string
	// TrustedProxies are the peers whose X-Forwarded-For and X-Forwarded-Proto are believed
	// (NTMFLOW_TRUSTED_PROXIES); empty means none: the connection itself is the truth.
	TrustedProxies []*net.IPNet
	// SMTPURL turns e-mail notifications on (NTMFLOW_SMTP_URL): smtp://user:pass@host:port,
	// STARTTLS when the server offers it (smtps:// for TLS from the start). Empty: in-app
	// notifications only. SMTPFrom is the sender address (NTMFLOW_SMTP_FROM; default
	// ntmflow@<SMTP host>).
	SMTPURL  string
	SMTPFrom string
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

		MetricsAddr:  strings.TrimSpace(getenv("NTMFLOW_METRICS_ADDR")),
		MetricsToken: strings.TrimSpace(getenv("NTMFLOW_METRICS_TOKEN")),
		AllowedHosts: splitList(getenv("NTMFLOW_ALLOWED_HOSTS")),
		SMTPURL:      strings.TrimSpace(getenv("NTMFLOW_SMTP_URL")),
		SMTPFrom:     strings.TrimSpace(getenv("NTMFLOW_SMTP_FROM")),
	}
	level, err := parseLevel(getenv("NTMFLOW_LOG_LEVEL"))
	if err != nil {
		return c, err
	}
	c.LogLevel = level
	if c.TrustedProxies, err = parseProxies(getenv("NTMFLOW_TRUSTED_PROXIES")); err != nil {
		return c, err
	}
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
		if !isLoopbackAddr(c.PprofAddr) {
			return &Error{"NTMFLOW_PPROF_ADDR", "must be a loopback host:port such as 127.0.0.1:6060 (profiles are not for the public)"}
		}
	}
	if c.MetricsAddr != "" && !isLoopbackAddr(c.MetricsAddr) {
		return &Error{"NTMFLOW_METRICS_ADDR", "must be a loopback host:port such as 127.0.0.1:9090 (use NTMFLOW_METRICS_TOKEN to scrape from elsewhere)"}
	}
	if c.MetricsToken != "" && (len(c.MetricsToken) < 16 || strings.IndexFunc(c.MetricsToken, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0) {
		return &Error{"NTMFLOW_METRICS_TOKEN", "must be at least 16 printable ASCII characters without spaces"}
	}
	for _, h := range c.AllowedHosts {
		if !validHost(h) {
			return &Error{"NTMFLOW_ALLOWED_HOSTS", fmt.Sprintf("%q is not a host or host:port (comma-separated, no scheme or path)", h)}
		}
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || u.Opaque != "" {
			// The value is not echoed: it may hold a password.
			return &Error{"NTMFLOW_SMTP_URL", "must look like smtp://user:pass@host:port (STARTTLS when offered) or smtps://user:pass@host:port"}
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return &Error{"NTMFLOW_SMTP_URL", "has a port that is not a number from 1 to 65535"}
			}
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

// PublicHosts is the allow-list of Host values for public links when PublicURL is unset:
// NTMFLOW_ALLOWED_HOSTS, else the listen address and localhost/127.0.0.1 with its port.
// The first entry is the fallback for a request whose Host is not in the list.
func (c Config) PublicHosts() []string {
	if len(c.AllowedHosts) > 0 {
		return c.AllowedHosts
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return []string{"localhost"}
	}
	var out []string
	// An unspecified host (":8080", "0.0.0.0:8080") names no reachable address.
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		out = append(out, net.JoinHostPort(host, port))
	}
	for _, h := range []string{"localhost", "127.0.0.1"} {
		if hp := net.JoinHostPort(h, port); !slices.Contains(out, hp) {
			out = append(out, hp)
		}
	}
	return out
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

func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// validHost accepts what a browser sends in Host: a DNS name or IP, with an optional port.
func validHost(h string) bool {
	host := h
	if hh, port, err := net.SplitHostPort(h); err == nil {
		if _, perr := strconv.ParseUint(port, 10, 16); perr != nil {
			return false
		}
		host = hh
	}
	if net.ParseIP(host) != nil {
		return true
	}
	return hostName.MatchString(host)
}

var hostName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*$`)

// parseProxies reads comma-separated IPs and CIDRs; a bare IP trusts that one address.
func parseProxies(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, item := range splitList(s) {
		if !strings.Contains(item, "/") {
			ip := net.ParseIP(item)
			if ip == nil {
				return nil, &Error{"NTMFLOW_TRUSTED_PROXIES", fmt.Sprintf("%q is not an IP address or CIDR such as 10.0.0.0/8", item)}
			}
			bits := 128
			if ip4 := ip.To4(); ip4 != nil {
				ip, bits = ip4, 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(item)
		if err != nil {
			return nil, &Error{"NTMFLOW_TRUSTED_PROXIES", fmt.Sprintf("%q is not an IP address or CIDR such as 10.0.0.0/8", item)}
		}
		out = append(out, n)
	}
	return out, nil
}

// splitList splits a comma-separated variable, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func orDefault(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return strings.TrimSpace(v)
}
