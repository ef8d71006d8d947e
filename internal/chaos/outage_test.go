package chaos_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/config"
	"github.com/ntmflow/ntmflow/internal/logx"
	"github.com/ntmflow/ntmflow/internal/store"
)

const (
	clusterName = "ntmflow_chaos"
	writers     = 4
	warmUp      = 3 * time.Second
	outageFor   = 8 * time.Second
	afterwards  = 3 * time.Second
	// answerBound is how long any request may take while the database is away: the
	// pool's connect timeout (5 s) plus slack. A request must never wait for the database
	// to come back.
	answerBound = 10 * time.Second
	// recoverBound is how long the server may take to serve again once PostgreSQL is up.
	recoverBound = 30 * time.Second
)

// TestPostgresOutage runs 4 writers creating nominations against the real server on a
// throwaway PostgreSQL cluster, stops the cluster for 8 s and starts it again. While it
// is down every answer is a prompt 503 unavailable with Retry-After (never 500 or 422);
// afterwards the server serves again without a restart, and every write acknowledged
// with 201 is in the database.
func TestPostgresOutage(t *testing.T) {
	if os.Getenv("NTMFLOW_CHAOS") != "1" {
		t.Skip("set NTMFLOW_CHAOS=1 to run the outage test (it creates and stops its own PostgreSQL cluster)")
	}
	pg := newCluster(t)
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)

	cfg := config.Config{Addr: freeAddr(t), DatabaseURL: dsn, DataDir: t.TempDir(),
		Secret: "chaos-secret-0123456789abcdef-0123456789", LogLevel: slog.LevelInfo}
	ctx := context.Background()
	if err := app.Seed(ctx, cfg, app.SeedOptions{}, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	logPath := filepath.Join(cfg.DataDir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	srvCtx, stopServer := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- app.Serve(srvCtx, cfg, logx.New(logFile, slog.LevelInfo)) }()
	defer func() {
		stopServer()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			tailLog(t, logPath)
		}
	}()
	base := "http://" + cfg.Addr
	client := &http.Client{Timeout: 2 * answerBound}
	waitReady(t, client, base, 30*time.Second)
	token := login(t, client, base, "xa.haiyen")

	rec := &recorder{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writer(client, base, token, w, rec, stop)
		}()
	}

	time.Sleep(warmUp)
	outageStart := time.Now()
	pg.ctl(t, "stop", "-m", "fast")
	stopped := time.Now()
	// Probe readiness and a read while the database is away.
	for time.Since(stopped) < outageFor {
		start := time.Now()
		res := get(client, base+"/readyz", "")
		rec.probe("readyz", res, time.Since(start))
		start = time.Now()
		res = get(client, base+"/api/v1/nominations?limit=1", token)
		rec.probe("list", res, time.Since(start))
		time.Sleep(250 * time.Millisecond)
	}
	restart := time.Now()
	pg.ctl(t, "start") // returns once PostgreSQL accepts connections
	pgUp := time.Since(restart)
	up := time.Now()
	var readyAfter time.Duration = -1
	for time.Since(up) < recoverBound {
		if res := get(client, base+"/readyz", ""); res.status == http.StatusOK {
			readyAfter = time.Since(up)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	writeAfter := rec.firstSuccessAfter(restart, recoverBound)
	time.Sleep(afterwards)
	close(stop)
	wg.Wait()

	// Classify what the writers saw.
	var acked []attempt
	during, other := map[int]int{}, map[string]int{}
	var slowest time.Duration
	for _, a := range rec.attempts() {
		slowest = max(slowest, a.took)
		inOutage := a.start.After(stopped) && a.end.Before(restart)
		switch {
		case a.err != "":
			other["transport: "+a.err]++
		case a.status == http.StatusCreated:
			acked = append(acked, a)
		case a.status == http.StatusServiceUnavailable && a.code == "unavailable" && a.retryAfter != "":
		default:
			other[fmt.Sprintf("%d %s", a.status, a.code)]++
		}
		if inOutage {
			during[a.status]++
		}
		if a.took > answerBound {
			t.Errorf("writer %d: answer took %s (bound %s) status %d", a.writer, a.took, answerBound, a.status)
		}
	}
	for k, n := range other {
		t.Errorf("unexpected answer to a write: %s ×%d", k, n)
	}
	if during[http.StatusServiceUnavailable] == 0 {
		t.Error("no write answered 503 during the outage")
	}
	for status, n := range during {
		if status != http.StatusServiceUnavailable {
			t.Errorf("during the outage %d writes answered %d", n, status)
		}
	}
	for _, p := range rec.probes {
		if p.status != http.StatusServiceUnavailable || p.took > answerBound || !p.jsonBody {
			t.Errorf("%s during the outage: %d in %s (JSON body %v)", p.name, p.status, p.took, p.jsonBody)
		}
	}
	if readyAfter < 0 {
		t.Errorf("readyz not 200 within %s of the restart", recoverBound)
	}
	if writeAfter < 0 {
		t.Errorf("no write succeeded within %s of the restart", recoverBound)
	}

	// Every acknowledged write is in the database, once.
	st, err := store.Open(ctx, store.Options{PostgresURL: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var rows []struct {
		ID    int64
		Title string
	}
	if err := st.DB(ctx).Table("nominations").Select("id, title").Where("title LIKE ?", "Chaos %").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	stored := map[int64]string{}
	titles := map[string]int{}
	for _, r := range rows {
		stored[r.ID] = r.Title
		titles[r.Title]++
	}
	lost, duplicates := 0, 0
	for _, a := range acked {
		if stored[a.id] != a.title {
			lost++
			t.Errorf("acknowledged nomination %d %q is not in the database", a.id, a.title)
		}
	}
	for title, n := range titles {
		if n > 1 {
			duplicates += n - 1
			t.Errorf("%q stored %d times (retries with one Idempotency-Key)", title, n)
		}
	}
	probe503 := 0
	for _, p := range rec.probes {
		if p.status == http.StatusServiceUnavailable {
			probe503++
		}
	}
	t.Logf("writers %d, outage %s (stop took %s, start took %s)", writers, outageFor, stopped.Sub(outageStart).Round(time.Millisecond), pgUp.Round(time.Millisecond))
	t.Logf("writes: %d attempts, %d acknowledged (201), lost %d, duplicates %d, stored without acknowledgement %d",
		len(rec.attempts()), len(acked), lost, duplicates, len(rows)-len(acked))
	t.Logf("during the outage: writes by status %v; probes (readyz, list) answered 503: %d of %d", during, probe503, len(rec.probes))
	t.Logf("other statuses: %v; slowest answer %s", other, slowest.Round(time.Millisecond))
	t.Logf("recovery without a restart of the server: readyz 200 %s after PostgreSQL was up; first write 201 %s after the start command",
		readyAfter.Round(time.Millisecond), writeAfter.Round(time.Millisecond))
}

// attempt is one POST /api/v1/nominations.
type attempt struct {
	writer     int
	title      string
	start, end time.Time
	took       time.Duration
	status     int
	code       string
	retryAfter string
	id         int64
	err        string
}

type probe struct {
	name     string
	status   int
	took     time.Duration
	jsonBody bool
}

type recorder struct {
	mu     sync.Mutex
	list   []attempt
	probes []probe
}

func (r *recorder) add(a attempt) {
	r.mu.Lock()
	r.list = append(r.list, a)
	r.mu.Unlock()
}

func (r *recorder) attempts() []attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]attempt(nil), r.list...)
}

func (r *recorder) probe(name string, res response, took time.Duration) {
	var body map[string]any
	p := probe{name: name, status: res.status, took: took, jsonBody: json.Unmarshal(res.body, &body) == nil}
	r.mu.Lock()
	r.probes = append(r.probes, p)
	r.mu.Unlock()
}

// firstSuccessAfter waits for a write started after t0 to be acknowledged and says how
// long after t0 it was, or -1.
func (r *recorder) firstSuccessAfter(t0 time.Time, limit time.Duration) time.Duration {
	for time.Since(t0) < limit {
		r.mu.Lock()
		best := time.Duration(-1)
		for _, a := range r.list {
			if a.status == http.StatusCreated && a.start.After(t0) && (best < 0 || a.end.Sub(t0) < best) {
				best = a.end.Sub(t0)
			}
		}
		r.mu.Unlock()
		if best >= 0 {
			return best
		}
		time.Sleep(50 * time.Millisecond)
	}
	return -1
}

// writer creates nominations one after another. Even writers are careful clients: on 503
// they retry the same nomination with the same Idempotency-Key after a short pause. Odd
// writers send no key and try a new nomination each time (the path on which lookups used
// to turn a database error into 422).
func writer(client *http.Client, base, token string, w int, rec *recorder, stop <-chan struct{}) {
	for n, try := 0, 0; ; n++ {
		for ; ; try++ {
			select {
			case <-stop:
				return
			default:
			}
			title := fmt.Sprintf("Chaos w%d n%d", w, n)
			key := fmt.Sprintf("chaos-%d-%d", w, n)
			if w%2 == 1 {
				title, key = fmt.Sprintf("Chaos w%d n%d t%d", w, n, try), ""
			}
			body, _ := json.Marshal(map[string]any{
				"type": "model_garden", "commune_code": "06220", "title": title,
				"subject": map[string]any{"owner_name": "Hoàng Văn Thắng", "village": "Thôn Pắc Cáp", "area_m2": 2400,
					"main_crops": "Cam", "annual_income_vnd": 185000000},
			})
			a := post(client, base+"/api/v1/nominations", token, key, body)
			a.writer, a.title = w, title
			rec.add(a)
			if a.status == http.StatusCreated {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

func post(client *http.Client, url, token, key string, body []byte) attempt {
	a := attempt{start: time.Now()}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := client.Do(req)
	a.end = time.Now()
	a.took = a.end.Sub(a.start)
	if err != nil {
		a.err = err.Error()
		return a
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a.status, a.retryAfter = res.StatusCode, res.Header.Get("Retry-After")
	var out struct {
		ID    int64 `json:"id"`
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(raw, &out)
	a.id, a.code = out.ID, out.Error.Code
	return a
}

type response struct {
	status int
	body   []byte
}

func get(client *http.Client, url, token string) response {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return response{}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: raw}
}

func waitReady(t *testing.T, client *http.Client, base string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if get(client, base+"/readyz", "").status == http.StatusOK {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("server not ready within %s", limit)
}

func login(t *testing.T, client *http.Client, base, username string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": app.DemoPassword})
	res, err := client.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("login %s: %d %v", username, res.StatusCode, err)
	}
	return out.Token
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func tailLog(t *testing.T, path string) {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var keep []string
	failed := 0
	for _, l := range lines {
		switch {
		case strings.Contains(l, `"msg":"request"`):
		case strings.Contains(l, `"msg":"request failed"`), strings.Contains(l, `"msg":"database unavailable"`):
			if failed++; failed <= 3 {
				keep = append(keep, l)
			}
		default:
			keep = append(keep, l)
		}
	}
	keep = append(keep, fmt.Sprintf("(%d failed-request lines in all)", failed))
	if len(keep) > 40 {
		keep = keep[len(keep)-40:]
	}
	t.Logf("server log (without request lines, last %d):\n%s", len(keep), strings.Join(keep, "\n"))
}

// cluster is a PostgreSQL cluster of the test's own (postgresql-common), so the shared
// server on 5432 is never stopped.
type cluster struct {
	version string
	port    int
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	for _, tool := range []string{"pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_lsclusters", "pg_isready"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("NTMFLOW_CHAOS=1 needs %s (postgresql-common and a PostgreSQL server package)", tool)
		}
	}
	c := &cluster{version: os.Getenv("NTMFLOW_CHAOS_PG_VERSION"), port: 5439}
	if c.version == "" {
		c.version = newestPostgres(t)
	}
	if p := os.Getenv("NTMFLOW_CHAOS_PG_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("NTMFLOW_CHAOS_PG_PORT=%q is not a port", p)
		}
		c.port = n
	}
	// A cluster left behind by an interrupted run is ours to drop.
	if out, _ := exec.Command("pg_lsclusters", "-h").Output(); clusterListed(string(out), c.version) {
		run(t, "pg_dropcluster", c.version, clusterName, "--stop")
	}
	if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", c.port)); err != nil {
		t.Fatalf("port %d is taken: set NTMFLOW_CHAOS_PG_PORT to a free port", c.port)
	} else {
		ln.Close()
	}
	run(t, "pg_createcluster", c.version, clusterName, "-p", strconv.Itoa(c.port), "--start", "--", "--auth=trust")
	t.Cleanup(func() {
		if out, err := exec.Command("pg_dropcluster", c.version, clusterName, "--stop").CombinedOutput(); err != nil {
			t.Errorf("drop the chaos cluster: %v\n%s", err, out)
		}
	})
	run(t, "pg_isready", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-t", "30")
	return c
}

func clusterListed(out, version string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == version && f[1] == clusterName {
			return true
		}
	}
	return false
}

func newestPostgres(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	var versions []int
	for _, d := range dirs {
		if v, err := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(d)))); err == nil {
			versions = append(versions, v)
		}
	}
	if len(versions) == 0 {
		t.Fatal("no PostgreSQL server under /usr/lib/postgresql (set NTMFLOW_CHAOS_PG_VERSION)")
	}
	sort.Ints(versions)
	return strconv.Itoa(versions[len(versions)-1])
}

func (c *cluster) ctl(t *testing.T, action string, args ...string) {
	t.Helper()
	run(t, "pg_ctlcluster", append([]string{c.version, clusterName, action}, args...)...)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
