package nomination_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/progress"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// titles is the app with the demo sets and the people of Cao Lộc who take a commune title
// through the workflow: the Hải Yến officer (a Xã), the district and the province.
type titles struct {
	a                           *testkit.App
	officer, district, province *authz.Principal
}

func newTitles(t *testing.T) *titles {
	t.Helper()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	w := &titles{a: a}
	for who, p := range map[string]**authz.Principal{"xa.haiyen": &w.officer, "caoloc": &w.district, "tinh": &w.province} {
		var err error
		if *p, err = a.Identity.PrincipalFor(context.Background(), who); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// fieldOf is the message a validation error gives field, "" when it names no such field.
func fieldOf(err error, field string) string {
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		return ""
	}
	return v.Fields[field]
}

// allMet answers every criterion of set as met.
func allMet(set *criteria.Set) []nomination.AssessmentItem {
	items := make([]nomination.AssessmentItem, 0, len(set.Criteria))
	for _, c := range set.Criteria {
		var v any = true
		if c.Kind == criteria.Number {
			v = *c.Threshold
		}
		items = append(items, nomination.AssessmentItem{Criterion: c.Code, Value: v})
	}
	return items
}

func (w *titles) set(t *testing.T, typ criteria.Type) *criteria.Set {
	t.Helper()
	set, err := w.a.Criteria.Current(context.Background(), typ, "20")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func titleInput(typ criteria.Type, commune string, items []nomination.AssessmentItem) nomination.Input {
	title := "Xã Hải Yến đạt chuẩn nông thôn mới"
	return nomination.Input{Type: string(typ), CommuneCode: commune, Title: &title,
		Subject: json.RawMessage(`{"satisfaction_pct": 92.5}`), Assessment: &items}
}

// create makes a complete draft of title typ for Hải Yến with its required evidence.
func (w *titles) create(t *testing.T, typ criteria.Type) (nomination.View, error) {
	t.Helper()
	ctx := context.Background()
	v, _, err := w.a.Nominations.Create(ctx, w.officer, titleInput(typ, "06220", allMet(w.set(t, typ))), "")
	if err != nil {
		return v, err
	}
	for _, kind := range w.set(t, typ).RequiredAttachments {
		if _, err := w.a.Nominations.AddAttachment(ctx, w.officer, v.ID, kind, kind+".pdf", bytes.NewReader(pdf(string(typ)+kind))); err != nil {
			t.Fatal(err)
		}
	}
	return w.a.Nominations.Get(ctx, w.officer, v.ID)
}

// endorse takes a draft to endorsed with a passing review.
func (w *titles) endorse(t *testing.T, v nomination.View) nomination.View {
	t.Helper()
	ctx := context.Background()
	var err error
	step := func(p *authz.Principal, action string) {
		t.Helper()
		if v, err = w.a.Nominations.Transition(ctx, p, v.ID, v.Version, nomination.TransitionInput{Action: action}); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	step(w.officer, "submit")
	step(w.district, "start_review")
	set := w.set(t, criteria.Type(v.Type))
	scores := make([]nomination.ReviewScore, 0, len(set.Criteria))
	for _, c := range set.Criteria {
		scores = append(scores, nomination.ReviewScore{Criterion: c.Code, Met: true})
	}
	if v, err = w.a.Nominations.SaveReview(ctx, w.district, v.ID, v.Version, nomination.ReviewInput{Scores: scores,
		Summary: "Đạt đủ tiêu chí", VisitedOn: "2022-08-01"}); err != nil {
		t.Fatal(err)
	}
	// Endorsed in August 2022: the demo title sets' 15-day public notice has ended before
	// the decisions of September 2022 these tests record.
	if v, err = w.a.Nominations.AsOf(time.Date(2022, 8, 20, 2, 0, 0, 0, time.UTC)).Transition(ctx, w.district, v.ID, v.Version,
		nomination.TransitionInput{Action: "endorse"}); err != nil {
		t.Fatalf("endorse: %v", err)
	}
	return v
}

func (w *titles) approve(v nomination.View, number, date string) (nomination.View, error) {
	return w.a.Nominations.Transition(context.Background(), w.province, v.ID, v.Version, nomination.TransitionInput{Action: "approve",
		Decision: &nomination.Decision{Number: number, Date: date, Signer: "Hồ Tiến Thiệu"}})
}

// Only a Xã holds a commune title: a town (Thị trấn) or a ward (Phường) gets 422
// commune_code; the subject is the residents' satisfaction, required, 0 to 100.
func TestCommuneTitleOnlyForXa(t *testing.T) {
	w := newTitles(t)
	ctx := context.Background()
	for _, unit := range []string{"06187", "05971"} { // Thị trấn Cao Lộc, Phường Hoàng Văn Thụ
		if _, err := w.a.Identity.CreateUser(ctx, identity.NewUser{Username: "co." + unit, FullName: "Cán bộ " + unit,
			Password: "vuon-cam-duong-canh-" + unit, Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: unit}}}); err != nil {
			t.Fatal(err)
		}
		p, err := w.a.Identity.PrincipalFor(ctx, "co."+unit)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = w.a.Nominations.Create(ctx, p, titleInput(criteria.NTMCommune, unit, nil), "")
		if msg := fieldOf(err, "commune_code"); msg == "" {
			t.Errorf("NTM title for %s: %v", unit, err)
		} else {
			t.Logf("%s: %s", unit, msg)
		}
		// The same officer may still nominate a garden of the ward or town.
		title := "Vườn cam"
		if _, _, err := w.a.Nominations.Create(ctx, p, nomination.Input{Type: "model_garden", CommuneCode: unit, Title: &title,
			Subject: json.RawMessage(`{"owner_name":"A","village":"Khối 1","area_m2":400,"main_crops":"Cam","annual_income_vnd":1}`)}, ""); err != nil {
			t.Errorf("garden in %s: %v", unit, err)
		}
	}
	for subject, field := range map[string]string{
		``:                            "subject",
		`{}`:                          "subject.satisfaction_pct",
		`{"satisfaction_pct": 100.5}`: "subject.satisfaction_pct",
		`{"satisfaction_pct": -1}`:    "subject.satisfaction_pct",
		`{"owner_name": "Hoàng Văn"}`: "subject",
	} {
		in := titleInput(criteria.NTMCommune, "06220", nil)
		in.Subject = json.RawMessage(subject)
		if _, _, err := w.a.Nominations.Create(ctx, w.officer, in, ""); fieldOf(err, field) == "" {
			t.Errorf("subject %s: %v, want a problem with %s", subject, err, field)
		}
	}
	v, _, err := w.a.Nominations.Create(ctx, w.officer, titleInput(criteria.NTMCommune, "06220", nil), "")
	if err != nil {
		t.Fatal(err)
	}
	var subj map[string]any
	if err := json.Unmarshal(v.Subject, &subj); err != nil || subj["satisfaction_pct"] != 92.5 || len(subj) != 1 {
		t.Fatalf("subject %s, %v", v.Subject, err)
	}
	// A title's list row has neither owner nor village.
	page, err := w.a.Nominations.List(ctx, w.officer, nomination.Filter{Type: string(criteria.NTMCommune)})
	if err != nil || len(page.Items) != 1 || page.Items[0].OwnerName != "" || page.Items[0].Village != "" {
		t.Fatalf("list %+v, %v", page.Items, err)
	}
}

// The titles build on one another: advanced NTM needs an active NTM title, model needs
// an active advanced one (422 naming type), at creation and again at approval, since the
// lower title may have been revoked in between. A title has no expiry; revoking it works
// as for gardens.
func TestCommuneTitlePrerequisites(t *testing.T) {
	w := newTitles(t)
	ctx := context.Background()
	if _, err := w.create(t, criteria.AdvancedNTMCommune); fieldOf(err, "type") == "" {
		t.Fatalf("advanced without NTM: %v", err)
	}
	if _, err := w.create(t, criteria.ModelNTMCommune); fieldOf(err, "type") == "" {
		t.Fatalf("model without advanced: %v", err)
	}
	// Through the API too: 422 with details.type.
	s := w.a.Login(t, "xa.haiyen")
	res := w.a.Do(t, "POST", "/api/v1/nominations", s.Token, map[string]any{"type": "advanced_ntm_commune", "commune_code": "06220",
		"title": "Xã Hải Yến đạt chuẩn nông thôn mới nâng cao", "subject": map[string]any{"satisfaction_pct": 95}}, "X-CSRF-Token", s.CSRF)
	var body struct {
		Error struct {
			Code    string            `json:"code"`
			Details map[string]string `json:"details"`
		} `json:"error"`
	}
	res.JSON(t, &body)
	if res.Status != http.StatusUnprocessableEntity || body.Error.Details["type"] == "" {
		t.Fatalf("API: %d %s", res.Status, res.Body)
	}

	ntm, err := w.create(t, criteria.NTMCommune)
	if err != nil {
		t.Fatal(err)
	}
	ntm, err = w.approve(w.endorse(t, ntm), "1520/QĐ-UBND", "2022-09-15")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.a.Recognitions.Get(ctx, w.province, *ntm.RecognitionID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.ValidUntil != nil || rec.OwnerName != "" || rec.Village != "" || rec.StatusOn(time.Date(2070, 1, 1, 0, 0, 0, 0, time.UTC)) != recognition.Active {
		t.Fatalf("NTM recognition %+v", rec)
	}
	history, err := w.a.Nominations.History(ctx, w.province, ntm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := history[len(history)-1]; last.Action != "approve" || !bytes.Contains(last.Details, []byte(`"valid_until":null`)) {
		t.Fatalf("approve history %+v %s", last, last.Details)
	}

	// With the NTM title, Hải Yến may be nominated for advanced; not yet for model.
	adv, err := w.create(t, criteria.AdvancedNTMCommune)
	if err != nil {
		t.Fatalf("advanced with NTM: %v", err)
	}
	if _, err := w.create(t, criteria.ModelNTMCommune); fieldOf(err, "type") == "" {
		t.Fatalf("model with NTM only: %v", err)
	}
	adv = w.endorse(t, adv)
	// The NTM title is revoked meanwhile: the approval of advanced is refused.
	if ntm, err = w.a.Nominations.Transition(ctx, w.province, ntm.ID, ntm.Version, nomination.TransitionInput{Action: "revoke",
		Comment: "Không duy trì tiêu chí môi trường"}); err != nil || ntm.Status != nomination.Revoked {
		t.Fatalf("revoke NTM: %+v, %v", ntm, err)
	}
	if rec, err = w.a.Recognitions.Get(ctx, w.province, *ntm.RecognitionID); err != nil || rec.StatusOn(time.Now()) != recognition.Revoked {
		t.Fatalf("revoked NTM recognition %+v, %v", rec, err)
	}
	if _, err := w.approve(adv, "1600/QĐ-UBND", "2023-03-01"); fieldOf(err, "type") == "" {
		t.Fatalf("approve advanced after NTM revoked: %v", err)
	}
	if got, err := w.a.Nominations.Get(ctx, w.province, adv.ID); err != nil || got.Status != nomination.Endorsed || got.RecognitionID != nil {
		t.Fatalf("refused approval changed the dossier: %+v, %v", got, err)
	}
	if _, err := w.create(t, criteria.AdvancedNTMCommune); fieldOf(err, "type") == "" {
		t.Fatalf("advanced after NTM revoked: %v", err)
	}
}

// record enters a title decided before ntmflow: the nomination is born approved with its
// recognition and one history entry, as of the decision day, counted like an approval.
func TestRecordHistoricTitles(t *testing.T) {
	w := newTitles(t)
	ctx := context.Background()
	camp, err := w.a.Campaigns.CreateAsSystem(ctx, campaign.Input{Name: "Xây dựng nông thôn mới 2016–2020", ProvinceCode: "20",
		StartsOn: "2016-01-01", EndsOn: "2020-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2019, 12, 20, 9, 0, 0, 0, time.UTC)
	svc := w.a.Nominations.AsOf(day)
	in := titleInput(criteria.NTMCommune, "06220", allMet(w.set(t, criteria.NTMCommune)))
	in.CampaignID = &camp.ID
	decision := nomination.Decision{Number: "2345/QĐ-UBND", Date: "2019-12-20", Signer: "Phạm Ngọc Thưởng"}

	// Only the province approver records; a commune officer is forbidden.
	if _, err := svc.Record(ctx, w.officer, in, decision); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("record by the commune: %v", err)
	}
	// Advanced before NTM: 422 type, nothing stored.
	adv := titleInput(criteria.AdvancedNTMCommune, "06220", nil)
	if _, err := svc.Record(ctx, w.province, adv, nomination.Decision{Number: "1/QĐ-UBND", Date: "2019-12-21", Signer: "A"}); fieldOf(err, "type") == "" || fieldOf(err, "decision.date") == "" {
		t.Fatalf("advanced before NTM, decided after the clock: %v", err)
	}
	// The same guard as approve on the decision; a ward is refused; the subject is required.
	if _, err := svc.Record(ctx, w.province, in, nomination.Decision{Number: "", Date: "2019-13-01"}); fieldOf(err, "decision.number") == "" ||
		fieldOf(err, "decision.date") == "" || fieldOf(err, "decision.signer") == "" {
		t.Fatalf("bad decision: %v", err)
	}
	ward := titleInput(criteria.NTMCommune, "05971", nil)
	if _, err := svc.Record(ctx, w.province, ward, decision); fieldOf(err, "commune_code") == "" {
		t.Fatalf("ward: %v", err)
	}
	noSubject := in
	noSubject.Subject = nil
	if _, err := svc.Record(ctx, w.province, noSubject, decision); fieldOf(err, "subject") == "" {
		t.Fatalf("no subject: %v", err)
	}

	v, err := svc.Record(ctx, w.province, in, decision)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != nomination.Approved || v.RecognitionID == nil || !v.CreatedAt.Equal(day) || v.SubmittedAt != nil {
		t.Fatalf("recorded %+v", v)
	}
	history, err := w.a.Nominations.History(ctx, w.officer, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || history[0].Action != "record" || history[0].From != nil || history[0].To != nomination.Approved ||
		!history[0].At.Equal(day) || history[0].Actor != "tinh" || history[0].DossierSHA256 != v.DossierSHA256 {
		t.Fatalf("history %+v", history)
	}
	rec, err := w.a.Recognitions.Get(ctx, w.officer, *v.RecognitionID)
	if err != nil || rec.ValidUntil != nil || rec.DecisionNumber != "2345/QĐ-UBND" || rec.CampaignID == nil || *rec.CampaignID != camp.ID {
		t.Fatalf("recognition %+v, %v", rec, err)
	}
	// A decision number names one decision of the province, as for approve: recording
	// under it with another signer is a conflict (the same date and signer would add to it).
	again := titleInput(criteria.AdvancedNTMCommune, "06220", nil)
	other := decision
	other.Signer = "Lương Trọng Quỳnh"
	if _, err := w.a.Nominations.AsOf(day.AddDate(2, 0, 0)).Record(ctx, w.province, again, other); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("decision number reused: %v", err)
	}
	// Now Hải Yến holds NTM: advanced may be recorded, and the counters agree.
	advDecision := nomination.Decision{Number: "88/QĐ-UBND", Date: "2021-11-02", Signer: "Hồ Tiến Thiệu"}
	if _, err := w.a.Nominations.AsOf(time.Date(2021, 11, 2, 9, 0, 0, 0, time.UTC)).Record(ctx, w.province, again, advDecision); err != nil {
		t.Fatalf("advanced after NTM recorded: %v", err)
	}
	counters := progress.New(w.a.Store)
	if drift, err := counters.Drift(ctx); err != nil || drift != 0 {
		t.Fatalf("drift %d, %v", drift, err)
	}
	recognized, pipeline, err := counters.ByUnit(ctx, camp.ID, 2019, "/20/183")
	if err != nil || len(recognized) != 1 || recognized[0].Code != "06220" || recognized[0].Type != "ntm_commune" || recognized[0].N != 1 || len(pipeline) != 0 {
		t.Fatalf("counted %+v / %+v, %v", recognized, pipeline, err)
	}
	// Not a transition: POST …/transitions refuses the action.
	if _, err := w.a.Nominations.Transition(ctx, w.province, v.ID, v.Version, nomination.TransitionInput{Action: "record",
		Decision: &decision}); fieldOf(err, "action") == "" {
		t.Fatalf("record as a transition: %v", err)
	}
	// The recorded title is revoked like any other, and the counters follow.
	if _, err := w.a.Nominations.Transition(ctx, w.province, v.ID, v.Version, nomination.TransitionInput{Action: "revoke",
		Comment: "Thu hồi"}); err != nil {
		t.Fatal(err)
	}
	if drift, err := counters.Drift(ctx); err != nil || drift != 0 {
		t.Fatalf("drift after revoke %d, %v", drift, err)
	}
}

// The API gives a title's recognition valid_until null, and its status stays active.
func TestTitleRecognitionInTheAPI(t *testing.T) {
	w := newTitles(t)
	v, err := w.a.Nominations.AsOf(time.Date(2018, 12, 28, 8, 0, 0, 0, time.UTC)).Record(context.Background(), w.province,
		titleInput(criteria.NTMCommune, "06220", nil), nomination.Decision{Number: "2270/QĐ-UBND", Date: "2018-12-28", Signer: "Phạm Ngọc Thưởng"})
	if err != nil {
		t.Fatal(err)
	}
	s := w.a.Login(t, "quansat")
	res := w.a.Do(t, "GET", "/api/v1/recognitions/"+strconv.FormatInt(*v.RecognitionID, 10), s.Token, nil)
	var one map[string]any
	res.JSON(t, &one)
	if vu, ok := one["valid_until"]; res.Status != http.StatusOK || !ok || vu != nil || one["status"] != "active" {
		t.Fatalf("GET recognition: %d %s", res.Status, res.Body)
	}
	for _, q := range []string{"?status=active&type=ntm_commune", "?unit=183"} {
		res = w.a.Do(t, "GET", "/api/v1/recognitions"+q, s.Token, nil)
		var list struct{ Items []map[string]any }
		res.JSON(t, &list)
		if res.Status != http.StatusOK || len(list.Items) != 1 || list.Items[0]["valid_until"] != nil {
			t.Fatalf("list %s: %d %s", q, res.Status, res.Body)
		}
	}
	res = w.a.Do(t, "GET", "/api/v1/recognitions?status=expired", s.Token, nil)
	if res.Status != http.StatusOK || res.Body != `{"items":[]}`+"\n" && res.Body != `{"items":[]}` {
		t.Fatalf("expired: %d %s", res.Status, res.Body)
	}
}
