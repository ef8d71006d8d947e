package nomination_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// deadlines is the fixture of the working-day deadline tests: the demo garden set (15
// working days to review, 10 to approve) and the people of Cao Lộc and Văn Lãng. The
// service's clock is set per step (AsOf), so the dates are those of 2024, across Tết.
type deadlines struct {
	*fixture
	people map[string]*authz.Principal
}

func newDeadlines(t *testing.T) *deadlines {
	t.Helper()
	d := &deadlines{fixture: newFixture(t), people: map[string]*authz.Principal{}}
	for _, who := range []string{"xa.haiyen", "xa.tantac", "caoloc", "vanlang", "tinh"} {
		p, err := d.a.Identity.PrincipalFor(context.Background(), who)
		if err != nil {
			t.Fatal(err)
		}
		d.people[who] = p
	}
	if d.set.ReviewDays != 15 || d.set.ApprovalDays != 10 {
		t.Fatalf("demo garden set: review %d, approval %d working days", d.set.ReviewDays, d.set.ApprovalDays)
	}
	return d
}

// on is the service as of 09:00 in Vietnam on date.
func (d *deadlines) on(date string) *nomination.Service {
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return d.a.Nominations.AsOf(day.Add(2 * time.Hour))
}

// draftOn creates a complete garden draft of the officer's commune on date.
func (d *deadlines) draftOn(t *testing.T, date, officer, commune, title string) nomination.View {
	t.Helper()
	ctx := context.Background()
	var items []nomination.AssessmentItem
	for _, c := range d.set.Criteria {
		var v any = true
		switch c.Kind {
		case criteria.Number:
			v = *c.Threshold
		case criteria.Score:
			v = c.MaxScore
		}
		items = append(items, nomination.AssessmentItem{Criterion: c.Code, Value: v})
	}
	subject, _ := json.Marshal(map[string]any{"owner_name": "Hoàng Văn Thắng", "village": "Thôn Pắc Cáp", "area_m2": 2400,
		"main_crops": "Cam", "annual_income_vnd": 185000000})
	p := d.people[officer]
	v, _, err := d.on(date).Create(ctx, p, nomination.Input{Type: "model_garden", CommuneCode: commune, Title: &title,
		Subject: subject, Assessment: &items}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range d.set.RequiredAttachments {
		if _, err := d.on(date).AddAttachment(ctx, p, v.ID, kind, kind+".pdf", bytes.NewReader(pdf(title+kind))); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// act applies action to v on date as who.
func (d *deadlines) act(t *testing.T, date, who string, v nomination.View, action string) nomination.View {
	t.Helper()
	in := nomination.TransitionInput{Action: action, Comment: "Ý kiến"}
	if action == "approve" {
		in.Decision = &nomination.Decision{Number: "15/QĐ-UBND-" + date, Date: date, Signer: "Hồ Tiến Thiệu"}
	}
	out, err := d.on(date).Transition(context.Background(), d.people[who], v.ID, v.Version, in)
	if err != nil {
		t.Fatalf("%s on %s: %v", action, date, err)
	}
	return out
}

func (d *deadlines) review(t *testing.T, date, who string, v nomination.View) nomination.View {
	t.Helper()
	scores := make([]nomination.ReviewScore, 0, len(d.set.Criteria))
	for _, c := range d.set.Criteria {
		scores = append(scores, nomination.ReviewScore{Criterion: c.Code, Met: true, Score: c.MaxScore})
	}
	out, err := d.on(date).SaveReview(context.Background(), d.people[who], v.ID, v.Version,
		nomination.ReviewInput{Scores: scores, Summary: "Đạt", VisitedOn: date})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dueOf(v nomination.View) string {
	if v.DueOn == nil {
		return "none"
	}
	return *v.DueOn
}

// submitted takes a new draft of the officer's commune through submit on date.
func (d *deadlines) submitted(t *testing.T, date, officer, commune, title string) nomination.View {
	t.Helper()
	return d.act(t, date, officer, d.draftOn(t, date, officer, commune, title), "submit")
}

func ids(items []nomination.Summary) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// TestDueDatesFollowTheStages: each transition that starts a stage sets its due date in
// working days (Tết Giáp Thìn, 8–14/02/2024, does not count), a transition that keeps the
// stage keeps it, and the commune's turn and the decision have none. A dossier submitted
// and left 16 working days in review is overdue, the day before it is not.
func TestDueDatesFollowTheStages(t *testing.T) {
	d := newDeadlines(t)
	ctx := context.Background()
	reviewer := d.people["caoloc"]
	v := d.draftOn(t, "2024-02-05", "xa.haiyen", "06220", "Vườn cam")
	if v.DueOn != nil || v.Overdue {
		t.Fatalf("a draft has a due date: %s", dueOf(v))
	}
	v = d.act(t, "2024-02-07", "xa.haiyen", v, "submit")
	if dueOf(v) != "2024-03-06" || v.Overdue {
		t.Fatalf("submitted 07/02/2024: due %s (overdue %v), want 2024-03-06 (15 working days, Tết skipped)", dueOf(v), v.Overdue)
	}
	v = d.act(t, "2024-02-15", "caoloc", v, "start_review")
	if dueOf(v) != "2024-03-06" {
		t.Fatalf("start_review moved the due date to %s", dueOf(v))
	}
	for date, overdue := range map[string]bool{"2024-03-06": false, "2024-03-07": true} {
		got, err := d.on(date).Get(ctx, reviewer, v.ID)
		if err != nil || got.Overdue != overdue {
			t.Errorf("on %s: overdue %v (%v), want %v", date, got.Overdue, err, overdue)
		}
		page, err := d.on(date).List(ctx, reviewer, nomination.Filter{Overdue: true})
		if err != nil || slices.Contains(ids(page.Items), v.ID) != overdue {
			t.Errorf("on %s: the overdue list holds %v (%v)", date, ids(page.Items), err)
		}
	}
	if n := d.a.Nominations.Calendar(); n == nil {
		t.Fatal("no calendar")
	} else if cal, _ := n.Calendar(ctx); cal.WorkingDaysBetween(time.Date(2024, 2, 7, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 7, 0, 0, 0, 0, time.UTC)) != 16 {
		t.Error("07/03/2024 is not 16 working days after 07/02/2024")
	}

	v = d.review(t, "2024-03-07", "caoloc", v)
	v = d.act(t, "2024-03-08", "caoloc", v, "endorse")
	if dueOf(v) != "2024-03-22" || v.Overdue {
		t.Fatalf("endorsed 08/03/2024: due %s, want 2024-03-22 (10 working days)", dueOf(v))
	}
	v = d.act(t, "2024-03-25", "tinh", v, "send_back")
	if dueOf(v) != "2024-04-15" {
		t.Fatalf("sent back 25/03/2024: due %s, want 2024-04-15 (a new review of 15 working days)", dueOf(v))
	}
	v = d.act(t, "2024-03-26", "caoloc", v, "return")
	if v.DueOn != nil || v.Overdue {
		t.Fatalf("returned: due %s", dueOf(v))
	}
	v = d.act(t, "2024-03-27", "xa.haiyen", v, "submit")
	if dueOf(v) != "2024-04-17" {
		t.Fatalf("resubmitted 27/03/2024: due %s, want 2024-04-17", dueOf(v))
	}
	v = d.act(t, "2024-03-28", "caoloc", v, "start_review")
	v = d.review(t, "2024-03-28", "caoloc", v)
	v = d.act(t, "2024-03-28", "caoloc", v, "endorse")
	v = d.act(t, "2024-04-02", "tinh", v, "approve")
	if v.DueOn != nil || v.Overdue {
		t.Fatalf("approved: due %s", dueOf(v))
	}
	page, err := d.on("2030-01-01").List(ctx, d.people["tinh"], nomination.Filter{Overdue: true})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("an approved nomination is listed overdue: %v, %v", ids(page.Items), err)
	}
}

// TestNoDeadlineWithoutDays: a set with review_days and approval_days 0 gives no due date.
func TestNoDeadlineWithoutDays(t *testing.T) {
	d := newDeadlines(t)
	for _, s := range criteria.DemoSets("20") {
		if s.Type == criteria.ModelGarden {
			s.ReviewDays, s.ApprovalDays = 0, 0
			pub, err := d.a.Criteria.PublishAsSystem(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			d.set = pub
		}
	}
	v := d.submitted(t, "2024-02-07", "xa.haiyen", "06220", "Vườn không thời hạn")
	if v.CriteriaSetID != d.set.ID || v.DueOn != nil {
		t.Fatalf("set %d without days: due %s", v.CriteriaSetID, dueOf(v))
	}
	page, err := d.on("2030-01-01").List(context.Background(), d.people["caoloc"], nomination.Filter{Overdue: true})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("overdue without a deadline: %v, %v", ids(page.Items), err)
	}
}

// TestInboxByDueDate: sort=due_on lists the soonest due first, those without a due date
// last, page by page; the overdue filter keeps the overdue only; a wrong sort or a cursor
// of the other order is refused.
func TestInboxByDueDate(t *testing.T) {
	d := newDeadlines(t)
	ctx := context.Background()
	reviewer := d.people["caoloc"]
	a := d.submitted(t, "2024-03-01", "xa.haiyen", "06220", "Vườn A") // due 2024-03-22
	b := d.submitted(t, "2024-02-07", "xa.haiyen", "06220", "Vườn B") // due 2024-03-06
	c := d.submitted(t, "2024-02-20", "xa.haiyen", "06220", "Vườn C") // due 2024-03-12
	draft := d.draftOn(t, "2024-02-20", "xa.haiyen", "06220", "Vườn D")
	svc := d.on("2024-03-07")

	var got []int64
	f := nomination.Filter{Sort: nomination.SortDueOn, Limit: 2}
	for {
		page, err := svc.List(ctx, reviewer, f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(page.Items)...)
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if want := []int64{b.ID, c.ID, a.ID, draft.ID}; !slices.Equal(got, want) {
		t.Errorf("by due date: %v, want %v", got, want)
	}
	page, err := svc.List(ctx, reviewer, nomination.Filter{Statuses: []nomination.Status{nomination.Submitted}, Sort: nomination.SortDueOn})
	if err != nil || !slices.Equal(ids(page.Items), []int64{b.ID, c.ID, a.ID}) {
		t.Errorf("the review queue by due date: %v, %v", ids(page.Items), err)
	}
	if page.Items[0].DueOn == nil || *page.Items[0].DueOn != "2024-03-06" || !page.Items[0].Overdue || page.Items[1].Overdue {
		t.Errorf("list items: %+v", page.Items[:2])
	}
	page, err = svc.List(ctx, reviewer, nomination.Filter{})
	if err != nil || !slices.Equal(ids(page.Items), []int64{draft.ID, c.ID, b.ID, a.ID}) {
		t.Errorf("newest first: %v, %v", ids(page.Items), err)
	}
	page, err = svc.List(ctx, reviewer, nomination.Filter{Overdue: true, Sort: nomination.SortDueOn})
	if err != nil || !slices.Equal(ids(page.Items), []int64{b.ID}) {
		t.Errorf("overdue on 07/03/2024: %v, %v", ids(page.Items), err)
	}

	newest, _ := svc.List(ctx, reviewer, nomination.Filter{Limit: 1})
	byDue, _ := svc.List(ctx, reviewer, nomination.Filter{Limit: 1, Sort: nomination.SortDueOn})
	for _, c := range []struct {
		field string
		f     nomination.Filter
	}{
		{"sort", nomination.Filter{Sort: "title"}},
		{"cursor", nomination.Filter{Sort: nomination.SortDueOn, Cursor: newest.NextCursor}},
		{"cursor", nomination.Filter{Cursor: byDue.NextCursor}},
	} {
		if _, err := svc.List(ctx, reviewer, c.f); fieldOf(err, c.field) == "" {
			t.Errorf("%+v: %v, want a validation error on %s", c.f, err, c.field)
		}
	}
}

// TestOverdueUnder: the province dashboard's count of overdue dossiers per district,
// and a district's per commune, within the caller's scope.
func TestOverdueUnder(t *testing.T) {
	d := newDeadlines(t)
	d.submitted(t, "2024-02-07", "xa.haiyen", "06220", "Quá hạn 1")
	late := d.submitted(t, "2024-02-07", "xa.haiyen", "06220", "Quá hạn 2")
	d.act(t, "2024-02-08", "caoloc", late, "start_review") // still the review stage: overdue
	d.submitted(t, "2024-02-07", "xa.tantac", "06142", "Quá hạn Văn Lãng")
	d.submitted(t, "2024-03-05", "xa.haiyen", "06220", "Còn hạn")
	d.draftOn(t, "2024-03-05", "xa.haiyen", "06220", "Bản nháp")
	svc := d.on("2024-03-07")

	got, err := d.overdueUnder(t, svc, d.people["tinh"], "20", 0)
	want := []nomination.OverdueCount{{UnitCode: "183", Overdue: 2}, {UnitCode: "182", Overdue: 1}}
	if err != nil || got.Total != 3 || !slices.Equal(got.Items, want) {
		t.Errorf("province 20: %+v, %v", got, err)
	}
	got, err = d.overdueUnder(t, svc, d.people["caoloc"], "183", 0)
	if err != nil || got.Total != 2 || !slices.Equal(got.Items, []nomination.OverdueCount{{UnitCode: "06220", Overdue: 2}}) {
		t.Errorf("district 183: %+v, %v", got, err)
	}
	got, err = d.overdueUnder(t, svc, d.people["tinh"], "20", 999999)
	if err != nil || got.Total != 0 || len(got.Items) != 0 {
		t.Errorf("another campaign: %+v, %v", got, err)
	}
	got, err = d.overdueUnder(t, d.on("2024-03-06"), d.people["tinh"], "20", 0)
	if err != nil || got.Total != 0 {
		t.Errorf("the day they are due: %+v, %v", got, err)
	}
	for _, unit := range []string{"20", "182"} {
		if _, err := d.overdueUnder(t, svc, d.people["caoloc"], unit, 0); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("Cao Lộc's reviewer asks for %s: %v", unit, err)
		}
	}
}

// overdueUnder asks OverdueUnder about the unit with code as it stands today.
func (d *deadlines) overdueUnder(t *testing.T, svc *nomination.Service, p *authz.Principal, code string, campaignID int64) (nomination.Overdue, error) {
	t.Helper()
	u, err := d.a.Units.Get(context.Background(), code)
	if err != nil {
		t.Fatalf("unit %s: %v", code, err)
	}
	return svc.OverdueUnder(context.Background(), p, u, campaignID)
}
