package recognition

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
)

// One decision, many dossiers (SPEC §13). A provincial decision recognises one or more
// nominations: each approval names it by number, date and signer, and the first approval
// under a number creates it. The number is unique in the province with case and spacing
// ignored; every recognition under the decision is numbered "<number>-<n>". Who may
// approve, and when, is the nomination workflow's: this file only keeps the decisions.

// The signer titles of a decision: the chairman of the provincial people's committee
// signs, or a vice-chairman signs on the chairman's behalf. The values are the API's.
const (
	Chairman     = "Chủ tịch"
	ViceChairman = "Phó Chủ tịch"
)

// SignerTitles lists the signer titles, the chairman first (the default).
var SignerTitles = []string{Chairman, ViceChairman}

// ValidSignerTitle reports whether t is one of SignerTitles.
func ValidSignerTitle(t string) bool { return slices.Contains(SignerTitles, t) }

// Decision is one provincial recognition decision.
type Decision struct {
	ID           int64 `gorm:"primaryKey"`
	ProvinceCode string
	Number       string
	NumberKey    string    // Number folded (store.CompactLower): unique in the province
	DecisionDate time.Time `gorm:"type:date"`
	Signer       string
	SignerTitle  string
	Certificates int // the last certificate sequence handed out under the decision
	CreatedBy    *int64
	CreatedAt    time.Time
}

func (Decision) TableName() string { return "decisions" }

// ErrDecisionTaken is a decision number the province already used for a decision of
// another date or signer: a conflict (409), answered as *DecisionTakenError.
var ErrDecisionTaken = fmt.Errorf("%w: the decision number belongs to another decision of the province", apperr.ErrConflict)

// DecisionTakenError names the decision that holds the number.
type DecisionTakenError struct{ Decision Decision }

func (e *DecisionTakenError) Error() string {
	return fmt.Sprintf("decision number %s is decision %d of province %s", e.Decision.Number, e.Decision.ID, e.Decision.ProvinceCode)
}

func (e *DecisionTakenError) Unwrap() error { return ErrDecisionTaken }

// ClientMessage tells the approver which decision holds the number (the caller may
// approve in the province, so may read its decisions).
func (e *DecisionTakenError) ClientMessage() string {
	d := e.Decision
	return fmt.Sprintf("decision number %s is already used in this province by the decision of %s signed by %s (%s); "+
		"to add to it give the same date and signer, otherwise a new number", d.Number, d.DecisionDate.Format(time.DateOnly), d.Signer, d.SignerTitle)
}

// sameSigner compares signers as typed names: spacing and case aside.
func sameSigner(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// Issue stores r, the recognition of a nomination the workflow approves, inside the
// caller's transaction, under the decision r's decision fields name: the province's
// decision with that number (case and spacing ignored) when its date and signer match,
// and its signer title when r gives one; otherwise, if the number is free, a new decision
// created by userID with r's signer title (the chairman's when none). Another decision
// holding the number is *DecisionTakenError. r takes the decision's id, number and signer
// title, and the decision's next certificate number, drawn under the decision row's lock:
// concurrent approvals under one decision queue there, so none share a number.
func (s *Service) Issue(ctx context.Context, r *Recognition, userID int64) error {
	given := r.SignerTitle
	if r.SignerTitle == "" {
		r.SignerTitle = Chairman
	}
	now := s.now()
	key := store.CompactLower(r.DecisionNumber)
	d := Decision{ProvinceCode: r.ProvinceCode, Number: r.DecisionNumber, NumberKey: key, DecisionDate: dateOnly(r.DecisionDate),
		Signer: r.Signer, SignerTitle: r.SignerTitle, CreatedBy: &userID, CreatedAt: now}
	if err := s.claimDecision(ctx, &d); err != nil {
		return err
	}
	held, err := s.lockDecision(ctx, r.ProvinceCode, key)
	if err != nil {
		return err
	}
	if !dateOnly(held.DecisionDate).Equal(dateOnly(r.DecisionDate)) || !sameSigner(held.Signer, r.Signer) ||
		given != "" && given != held.SignerTitle {
		return &DecisionTakenError{Decision: held}
	}
	held.Certificates++
	if err := s.decisionRow(ctx, held.ID).Update("certificates", held.Certificates).Error; err != nil {
		return err
	}
	r.DecisionID, r.DecisionNumber, r.Signer, r.SignerTitle = held.ID, held.Number, held.Signer, held.SignerTitle
	r.CertificateNumber = fmt.Sprintf("%s-%d", held.Number, held.Certificates)
	r.CreatedAt = now
	return s.ofNomination(ctx, r.NominationID).Create(r).Error
}

// DecisionView is a decision as the API gives it, with its recognitions in the order of
// their certificate numbers.
type DecisionView struct {
	ID           int64  `json:"id"`
	ProvinceCode string `json:"province_code"`
	Number       string `json:"number"`
	Date         string `json:"date"`
	Signer       string `json:"signer"`
	SignerTitle  string `json:"signer_title"`
	CreatedBy    *int64 `json:"created_by"`
	// CreatedAt is when the decision was entered in ntmflow (its first recognition).
	CreatedAt    time.Time `json:"created_at"`
	Recognitions []View    `json:"recognitions"`
}

// DecisionRecord is a decision with its recognitions, their units named as on the
// decision date (Describe).
type DecisionRecord struct {
	Decision     Decision
	Recognitions []Recognition
}

// View renders the decision and its recognitions as of now.
func (d DecisionRecord) View(now time.Time) DecisionView {
	v := DecisionView{ID: d.Decision.ID, ProvinceCode: d.Decision.ProvinceCode, Number: d.Decision.Number,
		Date: d.Decision.DecisionDate.Format(time.DateOnly), Signer: d.Decision.Signer, SignerTitle: d.Decision.SignerTitle,
		CreatedBy: d.Decision.CreatedBy, CreatedAt: d.Decision.CreatedAt, Recognitions: make([]View, len(d.Recognitions))}
	for i, r := range d.Recognitions {
		v.Recognitions[i] = ToView(r, now)
	}
	return v
}

// GetDecision returns a decision of a province whose recognitions p may read whole (the
// province approver, its observers and admins), with every recognition under it;
// anything else is not found.
func (s *Service) GetDecision(ctx context.Context, p *authz.Principal, unitsSvc *units.Service, id int64) (DecisionRecord, error) {
	q, err := s.scopedDecisions(ctx, p)
	if err != nil {
		return DecisionRecord{}, err
	}
	var d Decision
	err = q.Where("id = ?", id).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DecisionRecord{}, apperr.ErrNotFound
	}
	if err != nil {
		return DecisionRecord{}, err
	}
	recs, err := s.scoped(ctx, p, authz.ActRead, "")
	if err != nil {
		return DecisionRecord{}, err
	}
	out := DecisionRecord{Decision: d}
	// Ids rise with the certificate sequence: each is drawn and its row inserted under the
	// decision's lock (Issue).
	if err := recs.Where("decision_id = ?", d.ID).Order("id").Find(&out.Recognitions).Error; err != nil {
		return DecisionRecord{}, err
	}
	return out, Describe(ctx, unitsSvc, out.Recognitions, "")
}
