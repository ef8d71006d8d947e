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
