// Package gendata fills a database with national-scale data for benchmarks: all units,
// officials for every commune and district, one campaign per province with targets, and
// millions of nominations in every status with their history and recognitions. It is
// deterministic for a given seed and uses COPY on PostgreSQL.
package gendata

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/textfold"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Password is the password of every generated user.
const Password = "gen-data-2022"

// Options size the data.
type Options struct {
	Nominations int
	Seed        uint64
	FirstYear   int
	LastYear    int
	// FocusProvince gets FocusShare of the nominations (the rest spread over every
	// commune), so one province has a realistic active campaign: with 2,000,000 and 10 %,
	// Lạng Sơn has 200,000, about 18,000 per district.
	FocusProvince string
	FocusShare    float64
	// StatusYear is the year of the criteria status generated for every Xã (SPEC §11):
	// by default the year before FirstYear, the baseline a campaign is planned from.
	StatusYear int
	// Provinces limits users, campaigns and nominations to these provinces (all when
	// empty); tests use it to stay small.
	Provinces []string
}

// Stats reports what was generated.
type Stats struct {
	Users, Grants, Campaigns, Targets  int
	Nominations, History, Recognitions int
	// Statuses are the criteria status rows (one per Xã); Titles the commune titles
	// recorded before StatusYear's end, with a nomination, history row and recognition
	// each, not counted in Nominations (which stays the number asked for).
	Statuses, Titles int
	Elapsed          time.Duration
}

// Services the generator needs (from the app).
type Services struct {
	Store    *store.Store
	Units    *units.Service
	Criteria *criteria.Service
}

// writer abstracts the bulk loader: COPY on PostgreSQL, batched INSERTs on SQLite.
type writer interface {
	copy(ctx context.Context, table string, columns []string, rows [][]any) (int, error)
}

// Generate fills the database. It refuses a database that already has nominations.
func Generate(ctx context.Context, s Services, opt Options, log io.Writer) (Stats, error) {
	start := time.Now()
	var st Stats
	var n int64
	if err := s.Store.DB(ctx).Table("nominations").Count(&n).Error; err != nil {
		return st, err
	}
	if n > 0 {
		return st, errors.New("gen-data needs a database without nominations (use a fresh database)")
	}
	if opt.FirstYear == 0 {
		opt.FirstYear, opt.LastYear = 2022, 2025
	}
	if opt.StatusYear == 0 {
		opt.StatusYear = opt.FirstYear - 1
	}
	f, err := units.OpenEmbedded()
	if err != nil {
		return st, err
	}
	rows, err := units.ParseCSV(f)
	f.Close()
	if err != nil {
		return st, err
	}
	if len(opt.Provinces) > 0 {
		rows = onlyProvinces(rows, opt.Provinces)
	}
	if _, err := s.Units.Import(ctx, rows, units.EmbeddedValidFrom); err != nil {
		return st, err
	}
	fmt.Fprintf(log, "units imported (%s)\n", time.Since(start).Round(time.Millisecond))
	g := &gen{s: s, opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), log: log, reviews: map[string]string{},
		// The movement's figures draw from a stream of their own, so the nominations of
		// a seed stay what they were before there were titles and statuses.
		mrng: rand.New(rand.NewPCG(opt.Seed^0x6d6f76656d656e74, opt.Seed))}
	if err := g.loadUnits(ctx); err != nil {
		return st, err
	}
	w, err := newWriter(ctx, s.Store)
	if err != nil {
		return st, err
	}
	steps := []func(context.Context, writer, *Stats) error{g.users, g.criteriaSets, g.campaigns, g.statuses}
	for _, step := range steps {
		if err := step(ctx, w, &st); err != nil {
			return st, err
		}
	}
	// Indexes of the big tables are built once after loading, far faster than keeping
	// them up to date row by row.
	restore, err := dropIndexes(ctx, s.Store, []string{"nominations", "nomination_history", "recognitions"})
	if err != nil {
		return st, err
	}
	if err := g.nominations(ctx, w, &st); err != nil {
		return st, err
	}
	if err := g.titleNominations(ctx, w, &st); err != nil {
		return st, err
	}
	built := time.Now()
	if err := restore(); err != nil {
		return st, err
	}
	fmt.Fprintf(log, "indexes rebuilt (%s)\n", time.Since(built).Round(time.Second))
	// The rows were written without the counters; progress recounts them.
	if err := progress.New(s.Store).Rebuild(ctx); err != nil {
		return st, err
	}
	if err := finish(ctx, s.Store); err != nil {
		return st, err
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// onlyProvinces keeps the rows of the given provinces (parents come before children in
// the official file).
func onlyProvinces(rows []units.Row, provinces []string) []units.Row {
	keep := map[string]bool{}
	for _, p := range provinces {
		keep[p] = true
	}
	var out []units.Row
	for _, r := range rows {
		if keep[r.Code] || keep[r.ParentCode] {
			keep[r.Code] = true
			out = append(out, r)
		}
	}
	return out
}

type gen struct {
	s         Services
	opt       Options
	rng       *rand.Rand
	mrng      *rand.Rand // titles and criteria status
	log       io.Writer
	provinces []units.Unit
	districts map[string][]units.Unit // by province
	communes  []units.Unit
	focus     []units.Unit // communes of the focus province
	byCode    map[string]units.Unit
	// user ids by unit code and role, filled by users()
	officers  map[string][2]int64
	reviewers map[string][2]int64
	approver  map[string]int64
	sets      map[string]map[string]*criteria.Set // province → type → set
	campaign  map[string]int64                    // province → campaign
	nextID    map[string]int64
	reviews   map[string]string
	titles    map[string][]title // Xã code → the titles it holds, lowest first (planTitles)
}

func (g *gen) loadUnits(ctx context.Context) error {
	var all []units.Unit
	if err := g.s.Store.DB(ctx).Where("valid_to IS NULL").Order("code").Find(&all).Error; err != nil {
		return err
	}
	g.districts, g.byCode = map[string][]units.Unit{}, map[string]units.Unit{}
	wanted := func(u units.Unit) bool {
		return len(g.opt.Provinces) == 0 || slices.Contains(g.opt.Provinces, units.SplitPath(u.Path)[0])
	}
	for _, u := range all {
		if !wanted(u) {
			continue
		}
		g.byCode[u.Code] = u
		switch u.Level {
		case units.Province:
			g.provinces = append(g.provinces, u)
		case units.District:
			g.districts[u.Parent()] = append(g.districts[u.Parent()], u)
		case units.Commune:
			g.communes = append(g.communes, u)
			if g.opt.FocusProvince != "" && units.Within(u.Path, "/"+g.opt.FocusProvince) {
				g.focus = append(g.focus, u)
			}
		}
	}
	return nil
}

func (g *gen) id(table string) int64 {
	if g.nextID == nil {
		g.nextID = map[string]int64{}
	}
	g.nextID[table]++
	return g.nextID[table]
}

// users creates two officers per commune, two reviewers per district, and an approver,
// an observer and an admin per province, all with one password hash (hashing 20,000
// argon2id passwords would take minutes and prove nothing).
func (g *gen) users(ctx context.Context, w writer, st *Stats) error {
	hash, err := identity.HashPassword(Password)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	g.officers, g.reviewers, g.approver = map[string][2]int64{}, map[string][2]int64{}, map[string]int64{}
	type grant struct {
		user       int64
		role, code string
		path       string
	}
	var grants []grant
	var users [][]any
	add := func(username, name, role string, u units.Unit) int64 {
		id := g.id("users")
		users = append(users, []any{id, username, name, "vi", hash, false, false, now, now})
		grants = append(grants, grant{id, role, u.Code, u.Path})
		return id
	}
	for _, p := range g.provinces {
		g.approver[p.Code] = add("tinh."+p.Code, "Lãnh đạo "+p.Name, "province_approver", p)
		add("quansat."+p.Code, "Theo dõi "+p.Name, "observer", p)
		add("admin."+p.Code, "Quản trị "+p.Name, "admin", p)
		for _, d := range g.districts[p.Code] {
			g.reviewers[d.Code] = [2]int64{
				add("huyen."+d.Code+".1", "Cán bộ "+d.Name, "district_reviewer", d),
				add("huyen."+d.Code+".2", "Cán bộ "+d.Name, "district_reviewer", d)}
		}
	}
	for _, c := range g.communes {
		g.officers[c.Code] = [2]int64{
			add("xa."+c.Code+".1", "Cán bộ "+c.Name, "commune_officer", c),
			add("xa."+c.Code+".2", "Cán bộ "+c.Name, "commune_officer", c)}
	}
	n, err := w.copy(ctx, "users", []string{"id", "username", "full_name", "locale", "password_hash", "disabled", "is_demo", "created_at", "updated_at"}, users)
	if err != nil {
		return err
	}
	st.Users = n
	grantRows := make([][]any, len(grants))
	for i, gr := range grants {
		grantRows[i] = []any{g.id("role_grants"), gr.user, gr.role, gr.code, gr.path, now}
	}
	if st.Grants, err = w.copy(ctx, "role_grants", []string{"id", "user_id", "role", "unit_code", "unit_path", "created_at"}, grantRows); err != nil {
		return err
	}
	fmt.Fprintf(g.log, "users: %d, grants: %d\n", st.Users, st.Grants)
	return nil
}

// criteriaSets publishes the demo sets in every province.
func (g *gen) criteriaSets(ctx context.Context, _ writer, _ *Stats) error {
	g.sets = map[string]map[string]*criteria.Set{}
	for _, p := range g.provinces {
		g.sets[p.Code] = map[string]*criteria.Set{}
		for _, set := range criteria.DemoSets(p.Code) {
			pub, err := g.s.Criteria.PublishAsSystem(ctx, set)
			if err != nil {
				return err
			}
			g.sets[p.Code][string(set.Type)] = pub
		}
	}
	return nil
}

// campaigns creates one campaign per province with yearly targets for every district:
// 2–3 model residential areas and at least 2 model gardens.
func (g *gen) campaigns(ctx context.Context, w writer, st *Stats) error {
	now := time.Now().UTC()
	g.campaign = map[string]int64{}
	var camps, targets [][]any
	from := time.Date(g.opt.FirstYear, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(g.opt.LastYear, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, p := range g.provinces {
		id := g.id("campaigns")
		g.campaign[p.Code] = id
		camps = append(camps, []any{id, fmt.Sprintf("%s cùng cả nước xây dựng nông thôn mới giai đoạn %d–%d", p.Name, g.opt.FirstYear, g.opt.LastYear),
			"", p.Code, from, to, now, now})
		for y := g.opt.FirstYear; y <= g.opt.LastYear; y++ {
			for _, d := range g.districts[p.Code] {
				targets = append(targets,
					[]any{g.id("campaign_targets"), id, y, d.Code, d.Path, string(criteria.ModelResidentialArea), 2, 3},
					[]any{g.id("campaign_targets"), id, y, d.Code, d.Path, string(criteria.ModelGarden), 2, nil})
			}
		}
	}
	var err error
	if st.Campaigns, err = w.copy(ctx, "campaigns", []string{"id", "name", "description", "province_code", "starts_on", "ends_on", "created_at", "updated_at"}, camps); err != nil {
		return err
	}
	st.Targets, err = w.copy(ctx, "campaign_targets", []string{"id", "campaign_id", "year", "unit_code", "unit_path", "type", "min_count", "max_count"}, targets)
	return err
}

// statusMix is the share of each final status among generated nominations.
var statusMix = []struct {
	status nomination.Status
	weight int
}{
	{nomination.Draft, 8}, {nomination.Submitted, 8}, {nomination.UnderReview, 8}, {nomination.Returned, 5},
	{nomination.Endorsed, 8}, {nomination.Approved, 45}, {nomination.Rejected, 9}, {nomination.Withdrawn, 5}, {nomination.Revoked, 4},
}

// steps is the history that leads to each status: action, to-status, actor role.
var steps = map[nomination.Status][]struct {
	action string
	to     nomination.Status
	by     string
}{
	nomination.Draft:       {},
	nomination.Submitted:   {{"submit", nomination.Submitted, "c"}},
	nomination.Withdrawn:   {{"submit", nomination.Submitted, "c"}, {"withdraw", nomination.Withdrawn, "c"}},
	nomination.UnderReview: {{"submit", nomination.Submitted, "c"}, {"start_review", nomination.UnderReview, "d"}},
	nomination.Returned:    {{"submit", nomination.Submitted, "c"}, {"start_review", nomination.UnderReview, "d"}, {"return", nomination.Returned, "d"}},
	nomination.Endorsed:    {{"submit", nomination.Submitted, "c"}, {"start_review", nomination.UnderReview, "d"}, {"review", nomination.UnderReview, "d"}, {"endorse", nomination.Endorsed, "d"}},
	nomination.Rejected:    {{"submit", nomination.Submitted, "c"}, {"start_review", nomination.UnderReview, "d"}, {"reject", nomination.Rejected, "d"}},
	nomination.Approved:    {{"submit", nomination.Submitted, "c"}, {"start_review", nomination.UnderReview, "d"}, {"review", nomination.UnderReview, "d"}, {"endorse", nomination.Endorsed, "d"}, {"approve", nomination.Approved, "p"}},
	nomination.Revoked:     {{"submit", nomination.Submitted, "c"}, {"start_review", nomination.UnderReview, "d"}, {"review", nomination.UnderReview, "d"}, {"endorse", nomination.Endorsed, "d"}, {"approve", nomination.Approved, "p"}, {"revoke", nomination.Revoked, "p"}},
}

func (g *gen) pickStatus() nomination.Status {
	total := 0
	for _, s := range statusMix {
		total += s.weight
	}
	r := g.rng.IntN(total)
	for _, s := range statusMix {
		if r < s.weight {
			return s.status
		}
		r -= s.weight
	}
	return nomination.Draft
}

var villages = []string{"Thôn Nà Pàn", "Thôn Pắc Cáp", "Thôn Khuổi Cấp", "Thôn Bản Chu", "Thôn Nà Lầu", "Thôn Pò Đứa", "Thôn Trung Tâm", "Thôn Đồng Tâm"}
var owners = []string{"Hoàng Văn Thắng", "Lý Thị Mai", "Triệu Văn Sinh", "Nông Thị Hoa", "Lương Văn Bình", "Vi Thị Lan", "Đặng Văn Páo", "Hà Thị Dung"}
var crops = []string{"Cam, quýt", "Hồng không hạt", "Hồi, quế", "Chè", "Rau an toàn", "Lê, mận"}

// generated is one nomination with what goes with it.
type generated struct {
	row      []any
	history  [][]any
	decision []any
	recog    []any
}

// The columns the generator writes, in the order of its rows.
var (
	nominationColumns = []string{"id", "type", "status", "version", "commune_code", "district_code", "province_code", "unit_path", "campaign_id",
		"criteria_set_id", "title", "owner_name", "village", "search_text", "subject", "assessment", "review", "self_score", "self_passes", "created_by",
		"created_at", "updated_at", "submitted_at", "recognition_id", "dossier_sha256"}
	historyColumns     = []string{"id", "nomination_id", "at", "actor_id", "actor", "action", "from_status", "to_status", "comment", "details", "dossier_sha256"}
	recognitionColumns = []string{"id", "nomination_id", "type", "commune_code", "district_code", "province_code", "unit_path", "campaign_id", "title",
		"owner_name", "village", "decision_number", "decision_date", "signer", "valid_until", "revoked_at", "revoke_reason", "created_at",
		"decision_id", "certificate_number", "signer_title"}
	decisionColumns = []string{"id", "province_code", "number", "number_key", "decision_date", "signer", "signer_title", "certificates",
		"created_by", "created_at"}
)

// decisionRow is the decision of one generated recognition (each has a number of its
// own): its row, and the recognition's columns that name it.
func (g *gen) decisionRow(province, number string, decided, at time.Time, signer string) (decision, named []any) {
	id := g.id("decisions")
	return []any{id, province, number, store.CompactLower(number), decided, signer, recognition.Chairman, 1, g.approver[province], at},
		[]any{id, number + "-1", recognition.Chairman}
}

// nominations streams N nominations, their history and recognitions into the database.
func (g *gen) nominations(ctx context.Context, w writer, st *Stats) error {
	cols, histCols, recCols := nominationColumns, historyColumns, recognitionColumns
	// Generate in chunks: each chunk's nominations, then their history and recognitions,
	// so memory stays bounded whatever N is.
	// One goroutine generates the next chunk while the current one is copied: the two
	// cores share the work with PostgreSQL.
	const chunk = 50_000
	type batch struct{ noms, hist, decs, recs [][]any }
	batches := make(chan batch, 1)
	go func() {
		defer close(batches)
		decisionSeq := map[string]int{}
		for done := 0; done < g.opt.Nominations; done += chunk {
			var b batch
			for range min(chunk, g.opt.Nominations-done) {
				one := g.one(decisionSeq)
				b.noms = append(b.noms, one.row)
				b.hist = append(b.hist, one.history...)
				if one.recog != nil {
					b.decs = append(b.decs, one.decision)
					b.recs = append(b.recs, one.recog)
				}
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	started := time.Now()
	done := 0
	for b := range batches {
		noms, hist, decs, recs := b.noms, b.hist, b.decs, b.recs
		size := len(noms)
		n, err := w.copy(ctx, "nominations", cols, noms)
		if err != nil {
			return err
		}
		st.Nominations += n
		if n, err = w.copy(ctx, "nomination_history", histCols, hist); err != nil {
			return err
		}
		st.History += n
		if _, err = w.copy(ctx, "decisions", decisionColumns, decs); err != nil {
			return err
		}
		if n, err = w.copy(ctx, "recognitions", recCols, recs); err != nil {
			return err
		}
		st.Recognitions += n
		done += size
		if (done/chunk)%4 == 0 || done == g.opt.Nominations {
			fmt.Fprintf(g.log, "nominations: %d of %d (%s)\n", done, g.opt.Nominations, time.Since(started).Round(time.Second))
		}
	}
	return ctx.Err()
}

func (g *gen) one(decisionSeq map[string]int) generated {
	commune := g.communes[g.rng.IntN(len(g.communes))]
	if len(g.focus) > 0 && g.rng.Float64() < g.opt.FocusShare {
		commune = g.focus[g.rng.IntN(len(g.focus))]
	}
	province, district := units.SplitPath(commune.Path)[0], districtOf(commune)
	typ := criteria.ModelGarden
	if g.rng.IntN(3) == 0 {
		typ = criteria.ModelResidentialArea
	}
	set := g.sets[province][string(typ)]
	status := g.pickStatus()
	year := g.opt.FirstYear + g.rng.IntN(g.opt.LastYear-g.opt.FirstYear+1)
	created := time.Date(year, time.Month(1+g.rng.IntN(9)), 1+g.rng.IntN(28), 8+g.rng.IntN(9), g.rng.IntN(60), 0, 0, time.UTC)
	village := villages[g.rng.IntN(len(villages))]
	var subject []byte
	title, owner := "", ""
	if typ == criteria.ModelGarden {
		owner = owners[g.rng.IntN(len(owners))]
		title = "Vườn của " + owner + " (" + village + ")"
		subject, _ = json.Marshal(nomination.GardenSubject{OwnerName: owner, Village: village, AreaM2: float64(300 + g.rng.IntN(3000)),
			MainCrops: crops[g.rng.IntN(len(crops))], AnnualIncomeVND: int64(30+g.rng.IntN(200)) * 1_000_000})
	} else {
		title = "Khu dân cư " + village
		hh := 40 + g.rng.IntN(120)
		subject, _ = json.Marshal(nomination.ResidentialSubject{Village: village, Households: hh, Population: hh * (3 + g.rng.IntN(3))})
	}
	assessment := make([]nomination.AssessmentItem, 0, len(set.Criteria))
	values := map[string]any{}
	for _, c := range set.Criteria {
		var v any
		switch c.Kind {
		case criteria.Boolean:
			v = g.rng.IntN(10) > 0
		case criteria.Score:
			v = float64(g.rng.IntN(int(c.MaxScore) + 1))
		default:
			v = *c.Threshold * (0.8 + g.rng.Float64()*0.6)
		}
		assessment = append(assessment, nomination.AssessmentItem{Criterion: c.Code, Value: v})
		values[c.Code] = v
	}
	res := criteria.Evaluate(set, values)
	assessJSON, _ := json.Marshal(assessment)
	id := g.id("nominations")
	officer := g.officers[commune.Code][g.rng.IntN(2)]
	reviewer := g.reviewers[district][g.rng.IntN(2)]
	hash := nomination.DossierHash(string(typ), commune.Code, set.ID, title, subject, assessment, nil, nil)
	out := generated{}
	at := created
	var submitted any
	var from any = string(nomination.Draft)
	version := 1
	for _, s := range steps[status] {
		at = at.Add(time.Duration(1+g.rng.IntN(72)) * time.Hour)
		actor, name := officer, "xa."+commune.Code
		switch s.by {
		case "d":
			actor, name = reviewer, "huyen."+district
		case "p":
			actor, name = g.approver[province], "tinh."+province
		}
		if s.action == "submit" {
			submitted = at
		}
		comment := ""
		if s.action == "return" || s.action == "reject" || s.action == "revoke" {
			comment = "Ý kiến: chưa đạt một số tiêu chí"
		}
		out.history = append(out.history, []any{g.id("nomination_history"), id, at, actor, name, s.action, from, string(s.to), comment, nil, hash})
		from = string(s.to)
		version++
	}
	// Nominations that went through the district review carry the saved review.
	var review any
	for _, s := range steps[status] {
		if s.action == "review" {
			review = g.review(set, at)
		}
	}
	var recID any
	if status == nomination.Approved || status == nomination.Revoked {
		rid := g.id("recognitions")
		recID = rid
		decisionSeq[province]++
		decided := at
		var revokedAt any
		if status == nomination.Revoked {
			revokedAt = at.Add(24 * time.Hour * 200)
		}
		validYears := set.ValidityYears
		subj := nomination.GardenSubject{}
		_ = json.Unmarshal(subject, &subj)
		number, signer := fmt.Sprintf("%d/QĐ-UBND", decisionSeq[province]), "Chủ tịch UBND tỉnh"
		dec, named := g.decisionRow(province, number, dateOnly(decided), decided, signer)
		out.decision = dec
		out.recog = append([]any{rid, id, string(typ), commune.Code, district, province, commune.Path, g.campaign[province], title,
			subj.OwnerName, village, number, dateOnly(decided), signer,
			dateOnly(decided).AddDate(validYears, 0, 0), revokedAt, "", decided}, named...)
	}
	out.row = []any{id, string(typ), string(status), version, commune.Code, district, province, commune.Path, g.campaign[province],
		set.ID, title, owner, village, textfold.Fold(title + " " + owner + " " + village), string(subject), string(assessJSON), review, res.Total, res.Passes, officer,
		created, at, submitted, recID, hash}
	return out
}

// review is a passing district review of every criterion, the same for every nomination
// of a set and year (computed once: marshalling it two million times is half the run).
func (g *gen) review(set *criteria.Set, at time.Time) string {
	key := fmt.Sprintf("%d/%d", set.ID, at.Year())
	if r, ok := g.reviews[key]; ok {
		return r
	}
	at = time.Date(at.Year(), 6, 15, 9, 0, 0, 0, time.UTC)
	scores := make([]nomination.ReviewScore, 0, len(set.Criteria))
	judged := map[string]criteria.ReviewScore{}
	for _, c := range set.Criteria {
		sc := nomination.ReviewScore{Criterion: c.Code, Met: true, Score: c.MaxScore}
		scores = append(scores, sc)
		judged[c.Code] = criteria.ReviewScore{Met: true, Score: c.MaxScore}
	}
	res := criteria.EvaluateReview(set, judged)
	b, _ := json.Marshal(nomination.Review{Scores: scores, Summary: "Đạt các tiêu chí", VisitedOn: at.Format(time.DateOnly),
		TotalScore: res.Total, MaxScore: res.Max, Passes: res.Passes, Reviewer: "huyen", SavedAt: at})
	g.reviews[key] = string(b)
	return g.reviews[key]
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// districtOf is the commune's district code, "" for a commune directly under its province
// (the two-tier tree): the parent's level, read from its code, not the path's depth.
func districtOf(commune units.Unit) string {
	if level, _ := units.LevelOfCode(commune.Parent()); level == units.District {
		return commune.Parent()
	}
	return ""
}
