// Package loadbench measures ntmflow on PostgreSQL with national-scale data: the full
// stack through HTTP (vegeta as the load generator, 127.0.0.1 only) against the same
// queries run directly with pgx, and writes the report docs/perf.md.
package loadbench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/ntmflow/ntmflow/internal/gendata"
)

// Config says what to measure.
type Config struct {
	Binary      string        // the ntmflow binary to start
	DatabaseURL string        // PostgreSQL database for the run (created when missing)
	Nominations int           // data size
	Duration    time.Duration // per scenario
	Clients     int           // concurrent clients for reads
	TxClients   int           // concurrent clients for transitions
	Addr        string        // where the server listens (loopback)
	Report      string        // the Markdown report to write
	PprofAddr   string        // where the server exposes profiles during the run
	ProfileDir  string        // where CPU profiles are saved
	GoBench     string        // output of the Go benchmarks of the same run, quoted in the report
	// Only, when set, runs just the scenarios whose name contains it (a quick look at one
	// path; the report then lacks the others' figures).
	Only string
	Log  io.Writer
}

// Result is one measured scenario.
type Result struct {
	Name      string
	Clients   int
	Requests  uint64
	Errors    uint64
	PerSecond float64
	P50, P99  time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%-34s %3d clients %8.0f req/s  p50 %7s  p99 %7s  errors %d/%d",
		r.Name, r.Clients, r.PerSecond, r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Errors, r.Requests)
}

// Run generates the data when the database does not hold it yet, starts the server, runs
// every scenario and writes the report.
func Run(ctx context.Context, cfg Config) error {
	started := time.Now()
	logf := func(format string, a ...any) { fmt.Fprintf(cfg.Log, format+"\n", a...) }
	genTime, err := ensureData(ctx, cfg, logf)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	facts, err := dataFacts(ctx, pool)
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.stop()
	logf("server ready in %s (pid %d)", srv.startup.Round(time.Millisecond), srv.cmd.Process.Pid)

	b := &bench{cfg: cfg, pool: pool, base: "http://" + cfg.Addr, logf: logf, facts: facts}
	if err := b.prepare(ctx); err != nil {
		return err
	}
	rss := srv.watchRSS()
	results, err := b.scenarios(ctx)
	peakRSS := rss()
	if err != nil {
		return err
	}
	rep := report{cfg: cfg, facts: facts, results: results, startup: srv.startup, peakRSS: peakRSS, genTime: genTime,
		national: b.national, provinceAggregate: b.provinceAggregate, nationalAggregate: b.nationalAggregate,
		total: time.Since(started), profiles: b.profiles}
	return rep.write()
}

// ensureData creates the database and generates the data unless it already holds the
// requested number of nominations.
func ensureData(ctx context.Context, cfg Config, logf func(string, ...any)) (time.Duration, error) {
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return 0, err
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	apool, err := pgxpool.New(ctx, admin.String())
	if err != nil {
		return 0, err
	}
	defer apool.Close()
	var exists bool
	if err := apool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", dbName).Scan(&exists); err != nil {
		return 0, fmt.Errorf("PostgreSQL at %s: %w", admin.Host, err)
	}
	if exists {
		pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
		if err != nil {
			return 0, err
		}
		// The generated nominations, not the commune titles recorded beside them; a
		// database from before the movement's figures (no criteria status) is made again.
		var n, statuses int64
		err = pool.QueryRow(ctx, `SELECT COUNT(*) FROM nominations WHERE type IN ('model_garden', 'model_residential_area')`).Scan(&n)
		if err == nil {
			err = pool.QueryRow(ctx, "SELECT COUNT(*) FROM criteria_status").Scan(&statuses)
		}
		pool.Close()
		if err == nil && int(n) == cfg.Nominations && statuses > 0 {
			logf("reusing %s: it holds %d nominations and %d criteria status rows; migrating it to this binary's schema", dbName, n, statuses)
			cmd := exec.CommandContext(ctx, cfg.Binary, "migrate", "up")
			cmd.Env = append(os.Environ(), "DATABASE_URL="+cfg.DatabaseURL, "NTMFLOW_DATA_DIR="+os.TempDir())
			cmd.Stdout, cmd.Stderr = cfg.Log, cfg.Log
			return 0, cmd.Run()
		}
		logf("recreating %s", dbName)
		if _, err := apool.Exec(ctx, "DROP DATABASE "+pgIdent(dbName)+" WITH (FORCE)"); err != nil {
			return 0, err
		}
	}
	if _, err := apool.Exec(ctx, "CREATE DATABASE "+pgIdent(dbName)); err != nil {
		return 0, err
	}
	logf("generating %d nominations into %s …", cfg.Nominations, dbName)
	start := time.Now()
	cmd := exec.CommandContext(ctx, cfg.Binary, "gen-data", "--nominations", strconv.Itoa(cfg.Nominations))
	cmd.Env = append(os.Environ(), "DATABASE_URL="+cfg.DatabaseURL, "NTMFLOW_DATA_DIR="+os.TempDir())
	cmd.Stdout, cmd.Stderr = cfg.Log, cfg.Log
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("gen-data: %w", err)
	}
	return time.Since(start), nil
}

func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// facts describe the data and the machine for the report.
type facts struct {
	Nominations, History, Recognitions, Users int64
	Province, District                        int64 // nominations in Lạng Sơn and in Cao Lộc
	Statuses, Titles                          int64 // criteria status rows (one per Xã) and commune titles
	StatusYear                                int   // the year of the criteria status
	PostgresVersion                           string
}

func dataFacts(ctx context.Context, pool *pgxpool.Pool) (facts, error) {
	var f facts
	err := pool.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM nominations WHERE type IN ('model_garden', 'model_residential_area')),
		(SELECT COUNT(*) FROM nomination_history), (SELECT COUNT(*) FROM recognitions), (SELECT COUNT(*) FROM users),
		(SELECT COUNT(*) FROM nominations WHERE province_code = '20'), (SELECT COUNT(*) FROM nominations WHERE district_code = '183'),
		(SELECT COUNT(*) FROM criteria_status), (SELECT COUNT(*) FROM recognitions WHERE type IN ('ntm_commune', 'advanced_ntm_commune', 'model_ntm_commune')),
		(SELECT COALESCE(MAX(year), 0) FROM criteria_status),
		current_setting('server_version')`).Scan(&f.Nominations, &f.History, &f.Recognitions, &f.Users, &f.Province, &f.District,
		&f.Statuses, &f.Titles, &f.StatusYear, &f.PostgresVersion)
	return f, err
}

// ---- the server under test ------------------------------------------------------------

type server struct {
	cmd     *exec.Cmd
	startup time.Duration
	done    chan error
}

func startServer(ctx context.Context, cfg Config) (*server, error) {
	dir, err := os.MkdirTemp("", "ntmflow-bench-")
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(dir + "/server.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(cfg.Binary, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+cfg.DatabaseURL, "NTMFLOW_ADDR="+cfg.Addr, "NTMFLOW_DATA_DIR="+dir,
		"NTMFLOW_LOG_LEVEL=info", "NTMFLOW_PPROF_ADDR="+cfg.PprofAddr)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	for time.Since(start) < 30*time.Second {
		res, err := http.Get("http://" + cfg.Addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				s.startup = time.Since(start)
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("server exited: %v (log in %s)", err, logFile.Name())
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.stop()
	return nil, errors.New("server not ready after 30 s")
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

// watchRSS samples the server's resident memory until the returned func is called, which
// gives the peak.
func (s *server) watchRSS() func() int64 {
	var peak atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			if kb := rssKB(s.cmd.Process.Pid); kb > peak.Load() {
				peak.Store(kb)
			}
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() int64 { close(stop); return peak.Load() }
}

func rssKB(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return kb
		}
	}
	return 0
}

// ---- scenarios ------------------------------------------------------------------------

type bench struct {
	cfg      Config
	pool     *pgxpool.Pool
	base     string
	logf     func(string, ...any)
	facts    facts
	tokens   map[string]string
	userIDs  map[string]int64
	campaign int64
	ids      []int64 // nominations of Cao Lộc, for object reads
	national time.Duration
	// The movement's criteria-status aggregates, in process (median of five).
	provinceAggregate, nationalAggregate time.Duration
	profiles                             []string
}

func (b *bench) login(user string) error {
	body, _ := json.Marshal(map[string]string{"username": user, "password": gendata.Password})
	res, err := http.Post(b.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
		User  struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	if res.StatusCode != 200 || json.NewDecoder(res.Body).Decode(&out) != nil {
		return fmt.Errorf("login %s: %d", user, res.StatusCode)
	}
	b.tokens[user], b.userIDs[user] = out.Token, out.User.ID
	return nil
}

func (b *bench) prepare(ctx context.Context) error {
	b.tokens, b.userIDs = map[string]string{}, map[string]int64{}
	for _, u := range []string{"huyen.183.1", "tinh.20"} {
		if err := b.login(u); err != nil {
			return err
		}
	}
	if err := b.pool.QueryRow(ctx, "SELECT id FROM campaigns WHERE province_code = '20'").Scan(&b.campaign); err != nil {
		return err
	}
	rows, err := b.pool.Query(ctx, "SELECT id FROM nominations WHERE district_code = '183' ORDER BY id DESC LIMIT 2000")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		b.ids = append(b.ids, id)
	}
	return rows.Err()
}

// The recognition-list scenarios, named once: the report's targets find them by name.
const (
	recListPlain = "recognition list, province (HTTP)"
	recListPred  = "recognition list with include_predecessors, province (HTTP)"
)

// listSQL is the query the server runs for a scoped list page (see nomination.List).
const listSQL = `SELECT id, type, status, version, commune_code, district_code, province_code, campaign_id,
	title, owner_name, village, self_score, self_passes, created_at, updated_at, submitted_at, recognition_id
	FROM nominations WHERE (%s = $1) ORDER BY id DESC LIMIT 21`

func (b *bench) scenarios(ctx context.Context) ([]Result, error) {
	var out []Result
	add := func(r Result, err error) error {
		if err != nil {
			return err
		}
		b.logf("%s", r)
		out = append(out, r)
		return nil
	}
	c, d := b.cfg.Clients, b.cfg.Duration
	// Each step is named as its result (or its log line), so that Only can pick it.
	type step struct {
		name string
		run  func() error
	}
	steps := []step{
		{"healthz, no database (HTTP ceiling)", func() error {
			return add(b.http("healthz, no database (HTTP ceiling)", c, d, b.get("/healthz", "tinh.20")))
		}},
		{"list, district reviewer (HTTP)", func() error {
			stop := b.profile("list")
			defer stop()
			return add(b.http("list, district reviewer (HTTP)", c, d, b.get("/api/v1/nominations?limit=20", "huyen.183.1")))
		}},
		{"list, district reviewer (pgx)", func() error {
			return add(b.pgx("list, district reviewer (pgx)", c, d, b.pgxList("district_code", "183")))
		}},
		{"list, province approver (HTTP)", func() error {
			return add(b.http("list, province approver (HTTP)", c, d, b.get("/api/v1/nominations?limit=20", "tinh.20")))
		}},
		{"list, province approver (pgx)", func() error {
			return add(b.pgx("list, province approver (pgx)", c, d, b.pgxList("province_code", "20")))
		}},
		{"object GET (HTTP)", func() error { return add(b.http("object GET (HTTP)", c, d, b.getObject())) }},
		{"progress, province (HTTP)", func() error {
			return add(b.http("progress, province (HTTP)", 4, d, b.get(fmt.Sprintf("/api/v1/campaigns/%d/progress?year=2024", b.campaign), "tinh.20")))
		}},
		{"criteria status, province aggregate (HTTP)", func() error {
			return add(b.http("criteria status, province aggregate (HTTP)", 4, d,
				b.get(fmt.Sprintf("/api/v1/units/20/criteria-status?year=%d", b.facts.StatusYear), "tinh.20")))
		}},
		// The recognitions of a unit, plain and with the units that went into it at a
		// reform (SPEC §12). The generated data is three-tier, so Lạng Sơn has no
		// predecessors: the pair measures what walking the succession costs on top of the
		// same page of rows.
		{recListPlain, func() error {
			return add(b.http(recListPlain, 4, d, b.get("/api/v1/recognitions?unit=20", "tinh.20")))
		}},
		{recListPred, func() error {
			return add(b.http(recListPred, 4, d, b.get("/api/v1/recognitions?unit=20&include_predecessors=true", "tinh.20")))
		}},
		{"workflow transition (HTTP)", func() error {
			stop := b.profile("transition")
			defer stop()
			return add(b.transitionsHTTP(ctx, b.cfg.TxClients, d))
		}},
		{"workflow transition (pgx)", func() error { return add(b.transitionsPgx(ctx, b.cfg.TxClients, d)) }},
		{"national summary", func() error { return b.measureNational(ctx) }},
		{"criteria-status aggregate", func() error { return b.measureAggregates(ctx) }},
	}
	ran := 0
	for _, st := range steps {
		if b.cfg.Only != "" && !strings.Contains(st.name, b.cfg.Only) {
			continue
		}
		ran++
		if err := st.run(); err != nil {
			return out, err
		}
	}
	if ran == 0 {
		return out, fmt.Errorf("no scenario's name contains %q", b.cfg.Only)
	}
	return out, nil
}

// profile records the server's CPU profile while a scenario runs (it starts after the
// warm-up and lasts most of the scenario) and returns the func that waits for it.
func (b *bench) profile(name string) func() {
	secs := max(1, int(b.cfg.Duration.Seconds())-1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(1500 * time.Millisecond)
		res, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", b.cfg.PprofAddr, secs))
		if err != nil {
			b.logf("profile %s: %v", name, err)
			return
		}
		defer res.Body.Close()
		path := fmt.Sprintf("%s/cpu-%s.pprof", b.cfg.ProfileDir, name)
		f, err := os.Create(path)
		if err != nil {
			b.logf("profile %s: %v", name, err)
			return
		}
		defer f.Close()
		if _, err := io.Copy(f, res.Body); err == nil {
			b.profiles = append(b.profiles, path)
		}
	}()
	return func() { <-done }
}

// get builds a static targeter for one GET as a user.
func (b *bench) get(path, user string) vegeta.Targeter {
	h := http.Header{"Authorization": {"Bearer " + b.tokens[user]}, "Accept-Encoding": {"gzip"}}
	return vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: b.base + path, Header: h})
}

func (b *bench) getObject() vegeta.Targeter {
	h := http.Header{"Authorization": {"Bearer " + b.tokens["huyen.183.1"]}, "Accept-Encoding": {"gzip"}}
	var i atomic.Uint64
	return func(t *vegeta.Target) error {
		id := b.ids[int(i.Add(1))%len(b.ids)]
		*t = vegeta.Target{Method: "GET", URL: fmt.Sprintf("%s/api/v1/nominations/%d", b.base, id), Header: h}
		return nil
	}
}

// http runs a closed-loop attack: `clients` workers, each sending its next request when
// the previous one is answered, for the duration (after a one-second warm-up).
func (b *bench) http(name string, clients int, d time.Duration, tr vegeta.Targeter) (Result, error) {
	// An attacker stops for good at the end of an attack: one for the warm-up, one for the run.
	attacker := func() *vegeta.Attacker {
		return vegeta.NewAttacker(vegeta.Workers(uint64(clients)), vegeta.MaxWorkers(uint64(clients)),
			vegeta.Connections(clients), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	}
	for range attacker().Attack(tr, vegeta.Rate{}, time.Second, "warm-up") {
	}
	var m vegeta.Metrics
	for res := range attacker().Attack(tr, vegeta.Rate{}, d, name) {
		m.Add(res)
	}
	m.Close()
	r := Result{Name: name, Clients: clients, Requests: m.Requests, PerSecond: m.Throughput, P50: m.Latencies.P50, P99: m.Latencies.P99}
	r.Errors = m.Requests - uint64(float64(m.Requests)*m.Success+0.5)
	if m.Requests == 0 || r.Errors > m.Requests/100 {
		return r, fmt.Errorf("%s: %d errors of %d: %v", name, r.Errors, m.Requests, m.Errors)
	}
	return r, nil
}

// pgx runs op in a closed loop on `clients` goroutines over the pool: the floor.
func (b *bench) pgx(name string, clients int, d time.Duration, op func(ctx context.Context) error) (Result, error) {
	ctx := context.Background()
	run := func(d time.Duration, keep bool) ([]time.Duration, uint64, time.Duration) {
		var mu sync.Mutex
		var lat []time.Duration
		var errs atomic.Uint64
		var wg sync.WaitGroup
		start := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var local []time.Duration
				for time.Since(start) < d {
					t := time.Now()
					if err := op(ctx); err != nil {
						errs.Add(1)
					}
					local = append(local, time.Since(t))
				}
				if keep {
					mu.Lock()
					lat = append(lat, local...)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return lat, errs.Load(), time.Since(start)
	}
	run(time.Second, false)
	lat, errs, elapsed := run(d, true)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := Result{Name: name, Clients: clients, Requests: uint64(len(lat)), Errors: errs, PerSecond: float64(len(lat)) / elapsed.Seconds()}
	if len(lat) > 0 {
		r.P50, r.P99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	if errs > 0 {
		return r, fmt.Errorf("%s: %d errors", name, errs)
	}
	return r, nil
}

func (b *bench) pgxList(column, code string) func(ctx context.Context) error {
	q := fmt.Sprintf(listSQL, column)
	return func(ctx context.Context) error {
		rows, err := b.pool.Query(ctx, q, code)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id, cid, rid                          *int64
				typ, st, cc, dc, pc, title, own, vill string
				ver                                   int
				score                                 float64
				passes                                bool
				ca, ua                                time.Time
				sa                                    *time.Time
			)
			if err := rows.Scan(&id, &typ, &st, &ver, &cc, &dc, &pc, &cid, &title, &own, &vill, &score, &passes, &ca, &ua, &sa, &rid); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}
