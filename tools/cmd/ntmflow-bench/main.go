// Command ntmflow-bench runs the load benchmark of `make bench` against a local
// PostgreSQL and writes docs/perf.md. Flags only; the work is in tools/loadbench.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/ntmflow/ntmflow/tools/loadbench"
)

func main() {
	cfg := loadbench.Config{Log: os.Stdout}
	flag.StringVar(&cfg.Binary, "binary", "bin/ntmflow", "the ntmflow binary to benchmark")
	flag.StringVar(&cfg.DatabaseURL, "db", envOr("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ntmflow_bench?sslmode=disable"), "PostgreSQL database for the run (created when missing)")
	flag.IntVar(&cfg.Nominations, "nominations", 2_000_000, "nominations to generate")
	flag.DurationVar(&cfg.Duration, "duration", 10*time.Second, "length of each scenario")
	flag.IntVar(&cfg.Clients, "clients", 16, "concurrent clients for reads")
	flag.IntVar(&cfg.TxClients, "tx-clients", 32, "concurrent clients for transitions")
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:18181", "loopback address for the server under test")
	flag.StringVar(&cfg.Report, "report", "docs/perf.md", "where to write the report")
	flag.StringVar(&cfg.PprofAddr, "pprof-addr", "127.0.0.1:18182", "loopback address where the server exposes profiles")
	flag.StringVar(&cfg.ProfileDir, "profile-dir", "bin", "where to save the CPU profiles")
	flag.StringVar(&cfg.GoBench, "go-bench", "bin/go-bench.txt", "Go benchmark output to quote in the report")
	flag.StringVar(&cfg.Only, "only", "", "run only the scenarios whose name contains this (a partial report: point -report elsewhere)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := loadbench.Run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "ntmflow-bench:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
