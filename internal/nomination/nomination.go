// Package nomination keeps nominations for recognition: the dossier (subject,
// self-assessment, evidence), the workflow from draft to approval, the district review and
// the append-only history with the dossier hash at every step.
package nomination

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/calendar"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/textfold"
	"github.com/ntmflow/ntmflow/internal/units"
)

// row is the nominations table.
type row struct {
	ID              int64 `gorm:"primaryKey"`
	Type            string
	Status          Status
	Version         int
	CommuneCode     string
	DistrictCode    string
	ProvinceCode    string
	UnitPath        string
	CampaignID      *int64
	CriteriaSetID   int64
	Title           string
	OwnerName       string
	Village         string
	SearchText      string
	Subject         string
	Assessment      string
	Review          *string
	SelfScore       float64
	SelfPasses      bool
	CreatedBy       int64
	IdempotencyKey  *string
	IdempotencyHash *string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	SubmittedAt     *time.Time
	RecognitionID   *int64
	DossierSHA256   string     `gorm:"column:dossier_sha256"`
	DueOn           *time.Time // the current stage's due date (deadlines.go)
	MatchKey        string     // owner and village folded, for repeat detection (repeats.go)
	NoticeUntil     *time.Time // the last day of the public notice endorse opened (notice.go)
}

func (row) TableName() string { return "nominations" }

// AssessmentItem is the commune's own answer for one criterion.
type AssessmentItem struct {
	Criterion string `json:"criterion"`
	Value     any    `json:"value"`
	Note      string `json:"note"`
}

// ReviewScore is the district's verdict on one criterion; Score is the points awarded.
type ReviewScore struct {
	Criterion string  `json:"criterion"`
	Met       bool    `json:"met"`
	Score     float64 `json:"score"`
	Comment   string  `json:"comment"`
}

// Review is the district's saved verification.
type Review struct {
	Scores     []ReviewScore `json:"scores"`
	Summary    string        `json:"summary"`
	VisitedOn  string        `json:"visited_on"`
	TotalScore float64       `json:"total_score"`
	MaxScore   float64       `json:"max_score"`
	Passes     bool          `json:"passes"`
	Reviewer   string        `json:"reviewer"`
	SavedAt    time.Time     `json:"saved_at"`
}

// SelfAssessment is the score computed from the commune's answers.
type SelfAssessment struct {
	TotalScore      float64  `json:"total_score"`
	MaxScore        float64  `json:"max_score"`
	Passes          bool     `json:"passes"`
	Complete        bool     `json:"complete"`
	MissingRequired []string `json:"missing_required"`
}

// View is the nomination as the API returns it (SPEC §6).
type View struct {
	ID             int64            `json:"id"`
	Type           string           `json:"type"`
	Status         Status           `json:"status"`
	Version        int              `json:"version"`
	CommuneCode    string           `json:"commune_code"`
	DistrictCode   string           `json:"district_code"`
	ProvinceCode   string           `json:"province_code"`
	CampaignID     *int64           `json:"campaign_id"`
	CriteriaSetID  int64            `json:"criteria_set_id"`
	Title          string           `json:"title"`
	Subject        json.RawMessage  `json:"subject"`
	Assessment     []AssessmentItem `json:"assessment"`
	SelfAssessment SelfAssessment   `json:"self_assessment"`
	Review         *Review          `json:"review"`
	CreatedBy      int64            `json:"created_by"`
	CreatedAt      time.Time        `json:"created_at"`
	UpdatedAt      time.Time        `json:"updated_at"`
	SubmittedAt    *time.Time       `json:"submitted_at"`
	RecognitionID  *int64           `json:"recognition_id"`
	DossierSHA256  string           `json:"dossier_sha256"`
	// DueOn is the date (YYYY-MM-DD) the current stage is due, null without a deadline;
	// Overdue: today in Vietnam is after it (SPEC §13).
	DueOn   *string `json:"due_on"`
	Overdue bool    `json:"overdue"`
	// NoticeUntil is the last day (YYYY-MM-DD) of the public notice the endorsement opened,
	// null when none was; NoticeOpen: it runs today (SPEC §13, notice.go).
	NoticeUntil *string `json:"notice_until"`
	NoticeOpen  bool    `json:"notice_open"`
	// Duplicates are the active recognitions and other open nominations this one repeats
	// (SPEC §13, repeats.go); empty when none.
	Duplicates []Duplicate `json:"duplicates"`
	UnitPath   string      `json:"-"`
}

// Summary is a list item: what a list shows, without the full dossier (GET the
// nomination for that).
type Summary struct {
	ID            int64      `json:"id"`
	Type          string     `json:"type"`
	Status        Status     `json:"status"`
	Version       int        `json:"version"`
	CommuneCode   string     `json:"commune_code"`
	DistrictCode  string     `json:"district_code"`
	ProvinceCode  string     `json:"province_code"`
	CampaignID    *int64     `json:"campaign_id"`
	Title         string     `json:"title"`
	OwnerName     string     `json:"owner_name"`
	Village       string     `json:"village"`
	SelfScore     float64    `json:"self_score"`
	SelfPasses    bool       `json:"self_passes"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	RecognitionID *int64     `json:"recognition_id"`
	DueOn         *string    `json:"due_on"`
	Overdue       bool       `json:"overdue"`
	NoticeUntil   *string    `json:"notice_until"` // as on View (notice.go)
	NoticeOpen    bool       `json:"notice_open"`
	// Duplicates as on View (repeats.go), read for the whole page at once.
	Duplicates []Duplicate `json:"duplicates"`
}

// Service runs the nomination workflow.
type Service struct {
	st           *store.Store
	authz        *authz.Authorizer
	units        *units.Service
	criteria     *criteria.Service
	recognitions *recognition.Service
	campaigns    *campaign.Service
	counters     *progress.Counters
	blobs        *BlobStore
	calendar     *calendar.Service
	objectionsBy *identity.Throttle // objections per client address (notice.go)
	notifier     Notifier           // hears every transition in its transaction (notify.go)
	now          func() time.Time
	transitions  *prometheus.CounterVec
}

// NewService builds the nomination service; attachments are stored under attachmentDir.
func NewService(st *store.Store, az *authz.Authorizer, u *units.Service, c *criteria.Service, r *recognition.Service, camps *campaign.Service, attachmentDir string) *Service {
	return &Service{
		st: st, authz: az, units: u, criteria: c, recognitions: r, campaigns: camps, counters: progress.New(st), blobs: NewBlobStore(attachmentDir),
		calendar: calendar.NewService(st, az), now: func() time.Time { return time.Now().UTC() },
		objectionsBy: identity.NewThrottle(MaxObjectionsPerAddress, ObjectionWindow),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ntmflow_workflow_transitions_total", Help: "Nomination workflow actions completed, by action and resulting status.",
		}, []string{"action", "status"}),
	}
}

// AsOf returns the service with its clock stopped at t, for recording history: the demo
// seed runs its dossiers through the workflow on days inside the (past) campaign they
// belong to, as they would have happened then. Never used for serving requests.
func (s *Service) AsOf(t time.Time) *Service {
	c := *s
	c.now = func() time.Time { return t }
	return &c
}

// Collector exposes the workflow metrics.
func (s *Service) Collector() prometheus.Collector { return s.transitions }

// Input is the editable part of a nomination (POST and PATCH). Nil fields are left alone
// on PATCH.
type Input struct {
	Type        string
	CommuneCode string
	CampaignID  *int64
	Title       *string
	Subject     json.RawMessage
	Assessment  *[]AssessmentItem
}

// Create stores a new draft. With an idempotency key, a repeat by the same user with the
// same request returns the first nomination and creates nothing (created reports which).
func (s *Service) Create(ctx context.Context, p *authz.Principal, in Input, idemKey string) (v View, created bool, err error) {
	if len(idemKey) > 100 {
		return View{}, false, apperr.Invalid("Idempotency-Key", "must be at most 100 characters")
	}
	var reqHash string
	if idemKey != "" {
		reqHash = requestHash(in)
		if v, err := s.replay(ctx, p, idemKey, reqHash); !errors.Is(err, errNoReplay) {
			return v, false, err
		}
	}
	val := apperr.NewValidation()
	typ := criteria.Type(in.Type)
	if !typ.Valid() {
		val.Add("type", criteria.TypesMessage)
	}
	commune, err := s.currentCommune(ctx, in.CommuneCode, val)
	if err != nil {
		return View{}, false, err
	}
	if commune.Level == units.Commune {
		checkTitleHolder(typ, commune, val)
	}
	if err := val.Err(); err != nil {
		return View{}, false, err
	}
	if !s.authz.Can(p, authz.ObjNomination, authz.ActCreate, commune.Path) {
		return View{}, false, apperr.ErrForbidden
	}
	codes := units.SplitPath(commune.Path)
	set, err := s.setOn(ctx, typ, codes[0], today(s.now())) // the set valid on the creation date
	if err != nil {
		return View{}, false, err
	}
	if in.Title == nil {
		val.Add("title", "is required")
	}
	if in.Assessment == nil {
		in.Assessment = &[]AssessmentItem{}
	}
	r := row{Type: string(typ), Status: Draft, Version: 1, CommuneCode: commune.Code, ProvinceCode: codes[0],
		UnitPath: commune.Path, CriteriaSetID: set.ID, CreatedBy: p.UserID}
	// A commune's parent is its district, or its province in the two-tier tree (no
	// district: district_code stays empty), whatever the path's length.
	if parent := commune.Parent(); parent != codes[0] {
		r.DistrictCode = parent
	}
	if idemKey != "" {
		r.IdempotencyKey, r.IdempotencyHash = &idemKey, &reqHash
	}
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		if err := s.checkPrerequisite(ctx, typ, commune.Code, val); err != nil {
			return err
		}
		if err := s.applyInput(ctx, p, &r, set, in, val); err != nil {
			return err
		}
		now := s.now()
		r.CreatedAt, r.UpdatedAt = now, now
		r.DossierSHA256, err = s.dossierHash(ctx, &r)
		if err != nil {
			return err
		}
		if err := s.insert(ctx, &r); err != nil {
			return err
		}
		return s.counters.Apply(ctx, progress.Change{Nomination: r.counted(), To: string(Draft)})
	})
	if err != nil {
		if idemKey != "" && store.IsUniqueViolation(err) { // a concurrent repeat won the race
			v, err := s.replay(ctx, p, idemKey, reqHash)
			if errors.Is(err, errNoReplay) {
				err = apperr.ErrConflict
			}
			return v, false, err
		}
		return View{}, false, err
	}
	s.transitions.WithLabelValues("create", string(Draft)).Inc()
	v, err = s.view(ctx, &r, set)
	return v, true, err
}

// checkTitleHolder adds a problem when typ is a commune title and the commune is not a
// rural commune (Xã): the NTM titles are never given to a ward (Phường) or a town (Thị trấn).
func checkTitleHolder(typ criteria.Type, commune units.Unit, val *apperr.ValidationError) {
	if typ.IsCommuneTitle() && commune.Kind != units.KindRuralCommune {
		val.Add("commune_code", fmt.Sprintf("%s is a %s: only a %s may be nominated for a commune title", commune.Name, commune.Kind, units.KindRuralCommune))
	}
}

// errNoReplay: the user has not used this idempotency key yet.
var errNoReplay = errors.New("no nomination with this idempotency key")

// replay answers a repeated POST with the nomination the key first created. Keys are per
// user. The answer is a read of that nomination, so it needs the same authorization as
// GET: a user moved out of its commune (or without roles) gets ErrNotFound. A key sent with
// another request is refused rather than answered with a nomination the client did not ask for.
func (s *Service) replay(ctx context.Context, p *authz.Principal, key, reqHash string) (View, error) {
	var first struct {
		ID              int64
		IdempotencyHash *string
	}
	err := s.createdBy(ctx, p).Select("id, idempotency_hash").Where("idempotency_key = ?", key).Take(&first).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return View{}, errNoReplay
	}
	if err != nil {
		return View{}, err
	}
	r, err := s.loadForRead(ctx, p, first.ID)
	if err != nil {
		return View{}, err
	}
	// Rows created before request hashes were kept have none to compare.
	if first.IdempotencyHash != nil && *first.IdempotencyHash != reqHash {
		return View{}, apperr.ErrIdempotencyKeyReused
	}
	return s.viewOf(ctx, r)
}

// requestHash is the SHA-256 of a create request in canonical JSON (object keys sorted, no
// spaces, numbers as decoded), so the same request sent with other spacing or key order
// counts as the same.
func requestHash(in Input) string {
	req := map[string]any{"type": in.Type, "commune_code": in.CommuneCode, "campaign_id": in.CampaignID,
		"title": in.Title, "subject": nil, "assessment": in.Assessment}
	if len(in.Subject) > 0 {
		var subject any
		if err := json.Unmarshal(in.Subject, &subject); err != nil {
			subject = string(in.Subject) // not JSON: compared byte for byte
		}
		req["subject"] = subject
	}
	raw, _ := json.Marshal(req)
	// Round-trip once more so values inside the assessment are canonical too.
	var canon any
	if json.Unmarshal(raw, &canon) == nil {
		raw, _ = json.Marshal(canon)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// applyInput validates the editable fields and writes them into r.
func (s *Service) applyInput(ctx context.Context, p *authz.Principal, r *row, set *criteria.Set, in Input, val *apperr.ValidationError) error {
	if in.Title != nil {
		t := cleanText(*in.Title)
		if t == "" || utf8.RuneCountInString(t) > 300 {
			val.Add("title", "is required (at most 300 characters)")
		}
		r.Title = t
	}
	if in.CampaignID != nil {
		// Only joining a campaign needs it running: a dossier returned for revision stays
		// editable in the campaign it joined, even after that campaign has ended.
		joining := !sameCampaign(r.CampaignID, in.CampaignID)
		var ce campaignError
		if err := s.checkCampaign(ctx, p, *in.CampaignID, r.ProvinceCode, joining); errors.As(err, &ce) {
			val.Add("campaign_id", err.Error())
		} else if err != nil {
			return err // a database error is not the client's mistake
		}
		r.CampaignID = in.CampaignID
	}
	if in.Subject != nil || r.Subject == "" {
		subj := parseSubject(criteria.Type(r.Type), in.Subject, val)
		if subj.parsed() {
			r.Subject = string(subj.canonical())
		}
	}
	if in.Assessment != nil {
		items := checkAssessment(set, *in.Assessment, val)
		b, _ := json.Marshal(items)
		r.Assessment = string(b)
		res := criteria.Evaluate(set, assessmentValues(items))
		r.SelfScore, r.SelfPasses = res.Total, res.Passes
	}
	if err := val.Err(); err != nil {
		return err
	}
	subj := decodeSubject(criteria.Type(r.Type), r.Subject)
	r.OwnerName, r.Village = subj.OwnerName(), subj.Village()
	r.SearchText = textfold.Fold(strings.Join([]string{r.Title, r.OwnerName, r.Village}, " "))
	r.MatchKey = matchKey(criteria.Type(r.Type), r.OwnerName, r.Village)
	return nil
}

// campaignError is what is wrong with a client's campaign_id (unlike a database error).
type campaignError string

func (e campaignError) Error() string { return string(e) }

const errNotProvinceCampaign = campaignError("is not a campaign of this province")

// checkCampaign checks that campaign id is of the province and, when running is set, that
// its period includes today: a nomination joining a campaign that has ended (or not yet
// begun) could never be recognised within it, so it would never count. The campaign is
// read as p (who works in the nomination's province, so sees its campaigns).
func (s *Service) checkCampaign(ctx context.Context, p *authz.Principal, id int64, province string, running bool) error {
	c, err := s.campaigns.Load(ctx, p, id)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && c.ProvinceCode != province) {
		return errNotProvinceCampaign
	}
	if err != nil || !running {
		return err
	}
	// Compared as dates: the drivers return DATE columns at midnight.
	day := today(s.now()).Format(time.DateOnly)
	from, to := c.StartsOn.Format(time.DateOnly), c.EndsOn.Format(time.DateOnly)
	switch {
	case day > to:
		return campaignError(fmt.Sprintf("the campaign ended on %s (it ran from %s); choose a running campaign", to, from))
	case day < from:
		return campaignError(fmt.Sprintf("the campaign starts on %s; choose a running campaign", from))
	}
	return nil
}

// checkAssessment validates the self-assessment against the set; null values are dropped
// (not yet assessed). Items come back in the set's order.
func checkAssessment(set *criteria.Set, items []AssessmentItem, val *apperr.ValidationError) []AssessmentItem {
	byCode := map[string]AssessmentItem{}
	for i, it := range items {
		f := fmt.Sprintf("assessment[%d]", i)
		c, ok := set.Criterion(it.Criterion)
		switch {
		case !ok:
			val.Add(f+".criterion", "is not a criterion of this set")
			continue
		case byCode[it.Criterion].Criterion != "":
			val.Add(f+".criterion", "is assessed twice")
			continue
		}
		if utf8.RuneCountInString(it.Note) > 1000 {
			val.Add(f+".note", "is too long (at most 1000 characters)")
		}
		if it.Value == nil {
			continue
		}
		if msg := criteria.CheckValue(c, it.Value); msg != "" {
			val.Add(f+".value", msg)
			continue
		}
		it.Note = strings.TrimSpace(it.Note)
		byCode[it.Criterion] = it
	}
	out := make([]AssessmentItem, 0, len(byCode))
	for _, c := range set.Criteria {
		if it, ok := byCode[c.Code]; ok {
			out = append(out, it)
		}
	}
	return out
}

func assessmentValues(items []AssessmentItem) map[string]any {
	m := make(map[string]any, len(items))
	for _, it := range items {
		m[it.Criterion] = it.Value
	}
	return m
}

// loadForRead returns the nomination if p may read it; otherwise ErrNotFound, whether it
// exists or not.
func (s *Service) loadForRead(ctx context.Context, p *authz.Principal, id int64) (*row, error) {
	return s.load(ctx, p, id, false)
}

// loadForUpdate is loadForRead that also takes the row lock for the rest of the
// transaction, so what a write reads (status, version, and the attachments the dossier
// hash covers, which change without a version bump) stays as read until it commits.
// PostgreSQL gets SELECT … FOR UPDATE; SQLite ignores the clause because its transactions
// begin IMMEDIATE and so already hold the database's only write lock.
func (s *Service) loadForUpdate(ctx context.Context, p *authz.Principal, id int64) (*row, error) {
	return s.load(ctx, p, id, true)
}

func (s *Service) load(ctx context.Context, p *authz.Principal, id int64, lock bool) (*row, error) {
	db, err := s.scoped(ctx, p, authz.ActRead)
	if err != nil {
		return nil, err
	}
	if lock {
		db = db.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	var r row
	err = db.Where("id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	return &r, err
}

// Get returns one nomination in p's scope.
func (s *Service) Get(ctx context.Context, p *authz.Principal, id int64) (View, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return View{}, err
	}
	return s.viewOf(ctx, r)
}

// Full is a nomination with its set, evidence and history: what the detail page shows,
// read after one scope check instead of one per part.
type Full struct {
	View        View
	Set         *criteria.Set
	Attachments []Attachment
	History     []HistoryEntry
	// Derived for the reader: the workflow actions open to them now, and the evidence
	// kinds the set requires that are not attached yet.
	Actions      []Rule
	MissingKinds []string
}

// GetFull returns the nomination with everything shown beside it.
func (s *Service) GetFull(ctx context.Context, p *authz.Principal, id int64) (Full, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return Full{}, err
	}
	var f Full
	if f.Set, err = s.criteria.Get(ctx, r.CriteriaSetID); err != nil {
		return Full{}, err
	}
	if f.View, err = s.view(ctx, r, f.Set); err != nil {
		return Full{}, err
	}
	if f.Attachments, err = s.attachmentsOf(ctx, r); err != nil {
		return Full{}, err
	}
	f.Actions = s.Actions(p, f.View)
	f.MissingKinds = missingKinds(f.Set.RequiredAttachments, kindsOf(f.Attachments))
	f.History, err = s.historyOf(ctx, r)
	return f, err
}

func (s *Service) viewOf(ctx context.Context, r *row) (View, error) {
	set, err := s.criteria.Get(ctx, r.CriteriaSetID)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, r, set)
}

func (s *Service) view(ctx context.Context, r *row, set *criteria.Set) (View, error) {
	v := View{ID: r.ID, Type: r.Type, Status: r.Status, Version: r.Version, CommuneCode: r.CommuneCode,
		DistrictCode: r.DistrictCode, ProvinceCode: r.ProvinceCode, CampaignID: r.CampaignID, CriteriaSetID: r.CriteriaSetID,
		Title: r.Title, Subject: json.RawMessage(r.Subject), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt, RecognitionID: r.RecognitionID, DossierSHA256: r.DossierSHA256,
		UnitPath: r.UnitPath}
	v.DueOn, v.Overdue = deadline(r.Status, r.DueOn, s.now())
	v.NoticeUntil, v.NoticeOpen = notice(r.Status, r.NoticeUntil, s.now())
	if err := json.Unmarshal([]byte(r.Assessment), &v.Assessment); err != nil {
		return View{}, err
	}
	if v.Assessment == nil {
		v.Assessment = []AssessmentItem{}
	}
	res := criteria.Evaluate(set, assessmentValues(v.Assessment))
	v.SelfAssessment = SelfAssessment{TotalScore: res.Total, MaxScore: res.Max, Passes: res.Passes, Complete: res.Complete,
		MissingRequired: nonNil(res.MissingRequired)}
	if r.Review != nil {
		v.Review = &Review{}
		if err := json.Unmarshal([]byte(*r.Review), v.Review); err != nil {
			return View{}, err
		}
	}
	if err := s.setDuplicates(ctx, r, &v); err != nil {
		return View{}, err
	}
	return v, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Update edits a draft or returned nomination (commune officer of that commune).
func (s *Service) Update(ctx context.Context, p *authz.Principal, id int64, ifMatch int, in Input) (View, error) {
	var out View
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.loadForUpdate(ctx, p, id)
		if err != nil {
			return err
		}
		if _, err := s.checkAction(p, r, ActionUpdate, ifMatch); err != nil {
			return err
		}
		set, err := s.criteria.Get(ctx, r.CriteriaSetID)
		if err != nil {
			return err
		}
		before := *r
		if err := s.applyInput(ctx, p, r, set, in, apperr.NewValidation()); err != nil {
			return err
		}
		if !sameCampaign(before.CampaignID, r.CampaignID) {
			// It leaves the old campaign's counters and joins the new one's.
			if err := s.counters.Apply(ctx, progress.Change{Nomination: before.counted(), From: string(before.Status)}); err != nil {
				return err
			}
			if err := s.counters.Apply(ctx, progress.Change{Nomination: r.counted(), To: string(r.Status)}); err != nil {
				return err
			}
		}
		r.DossierSHA256, err = s.dossierHash(ctx, r)
		if err != nil {
			return err
		}
		if err := s.saveVersioned(ctx, r, ifMatch, map[string]any{
			"title": r.Title, "owner_name": r.OwnerName, "village": r.Village, "search_text": r.SearchText, "subject": r.Subject, "assessment": r.Assessment,
			"self_score": r.SelfScore, "self_passes": r.SelfPasses, "campaign_id": r.CampaignID, "dossier_sha256": r.DossierSHA256,
			"match_key": r.MatchKey,
		}); err != nil {
			return err
		}
		// One history entry per save of the dossier, with its hash after the save.
		if err := s.writeHistory(ctx, p, r, ActionUpdate, &r.Status, "", nil); err != nil {
			return err
		}
		out, err = s.view(ctx, r, set)
		return err
	})
	return out, err
}

func sameCampaign(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// checkAction applies the workflow table and the optimistic version check, in the order
// a client can act on: forbidden, stale, then not valid from this status.
func (s *Service) checkAction(p *authz.Principal, r *row, action string, ifMatch int) (Rule, error) {
	rule, err := decide(s.authz, p, action, r.UnitPath, r.Status)
	if errors.Is(err, apperr.ErrForbidden) {
		return Rule{}, err
	}
	if ifMatch != r.Version {
		return Rule{}, apperr.ErrVersionMismatch
	}
	return rule, err
}

// saveVersioned writes fields, bumps the version and checks that nobody changed the row
// since it was read: zero rows updated means someone else won.
func (s *Service) saveVersioned(ctx context.Context, r *row, ifMatch int, fields map[string]any) error {
	now := s.now()
	fields["version"] = gorm.Expr("version + 1")
	fields["updated_at"] = now
	res := s.rowOf(ctx, r).Where("version = ?", ifMatch).Updates(fields)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return apperr.ErrVersionMismatch
	}
	r.Version = ifMatch + 1
	r.UpdatedAt = now
	return nil
}

// Filter narrows a nomination list (SPEC §6).
type Filter struct {
	Statuses   []Status
	Type       string
	Unit       string
	CampaignID int64
	Query      string
	Limit      int
	Cursor     string
	Overdue    bool   // only the overdue (deadlines.go)
	Sort       string // "" (newest first) or SortDueOn
}

// Page is one page of a list.
type Page struct {
	Items      []Summary `json:"items"`
	NextCursor string    `json:"next_cursor"`
}

// List returns nominations in p's scope, newest first, one keyset page at a time.
func (s *Service) List(ctx context.Context, p *authz.Principal, f Filter) (Page, error) {
	val := apperr.NewValidation()
	if f.Limit == 0 {
		f.Limit = 20
	}
	if f.Limit < 1 || f.Limit > 100 {
		val.Add("limit", "must be 1 to 100")
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			val.Add("status", "unknown status "+string(st))
		}
	}
	if f.Type != "" && !criteria.Type(f.Type).Valid() {
		val.Add("type", criteria.TypesMessage)
	}
	var (
		after    int64
		afterDue dueCursor
	)
	switch {
	case f.Sort != "" && f.Sort != SortDueOn:
		val.Add("sort", "must be "+SortDueOn+" or left out (newest first)")
	case f.Cursor == "":
	case f.Sort == SortDueOn:
		var err error
		if afterDue, err = decodeDueCursor(f.Cursor); err != nil {
			val.Add("cursor", "is not a cursor from a previous page")
		}
	default:
		var err error
		if after, err = store.DecodeCursor(f.Cursor); err != nil {
			val.Add("cursor", "is not a cursor from a previous page")
		}
	}
	var narrow string
	if f.Unit != "" {
		u, err := s.units.Get(ctx, f.Unit)
		if err != nil {
			val.Add("unit", "is not a current unit")
		} else {
			narrow = u.Path
		}
	}
	if err := val.Err(); err != nil {
		return Page{}, err
	}
	page := Page{Items: []Summary{}}
	var (
		conds []string
		args  []any
	)
	if len(f.Statuses) > 0 {
		conds = append(conds, "status IN ?")
		args = append(args, f.Statuses)
	}
	if f.Type != "" {
		conds = append(conds, "type = ?")
		args = append(args, f.Type)
	}
	if f.CampaignID != 0 {
		conds = append(conds, "campaign_id = ?")
		args = append(args, f.CampaignID)
	}
	if term := textfold.Fold(f.Query); term != "" {
		conds = append(conds, store.Like("search_text"))
		args = append(args, "%"+store.EscapeLike(term)+"%")
	}
	if f.Overdue {
		cond, condArgs := overdueCond(s.now())
		conds = append(conds, cond)
		args = append(args, condArgs...)
	}
	order := "id DESC"
	if after > 0 {
		conds = append(conds, "id < ?")
		args = append(args, after)
	}
	if f.Sort == SortDueOn {
		order = dueOrder
		if afterDue.id > 0 {
			cond, condArgs := afterDue.after()
			conds = append(conds, cond)
			args = append(args, condArgs...)
		}
	}
	// A plain Scan: the hot list path skips gorm's reflection.
	rows, err := s.scopedList(ctx, p, narrow, `id, type, status, version, commune_code, district_code, province_code, campaign_id,
		title, owner_name, village, self_score, self_passes, created_at, updated_at, submitted_at, recognition_id, due_on, notice_until`, conds, args, order, f.Limit+1)
	if errors.Is(err, apperr.ErrNotFound) {
		return page, nil
	}
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	now := s.now()
	var stored []*time.Time // the due dates as stored, the keys of the order by due date
	for rows.Next() {
		var (
			it             Summary
			due, noticeDay *time.Time
		)
		if err := rows.Scan(&it.ID, &it.Type, &it.Status, &it.Version, &it.CommuneCode, &it.DistrictCode, &it.ProvinceCode,
			&it.CampaignID, &it.Title, &it.OwnerName, &it.Village, &it.SelfScore, &it.SelfPasses, &it.CreatedAt, &it.UpdatedAt,
			&it.SubmittedAt, &it.RecognitionID, &due, &noticeDay); err != nil {
			return Page{}, err
		}
		it.DueOn, it.Overdue = deadline(it.Status, due, now)
		it.NoticeUntil, it.NoticeOpen = notice(it.Status, noticeDay, now)
		page.Items = append(page.Items, it)
		stored = append(stored, due)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		last := page.Items[len(page.Items)-1]
		page.NextCursor = store.EncodeCursor(last.ID)
		if f.Sort == SortDueOn {
			page.NextCursor = newDueCursor(stored[f.Limit-1], last.ID).encode()
		}
	}
	if err := s.setPageDuplicates(ctx, page.Items); err != nil {
		return Page{}, err
	}
	return page, nil
}

// Set returns the criteria set a nomination is pinned to.
func (s *Service) Set(ctx context.Context, v View) (*criteria.Set, error) {
	return s.criteria.Get(ctx, v.CriteriaSetID)
}
