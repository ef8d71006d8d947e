package nomination

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
)

// dossier is the canonical form of what a nomination asks to be recognised for. Its
// SHA-256 is recorded in the nomination and in every history entry, so anyone can prove
// that what the province approved is byte for byte what the district endorsed.
//
// Encoding: this struct as JSON (encoding/json: fields in this order, no spaces, no HTML
// escaping), subject fields in their fixed order, assessment in the criteria set's order,
// attachments sorted by SHA-256 then kind. See docs/README.md.
type dossier struct {
	Type          string           `json:"type"`
	CommuneCode   string           `json:"commune_code"`
	CriteriaSetID int64            `json:"criteria_set_id"`
	Title         string           `json:"title"`
	Subject       json.RawMessage  `json:"subject"`
	Assessment    []AssessmentItem `json:"assessment"`
	Review        *dossierReview   `json:"review"`
	Attachments   []dossierFile    `json:"attachments"`
}

// dossierReview is the review's substance (scores, summary, visit date, result), without
// who saved it when: that is in the history entry itself.
type dossierReview struct {
	Scores     []ReviewScore `json:"scores"`
	Summary    string        `json:"summary"`
	VisitedOn  string        `json:"visited_on"`
	TotalScore float64       `json:"total_score"`
	Passes     bool          `json:"passes"`
}

type dossierFile struct {
	SHA256 string `json:"sha256"`
	Kind   string `json:"kind"`
}

// DossierHash computes the canonical hash from the parts of a dossier.
func DossierHash(typ, commune string, setID int64, title string, subject json.RawMessage, assessment []AssessmentItem, review *Review, files []dossierFile) string {
	d := dossier{Type: typ, CommuneCode: commune, CriteriaSetID: setID, Title: title, Subject: subject,
		Assessment: assessment, Attachments: files}
	if d.Assessment == nil {
		d.Assessment = []AssessmentItem{}
	}
	if d.Attachments == nil {
		d.Attachments = []dossierFile{}
	}
	sort.Slice(d.Attachments, func(i, j int) bool {
		a, b := d.Attachments[i], d.Attachments[j]
		if a.SHA256 != b.SHA256 {
			return a.SHA256 < b.SHA256
		}
		return a.Kind < b.Kind
	})
	if review != nil {
		d.Review = &dossierReview{Scores: review.Scores, Summary: review.Summary, VisitedOn: review.VisitedOn,
			TotalScore: review.TotalScore, Passes: review.Passes}
	}
	raw, _ := json.Marshal(d)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// dossierHash hashes r as it stands in the transaction, attachments included.
func (s *Service) dossierHash(ctx context.Context, r *row) (string, error) {
	var files []dossierFile
	if r.ID != 0 {
		if err := s.attachmentRows(ctx, r).Select("sha256, kind").Scan(&files).Error; err != nil {
			return "", err
		}
	}
	var assessment []AssessmentItem
	if err := json.Unmarshal([]byte(r.Assessment), &assessment); err != nil {
		return "", err
	}
	var review *Review
	if r.Review != nil {
		review = &Review{}
		if err := json.Unmarshal([]byte(*r.Review), review); err != nil {
			return "", err
		}
	}
	return DossierHash(r.Type, r.CommuneCode, r.CriteriaSetID, r.Title, json.RawMessage(r.Subject), assessment, review, files), nil
}
