package nomination

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/recognition"
)

// historyRow is one append-only entry of nomination_history.
type historyRow struct {
	ID            int64 `gorm:"primaryKey"`
	NominationID  int64
	At            time.Time
	ActorID       int64
	Actor         string
	Action        string
	FromStatus    *Status
	ToStatus      Status
	Comment       string
	Details       *string
	DossierSHA256 string `gorm:"column:dossier_sha256"`
	// OnBehalfOf is the delegator's username when the actor acted only through a
	// delegation (SPEC §13), with the delegation; nil when acting in their own right.
	OnBehalfOf   *string
	DelegationID *int64
}

func (historyRow) TableName() string { return "nomination_history" }

// HistoryEntry is the API shape of one history entry.
type HistoryEntry struct {
	At            time.Time       `json:"at"`
	Actor         string          `json:"actor"`
	OnBehalfOf    *string         `json:"on_behalf_of"` // the delegator, when actor acted through a delegation
	Action        string          `json:"action"`
	From          *Status         `json:"from"`
	To            Status          `json:"to"`
	Comment       string          `json:"comment"`
	DossierSHA256 string          `json:"dossier_sha256"`
	Details       json.RawMessage `json:"details,omitempty"`
}

// Decision is the province's recognition decision, given with approve. Approving under
// the number of a decision the province already has adds the nomination to it when the
// date and signer match (recognition.Service.Issue). SignerTitle is recognition.Chairman
// or recognition.ViceChairman; empty takes the existing decision's, or the chairman's.
type Decision struct {
	Number      string `json:"number"`
	Date        string `json:"date"`
	Signer      string `json:"signer"`
	SignerTitle string `json:"signer_title,omitempty"`
}

// TransitionInput is the body of POST …/transitions.
type TransitionInput struct {
	Action   string
	Comment  string
	Decision *Decision
}

const maxComment = 2000

// counted is what the progress counters count r under.
func (r *row) counted() progress.Nomination {
	return progress.Nomination{CampaignID: r.CampaignID, DistrictCode: r.DistrictCode, CommuneCode: r.CommuneCode, Type: r.Type}
}

// Transition performs a workflow action: scope (404), role (403), version (412), status
// (409), guards (422), then the status change, its history entry and, for approve and
// revoke, the recognition, all in one transaction.
func (s *Service) Transition(ctx context.Context, p *authz.Principal, id int64, ifMatch int, in TransitionInput) (View, error) {
	if !IsTransition(in.Action) {
		return View{}, apperr.Invalid("action", "must be one of submit, withdraw, start_review, return, reject, endorse, send_back, approve, revoke")
	}
	var done *transitioned
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if done, err = s.transition(ctx, p, id, ifMatch, in); err != nil {
			return err
		}
		return s.counters.Apply(ctx, done.change)
	})
	if err != nil {
		return View{}, err
	}
	// The answer is built after the commit: no locks are held while it is encoded.
	return s.transitioned(ctx, done)
}

// transitioned is one workflow action done inside a transaction not yet committed: the
// row as written, its set, the recognition approve issued, and the change the progress
// counters must take.
type transitioned struct {
	r      *row
	set    *criteria.Set
	action string
	rec    *recognition.Recognition
	change progress.Change
}

// transitioned answers a committed action: the nomination as it now stands, and the
// action counted in the metrics.
func (s *Service) transitioned(ctx context.Context, t *transitioned) (View, error) {
	out, err := s.view(ctx, t.r, t.set)
	if err == nil {
		s.transitions.WithLabelValues(t.action, string(out.Status)).Inc()
	}
	return out, err
}

// transition performs in on nomination id inside the caller's transaction, in the order
// Transition documents, and returns what it did; the caller applies the counters' change
// (last: a stale request fails before it takes any counter lock, and counter rows stay
// locked only until the commit). Every approval goes through here, one nomination's and
// each of a decision's (ApproveUnderDecision).
func (s *Service) transition(ctx context.Context, p *authz.Principal, id int64, ifMatch int, in TransitionInput) (*transitioned, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	r, err := s.loadForUpdate(ctx, p, id)
	if err != nil {
		return nil, err
	}
	rule, err := s.checkAction(p, r, in.Action, ifMatch)
	if err != nil {
		return nil, err
	}
	set, err := s.criteria.Get(ctx, r.CriteriaSetID)
	if err != nil {
		return nil, err
	}
	if err := s.checkGuards(ctx, r, set, rule, in); err != nil {
		return nil, err
	}
	from := r.Status
	fields := map[string]any{"status": rule.To}
	recYear, recDelta := 0, 0
	r.Status = rule.To
	var (
		details any
		rec     *recognition.Recognition
	)
	switch in.Action {
	case "submit":
		// A new round: the previous review stays in the history, not on the dossier.
		now := s.now()
		fields["submitted_at"], fields["review"] = now, nil
		r.SubmittedAt, r.Review = &now, nil
	case "approve":
		if rec, err = s.issueRecognition(ctx, p, r, set, in.Decision); err != nil {
			return nil, err
		}
		fields["recognition_id"] = rec.ID
		r.RecognitionID = &rec.ID
		details = recognitionDetails(in.Decision, rec)
		recYear, recDelta = rec.DecisionDate.Year(), 1
	case "revoke":
		decided, err := s.recognitions.RevokeForNomination(ctx, r.ID, in.Comment)
		if err != nil {
			return nil, err
		}
		recYear, recDelta = decided.Year(), -1
	}
	// The stage this transition starts, and when it is due (deadlines.go).
	if err := s.setDue(ctx, r, set, from, fields); err != nil {
		return nil, err
	}
	// The public notice endorse opens (notice.go).
	s.openNotice(r, set, fields)
	// Only submit changes the dossier (it clears the review); every other transition
	// keeps the stored hash, which saves re-reading the attachments.
	if in.Action == "submit" {
		if r.DossierSHA256, err = s.dossierHash(ctx, r); err != nil {
			return nil, err
		}
		fields["dossier_sha256"] = r.DossierSHA256
	}
	if err := s.saveVersioned(ctx, r, ifMatch, fields); err != nil {
		return nil, err
	}
	if err := s.writeHistory(ctx, p, r, in.Action, &from, in.Comment, details); err != nil {
		return nil, err
	}
	// Whoever must act next hears of it in this transaction (notify.go).
	if err := s.notifyTransition(ctx, p, r, rule, from, in.Comment); err != nil {
		return nil, err
	}
	return &transitioned{r: r, set: set, action: in.Action, rec: rec,
		change: progress.Change{Nomination: r.counted(), From: string(from), To: string(r.Status), Recognized: recDelta, RecognizedYear: recYear}}, nil
}

func (s *Service) checkGuards(ctx context.Context, r *row, set *criteria.Set, rule Rule, in TransitionInput) error {
	val := apperr.NewValidation()
	if err := s.addGuardProblems(ctx, r, set, rule, in, val); err != nil {
		return err
	}
	return val.Err()
}

// addGuardProblems adds to val what rule's guards find wrong with r and the input; the
// error is a failed read, or the 409 of a guard that is about the nomination's state, not
// the input (NeedsNoticeOver).
func (s *Service) addGuardProblems(ctx context.Context, r *row, set *criteria.Set, rule Rule, in TransitionInput, val *apperr.ValidationError) error {
	for _, g := range rule.Needs {
		switch g {
		case NeedsComment:
			if in.Comment == "" {
				val.Add("comment", "is required for "+rule.Action)
			}
		case NeedsComplete:
			var items []AssessmentItem
			if err := json.Unmarshal([]byte(r.Assessment), &items); err != nil {
				return err
			}
			if res := criteria.Evaluate(set, assessmentValues(items)); !res.Complete {
				val.Add("assessment", "criteria not yet self-assessed: "+strings.Join(res.Unanswered, ", "))
			}
			missing, err := s.missingAttachments(ctx, r, set.RequiredAttachments)
			if err != nil {
				return err
			}
			if len(missing) > 0 {
				val.Add("attachments", "required attachments missing: "+strings.Join(missing, ", "))
			}
		case NeedsPassingReview:
			if r.Review == nil {
				val.Add("review", "save the review before endorsing")
				continue
			}
			var rv Review
			if err := json.Unmarshal([]byte(*r.Review), &rv); err != nil {
				return err
			}
			if !rv.Passes {
				val.Add("review", fmt.Sprintf("the saved review does not pass (%g of %g points; all required criteria must be met)", rv.TotalScore, set.PassRule.MinScore))
			}
		case NeedsDecision:
			checkDecision(in.Decision, s.now(), val, "decision.")
		case NeedsPrerequisite:
			if err := s.checkPrerequisite(ctx, criteria.Type(r.Type), r.CommuneCode, val); err != nil {
				return err
			}
		case NeedsNoticeOver:
			if err := s.checkNoticeOver(ctx, r); err != nil {
				return err
			}
		}
	}
	if utf8.RuneCountInString(in.Comment) > maxComment {
		val.Add("comment", fmt.Sprintf("is too long (at most %d characters)", maxComment))
	}
	return nil
}

// checkPrerequisite adds a "type" problem when the commune does not hold, active (not
// revoked), the title that typ needs: advanced NTM needs NTM, model needs advanced. It is
// checked when the nomination is created and again when it is approved, since the lower
// title may have been revoked in between; inside the caller's transaction the lower title
// stays locked until the commit.
func (s *Service) checkPrerequisite(ctx context.Context, typ criteria.Type, communeCode string, val *apperr.ValidationError) error {
	need := typ.Prerequisite()
	if need == "" {
		return nil
	}
	holds, err := s.recognitions.HoldsTitle(ctx, communeCode, need)
	if err != nil {
		return err
	}
	if !holds {
		val.Add("type", fmt.Sprintf("the commune must hold an active %s title (not revoked) before it can be nominated for %s", need, typ))
	}
	return nil
}

// checkDecision validates the decision an approval names, reporting each field as
// prefix + its name ("decision.number" in a transition, "number" in a decision's body).
func checkDecision(d *Decision, now time.Time, val *apperr.ValidationError, prefix string) {
	if d == nil {
		val.Add(strings.TrimSuffix(prefix, "."), "number, date and signer of the decision are required")
		return
	}
	d.Number, d.Signer = cleanText(norm.NFC.String(d.Number)), cleanText(norm.NFC.String(d.Signer))
	d.SignerTitle = cleanText(norm.NFC.String(d.SignerTitle))
	if d.Number == "" || utf8.RuneCountInString(d.Number) > 64 {
		val.Add(prefix+"number", "is required (at most 64 characters)")
	}
	if d.Signer == "" || utf8.RuneCountInString(d.Signer) > 200 {
		val.Add(prefix+"signer", "is required (at most 200 characters)")
	}
	if d.SignerTitle != "" && !recognition.ValidSignerTitle(d.SignerTitle) {
		val.Add(prefix+"signer_title", "must be "+strings.Join(recognition.SignerTitles, " or "))
	}
	checkPastDate(val, prefix+"date", d.Date, now)
}

// earliestDate bounds every date typed into a dossier from below: the movement's records
// begin long after it, so an earlier date (year 1, 0202 for 2022) is a typing error.
var earliestDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// vietnam is the time zone of every date in a dossier: "today" is Vietnam's, so a visit
// entered at 6 in the morning (the day before, in UTC) is not in the future.
var vietnam = time.FixedZone("ICT", 7*3600)

// today is the date in Vietnam at now, as midnight UTC (how dates are parsed).
func today(now time.Time) time.Time {
	y, m, d := now.In(vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkPastDate validates a YYYY-MM-DD date from 2000-01-01 to today, naming field.
func checkPastDate(val *apperr.ValidationError, field, value string, now time.Time) time.Time {
	date, err := time.Parse(time.DateOnly, value)
	switch {
	case err != nil:
		val.Add(field, "must be a date YYYY-MM-DD")
	case date.Before(earliestDate):
		val.Add(field, "must be on or after "+earliestDate.Format(time.DateOnly))
	case date.After(today(now)):
		val.Add(field, "cannot be in the future (after "+today(now).Format(time.DateOnly)+")")
	}
	return date
}

// issueRecognition stores the recognition of r decided by d, under the province's
// decision d names (joined or created by p). A set with validity 0 (a commune title)
// gives a recognition without expiry.
func (s *Service) issueRecognition(ctx context.Context, p *authz.Principal, r *row, set *criteria.Set, d *Decision) (*recognition.Recognition, error) {
	date, _ := time.Parse(time.DateOnly, d.Date)
	subj := decodeSubject(criteria.Type(r.Type), r.Subject)
	rec := &recognition.Recognition{
		NominationID: r.ID, Type: r.Type, CommuneCode: r.CommuneCode, DistrictCode: r.DistrictCode,
		ProvinceCode: r.ProvinceCode, UnitPath: r.UnitPath, CampaignID: r.CampaignID, Title: r.Title,
		OwnerName: subj.OwnerName(), Village: subj.Village(), MatchKey: r.MatchKey, DecisionNumber: d.Number, DecisionDate: date,
		Signer: d.Signer, SignerTitle: d.SignerTitle,
	}
	if set.ValidityYears > 0 {
		until := date.AddDate(set.ValidityYears, 0, 0)
		rec.ValidUntil = &until
	}
	return rec, s.recognitions.Issue(ctx, rec, p.UserID)
}

// recognitionDetails are the history details of a decision that issued rec: the decision
// as it stands (a joined one keeps its own spelling and title), the recognition and its
// certificate number; valid_until is null for a recognition without expiry.
func recognitionDetails(d *Decision, rec *recognition.Recognition) map[string]any {
	held := Decision{Number: rec.DecisionNumber, Date: d.Date, Signer: rec.Signer, SignerTitle: rec.SignerTitle}
	return map[string]any{"decision": held, "decision_id": rec.DecisionID, "recognition_id": rec.ID,
		"certificate_number": rec.CertificateNumber, "valid_until": recognition.FormatValidUntil(rec.ValidUntil)}
}

func (s *Service) writeHistory(ctx context.Context, p *authz.Principal, r *row, action string, from *Status, comment string, details any) error {
	h := historyRow{NominationID: r.ID, At: s.now(), ActorID: p.UserID, Actor: p.Username, Action: action,
		FromStatus: from, ToStatus: r.Status, Comment: comment, DossierSHA256: r.DossierSHA256}
	if via, delegated := actingVia(s.authz, p, action, r.UnitPath, from); delegated {
		h.OnBehalfOf, h.DelegationID = &via.DelegatedBy, &via.DelegationID
	}
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		str := string(b)
		h.Details = &str
	}
	return s.insert(ctx, &h)
}

// History lists the nomination's entries, oldest first.
func (s *Service) History(ctx context.Context, p *authz.Principal, id int64) ([]HistoryEntry, error) {
	r, err := s.loadForRead(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.historyOf(ctx, r)
}

// historyOf lists the history of r, a nomination read through scoped.
func (s *Service) historyOf(ctx context.Context, r *row) ([]HistoryEntry, error) {
	var rows []historyRow
	if err := s.historyRows(ctx, r).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]HistoryEntry, len(rows))
	for i, h := range rows {
		out[i] = HistoryEntry{At: h.At, Actor: h.Actor, OnBehalfOf: h.OnBehalfOf, Action: h.Action, From: h.FromStatus, To: h.ToStatus,
			Comment: h.Comment, DossierSHA256: h.DossierSHA256}
		if h.Details != nil {
			out[i].Details = json.RawMessage(*h.Details)
		}
	}
	return out, nil
}

// ReviewInput is the body of PUT …/review.
type ReviewInput struct {
	Scores    []ReviewScore
	Summary   string
	VisitedOn string
}

// SaveReview stores the district's verified scores; the server computes the total and
// whether the set passes. One history entry per save.
func (s *Service) SaveReview(ctx context.Context, p *authz.Principal, id int64, ifMatch int, in ReviewInput) (View, error) {
	var out View
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.loadForUpdate(ctx, p, id)
		if err != nil {
			return err
		}
		if _, err := s.checkAction(p, r, ActionReview, ifMatch); err != nil {
			return err
		}
		set, err := s.criteria.Get(ctx, r.CriteriaSetID)
		if err != nil {
			return err
		}
		review, err := s.buildReview(set, in, p)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(review)
		str := string(raw)
		r.Review = &str
		if r.DossierSHA256, err = s.dossierHash(ctx, r); err != nil {
			return err
		}
		if err := s.saveVersioned(ctx, r, ifMatch, map[string]any{"review": str, "dossier_sha256": r.DossierSHA256}); err != nil {
			return err
		}
		details := map[string]any{"total_score": review.TotalScore, "max_score": review.MaxScore, "passes": review.Passes, "visited_on": review.VisitedOn,
			"scores": review.Scores} // kept so that the next round's review can start from this one (PriorReview)
		if err := s.writeHistory(ctx, p, r, ActionReview, &r.Status, review.Summary, details); err != nil {
			return err
		}
		out, err = s.view(ctx, r, set)
		return err
	})
	if err == nil {
		s.transitions.WithLabelValues(ActionReview, string(out.Status)).Inc()
	}
	return out, err
}

// buildReview validates a review: every criterion scored exactly once, score criteria
// within 0..max, a visit date from 2000-01-01 to today.
func (s *Service) buildReview(set *criteria.Set, in ReviewInput, p *authz.Principal) (*Review, error) {
	val := apperr.NewValidation()
	byCode := map[string]ReviewScore{}
	for i, sc := range in.Scores {
		f := fmt.Sprintf("scores[%d]", i)
		c, ok := set.Criterion(sc.Criterion)
		switch {
		case !ok:
			val.Add(f+".criterion", "is not a criterion of this set")
			continue
		case byCode[sc.Criterion].Criterion != "":
			val.Add(f+".criterion", "is scored twice")
			continue
		}
		if c.Kind == criteria.Score && (sc.Score < 0 || sc.Score > c.MaxScore) {
			val.Add(f+".score", fmt.Sprintf("must be from 0 to %g", c.MaxScore))
		}
		if utf8.RuneCountInString(sc.Comment) > 1000 {
			val.Add(f+".comment", "is too long (at most 1000 characters)")
		}
		sc.Comment = strings.TrimSpace(sc.Comment)
		byCode[sc.Criterion] = sc
	}
	var missing []string
	for _, c := range set.Criteria {
		if _, ok := byCode[c.Code]; !ok {
			missing = append(missing, c.Code)
		}
	}
	if len(missing) > 0 {
		val.Add("scores", "every criterion must be scored; missing: "+strings.Join(missing, ", "))
	}
	visited := checkPastDate(val, "visited_on", in.VisitedOn, s.now())
	summary := strings.TrimSpace(in.Summary)
	if utf8.RuneCountInString(summary) > maxComment {
		val.Add("summary", fmt.Sprintf("is too long (at most %d characters)", maxComment))
	}
	if err := val.Err(); err != nil {
		return nil, err
	}
	judged := map[string]criteria.ReviewScore{}
	scores := make([]ReviewScore, 0, len(set.Criteria))
	for _, c := range set.Criteria {
		sc := byCode[c.Code]
		judged[c.Code] = criteria.ReviewScore{Met: sc.Met, Score: sc.Score}
		// Points are the server's to award: full points for a met boolean/number criterion.
		if c.Kind == criteria.Score {
			sc.Met = sc.Score > 0
		} else if sc.Met {
			sc.Score = c.MaxScore
		} else {
			sc.Score = 0
		}
		scores = append(scores, sc)
	}
	res := criteria.EvaluateReview(set, judged)
	return &Review{Scores: scores, Summary: summary, VisitedOn: visited.Format(time.DateOnly), TotalScore: res.Total,
		MaxScore: res.Max, Passes: res.Passes, Reviewer: p.Username, SavedAt: s.now()}, nil
}
