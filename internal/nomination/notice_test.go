package nomination_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// The public notice, on the days of March 2024 (the service's clock is set per step with
// AsOf): Hải Yến's NTM commune title is endorsed on 04/03, so its 15-day notice runs to
// 19/03 included.

// on is the titles fixture's service as of 09:00 in Vietnam on date.
func (w *titles) on(t *testing.T, date string) *nomination.Service {
	t.Helper()
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		t.Fatal(err)
	}
	return w.a.Nominations.AsOf(day.Add(2 * time.Hour))
}

// endorsedOn takes a new NTM commune title of Hải Yến to endorsed on date.
func (w *titles) endorsedOn(t *testing.T, date string) nomination.View {
	t.Helper()
	ctx := context.Background()
	svc := w.on(t, date)
	set := w.set(t, criteria.NTMCommune)
	v, _, err := svc.Create(ctx, w.officer, titleInput(criteria.NTMCommune, "06220", allMet(set)), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range set.RequiredAttachments {
		if _, err := svc.AddAttachment(ctx, w.officer, v.ID, kind, kind+".pdf", bytes.NewReader(pdf(date+kind))); err != nil {
			t.Fatal(err)
		}
	}
	step := func(by *authz.Principal, action string) {
		t.Helper()
		if v, err = svc.Transition(ctx, by, v.ID, v.Version, nomination.TransitionInput{Action: action}); err != nil {
			t.Fatalf("%s on %s: %v", action, date, err)
		}
	}
	step(w.officer, "submit")
	step(w.district, "start_review")
	scores := make([]nomination.ReviewScore, 0, len(set.Criteria))
	for _, c := range set.Criteria {
		scores = append(scores, nomination.ReviewScore{Criterion: c.Code, Met: true})
	}
	if v, err = svc.SaveReview(ctx, w.district, v.ID, v.Version, nomination.ReviewInput{Scores: scores,
		Summary: "Đạt đủ 19 tiêu chí", VisitedOn: date}); err != nil {
		t.Fatal(err)
	}
	step(w.district, "endorse")
	return v
}

func (w *titles) approveOn(t *testing.T, date string, v nomination.View) (nomination.View, error) {
	t.Helper()
	return w.on(t, date).Transition(context.Background(), w.province, v.ID, v.Version, nomination.TransitionInput{Action: "approve",
		Decision: &nomination.Decision{Number: "468/QĐ-UBND", Date: date, Signer: "Hồ Tiến Thiệu"}})
}

func (w *titles) unresolvedCount(t *testing.T, id int64) (total, unresolved int64) {
	t.Helper()
	db := w.a.Store.DB(context.Background()).Table("objections").Where("nomination_id = ?", id)
	if err := db.Count(&total).Error; err != nil {
		t.Fatal(err)
	}
	if err := w.a.Store.DB(context.Background()).Table("objections").Where("nomination_id = ? AND resolved_at IS NULL", id).Count(&unresolved).Error; err != nil {
		t.Fatal(err)
	}
	return total, unresolved
}

// A 15-day notice: listed publicly while it runs, objected to, approval refused on its
// last day (notice_open) and after it while an objection waits (objections_unresolved),
// no objection taken once it has closed, the answer given once by the district, then
// the approval goes through and the notice leaves the public list.
func TestNoticeHoldsApprovalUntilItEndsAndEveryObjectionIsAnswered(t *testing.T) {
	w := newTitles(t)
	ctx := context.Background()
	if set := w.set(t, criteria.NTMCommune); set.NoticeDays != 15 {
		t.Fatalf("demo NTM commune set: notice_days %d, want 15", set.NoticeDays)
	}
	v := w.endorsedOn(t, "2024-03-04")
	if v.NoticeUntil == nil || *v.NoticeUntil != "2024-03-19" || !v.NoticeOpen {
		t.Fatalf("endorsed on 04/03: notice_until %v, open %v", v.NoticeUntil, v.NoticeOpen)
	}

	page, err := w.on(t, "2024-03-10").PublicNotices(ctx, nomination.NoticeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].NominationID != v.ID || page.Items[0].NoticeUntil != "2024-03-19" ||
		page.Items[0].CommuneName != "Xã Hải Yến" || page.Items[0].DistrictName != "Huyện Cao Lộc" || page.Items[0].Type != "ntm_commune" {
		t.Fatalf("public notices on 10/03: %+v", page.Items)
	}
	if one, err := w.on(t, "2024-03-19").PublicNotice(ctx, v.ID); err != nil || one.NominationID != v.ID {
		t.Fatalf("the notice on its last day: %+v %v", one, err)
	}

	receipt, err := w.on(t, "2024-03-10").Object(ctx, v.ID, nomination.ObjectionInput{Name: "Hoàng Văn Thắng", Contact: "0912 345 678",
		Text: "Đường trục thôn Pắc Cáp chưa được cứng hoá như báo cáo."}, "hash-a")
	if err != nil || receipt.ID == 0 || receipt.NoticeUntil != "2024-03-19" {
		t.Fatalf("objection: %+v %v", receipt, err)
	}

	_, err = w.approveOn(t, "2024-03-19", v)
	var ne *nomination.NoticeError
	if !errors.Is(err, apperr.ErrNoticeOpen) || !errors.As(err, &ne) || !strings.Contains(ne.ClientMessage(), "2024-03-19") {
		t.Fatalf("approve on the notice's last day: %v", err)
	}
	_, err = w.approveOn(t, "2024-03-20", v)
	if !errors.Is(err, apperr.ErrObjectionsUnresolved) {
		t.Fatalf("approve with an objection unanswered: %v", err)
	}
	if _, err := w.on(t, "2024-03-20").Object(ctx, v.ID, nomination.ObjectionInput{Text: "Muộn"}, "hash-a"); !errors.Is(err, apperr.ErrNoticeClosed) {
		t.Fatalf("objection after the notice: %v", err)
	}
	if _, err := w.on(t, "2024-03-20").PublicNotice(ctx, v.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a closed notice's public page: %v", err)
	}

	// The commune reads the objection without who sent it; the district with it.
	list, err := w.a.Nominations.Objections(ctx, w.officer, v.ID)
	if err != nil || len(list.Items) != 1 || list.CanResolve || list.Items[0].Name != nil || list.Items[0].Contact != nil ||
		list.Unresolved != 1 || !strings.Contains(list.Items[0].Text, "Pắc Cáp") {
		t.Fatalf("objections as the commune: %+v %v", list, err)
	}
	list, err = w.a.Nominations.Objections(ctx, w.district, v.ID)
	if err != nil || !list.CanResolve || list.Items[0].Name == nil || *list.Items[0].Name != "Hoàng Văn Thắng" ||
		*list.Items[0].Contact != "0912 345 678" {
		t.Fatalf("objections as the district: %+v %v", list, err)
	}

	oid := receipt.ID
	if _, err := w.a.Nominations.ResolveObjection(ctx, w.officer, v.ID, oid, "Xã đã cứng hoá"); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("the commune answers: %v", err)
	}
	if _, err := w.a.Nominations.ResolveObjection(ctx, w.district, v.ID, oid, "   "); fieldOf(err, "response") == "" {
		t.Fatalf("an empty answer: %v", err)
	}
	if _, err := w.a.Nominations.ResolveObjection(ctx, w.district, v.ID, oid+100, "Trả lời"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another objection id: %v", err)
	}
	answer := "Đoàn thẩm tra đã kiểm tra thực địa ngày 12/3: tuyến đường đã được bê tông hoá 1,2 km."
	o, err := w.a.Nominations.ResolveObjection(ctx, w.district, v.ID, oid, answer)
	if err != nil || o.Response == nil || *o.Response != answer || o.ResolvedBy == nil || *o.ResolvedBy != "caoloc" || o.ResolvedAt == nil {
		t.Fatalf("the district's answer: %+v %v", o, err)
	}
	if _, err := w.a.Nominations.ResolveObjection(ctx, w.province, v.ID, oid, "Lần hai"); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("answered twice: %v", err)
	}
	hist, err := w.a.Nominations.History(ctx, w.officer, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if last.Action != nomination.ActionResolveObjection || last.Actor != "caoloc" || last.Comment != answer ||
		last.From == nil || *last.From != nomination.Endorsed || last.To != nomination.Endorsed ||
		string(last.Details) != fmt.Sprintf(`{"objection_id":%d}`, oid) {
		t.Errorf("the answer in the history: %+v (details %s)", last, last.Details)
	}
	if n := len(hist); hist[n-2].Action == nomination.ActionResolveObjection {
		t.Errorf("the refused answers wrote history: %+v", hist[n-2])
	}

	approved, err := w.approveOn(t, "2024-03-20", v)
	if err != nil || approved.Status != nomination.Approved || approved.NoticeOpen {
		t.Fatalf("approve after the notice, every objection answered: %+v %v", approved, err)
	}
	if page, err := w.on(t, "2024-03-15").PublicNotices(ctx, nomination.NoticeFilter{}); err != nil || len(page.Items) != 0 {
		t.Fatalf("an approved nomination stays on the public list: %+v %v", page.Items, err)
	}
}

// An objection without text, too long, or with a name or contact over its limit is
// refused with the field named and nothing stored; a burst from one address gets
// RateLimited (every attempt counts, refused or not) while another address goes on; a
// nomination without a notice is not found.
func TestObjectionBadInputAndBursts(t *testing.T) {
	w := newTitles(t)
	ctx := context.Background()
	v := w.endorsedOn(t, "2024-03-04")
	svc := w.on(t, "2024-03-05")
	long := strings.Repeat("ý", nomination.MaxObjectionText+1)
	bad := []struct {
		in    nomination.ObjectionInput
		field string
	}{
		{nomination.ObjectionInput{Name: "A", Text: ""}, "text"},
		{nomination.ObjectionInput{Text: " \n\t "}, "text"},
		{nomination.ObjectionInput{Text: long}, "text"},
		{nomination.ObjectionInput{Name: strings.Repeat("a", nomination.MaxObjectionName+1), Text: "x"}, "name"},
		{nomination.ObjectionInput{Contact: strings.Repeat("0", nomination.MaxObjectionContact+1), Text: "x"}, "contact"},
	}
	for _, c := range bad {
		if _, err := svc.Object(ctx, v.ID, c.in, "hash-bad"); fieldOf(err, c.field) == "" {
			t.Errorf("%.40q: %v, want a problem with %s", c.in, err, c.field)
		}
	}
	if _, err := svc.Object(ctx, v.ID, nomination.ObjectionInput{Text: strings.Repeat("ý", nomination.MaxObjectionText)}, "hash-ok"); err != nil {
		t.Fatalf("2,000 characters exactly: %v", err)
	}
	if total, _ := w.unresolvedCount(t, v.ID); total != 1 {
		t.Fatalf("%d objections stored, want 1 (refused ones store nothing)", total)
	}

	// The five refused attempts above counted for hash-bad: five more get through.
	for i := range nomination.MaxObjectionsPerAddress - len(bad) {
		if _, err := svc.Object(ctx, v.ID, nomination.ObjectionInput{Text: "Ý kiến số " + string(rune('A'+i))}, "hash-bad"); err != nil {
			t.Fatalf("objection %d: %v", i, err)
		}
	}
	var rl *apperr.RateLimited
	if _, err := svc.Object(ctx, v.ID, nomination.ObjectionInput{Text: "Một ý kiến nữa"}, "hash-bad"); !errors.As(err, &rl) || rl.RetryAfterSeconds <= 0 {
		t.Fatalf("a burst: %v", err)
	}
	if _, err := svc.Object(ctx, v.ID, nomination.ObjectionInput{Text: "Từ địa chỉ khác"}, "hash-other"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	if total, _ := w.unresolvedCount(t, v.ID); total != 1+int64(nomination.MaxObjectionsPerAddress-len(bad))+1 {
		t.Fatalf("%d objections stored", total)
	}

	var hashes []string
	if err := w.a.Store.DB(ctx).Table("objections").Distinct("addr_hash").Order("addr_hash").Pluck("addr_hash", &hashes).Error; err != nil {
		t.Fatal(err)
	}
	if strings.Join(hashes, ",") != "hash-bad,hash-ok,hash-other" {
		t.Fatalf("stored address hashes: %v", hashes)
	}

	if _, err := svc.Object(ctx, v.ID+1000, nomination.ObjectionInput{Text: "x"}, "hash-404"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("no such nomination: %v", err)
	}
}

// A garden has no notice (its set has notice_days 0): endorse opens none, approve is not
// held, and an objection to it is not found.
func TestNoNoticeForGardens(t *testing.T) {
	d := newDeadlines(t)
	if d.set.NoticeDays != 0 {
		t.Fatalf("demo garden set: notice_days %d", d.set.NoticeDays)
	}
	v := d.submitted(t, "2024-03-01", "xa.haiyen", "06220", "Vườn cam")
	v = d.act(t, "2024-03-01", "caoloc", v, "start_review")
	v = d.review(t, "2024-03-04", "caoloc", v)
	v = d.act(t, "2024-03-04", "caoloc", v, "endorse")
	if v.NoticeUntil != nil || v.NoticeOpen {
		t.Fatalf("an endorsed garden: notice_until %v, open %v", v.NoticeUntil, v.NoticeOpen)
	}
	if _, err := d.on("2024-03-04").Object(context.Background(), v.ID, nomination.ObjectionInput{Text: "x"}, "h"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("objection to a garden: %v", err)
	}
	if v = d.act(t, "2024-03-04", "tinh", v, "approve"); v.Status != nomination.Approved {
		t.Fatalf("approve the garden the day it is endorsed: %s", v.Status)
	}
}

// A decision of many dossiers refuses an item whose notice runs, naming it, and approves
// none; the item whose notice ended without objections is approved by a decision of its own.
func TestDecisionRefusesAnItemOnNotice(t *testing.T) {
	w := newTitles(t)
	ctx := context.Background()
	title := w.endorsedOn(t, "2024-03-04")
	other := w.endorsedOn(t, "2024-02-01")
	if other.NoticeUntil == nil || *other.NoticeUntil != "2024-02-16" {
		t.Fatalf("endorsed 01/02: %v", other.NoticeUntil)
	}
	decision := nomination.Decision{Number: "512/QĐ-UBND", Date: "2024-03-06", Signer: "Hồ Tiến Thiệu"}
	_, err := w.on(t, "2024-03-06").ApproveUnderDecision(ctx, w.province, nomination.DecisionInput{Decision: decision,
		Items: []nomination.DecisionItem{{NominationID: other.ID, Version: other.Version}, {NominationID: title.ID, Version: title.Version}}})
	var item *apperr.ItemError
	if !errors.Is(err, apperr.ErrNoticeOpen) || !errors.As(err, &item) || item.Field != "items[1]" {
		t.Fatalf("a decision with an item on notice: %v", err)
	}
	if got, err := w.a.Nominations.Get(ctx, w.province, other.ID); err != nil || got.Status != nomination.Endorsed {
		t.Fatalf("the other item was approved anyway: %+v %v", got, err)
	}
	if _, err := w.on(t, "2024-03-06").Object(ctx, other.ID, nomination.ObjectionInput{Text: "x"}, "h"); !errors.Is(err, apperr.ErrNoticeClosed) {
		t.Fatalf("objection to an ended notice: %v", err)
	}
	if _, err := w.on(t, "2024-03-06").ApproveUnderDecision(ctx, w.province, nomination.DecisionInput{Decision: decision,
		Items: []nomination.DecisionItem{{NominationID: other.ID, Version: other.Version}}}); err != nil {
		t.Fatalf("a decision of the item whose notice ended: %v", err)
	}
}
