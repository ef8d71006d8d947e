package loadbench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/ntmflow/ntmflow/internal/progress"
)

// item is a nomination that a transition client owns: endorsed ↔ under review, by the
// province sending it back and the district endorsing it again (its saved review passes).
type item struct {
	id      int64
	version int
	status  string
}

func (b *bench) transitionItems(ctx context.Context, n int) ([]*item, error) {
	rows, err := b.pool.Query(ctx, `SELECT id, version, status FROM nominations
		WHERE district_code = '183' AND status IN ('endorsed', 'under_review') AND review IS NOT NULL
		ORDER BY id LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*item
	for rows.Next() {
		it := &item{}
		if err := rows.Scan(&it.id, &it.version, &it.status); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	if len(out) < n {
		return nil, fmt.Errorf("only %d reviewed nominations in Cao Lộc for %d transition clients", len(out), n)
	}
	return out, rows.Err()
}

func next(it *item) (action, user, comment string) {
	if it.status == "endorsed" {
		return "send_back", "tinh.20", "Đề nghị thẩm định lại"
	}
	return "endorse", "huyen.183.1", ""
}

// transitionsHTTP: each client owns two nominations and moves them through the workflow
// with If-Match, through the full stack.
func (b *bench) transitionsHTTP(ctx context.Context, clients int, d time.Duration) (Result, error) {
	items, err := b.transitionItems(ctx, 2*clients)
	if err != nil {
		return Result{}, err
	}
	free := make(chan *item, len(items))
	byURL := map[string]*item{}
	for _, it := range items {
		free <- it
		byURL[fmt.Sprintf("%s/api/v1/nominations/%d/transitions", b.base, it.id)] = it
	}
	var mu sync.Mutex
	tr := func(t *vegeta.Target) error {
		it := <-free
		action, user, comment := next(it)
		body, _ := json.Marshal(map[string]string{"action": action, "comment": comment})
		mu.Lock()
		version := it.version
		mu.Unlock()
		*t = vegeta.Target{Method: "POST", URL: fmt.Sprintf("%s/api/v1/nominations/%d/transitions", b.base, it.id), Body: body,
			Header: http.Header{"Authorization": {"Bearer " + b.tokens[user]}, "Content-Type": {"application/json"},
				"If-Match": {fmt.Sprintf(`"%d"`, version)}}}
		return nil
	}
	run := func(name string, d time.Duration) vegeta.Metrics {
		atk := vegeta.NewAttacker(vegeta.Workers(uint64(clients)), vegeta.MaxWorkers(uint64(clients)),
			vegeta.Connections(clients), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
		var m vegeta.Metrics
		for res := range atk.Attack(tr, vegeta.Rate{}, d, name) {
			it := byURL[res.URL]
			var out struct {
				Version int    `json:"version"`
				Status  string `json:"status"`
			}
			if res.Code == 200 && json.Unmarshal(res.Body, &out) == nil {
				mu.Lock()
				it.version, it.status = out.Version, out.Status
				mu.Unlock()
			} else if res.Code != 0 {
				b.logf("transition %d: %d %s", it.id, res.Code, strings.TrimSpace(string(res.Body)))
			}
			m.Add(res)
			free <- it
		}
		m.Close()
		return m
	}
	run("warm-up", time.Second)
	m := run("transition", d)
	r := Result{Name: "workflow transition (HTTP)", Clients: clients, Requests: m.Requests, PerSecond: m.Throughput, P50: m.Latencies.P50, P99: m.Latencies.P99}
	r.Errors = m.Requests - uint64(float64(m.Requests)*m.Success+0.5)
	if r.Errors > m.Requests/100 {
		return r, fmt.Errorf("transitions: %d errors of %d", r.Errors, m.Requests)
	}
	return r, nil
}

// transitionsPgx runs the same statements directly: read the row in scope, the
// version-checked update, the history row and the progress counters, in one transaction.
// It stays pgx only, as the floor the HTTP run is compared with; the counter writes are
// progress.Change's own statements (which rows, which deltas, in which lock order), so
// the baseline cannot drift from what the server does to the counters.
func (b *bench) transitionsPgx(ctx context.Context, clients int, d time.Duration) (Result, error) {
	items, err := b.transitionItems(ctx, 2*clients)
	if err != nil {
		return Result{}, err
	}
	free := make(chan *item, len(items))
	for _, it := range items {
		// The HTTP run moved these; read their current state.
		if err := b.pool.QueryRow(ctx, "SELECT version, status FROM nominations WHERE id = $1", it.id).Scan(&it.version, &it.status); err != nil {
			return Result{}, err
		}
		free <- it
	}
	op := func(ctx context.Context) error {
		it := <-free
		defer func() { free <- it }()
		action, user, comment := next(it)
		to := map[string]string{"send_back": "under_review", "endorse": "endorsed"}[action]
		tx, err := b.pool.BeginTx(ctx, pgx.TxOptions{})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		var (
			id, campaignID       int64
			status, typ, commune string
			version              int
			hash                 string
			review               *string
		)
		if err := tx.QueryRow(ctx, `SELECT id, status, version, dossier_sha256, review, type, commune_code, district_code, province_code,
			unit_path, campaign_id, criteria_set_id, title, subject, assessment FROM nominations WHERE id = $1 AND district_code = '183'`, it.id).
			Scan(&id, &status, &version, &hash, &review, &typ, &commune, new(string), new(string), new(string), &campaignID, new(int64),
				new(string), new(string), new(string)); err != nil {
			return err
		}
		now := time.Now().UTC()
		tag, err := tx.Exec(ctx, `UPDATE nominations SET status = $1, version = version + 1, updated_at = $2, dossier_sha256 = $3
			WHERE id = $4 AND version = $5`, to, now, hash, id, it.version)
		if err != nil || tag.RowsAffected() != 1 {
			return fmt.Errorf("update: %v (%d rows)", err, tag.RowsAffected())
		}
		if _, err := tx.Exec(ctx, `INSERT INTO nomination_history (nomination_id, at, actor_id, actor, action, from_status, to_status, comment, dossier_sha256)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, now, b.userIDs[user], user, action, status, to, comment, hash); err != nil {
			return err
		}
		change := progress.Change{Nomination: progress.Nomination{CampaignID: &campaignID, DistrictCode: "183", CommuneCode: commune, Type: typ},
			From: status, To: to}
		for _, st := range change.Statements() {
			if _, err := tx.Exec(ctx, progress.Numbered(st.SQL), st.Args...); err != nil {
				return err
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		it.version++
		it.status = to
		return nil
	}
	return b.pgx("workflow transition (pgx)", clients, d, op)
}
