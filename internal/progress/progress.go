// Package progress owns the progress counters: nomination_counts (nominations of a
// campaign per commune, type and status) and recognition_counts (recognitions per commune,
// type and decision year). The nomination service applies every change in its own
// transaction (Apply); the campaign progress report and `ntmflow report national` read
// them (ByUnit, National); Rebuild recomputes them and Drift checks them against a fresh
// count. No other package writes or reads these tables.
//
// Migration 00008 created the tables and backfilled them with the same two INSERTs as
// Rebuild; it is applied, so it stays as it was written. Rebuild is the definition.
package progress

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Pipeline lists the statuses of a nomination on its way to a decision (submitted up to
// endorsed): the "in pipeline" of the progress report. Status names are the workflow's
// (nomination.Status); they are strings here because nomination imports this package.
var Pipeline = []string{"submitted", "under_review", "returned", "endorsed"}

// InPipeline reports whether status is one of Pipeline.
func InPipeline(status string) bool { return slices.Contains(Pipeline, status) }

// Counters reads and writes the counter tables.
type Counters struct{ st *store.Store }

// New returns the counters of st.
func New(st *store.Store) *Counters { return &Counters{st: st} }

// Nomination is what a nomination is counted under. Without a campaign it is not counted.
type Nomination struct {
	CampaignID   *int64
	DistrictCode string
	CommuneCode  string
	Type         string
}

// Change is one counted event of a nomination: it leaves status From and enters status To
// (either empty for none: a new draft has no From), and Recognized (+1 issued, -1
// revoked) counts a recognition decided in RecognizedYear.
type Change struct {
	Nomination
	From, To       string
	Recognized     int
	RecognizedYear int
}

// Stmt is one SQL statement with ? placeholders and its arguments.
type Stmt struct {
	SQL  string
	Args []any
}

const (
	upsertNominationCount = `INSERT INTO nomination_counts (campaign_id, district_code, commune_code, type, status, n)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (campaign_id, commune_code, type, status) DO UPDATE SET n = nomination_counts.n + excluded.n`
	upsertRecognitionCount = `INSERT INTO recognition_counts (campaign_id, district_code, commune_code, type, year, n)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (campaign_id, commune_code, type, year) DO UPDATE SET n = recognition_counts.n + excluded.n`
)

// Statements are the writes that apply ch, in the order they must run: status rows in
// status order, so two transactions moving nominations of one commune in opposite
// directions lock the rows in the same order and never deadlock; the recognition row
// last. None for a nomination outside any campaign.
func (ch Change) Statements() []Stmt {
	n := ch.Nomination
	if n.CampaignID == nil {
		return nil
	}
	type delta struct {
		status string
		by     int
	}
	var deltas []delta
	if ch.From != ch.To {
		if ch.From != "" {
			deltas = append(deltas, delta{ch.From, -1})
		}
		if ch.To != "" {
			deltas = append(deltas, delta{ch.To, 1})
		}
	}
	slices.SortFunc(deltas, func(a, b delta) int { return strings.Compare(a.status, b.status) })
	out := make([]Stmt, 0, len(deltas)+1)
	for _, d := range deltas {
		out = append(out, Stmt{upsertNominationCount, []any{*n.CampaignID, n.DistrictCode, n.CommuneCode, n.Type, d.status, d.by}})
	}
	if ch.Recognized != 0 {
		out = append(out, Stmt{upsertRecognitionCount, []any{*n.CampaignID, n.DistrictCode, n.CommuneCode, n.Type, ch.RecognizedYear, ch.Recognized}})
	}
	return out
}

// Numbered rewrites the ? placeholders of a statement as $1, $2, … for callers that speak
// to PostgreSQL without gorm (the load bench's pgx baseline). The statements here hold no
// other question marks.
func Numbered(sql string) string {
	var b strings.Builder
	n := 0
	for _, r := range sql {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Apply writes ch in the caller's transaction (the one that changes the nomination), so
// the counters and the nominations commit together or not at all.
func (c *Counters) Apply(ctx context.Context, ch Change) error {
	for _, s := range ch.Statements() {
		if err := c.st.DB(ctx).Exec(s.SQL, s.Args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// recount is the definition of the counters: what they must equal at any time, as
// SELECTs of (campaign, district, commune, type, status or year, n).
func (c *Counters) recount() (nominations, recognitions string) {
	year := c.st.Dialect().YearOf("decision_date")
	return `SELECT campaign_id, district_code, commune_code, type, status, COUNT(*) AS n FROM nominations
			WHERE campaign_id IS NOT NULL GROUP BY campaign_id, district_code, commune_code, type, status`,
		`SELECT campaign_id, district_code, commune_code, type, ` + year + ` AS year, COUNT(*) AS n FROM recognitions
			WHERE campaign_id IS NOT NULL AND revoked_at IS NULL
			GROUP BY campaign_id, district_code, commune_code, type, ` + year
}

// Rebuild recomputes the counters from the nominations and recognitions (after a bulk
// load; also a repair tool), in one transaction.
func (c *Counters) Rebuild(ctx context.Context) error {
	noms, recs := c.recount()
	return c.st.WithTx(ctx, func(ctx context.Context) error {
		for _, q := range []string{
			"DELETE FROM nomination_counts",
			"DELETE FROM recognition_counts",
			"INSERT INTO nomination_counts (campaign_id, district_code, commune_code, type, status, n) " + noms,
			"INSERT INTO recognition_counts (campaign_id, district_code, commune_code, type, year, n) " + recs,
		} {
			if err := c.st.DB(ctx).Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// Drift compares the counters with a fresh count and returns how many counter rows
// disagree (zero when they are right). Tests use it after every kind of change.
func (c *Counters) Drift(ctx context.Context) (int, error) {
	noms, recs := c.recount()
	var drift int
	err := c.st.DB(ctx).Raw(`SELECT COUNT(*) FROM (
		SELECT campaign_id, commune_code, type, status, SUM(n) AS n FROM (
			SELECT campaign_id, commune_code, type, status, n FROM nomination_counts
			UNION ALL
			SELECT campaign_id, commune_code, type, status, -n FROM (` + noms + `) AS f
		) AS a
		GROUP BY campaign_id, commune_code, type, status HAVING SUM(n) <> 0
		UNION ALL
		SELECT campaign_id, commune_code, type, '' AS status, SUM(n) FROM (
			SELECT campaign_id, commune_code, type, year, n FROM recognition_counts
			UNION ALL
			SELECT campaign_id, commune_code, type, year, -n FROM (` + recs + `) AS g
		) AS b
		GROUP BY campaign_id, commune_code, type, year HAVING SUM(n) <> 0) AS d`).Scan(&drift).Error
	return drift, err
}

// Count is a counter total for one unit (Code, at the level asked for) and type.
type Count struct {
	Code string
	Type string
	N    int
}

// ByUnit totals a campaign's counters per type and per unit of the level below unitPath
// (the districts under a province — or its communes, for rows made without a district
// since the 2025 reform — and the communes under a district or commune): the recognitions
// decided in year, and the nominations in the pipeline now. unitPath must lie in the
// campaign's province.
func (c *Counters) ByUnit(ctx context.Context, campaignID int64, year int, unitPath string) (recognized, pipeline []Count, err error) {
	codes := strings.Split(strings.Trim(unitPath, "/"), "/")
	// The unit's level comes from its code, not from the path's depth: /20/183 is a
	// district, /20/05977 a commune directly under its province.
	level, _ := units.LevelOfCode(codes[len(codes)-1])
	groupCol := "commune_code"
	if level == units.Province {
		groupCol = "CASE WHEN district_code <> '' THEN district_code ELSE commune_code END"
	}
	// A campaign's nominations all lie in its province, so the province level needs no
	// unit filter; below it, the district or commune code selects the counter rows.
	unitCond, unitArgs := "1 = 1", []any(nil)
	switch level {
	case units.District:
		unitCond, unitArgs = "district_code = ?", []any{codes[len(codes)-1]}
	case units.Commune:
		unitCond, unitArgs = "commune_code = ?", []any{codes[len(codes)-1]}
	}
	sum := func(table, cond string, arg any, out *[]Count) error {
		return c.st.DB(ctx).Table(table).Select(groupCol+" AS code, type, SUM(n) AS n").
			Where("campaign_id = ? AND "+cond, campaignID, arg).Where(unitCond, unitArgs...).
			Group(groupCol + ", type").Scan(out).Error
	}
	if err := sum("recognition_counts", "year = ?", year, &recognized); err != nil {
		return nil, nil, err
	}
	if err := sum("nomination_counts", "status IN ?", Pipeline, &pipeline); err != nil {
		return nil, nil, err
	}
	return recognized, pipeline, nil
}

// ProvinceTotal is one province's totals for a year and type, across its campaigns.
type ProvinceTotal struct {
	ProvinceCode string
	Type         string
	Recognized   int
	InPipeline   int
}

// National totals every province for a year: recognitions decided in it and nominations
// in the pipeline now, by province (of the campaign) and type.
func (c *Counters) National(ctx context.Context, year int) ([]ProvinceTotal, error) {
	var out []ProvinceTotal
	err := c.st.DB(ctx).Raw(`SELECT c.province_code, x.type, SUM(x.recognized) AS recognized, SUM(x.in_pipeline) AS in_pipeline FROM (
			SELECT campaign_id, type, n AS recognized, 0 AS in_pipeline FROM recognition_counts WHERE year = ?
			UNION ALL
			SELECT campaign_id, type, 0, n FROM nomination_counts WHERE status IN ?
		) AS x JOIN campaigns c ON c.id = x.campaign_id
		GROUP BY c.province_code, x.type ORDER BY c.province_code, x.type`, year, Pipeline).Scan(&out).Error
	return out, err
}
