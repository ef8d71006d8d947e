package criteria

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

type setRow struct {
	ID                  int64 `gorm:"primaryKey"`
	Type                string
	Version             int
	Name                string
	ProvinceCode        string
	MinScore            float64
	AllRequired         bool
	ValidityYears       int
	ValidFrom           time.Time  `gorm:"type:date"`
	ValidTo             *time.Time `gorm:"type:date"`
	RequiredAttachments string
	Criteria            string
	PublishedAt         time.Time
	PublishedBy         *int64
	ReviewDays          int
	ApprovalDays        int
	NoticeDays          int
}

func (setRow) TableName() string { return "criteria_sets" }

func (r setRow) toSet() (*Set, error) {
	s := &Set{ID: r.ID, Type: Type(r.Type), Version: r.Version, Name: r.Name, ProvinceCode: r.ProvinceCode,
		PassRule: PassRule{MinScore: r.MinScore, AllRequired: r.AllRequired}, ValidityYears: r.ValidityYears,
		ValidFrom: r.ValidFrom.UTC().Format(time.DateOnly), ReviewDays: r.ReviewDays, ApprovalDays: r.ApprovalDays, NoticeDays: r.NoticeDays}
	if r.ValidTo != nil {
		to := r.ValidTo.UTC().Format(time.DateOnly)
		s.ValidTo = &to
	}
	if err := json.Unmarshal([]byte(r.RequiredAttachments), &s.RequiredAttachments); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(r.Criteria), &s.Criteria); err != nil {
		return nil, err
	}
	return s, nil
}

// Service stores and reads criteria sets. Published versions are never updated.
type Service struct {
	st    *store.Store
	authz *authz.Authorizer
	units *units.Service
	// byID caches sets by id: a published set never changes, so it never goes stale.
	byID sync.Map
}

// NewService returns the criteria service.
func NewService(st *store.Store, az *authz.Authorizer, u *units.Service) *Service {
	return &Service{st: st, authz: az, units: u}
}

// Get returns a set by id (any province; callers check visibility with GetVisible). The
// set is shared: callers must not modify it.
func (s *Service) Get(ctx context.Context, id int64) (*Set, error) {
	if set, ok := s.byID.Load(id); ok {
		return set.(*Set), nil
	}
	var r setRow
	err := s.pinned(ctx, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	set, err := r.toSet()
	if err != nil {
		return nil, err
	}
	s.byID.Store(id, set)
	return set, nil
}

// GetVisible returns a set the principal may see, or ErrNotFound.
func (s *Service) GetVisible(ctx context.Context, p *authz.Principal, id int64) (*Set, error) {
	if err := authz.Require(p); err != nil {
		return nil, err
	}
	set, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(s.provincesFor(p, authz.ActRead), set.ProvinceCode) {
		return nil, apperr.ErrNotFound
	}
	return set, nil
}

// List returns the published sets of the principal's provinces, newest first, optionally
// of one type.
func (s *Service) List(ctx context.Context, p *authz.Principal, typ string) ([]*Set, error) {
	if err := authz.Require(p); err != nil {
		return nil, err
	}
	q, err := s.scoped(ctx, p, authz.ActRead)
	if errors.Is(err, apperr.ErrNotFound) {
		return []*Set{}, nil
	}
	q = q.Order("published_at DESC, id DESC")
	if typ != "" {
		if !Type(typ).Valid() {
			return nil, apperr.Invalid("type", TypesMessage)
		}
		q = q.Where("type = ?", typ)
	}
	var rows []setRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*Set, 0, len(rows))
	for _, r := range rows {
		set, err := r.toSet()
		if err != nil {
			return nil, err
		}
		out = append(out, set)
	}
	return out, nil
}

// Current returns the newest published set of a type for a province valid today (the
// date in Vietnam): the set a nomination created now takes.
func (s *Service) Current(ctx context.Context, typ Type, province string) (*Set, error) {
	return s.CurrentOn(ctx, typ, province, units.Today(time.Now()))
}

// CurrentOn returns the newest published set of a type for a province valid on day (its
// valid_from on or before day, its valid_to on or after it, or open), or ErrNotFound.
func (s *Service) CurrentOn(ctx context.Context, typ Type, province string, day time.Time) (*Set, error) {
	cond, args := units.ValidOnSQL("", day) // the same columns and date rule as units
	var r setRow
	err := s.published(ctx, typ, province).Where(cond, args...).Order("version DESC").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.toSet()
}

// MaxStageDays bounds review_days and approval_days: about a year of working days.
const MaxStageDays = 250

// MaxNoticeDays bounds notice_days (calendar days): a public notice of a quarter at most,
// so a typing slip (150 for 15) cannot hold a dossier for months.
const MaxNoticeDays = 90

// DefaultValidFrom is the valid_from of a set published without one: valid for every
// date, as every set was before sets had periods (migration 00014 gives the sets of that
// time the same day), so a province that does not use periods sees no change.
const DefaultValidFrom = "2000-01-01"

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$`)

// Validate checks a set before publication.
func Validate(set *Set) error {
	v := apperr.NewValidation()
	if !set.Type.Valid() {
		v.Add("type", TypesMessage)
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(set.Name)); n == 0 || n > 200 {
		v.Add("name", "is required (at most 200 characters)")
	}
	switch {
	case set.Type.IsCommuneTitle() && set.ValidityYears != 0:
		// A commune title has no expiry; it ends only by revocation.
		v.Add("validity_years", "must be 0 for a commune title (it does not expire)")
	case !set.Type.IsCommuneTitle() && (set.ValidityYears < 1 || set.ValidityYears > 20):
		v.Add("validity_years", "must be 1 to 20")
	}
	for i, k := range set.RequiredAttachments {
		if !slices.Contains(AttachmentKinds, k) {
			v.Add(fmt.Sprintf("required_attachments[%d]", i), "must be photo, minutes, survey or other")
		}
	}
	if len(set.Criteria) == 0 || len(set.Criteria) > 200 {
		v.Add("criteria", "1 to 200 criteria are required")
	}
	seen := map[string]bool{}
	for i, c := range set.Criteria {
		f := fmt.Sprintf("criteria[%d]", i)
		switch {
		case !codePattern.MatchString(c.Code):
			v.Add(f+".code", "1–16 letters, digits, '.', '_' or '-'")
		case seen[c.Code]:
			v.Add(f+".code", "repeats another criterion's code")
		}
		seen[c.Code] = true
		if strings.TrimSpace(c.Title) == "" || strings.TrimSpace(c.Group) == "" {
			v.Add(f+".title", "title and group are required")
		}
		if c.MaxScore <= 0 || c.MaxScore > 1000 || math.IsNaN(c.MaxScore) {
			v.Add(f+".max_score", "must be between 0 and 1000")
		}
		switch c.Kind {
		case Boolean, Score:
			if c.Threshold != nil {
				v.Add(f+".threshold", "only number criteria have a threshold")
			}
		case Number:
			if c.Threshold == nil {
				v.Add(f+".threshold", "a number criterion needs a threshold")
			}
			if c.ThresholdOp != OpGE && c.ThresholdOp != OpLE {
				v.Add(f+".threshold_op", "must be ge or le")
			}
		default:
			v.Add(f+".kind", "must be boolean, number or score")
		}
	}
	fromText := cmp.Or(set.ValidFrom, DefaultValidFrom) // empty: the default, set on publication
	from, err := time.Parse(time.DateOnly, fromText)
	if err != nil || from.Year() < 1990 || from.Year() > 2200 {
		v.Add("valid_from", "must be a date YYYY-MM-DD (from 1990 on)")
	}
	if set.ValidTo != nil {
		to, err := time.Parse(time.DateOnly, *set.ValidTo)
		switch {
		case err != nil || to.Year() > 2200:
			v.Add("valid_to", "must be a date YYYY-MM-DD, or null while the set stays valid")
		case to.Before(from):
			v.Add("valid_to", "must not be before valid_from ("+fromText+")")
		}
	}
	for field, days := range map[string]int{"review_days": set.ReviewDays, "approval_days": set.ApprovalDays} {
		if days < 0 || days > MaxStageDays {
			v.Add(field, fmt.Sprintf("must be 0 (no deadline) to %d working days", MaxStageDays))
		}
	}
	if set.NoticeDays < 0 || set.NoticeDays > MaxNoticeDays {
		v.Add("notice_days", fmt.Sprintf("must be 0 (no public notice) to %d days", MaxNoticeDays))
	}
	if set.PassRule.MinScore < 0 || set.PassRule.MinScore > set.MaxTotal() {
		v.Add("pass_rule.min_score", fmt.Sprintf("must be between 0 and the total of all points (%g)", set.MaxTotal()))
	}
	return v.Err()
}

// Publish stores a new version of the set's type for its province; the version number is
// the next one. The caller must manage criteria sets in that province.
func (s *Service) Publish(ctx context.Context, p *authz.Principal, set *Set) (*Set, error) {
	if err := authz.Require(p); err != nil {
		return nil, err
	}
	return s.publish(ctx, p, set)
}

// PublishAsSystem is Publish without a caller (the demo seed, gen-data, test fixtures):
// the version records no publisher.
func (s *Service) PublishAsSystem(ctx context.Context, set *Set) (*Set, error) {
	return s.publish(ctx, nil, set)
}

// publish checks and stores the set; p is nil only for PublishAsSystem.
func (s *Service) publish(ctx context.Context, p *authz.Principal, set *Set) (*Set, error) {
	for i := range set.Criteria {
		if set.Criteria[i].Kind == Number && set.Criteria[i].ThresholdOp == "" {
			set.Criteria[i].ThresholdOp = OpGE
		}
	}
	if set.RequiredAttachments == nil {
		set.RequiredAttachments = []string{}
	}
	if set.ValidFrom == "" {
		set.ValidFrom = DefaultValidFrom
	}
	if err := Validate(set); err != nil {
		return nil, err
	}
	prov, err := s.units.Get(ctx, set.ProvinceCode)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return nil, err // the lookup failed, not the code: never a 422
	}
	if err != nil || prov.Level != units.Province {
		return nil, apperr.Invalid("province_code", "is not a current province")
	}
	if p != nil && !s.authz.Can(p, authz.ObjCriteriaSet, authz.ActManage, prov.Path) {
		return nil, apperr.ErrForbidden
	}
	var out *Set
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		var latest struct{ V int }
		if err := s.published(ctx, set.Type, set.ProvinceCode).Select("COALESCE(MAX(version), 0) AS v").Scan(&latest).Error; err != nil {
			return err
		}
		ra, _ := json.Marshal(set.RequiredAttachments)
		cr, _ := json.Marshal(set.Criteria)
		row := setRow{Type: string(set.Type), Version: latest.V + 1, Name: strings.TrimSpace(set.Name), ProvinceCode: set.ProvinceCode,
			MinScore: set.PassRule.MinScore, AllRequired: set.PassRule.AllRequired, ValidityYears: set.ValidityYears,
			RequiredAttachments: string(ra), Criteria: string(cr), PublishedAt: time.Now().UTC(),
			ReviewDays: set.ReviewDays, ApprovalDays: set.ApprovalDays, NoticeDays: set.NoticeDays}
		row.ValidFrom, _ = time.Parse(time.DateOnly, set.ValidFrom) // Validate checked both
		if set.ValidTo != nil {
			to, _ := time.Parse(time.DateOnly, *set.ValidTo)
			row.ValidTo = &to
		}
		if p != nil {
			row.PublishedBy = &p.UserID
		}
		if err := s.published(ctx, set.Type, set.ProvinceCode).Create(&row).Error; err != nil {
			if store.IsUniqueViolation(err) {
				return fmt.Errorf("%w: another version was published at the same moment", apperr.ErrConflict)
			}
			return err
		}
		out, err = row.toSet()
		return err
	})
	return out, err
}
