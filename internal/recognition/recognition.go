// Package recognition keeps the recognitions issued when the province approves a
// nomination: numbered decisions, validity (none for a commune title), revocation, and
// the scoped list.
package recognition

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Status of a recognition; expired is derived from valid_until, never stored. A commune
// title has no valid_until: it stays active until it is revoked.
const (
	Active  = "active"
	Expired = "expired"
	Revoked = "revoked"
)

// Recognition is one issued title.
type Recognition struct {
	ID           int64 `gorm:"primaryKey"`
	NominationID int64
	Type         string
	CommuneCode  string
	DistrictCode string
	ProvinceCode string
	UnitPath     string
	CampaignID   *int64
	Title        string
	OwnerName    string
	Village      string
	// MatchKey is the key of the nomination it was issued for (owner and village folded),
	// under which a later nomination repeating it finds it (SPEC §13).
	MatchKey string
	// The decision (decision.go) and copies of its number, date, signer and signer title:
	// a decision is never edited, and lists and counters read one table.
	DecisionID        int64
	DecisionNumber    string
	DecisionDate      time.Time `gorm:"type:date"`
	Signer            string
	SignerTitle       string
	CertificateNumber string     // "<decision number>-<n>", n counting the decision's recognitions
	ValidUntil        *time.Time `gorm:"type:date"` // nil: no expiry (a commune title)
	RevokedAt         *time.Time
	RevokeReason      string
	CreatedAt         time.Time
	// Place names the units as they stood on the decision date (history.go); filled by
	// List and Describe, nil otherwise.
	Place *Place `gorm:"-"`
}

func (Recognition) TableName() string { return "recognitions" }

// StatusOn is the recognition's status on day.
func (r Recognition) StatusOn(day time.Time) string {
	switch {
	case r.RevokedAt != nil:
		return Revoked
	case r.ValidUntil != nil && dateOnly(day).After(dateOnly(*r.ValidUntil)):
		return Expired
	}
	return Active
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// View is the API shape of SPEC §7.
type View struct {
	ID             int64   `json:"id"`
	NominationID   int64   `json:"nomination_id"`
	Type           string  `json:"type"`
	CommuneCode    string  `json:"commune_code"`
	DistrictCode   string  `json:"district_code"`
	Title          string  `json:"title"`
	DecisionNumber string  `json:"decision_number"`
	DecisionDate   string  `json:"decision_date"`
	Signer         string  `json:"signer"`
	ValidUntil     *string `json:"valid_until"` // null: no expiry (a commune title)
	Status         string  `json:"status"`
	// The decision (GET /api/v1/decisions/{id}), the signer's title and the number the
	// certificate carries (SPEC §13).
	DecisionID        int64  `json:"decision_id"`
	SignerTitle       string `json:"signer_title"`
	CertificateNumber string `json:"certificate_number"`
	// The units named as on the decision date, and, when the commune changed since, the
	// name(s) of today's unit(s) it went into ("Xã Yên Trạch", now "Phường Đông Kinh");
	// share is "partial" when only part of it went there.
	CommuneName  string   `json:"commune_name,omitempty"`
	DistrictName string   `json:"district_name,omitempty"`
	Now          string   `json:"now,omitempty"`
	NowCodes     []string `json:"now_codes,omitempty"`
	Share        string   `json:"share,omitempty"`
}

// ToView renders r as of now.
func ToView(r Recognition, now time.Time) View {
	return View{ID: r.ID, NominationID: r.NominationID, Type: r.Type, CommuneCode: r.CommuneCode, DistrictCode: r.DistrictCode,
		Title: r.Title, DecisionNumber: r.DecisionNumber, DecisionDate: r.DecisionDate.Format(time.DateOnly),
		Signer: r.Signer, ValidUntil: FormatValidUntil(r.ValidUntil), Status: r.StatusOn(now),
		DecisionID: r.DecisionID, SignerTitle: r.SignerTitle, CertificateNumber: r.CertificateNumber}.withPlace(r.Place)
}

func (v View) withPlace(p *Place) View {
	if p == nil {
		return v
	}
	v.CommuneName, v.DistrictName, v.Now = p.CommuneName, p.DistrictName, p.NowNames()
	for _, l := range p.Now {
		v.NowCodes = append(v.NowCodes, l.Code)
	}
	if p.Partial() {
		v.Share = string(units.SharePartial)
	}
	return v
}

// FormatValidUntil is valid_until as the API gives it: YYYY-MM-DD, or nil (null) for a
// recognition without expiry.
func FormatValidUntil(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// Service reads and writes recognitions.
type Service struct {
	st    *store.Store
	authz *authz.Authorizer
	now   func() time.Time
}

// NewService returns the recognition service.
func NewService(st *store.Store, az *authz.Authorizer) *Service {
	return &Service{st: st, authz: az, now: func() time.Time { return time.Now().UTC() }}
}

// RevokeForNomination marks the nomination's recognition revoked (inside the caller's
// transaction) and returns its decision date.
func (s *Service) RevokeForNomination(ctx context.Context, nominationID int64, reason string) (time.Time, error) {
	var r Recognition
	err := s.ofNomination(ctx, nominationID).Where("revoked_at IS NULL").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return time.Time{}, fmt.Errorf("%w: no active recognition for nomination %d", apperr.ErrConflict, nominationID)
	}
	if err != nil {
		return time.Time{}, err
	}
	err = s.ofNomination(ctx, nominationID).Where("id = ?", r.ID).
		Updates(map[string]any{"revoked_at": s.now(), "revoke_reason": reason}).Error
	return r.DecisionDate, err
}

// HoldsTitle reports whether the commune holds title typ now: a recognition of that type,
// not revoked and not expired (a title never expires). Inside a transaction it also takes
// a share lock on the recognition (PostgreSQL), so the title cannot be revoked until the
// caller commits: the nomination workflow checks the title a higher one needs with it.
func (s *Service) HoldsTitle(ctx context.Context, communeCode string, typ criteria.Type) (bool, error) {
	var ids []int64
	err := s.activeTitles(ctx, communeCode, typ).Limit(1).Pluck("id", &ids).Error
	return len(ids) > 0, err
}

// Filter narrows a recognition list.
type Filter struct {
	Type string
	Unit string // unit code of today's tree: its subtree
	// IncludePredecessors adds the recognitions made in the units that went into Unit at
	// a reform, recursively (SPEC §12).
	IncludePredecessors bool
	Year                int    // decision year
	Status              string // active, expired or revoked
}

// Get returns one recognition the principal may read.
func (s *Service) Get(ctx context.Context, p *authz.Principal, id int64) (Recognition, error) {
	q, err := s.scoped(ctx, p, authz.ActRead, "")
	if err != nil {
		return Recognition{}, err
	}
	return take(q.Where("id = ?", id))
}

// GetPublic returns any recognition by id, revoked and expired ones too, for the public
// page a certificate's QR code opens (it shows the status).
func (s *Service) GetPublic(ctx context.Context, id int64) (Recognition, error) {
	return take(s.certified(ctx).Where("id = ?", id))
}

func take(q *gorm.DB) (Recognition, error) {
	var r Recognition
	err := q.Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Recognition{}, apperr.ErrNotFound
	}
	return r, err
}

// List returns the recognitions in the principal's scope, newest decision first.
func (s *Service) List(ctx context.Context, p *authz.Principal, unitsSvc *units.Service, f Filter) ([]Recognition, error) {
	var paths []string
	within := ""
	if f.Unit != "" {
		var err error
		if paths, err = unitPaths(ctx, unitsSvc, f.Unit, f.IncludePredecessors, s.now()); err != nil {
			return nil, err
		}
		within = paths[0]
	}
	q, err := s.scopedIn(ctx, p, authz.ActRead, paths)
	if errors.Is(err, apperr.ErrNotFound) {
		return []Recognition{}, nil
	}
	q, err = s.applyFilter(q, f)
	if err != nil {
		return nil, err
	}
	var out []Recognition
	// One query over all the paths: a recognition reached through two predecessors is
	// still one row.
	if err := q.Order("decision_date DESC, id DESC").Limit(1000).Find(&out).Error; err != nil {
		return nil, err
	}
	return out, Describe(ctx, unitsSvc, out, within)
}

func (s *Service) applyFilter(q *gorm.DB, f Filter) (*gorm.DB, error) {
	v := apperr.NewValidation()
	if f.Type != "" {
		if !criteria.Type(f.Type).Valid() {
			v.Add("type", criteria.TypesMessage)
		}
		q = q.Where("type = ?", f.Type)
	}
	if f.Year != 0 {
		if f.Year < 2000 || f.Year > 2100 {
			v.Add("year", "must be a year such as 2022")
		}
		q = q.Where("decision_date >= ? AND decision_date < ?", strconv.Itoa(f.Year)+"-01-01", strconv.Itoa(f.Year+1)+"-01-01")
	}
	today := s.now().Format(time.DateOnly)
	switch f.Status {
	case "":
	case Active:
		q = q.Where(activeSQL, today)
	case Expired:
		// NULL (no expiry) is never before today.
		q = q.Where("revoked_at IS NULL AND valid_until < ?", today)
	case Revoked:
		q = q.Where("revoked_at IS NOT NULL")
	default:
		v.Add("status", "must be active, expired or revoked")
	}
	return q, v.Err()
}
