package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/config"
	"github.com/ntmflow/ntmflow/internal/logx"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestShutdownFinishesInFlightRequests: when the context ends (SIGINT/SIGTERM in main), a
// request already being served completes with its full answer before Serve returns.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := app.NewHTTPServer(h, logx.New(io.Discard, slog.LevelError))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.ServeUntilDone(ctx, srv, ln, 5*time.Second) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- result{string(b), err}
	}()
	<-started
	cancel() // the signal arrives while the request is in flight
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q, %v", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("ServeUntilDone: %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

// TestServeEndToEnd starts the real Serve on a fresh data directory (migrations at start),
// checks readiness, then stops it.
func TestServeEndToEnd(t *testing.T) {
	if testkit.PostgresURL() != "" {
		t.Skip("covers the embedded SQLite default; PostgreSQL serving is covered through testkit")
	}
	dir := t.TempDir()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	mln, _ := net.Listen("tcp", "127.0.0.1:0")
	metricsAddr := mln.Addr().String()
	mln.Close()
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"NTMFLOW_DATA_DIR": dir, "NTMFLOW_ADDR": addr, "NTMFLOW_METRICS_ADDR": metricsAddr}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	var seedOut bytes.Buffer
	if err := app.Seed(context.Background(), cfg, app.SeedOptions{}, &seedOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(seedOut.String(), "63 provinces, 696 districts, 10047 communes") {
		t.Fatalf("seed output: %s", seedOut.String())
	}
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, cfg, logx.New(&syncWriter{w: &logs}, slog.LevelInfo)) }()
	var status int
	for range 100 {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			status = res.StatusCode
			res.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// /metrics is on the loopback metrics address, not on the main listener.
	metricsStatus := map[string]int{}
	for _, a := range []string{addr, metricsAddr} {
		if res, err := http.Get("http://" + a + "/metrics"); err == nil {
			metricsStatus[a] = res.StatusCode
			res.Body.Close()
		}
	}
	if metricsStatus[addr] != 404 || metricsStatus[metricsAddr] != 200 {
		t.Errorf("/metrics: main listener %d, metrics address %d", metricsStatus[addr], metricsStatus[metricsAddr])
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if status != 200 {
		t.Fatalf("readyz = %d", status)
	}
	if _, err := os.Stat(filepath.Join(dir, "ntmflow.db")); err != nil {
		t.Fatal("no SQLite file in the data directory")
	}
	for _, want := range []string{"DEMO ACCOUNTS ARE ACTIVE", "else " + addr + ", because NTMFLOW_PUBLIC_URL is unset", `"msg":"serving"`, `"msg":"database closed"`, `"request_id"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
	// A second seed on a database with a real user refuses.
	if err := app.UserCreate(context.Background(), cfg, newRealUser(), io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := app.Seed(context.Background(), cfg, app.SeedOptions{}, io.Discard); err != app.ErrNotDemoDatabase {
		t.Fatalf("seed on a real database: %v", err)
	}
}
