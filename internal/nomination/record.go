package nomination

import (
	"context"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Record enters a recognition the province decided before it used ntmflow (Lạng Sơn had
// 65 NTM communes before 2021): the workflow action record, by the province approver.
// The nomination is created approved, with its recognition, one history entry ("record",
// from none to approved) and the progress counters applied as approve applies them, in
// one transaction. It is checked as a new nomination (type, a Xã for a commune title,
// subject, title, assessment if any, campaign) and as an approval (the decision, the title
// a higher one needs).
//
// The history is dated by the service's clock: record through AsOf(decision day) to date
// it on the day of the decision (the decision date may not be after that clock, and a
// campaign joined must be running on it). Nothing is read twice, so a seed can record
// many decisions one call each.
func (s *Service) Record(ctx context.Context, p *authz.Principal, in Input, d Decision) (View, error) {
	if err := authz.Require(p); err != nil {
		return View{}, err
	}
	val := apperr.NewValidation()
	typ := criteria.Type(in.Type)
	if !typ.Valid() {
		val.Add("type", criteria.TypesMessage)
	}
	// The commune and the criteria set are those of the decision date; a date the guard
	// below refuses (unreadable, before 2000, in the future) reads them as of today.
	day := today(s.now())
	if dd, err := time.Parse(time.DateOnly, d.Date); err == nil && !dd.Before(earliestDate) && !dd.After(day) {
		day = dd
	}
	commune, err := s.communeOn(ctx, in.CommuneCode, day, val)
	if err != nil {
		return View{}, err
	}
	if commune.Level == units.Commune {
		checkTitleHolder(typ, commune, val)
	}
	if err := val.Err(); err != nil {
		return View{}, err
	}
	rule, err := decide(s.authz, p, ActionRecord, commune.Path, "")
	if err != nil {
		return View{}, err
	}
	codes := units.SplitPath(commune.Path)
	set, err := s.setOn(ctx, typ, codes[0], day)
	if err != nil {
		return View{}, err
	}
	if in.Title == nil {
		val.Add("title", "is required")
	}
	if in.Assessment == nil {
		in.Assessment = &[]AssessmentItem{}
	}
	r := row{Type: string(typ), Status: rule.To, Version: 1, CommuneCode: commune.Code, ProvinceCode: codes[0],
		UnitPath: commune.Path, CriteriaSetID: set.ID, CreatedBy: p.UserID}
	// A commune's parent is its district, or its province in the two-tier tree (no
	// district: district_code stays empty), whatever the path's length.
	if parent := commune.Parent(); parent != codes[0] {
		r.DistrictCode = parent
	}
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		if err := s.addGuardProblems(ctx, &r, set, rule, TransitionInput{Action: ActionRecord, Decision: &d}, val); err != nil {
			return err
		}
		if err := s.applyInput(ctx, p, &r, set, in, val); err != nil {
			return err
		}
		now := s.now()
		r.CreatedAt, r.UpdatedAt = now, now
		if r.DossierSHA256, err = s.dossierHash(ctx, &r); err != nil {
			return err
		}
		if err := s.insert(ctx, &r); err != nil {
			return err
		}
		rec, err := s.issueRecognition(ctx, p, &r, set, &d)
		if err != nil {
			return err
		}
		r.RecognitionID = &rec.ID
		if err := s.rowOf(ctx, &r).Update("recognition_id", rec.ID).Error; err != nil {
			return err
		}
		if err := s.writeHistory(ctx, p, &r, ActionRecord, nil, "", recognitionDetails(&d, rec)); err != nil {
			return err
		}
		return s.counters.Apply(ctx, progress.Change{Nomination: r.counted(), To: string(r.Status),
			Recognized: 1, RecognizedYear: rec.DecisionDate.Year()})
	})
	if err != nil {
		return View{}, err
	}
	s.transitions.WithLabelValues(ActionRecord, string(r.Status)).Inc()
	return s.view(ctx, &r, set)
}
