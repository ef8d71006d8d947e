package config_test

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.UsesPostgres() || c.LogLevel != slog.LevelInfo {
		t.Fatalf("defaults = %+v", c)
	}
	if c.SQLitePath() != filepath.Join("data", "ntmflow.db") {
		t.Fatalf("sqlite path = %s", c.SQLitePath())
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"NTMFLOW_ADDR":      {"NTMFLOW_ADDR": "8080"},
		"DATABASE_URL":      {"DATABASE_URL": "mysql://x"},
		"NTMFLOW_SECRET":    {"NTMFLOW_SECRET": "short"},
		"NTMFLOW_LOG_LEVEL": {"NTMFLOW_LOG_LEVEL": "loud"},
	}
	for name, e := range cases {
		_, err := config.FromEnv(env(e))
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Var != name || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestPostgresURL(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{"DATABASE_URL": "postgres://u@db:5432/ntm", "NTMFLOW_LOG_LEVEL": "debug"}))
	if err != nil || !c.UsesPostgres() || c.LogLevel != slog.LevelDebug {
		t.Fatalf("c = %+v, err = %v", c, err)
	}
}

func TestSecretIsGeneratedOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	c := config.Config{DataDir: dir}
	if err := c.EnsureSecret(); err != nil {
		t.Fatal(err)
	}
	if len(c.Secret) < 32 {
		t.Fatalf("secret %q too short", c.Secret)
	}
	info, err := os.Stat(filepath.Join(dir, "secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", info, err)
	}
	again := config.Config{DataDir: dir}
	if err := again.EnsureSecret(); err != nil || again.Secret != c.Secret {
		t.Fatalf("second start got another secret")
	}
}

func TestEdgeVariablesAreValidated(t *testing.T) {
	cases := map[string][]string{
		"NTMFLOW_METRICS_ADDR":    {"0.0.0.0:9090", "10.0.0.5:9090", "localhost:9090", "9090"},
		"NTMFLOW_METRICS_TOKEN":   {"short", "sixteen chars with spaces", "token-with-ünïcode-chars"},
		"NTMFLOW_TRUSTED_PROXIES": {"10.0.0.0/33", "proxy.local", "10.0.0.1,nope", "300.1.1.1"},
		"NTMFLOW_ALLOWED_HOSTS":   {"https://ntm.example.vn", "ntm.example.vn/x", "ntm.example.vn:99999", "a b", "ntm.example.vn,evil.com/"},
	}
	for name, values := range cases {
		for _, v := range values {
			_, err := config.FromEnv(env(map[string]string{name: v}))
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Var != name || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s=%q: err = %v", name, v, err)
			}
		}
	}
}

func TestEdgeVariables(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{
		"NTMFLOW_METRICS_ADDR": "127.0.0.1:9090", "NTMFLOW_METRICS_TOKEN": "scrape-token-0123456789",
		"NTMFLOW_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.1 ,::1,", "NTMFLOW_ALLOWED_HOSTS": "ntm.langson.gov.vn, ntm.langson.gov.vn:8443",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var nets []string
	for _, n := range c.TrustedProxies {
		nets = append(nets, n.String())
	}
	if strings.Join(nets, " ") != "10.0.0.0/8 192.0.2.1/32 ::1/128" {
		t.Errorf("trusted proxies = %v", nets)
	}
	if c.MetricsAddr != "127.0.0.1:9090" || c.MetricsToken != "scrape-token-0123456789" {
		t.Errorf("metrics = %q %q", c.MetricsAddr, c.MetricsToken)
	}
	if got := strings.Join(c.PublicHosts(), " "); got != "ntm.langson.gov.vn ntm.langson.gov.vn:8443" {
		t.Errorf("public hosts = %s", got)
	}
}

// TestPublicHostsDefault: without NTMFLOW_ALLOWED_HOSTS, public links may use the listen
// address or localhost/127.0.0.1 with its port; the first is the fallback.
func TestPublicHostsDefault(t *testing.T) {
	cases := map[string]string{
		"127.0.0.1:8080":    "127.0.0.1:8080 localhost:8080",
		":8080":             "localhost:8080 127.0.0.1:8080",
		"0.0.0.0:9000":      "localhost:9000 127.0.0.1:9000",
		"ntm.internal:80":   "ntm.internal:80 localhost:80 127.0.0.1:80",
		"[::1]:8080":        "[::1]:8080 localhost:8080 127.0.0.1:8080",
		"192.168.1.10:8080": "192.168.1.10:8080 localhost:8080 127.0.0.1:8080",
	}
	for addr, want := range cases {
		c, err := config.FromEnv(env(map[string]string{"NTMFLOW_ADDR": addr}))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(c.PublicHosts(), " "); got != want {
			t.Errorf("%s: public hosts = %s, want %s", addr, got, want)
		}
	}
}
