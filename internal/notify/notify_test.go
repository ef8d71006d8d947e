package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/delegation"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/notify"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// fx is the fixture: the demo app (Lạng Sơn; caoloc reviews Cao Lộc, where xa.haiyen's
// Hải Yến lies; tinh approves for the province), the demo garden set (15 working days to
// review, 10 to approve) and the province reviewer thamdinh. The nomination service's
// clock is set per step, so dates are those of March 2024 (no holiday in it).
type fx struct {
	a   *testkit.App
	set *criteria.Set
}

func newFx(t *testing.T) *fx {
	t.Helper()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	_, err := a.Identity.CreateUser(context.Background(), identity.NewUser{Username: "thamdinh", FullName: "Đinh Thị Thẩm",
		Password: "ntm-demo-2022", IsDemo: true, Email: "thamdinh@ntm.langson.example",
		Roles: []identity.RoleAt{{Role: "province_reviewer", UnitCode: "20"}}})
	if err != nil {
		t.Fatal(err)
	}
	set, err := a.Criteria.Current(context.Background(), criteria.ModelGarden, "20")
	if err != nil {
		t.Fatal(err)
	}
	if set.ReviewDays != 15 || set.ApprovalDays != 10 {
		t.Fatalf("demo garden set: review %d, approval %d working days", set.ReviewDays, set.ApprovalDays)
	}
	return &fx{a: a, set: set}
}

var vietnam = time.FixedZone("ICT", 7*3600)

// at is 09:00 in Vietnam on date.
func at(date string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, date, vietnam)
	if err != nil {
		panic(err)
	}
	return d.Add(9 * time.Hour)
}

func (f *fx) who(t *testing.T, username string) *authz.Principal {
	t.Helper()
	p, err := f.a.Identity.PrincipalFor(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fx) on(date string) *nomination.Service { return f.a.Nominations.AsOf(at(date)) }

// draft creates a complete garden draft of Hải Yến on date.
func (f *fx) draft(t *testing.T, date, title string) nomination.View {
	t.Helper()
	ctx := context.Background()
	var items []nomination.AssessmentItem
	for _, c := range f.set.Criteria {
		var v any = true
		switch c.Kind {
		case criteria.Number:
			v = *c.Threshold
			if c.ThresholdOp == criteria.OpLE {
				v = 0.0
			}
		case criteria.Score:
			v = c.MaxScore
		}
		items = append(items, nomination.AssessmentItem{Criterion: c.Code, Value: v})
	}
	subject, _ := json.Marshal(map[string]any{"owner_name": "Hoàng Văn Thắng", "village": "Thôn " + title, "area_m2": 2400,
		"main_crops": "Cam", "annual_income_vnd": 185000000})
	p := f.who(t, "xa.haiyen")
	v, _, err := f.on(date).Create(ctx, p, nomination.Input{Type: "model_garden", CommuneCode: "06220", Title: &title,
		Subject: subject, Assessment: &items}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range f.set.RequiredAttachments {
		pdf := []byte("%PDF-1.4\n% " + title + kind + "\n%%EOF\n")
		if _, err := f.on(date).AddAttachment(ctx, p, v.ID, kind, kind+".pdf", bytes.NewReader(pdf)); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func (f *fx) act(t *testing.T, date, who string, v nomination.View, action string) nomination.View {
	t.Helper()
	out, err := f.try(date, f.who(t, who), v, action)
	if err != nil {
		t.Fatalf("%s by %s on %s: %v", action, who, date, err)
	}
	return out
}

func (f *fx) try(date string, p *authz.Principal, v nomination.View, action string) (nomination.View, error) {
	in := nomination.TransitionInput{Action: action, Comment: "Ý kiến về hồ sơ"}
	if action == "approve" {
		in.Decision = &nomination.Decision{Number: "15/QĐ-UBND-" + date, Date: date, Signer: "Hồ Tiến Thiệu"}
	}
	return f.on(date).Transition(context.Background(), p, v.ID, v.Version, in)
}

func (f *fx) review(t *testing.T, date, who string, v nomination.View) nomination.View {
	t.Helper()
	scores := make([]nomination.ReviewScore, 0, len(f.set.Criteria))
	for _, c := range f.set.Criteria {
		scores = append(scores, nomination.ReviewScore{Criterion: c.Code, Met: true, Score: c.MaxScore})
	}
	out, err := f.on(date).SaveReview(context.Background(), f.who(t, who), v.ID, v.Version,
		nomination.ReviewInput{Scores: scores, Summary: "Đạt", VisitedOn: date})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fx) inbox(t *testing.T, who string) notify.Page {
	t.Helper()
	page, err := f.a.Notify.List(context.Background(), f.who(t, who), notify.ListInput{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// about lists who's notifications about nomination id as "kind:action" (newest first).
func (f *fx) about(t *testing.T, who string, id int64) []string {
	t.Helper()
	var out []string
	for _, n := range f.inbox(t, who).Items {
		if n.NominationID == id {
			out = append(out, n.Kind+":"+n.Action)
		}
	}
	return out
}

var everyone = []string{"xa.haiyen", "xa.mauson", "caoloc", "vanlang", "tinh", "thamdinh", "quansat", "admin"}

// expectInboxes checks the notifications about id of every demo user.
func (f *fx) expectInboxes(t *testing.T, step string, id int64, want map[string][]string) {
	t.Helper()
	for _, u := range everyone {
		if got := f.about(t, u, id); !slices.Equal(got, want[u]) {
			t.Errorf("after %s, %s has %v about the nomination, want %v", step, u, got, want[u])
		}
	}
}

// TestTransitionsNotifyWhoMustActNext walks a garden through the workflow: each step
// tells whoever the workflow now waits for, at the most local level (Cao Lộc's reviewer,
// never the province reviewer, while the district stands), and the commune of the
// outcome; the actor and those who keep their turn hear nothing.
func TestTransitionsNotifyWhoMustActNext(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	v := f.draft(t, "2024-03-01", "Vườn cam Pắc Cáp")
	v = f.act(t, "2024-03-04", "xa.haiyen", v, "submit")
	f.expectInboxes(t, "submit", v.ID, map[string][]string{"caoloc": {"transition:submit"}})
	sub := f.inbox(t, "caoloc").Items[0]
	if sub.Status != "submitted" || sub.Stage != "review" || sub.DueOn == nil || *sub.DueOn != "2024-03-25" ||
		sub.Actor != "Lộc Văn Hải (xã Hải Yến)" || sub.Title != "Vườn cam Pắc Cáp" || sub.ReadAt != nil ||
		sub.Message != "Lộc Văn Hải (xã Hải Yến) đã gửi hồ sơ “Vườn cam Pắc Cáp” để thẩm định, hạn thẩm định 25/03/2024." {
		t.Errorf("caoloc's notification of the submission: %+v", sub)
	}

	v = f.act(t, "2024-03-05", "caoloc", v, "start_review") // the reviewer keeps the turn: nobody new
	f.expectInboxes(t, "start_review", v.ID, map[string][]string{"caoloc": {"transition:submit"}})

	v = f.act(t, "2024-03-06", "caoloc", v, "return")
	f.expectInboxes(t, "return", v.ID, map[string][]string{"caoloc": {"transition:submit"}, "xa.haiyen": {"transition:return"}})

	v = f.act(t, "2024-03-07", "xa.haiyen", v, "submit")
	v = f.act(t, "2024-03-07", "caoloc", v, "start_review")
	v = f.review(t, "2024-03-08", "caoloc", v)
	v = f.act(t, "2024-03-08", "caoloc", v, "endorse")
	f.expectInboxes(t, "endorse", v.ID, map[string][]string{
		"caoloc": {"transition:submit", "transition:submit"}, "xa.haiyen": {"transition:return"}, "tinh": {"transition:endorse"}})

	v = f.act(t, "2024-03-11", "tinh", v, "send_back")
	if got := f.about(t, "caoloc", v.ID); len(got) != 3 || got[0] != "transition:send_back" {
		t.Errorf("caoloc after send_back: %v", got)
	}
	if got := f.about(t, "thamdinh", v.ID); len(got) != 0 {
		t.Errorf("the province reviewer hears of a standing district's review: %v", got)
	}
	v = f.review(t, "2024-03-12", "caoloc", v)
	v = f.act(t, "2024-03-12", "caoloc", v, "endorse")
	v = f.act(t, "2024-03-13", "tinh", v, "approve")
	if got := f.about(t, "xa.haiyen", v.ID); !slices.Equal(got, []string{"transition:approve", "transition:return"}) {
		t.Errorf("the commune after approve: %v", got)
	}
	if got := f.about(t, "tinh", v.ID); !slices.Equal(got, []string{"transition:endorse", "transition:endorse"}) {
		t.Errorf("the approver after approving: %v", got)
	}
	for _, u := range []string{"xa.mauson", "vanlang", "quansat", "admin"} {
		if got := f.about(t, u, v.ID); len(got) != 0 {
			t.Errorf("%s, not concerned, has %v", u, got)
		}
	}

	// reject by the district: the commune hears of it.
	r := f.act(t, "2024-03-14", "xa.haiyen", f.draft(t, "2024-03-14", "Vườn na"), "submit")
	r = f.act(t, "2024-03-14", "caoloc", r, "start_review")
	r = f.act(t, "2024-03-15", "caoloc", r, "reject")
	if got := f.about(t, "xa.haiyen", r.ID); !slices.Equal(got, []string{"transition:reject"}) {
		t.Errorf("the commune after reject: %v", got)
	}
}

// TestProvinceReviewerWhereNoDistrictReviewer: with Cao Lộc's reviewer gone (disabled),
// or Cao Lộc ended at the reform, the province reviewer is the one the review waits for.
func TestProvinceReviewerWhereNoDistrictReviewer(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	admin := f.who(t, "admin")
	caoloc := f.who(t, "caoloc")
	if _, err := f.a.Identity.AdminDisableUser(ctx, admin, caoloc.UserID); err != nil {
		t.Fatal(err)
	}
	v := f.act(t, "2024-03-04", "xa.haiyen", f.draft(t, "2024-03-01", "Vườn hồi"), "submit")
	if got := f.about(t, "thamdinh", v.ID); !slices.Equal(got, []string{"transition:submit"}) {
		t.Errorf("province reviewer, the district's reviewer disabled: %v", got)
	}

	// The reform: Cao Lộc ends; a dossier sent back for review goes to the province reviewer.
	g := newFx(t)
	w := g.act(t, "2025-06-02", "xa.haiyen", g.draft(t, "2025-06-02", "Vườn quýt"), "submit")
	w = g.act(t, "2025-06-03", "caoloc", w, "start_review")
	w = g.review(t, "2025-06-04", "caoloc", w)
	w = g.act(t, "2025-06-04", "caoloc", w, "endorse")
	if err := g.a.Units.Retire(ctx, "183", time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	w = g.act(t, "2025-07-02", "tinh", w, "send_back")
	if got := g.about(t, "thamdinh", w.ID); !slices.Equal(got, []string{"transition:send_back"}) {
		t.Errorf("province reviewer after the district ended: %v", got)
	}
	if got := g.about(t, "caoloc", w.ID); !slices.Equal(got, []string{"transition:submit"}) {
		t.Errorf("the ended district's reviewer: %v", got)
	}
}

// TestDelegatesAreNotified: a deputy acting for Cao Lộc's reviewer through a running
// delegation hears of a submission as the reviewer does; once the delegation is revoked,
// or for one that has not begun, nothing.
func TestDelegatesAreNotified(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	deputy, err := f.a.Identity.CreateUser(ctx, identity.NewUser{Username: "pho.caoloc", FullName: "Hoàng Thị Phó (huyện Cao Lộc)",
		Password: "ntm-demo-2022", IsDemo: true, Email: "pho.caoloc@ntm.langson.example",
		Roles: []identity.RoleAt{{Role: "observer", UnitCode: "183"}}})
	if err != nil {
		t.Fatal(err)
	}
	later, err := f.a.Identity.CreateUser(ctx, identity.NewUser{Username: "ctv.caoloc", FullName: "Lăng Văn Cộng (huyện Cao Lộc)",
		Password: "ntm-demo-2022", IsDemo: true, Roles: []identity.RoleAt{{Role: "observer", UnitCode: "183"}}})
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(vietnam)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	caoloc := f.who(t, "caoloc")
	running, err := f.a.Delegations.Create(ctx, caoloc, delegation.Input{ToUserID: deputy.ID, Role: "district_reviewer",
		UnitCode: "183", From: day(0), Until: day(10)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.a.Delegations.Create(ctx, caoloc, delegation.Input{ToUserID: later.ID, Role: "district_reviewer",
		UnitCode: "183", From: day(3), Until: day(10)}); err != nil {
		t.Fatal(err)
	}
	srv := startSMTP(t, false)
	f.a.Notify.QueueMail("https://ntm.langson.example")
	v := f.act(t, "2024-03-04", "xa.haiyen", f.draft(t, "2024-03-01", "Vườn thanh long"), "submit")
	for who, want := range map[string][]string{"caoloc": {"transition:submit"}, "pho.caoloc": {"transition:submit"}, "ctv.caoloc": nil} {
		if got := f.about(t, who, v.ID); !slices.Equal(got, want) {
			t.Errorf("%s after the submission: %v, want %v", who, got, want)
		}
	}
	res, err := f.a.Notify.SendDue(ctx, srv.mailer(t), at("2024-03-04"))
	if err != nil || res != (notify.SendResult{Sent: 2}) {
		t.Fatalf("SendDue: %+v %v", res, err)
	}
	var mailed []string
	for _, m := range srv.messages() {
		mailed = append(mailed, m.To)
	}
	slices.Sort(mailed)
	if !slices.Equal(mailed, []string{"caoloc@ntm.langson.example", "pho.caoloc@ntm.langson.example"}) {
		t.Errorf("mailed to %v", mailed)
	}

	if _, err := f.a.Delegations.Revoke(ctx, caoloc, running.ID); err != nil {
		t.Fatal(err)
	}
	w := f.act(t, "2024-03-05", "xa.haiyen", f.draft(t, "2024-03-05", "Vườn mận"), "submit")
	if got := f.about(t, "pho.caoloc", w.ID); len(got) != 0 {
		t.Errorf("the deputy after the revocation: %v", got)
	}
	if got := f.about(t, "caoloc", w.ID); !slices.Equal(got, []string{"transition:submit"}) {
		t.Errorf("the reviewer after the revocation: %v", got)
	}
}

// failAfter writes the real notifications, then fails: the transition must fail and
// leave nothing behind, notifications included (they share its transaction).
type failAfter struct{ n nomination.Notifier }

var errInjected = errors.New("injected failure after the notifications")

func (f failAfter) Transitioned(ctx context.Context, e nomination.Event) error {
	if err := f.n.Transitioned(ctx, e); err != nil {
		return err
	}
	return errInjected
}

// TestNotificationsShareTheTransitionsTransaction: a transition that fails (after its
// notifications are written, or at a guard before) writes none, and changes nothing.
func TestNotificationsShareTheTransitionsTransaction(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	v := f.draft(t, "2024-03-01", "Vườn mận")
	f.a.Nominations.UseNotifier(failAfter{f.a.Notify})
	if _, err := f.try("2024-03-04", f.who(t, "xa.haiyen"), v, "submit"); !errors.Is(err, errInjected) {
		t.Fatalf("submit with a failing notifier: %v", err)
	}
	f.a.Nominations.UseNotifier(f.a.Notify)
	if got := f.about(t, "caoloc", v.ID); len(got) != 0 {
		t.Fatalf("a failed transition left notifications: %v", got)
	}
	got, err := f.a.Nominations.Get(context.Background(), f.who(t, "xa.haiyen"), v.ID)
	if err != nil || got.Status != nomination.Draft || got.Version != v.Version {
		t.Fatalf("the failed submit changed the nomination: %+v %v", got, err)
	}
	// A guard refuses (return needs a comment): nothing either.
	v = f.act(t, "2024-03-04", "xa.haiyen", v, "submit")
	v = f.act(t, "2024-03-05", "caoloc", v, "start_review")
	_, err = f.on("2024-03-05").Transition(context.Background(), f.who(t, "caoloc"), v.ID, v.Version, nomination.TransitionInput{Action: "return"})
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("return without a comment: %v", err)
	}
	if got := f.about(t, "xa.haiyen", v.ID); len(got) != 0 {
		t.Fatalf("a refused return notified the commune: %v", got)
	}
	// And the real one goes through with its notification.
	f.act(t, "2024-03-05", "caoloc", v, "return")
	if got := f.about(t, "xa.haiyen", v.ID); !slices.Equal(got, []string{"transition:return"}) {
		t.Fatalf("the commune after return: %v", got)
	}
}

// TestUnreadCountAndMarkRead: the count, marking some by id (another user's ids are
// ignored), then all; bad requests are refused and change nothing.
func TestUnreadCountAndMarkRead(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	var ids []int64
	for i, title := range []string{"Vườn một", "Vườn hai", "Vườn ba"} {
		v := f.act(t, "2024-03-04", "xa.haiyen", f.draft(t, "2024-03-01", title), "submit")
		page := f.inbox(t, "caoloc")
		if page.UnreadCount != int64(i+1) || page.Items[0].NominationID != v.ID {
			t.Fatalf("after submission %d: unread %d, newest about %d", i+1, page.UnreadCount, page.Items[0].NominationID)
		}
		ids = append(ids, page.Items[0].ID)
	}
	caoloc, haiyen := f.who(t, "caoloc"), f.who(t, "xa.haiyen")
	if n, err := f.a.Notify.UnreadCount(ctx, caoloc); err != nil || n != 3 {
		t.Fatalf("unread count: %d %v", n, err)
	}
	// Keyset pages, newest first.
	p1, err := f.a.Notify.List(ctx, caoloc, notify.ListInput{Limit: 2})
	if err != nil || len(p1.Items) != 2 || p1.NextCursor == "" || p1.Items[0].ID != ids[2] || p1.Items[1].ID != ids[1] {
		t.Fatalf("first page: %+v %v", p1, err)
	}
	p2, err := f.a.Notify.List(ctx, caoloc, notify.ListInput{Limit: 2, Cursor: p1.NextCursor})
	if err != nil || len(p2.Items) != 1 || p2.NextCursor != "" || p2.Items[0].ID != ids[0] {
		t.Fatalf("second page: %+v %v", p2, err)
	}
	// Someone else's ids change nothing.
	if left, err := f.a.Notify.MarkRead(ctx, haiyen, notify.ReadInput{IDs: ids}); err != nil || left != 0 {
		t.Fatalf("the commune marking the reviewer's notifications: %d %v", left, err)
	}
	if n, _ := f.a.Notify.UnreadCount(ctx, caoloc); n != 3 {
		t.Fatalf("another user's mark-read changed the count to %d", n)
	}
	for _, bad := range []notify.ReadInput{{}, {IDs: []int64{ids[0]}, All: true}, {IDs: []int64{0}}} {
		if _, err := f.a.Notify.MarkRead(ctx, caoloc, bad); !errors.As(err, new(*apperr.ValidationError)) {
			t.Errorf("MarkRead(%+v): %v, want a validation error", bad, err)
		}
	}
	if left, err := f.a.Notify.MarkRead(ctx, caoloc, notify.ReadInput{IDs: []int64{ids[1]}}); err != nil || left != 2 {
		t.Fatalf("mark one read: %d %v", left, err)
	}
	unread, err := f.a.Notify.List(ctx, caoloc, notify.ListInput{UnreadOnly: true})
	if err != nil || len(unread.Items) != 2 || unread.Items[0].ID != ids[2] || unread.Items[1].ID != ids[0] {
		t.Fatalf("unread only: %+v %v", unread, err)
	}
	if left, err := f.a.Notify.MarkRead(ctx, caoloc, notify.ReadInput{All: true}); err != nil || left != 0 {
		t.Fatalf("mark all read: %d %v", left, err)
	}
	all := f.inbox(t, "caoloc")
	for _, n := range all.Items {
		if n.ReadAt == nil {
			t.Errorf("notification %d still unread", n.ID)
		}
	}
	if _, err := f.a.Notify.List(ctx, nil, notify.ListInput{}); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("List without a principal: %v", err)
	}
	if _, err := f.a.Notify.List(ctx, caoloc, notify.ListInput{Cursor: "x"}); !errors.As(err, new(*apperr.ValidationError)) {
		t.Errorf("a bad cursor: %v", err)
	}
}

// kinds counts the reminders and escalations about id, per user.
func (f *fx) kinds(t *testing.T, id int64) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, u := range everyone {
		var ks []string
		for _, n := range f.inbox(t, u).Items {
			if n.NominationID == id && n.Kind != notify.KindTransition {
				ks = append(ks, n.Kind)
			}
		}
		sort.Strings(ks)
		if len(ks) > 0 {
			out[u] = strings.Join(ks, ",")
		}
	}
	return out
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestRemindersAndEscalationsOnce: submitted on Monday 4 March 2024 with 15 working days
// to review, the review is due on 25 March. The sweep reminds Cao Lộc's reviewer from
// two working days before (21 March), once however often it runs; from 26 March it
// escalates, to the reviewer and the province above (approver and province reviewer),
// once. The approval stage after endorsement is a new stage with its own reminders.
func TestRemindersAndEscalationsOnce(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	v := f.act(t, "2024-03-04", "xa.haiyen", f.draft(t, "2024-03-01", "Vườn bưởi"), "submit")
	if v.DueOn == nil || *v.DueOn != "2024-03-25" {
		t.Fatalf("due on %v", v.DueOn)
	}
	sweep := func(date string, reminders, escalations int) {
		t.Helper()
		res, err := f.a.Notify.Remind(ctx, at(date))
		if err != nil {
			t.Fatal(err)
		}
		if res.Reminders != reminders || res.Escalations != escalations {
			t.Errorf("sweep on %s: %+v, want %d reminders and %d escalations", date, res, reminders, escalations)
		}
	}
	sweep("2024-03-20", 0, 0)
	if got := f.kinds(t, v.ID); len(got) != 0 {
		t.Fatalf("three working days before: %v", got)
	}
	sweep("2024-03-21", 1, 0)
	sweep("2024-03-21", 0, 0) // again the same day
	v = f.act(t, "2024-03-22", "caoloc", v, "start_review")
	sweep("2024-03-22", 0, 0) // the same stage and due date: no second reminder
	sweep("2024-03-25", 0, 0) // due today, not overdue
	want := map[string]string{"caoloc": notify.KindReminder}
	if got := f.kinds(t, v.ID); !sameMap(got, want) {
		t.Fatalf("before the due date: %v, want %v", got, want)
	}
	rem := f.inbox(t, "caoloc").Items[0]
	if rem.Kind != notify.KindReminder || rem.Stage != "review" || *rem.DueOn != "2024-03-25" ||
		rem.Message != "Nhắc hạn: hồ sơ “Vườn bưởi” phải xong bước thẩm định trước hết ngày 25/03/2024." {
		t.Errorf("the reminder: %+v", rem)
	}
	sweep("2024-03-26", 0, 3)
	sweep("2024-03-27", 0, 0)
	want = map[string]string{"caoloc": "escalation,reminder", "tinh": notify.KindEscalation, "thamdinh": notify.KindEscalation}
	if got := f.kinds(t, v.ID); !sameMap(got, want) {
		t.Fatalf("overdue: %v, want %v", got, want)
	}
	esc := f.inbox(t, "tinh").Items[0]
	if esc.Message != "Quá hạn: hồ sơ “Vườn bưởi” chưa xong bước thẩm định, hạn là ngày 25/03/2024." {
		t.Errorf("the escalation: %+v", esc)
	}

	// Endorsed on 27 March: approval due 10 working days later (10 April); the approver
	// is reminded on 8 April; the province is the top, so an escalation goes to him alone.
	v = f.review(t, "2024-03-27", "caoloc", v)
	v = f.act(t, "2024-03-27", "caoloc", v, "endorse")
	if *v.DueOn != "2024-04-10" {
		t.Fatalf("approval due %s", *v.DueOn)
	}
	sweep("2024-04-05", 0, 0)
	sweep("2024-04-08", 1, 0)
	sweep("2024-04-11", 0, 1)
	sweep("2024-04-11", 0, 0)
	want = map[string]string{"caoloc": "escalation,reminder", "tinh": "escalation,escalation,reminder", "thamdinh": notify.KindEscalation}
	if got := f.kinds(t, v.ID); !sameMap(got, want) {
		t.Fatalf("approval overdue: %v, want %v", got, want)
	}
	// Decided: nothing more.
	f.act(t, "2024-04-12", "tinh", v, "approve")
	sweep("2024-04-30", 0, 0)
}

// TestConcurrentSweepsWriteOnce: several sweeps at once (replicas of serve, or serve and
// a cron `ntmflow remind`) write each escalation once between them.
func TestConcurrentSweepsWriteOnce(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	var ids []int64
	for _, title := range []string{"Vườn chè", "Vườn hồng", "Vườn lê"} {
		ids = append(ids, f.act(t, "2024-03-04", "xa.haiyen", f.draft(t, "2024-03-01", title), "submit").ID)
	}
	const sweeps = 4
	var wg sync.WaitGroup
	results := make([]notify.RemindResult, sweeps)
	errs := make([]error, sweeps)
	start := make(chan struct{})
	for i := range sweeps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = f.a.Notify.Remind(ctx, at("2024-03-26"))
		}()
	}
	close(start)
	wg.Wait()
	total := 0
	for i := range sweeps {
		if errs[i] != nil {
			t.Fatalf("sweep %d: %v", i, errs[i])
		}
		total += results[i].Escalations + results[i].Reminders
	}
	if total != 3*len(ids) {
		t.Fatalf("%d notifications written by %d concurrent sweeps, want %d (%s)", total, sweeps, 3*len(ids), testkit.Backend())
	}
	for _, id := range ids {
		want := map[string]string{"caoloc": notify.KindEscalation, "tinh": notify.KindEscalation, "thamdinh": notify.KindEscalation}
		if got := f.kinds(t, id); !sameMap(got, want) {
			t.Errorf("nomination %d: %v, want %v", id, got, want)
		}
	}
}
