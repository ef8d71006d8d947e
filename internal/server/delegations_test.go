package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/units"
)

// Delegation (SPEC §13): a reviewer or approver hands their role at a unit to another
// user of that unit for a period; the delegate acts, the history names both.

// delegationUsers adds the users of the delegation stories beside the demo ones and
// returns their ids: a deputy of Cao Lộc who reviews nothing himself (observer at 183), a
// second reviewer of Cao Lộc, and a deputy at the province (observer at 20).
func delegationUsers(t *testing.T, w *wf) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, u := range []identity.NewUser{
		{Username: "pho.caoloc", FullName: "Hoàng Thị Phó (huyện Cao Lộc)", Roles: []identity.RoleAt{{Role: "observer", UnitCode: "183"}}},
		{Username: "ctv.caoloc", FullName: "Lăng Văn Cộng (huyện Cao Lộc)", Roles: []identity.RoleAt{{Role: "district_reviewer", UnitCode: "183"}}},
		{Username: "pho.tinh", FullName: "Vy Văn Phó (UBND tỉnh)", Roles: []identity.RoleAt{{Role: "observer", UnitCode: "20"}}},
	} {
		u.Password, u.IsDemo = app.DemoPassword, true
		acc, err := w.a.Identity.CreateUser(context.Background(), u)
		if err != nil {
			t.Fatalf("user %s: %v", u.Username, err)
		}
		ids[u.Username] = acc.ID
	}
	for _, name := range []string{"caoloc", "vanlang", "tinh"} {
		u, err := w.a.Identity.UserByUsername(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = u.ID
	}
	return ids
}

// today is today's date in Vietnam, shifted by days, as the API writes dates.
func vnDay(days int) string {
	return units.Today(time.Now()).AddDate(0, 0, days).Format(time.DateOnly)
}

type delegationJSON struct {
	ID           int64   `json:"id"`
	FromUsername string  `json:"from_username"`
	ToUsername   string  `json:"to_username"`
	Role         string  `json:"role"`
	UnitCode     string  `json:"unit_code"`
	UnitName     string  `json:"unit_name"`
	From         string  `json:"from"`
	Until        string  `json:"until"`
	Status       string  `json:"status"`
	RevokedBy    *string `json:"revoked_by"`
}

func (w *wf) delegate(user string, body map[string]any, want int) delegationJSON {
	w.t.Helper()
	res := w.do(user, "POST", "/api/v1/delegations", body)
	if res.Status != want {
		w.t.Fatalf("delegate by %s %v: %d, want %d: %s", user, body, res.Status, want, res.Body)
	}
	var d delegationJSON
	if res.Status == http.StatusCreated {
		res.JSON(w.t, &d)
	}
	return d
}

func (w *wf) delegations(user, query string) []delegationJSON {
	w.t.Helper()
	res := w.do(user, "GET", "/api/v1/delegations"+query, nil)
	if res.Status != http.StatusOK {
		w.t.Fatalf("list delegations as %s: %d %s", user, res.Status, res.Body)
	}
	var out struct {
		Items []delegationJSON `json:"items"`
	}
	res.JSON(w.t, &out)
	return out.Items
}

// entry finds the last history entry of action.
func historyEntry(t *testing.T, items []map[string]any, action string) map[string]any {
	t.Helper()
	for i := len(items) - 1; i >= 0; i-- {
		if items[i]["action"] == action {
			return items[i]
		}
	}
	t.Fatalf("no %s in history %v", action, items)
	return nil
}

func TestDelegateActsOnBehalfOfTheDelegatorUntilRevoked(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	ids := delegationUsers(t, w)

	// Without a delegation the deputy reads the district's dossiers but reviews none.
	n := w.act("xa.haiyen", w.create("xa.haiyen", "06220"), "submit", nil, 200)
	w.act("pho.caoloc", n, "start_review", nil, http.StatusForbidden)

	d := w.delegate("caoloc", map[string]any{"to_user_id": ids["pho.caoloc"], "role": "district_reviewer", "unit_code": "183",
		"from": vnDay(0), "until": vnDay(7)}, http.StatusCreated)
	if d.Status != "active" || d.FromUsername != "caoloc" || d.ToUsername != "pho.caoloc" || d.UnitName == "" || d.From != vnDay(0) || d.Until != vnDay(7) {
		t.Fatalf("created %+v", d)
	}
	// At once: the deputy's session (already signed in) now reviews, on behalf of caoloc.
	n = w.act("pho.caoloc", n, "start_review", nil, 200)
	n = w.review("pho.caoloc", n, true, 200)
	n = w.act("pho.caoloc", n, "endorse", nil, 200)
	h := historyOf(t, w, "caoloc", n.ID)
	for _, action := range []string{"start_review", "review", "endorse"} {
		e := historyEntry(t, h, action)
		if e["actor"] != "pho.caoloc" || e["on_behalf_of"] != "caoloc" {
			t.Errorf("%s: actor %v on behalf of %v", action, e["actor"], e["on_behalf_of"])
		}
	}
	if e := historyEntry(t, h, "submit"); e["on_behalf_of"] != nil {
		t.Errorf("submit recorded on behalf of %v", e["on_behalf_of"])
	}

	// /me shows the delegated role apart from the account's own.
	var me struct {
		Roles          []map[string]any `json:"roles"`
		DelegatedRoles []map[string]any `json:"delegated_roles"`
	}
	w.do("pho.caoloc", "GET", "/api/v1/me", nil).JSON(t, &me)
	if len(me.Roles) != 1 || me.Roles[0]["role"] != "observer" || len(me.DelegatedRoles) != 1 ||
		me.DelegatedRoles[0]["role"] != "district_reviewer" || me.DelegatedRoles[0]["delegated_by"] != "caoloc" {
		t.Errorf("me: %+v", me)
	}

	// The nomination page names both.
	b := newBrowser(t, w.a)
	b.login("caoloc")
	_, page, _ := b.get(fmt.Sprintf("/nominations/%d", n.ID))
	if !strings.Contains(page, `title="pho.caoloc">Hoàng Thị Phó (huyện Cao Lộc)</span> (thay mặt Nông Văn Lộc (huyện Cao Lộc))`) {
		t.Error("the history on the page does not say on whose behalf the deputy acted")
	}

	// Who sees it: both parties and the province's admin; not another district.
	for user, want := range map[string]int{"caoloc": 200, "pho.caoloc": 200, "admin": 200, "vanlang": 404, "xa.haiyen": 404} {
		if res := w.do(user, "GET", fmt.Sprintf("/api/v1/delegations/%d", d.ID), nil); res.Status != want {
			t.Errorf("GET delegation as %s: %d, want %d", user, res.Status, want)
		}
	}
	if got := w.delegations("admin", ""); len(got) != 1 || got[0].ID != d.ID {
		t.Errorf("admin's list: %+v", got)
	}
	if got := w.delegations("pho.caoloc", "?direction=given"); len(got) != 0 {
		t.Errorf("the delegate gave nothing: %+v", got)
	}
	if got := w.delegations("pho.caoloc", "?direction=received"); len(got) != 1 {
		t.Errorf("the delegate received one: %+v", got)
	}

	// The delegate cannot revoke it, nor another district see it; the delegator can, once.
	revoke := fmt.Sprintf("/api/v1/delegations/%d/revoke", d.ID)
	if res := w.do("pho.caoloc", "POST", revoke, nil); res.Status != http.StatusForbidden {
		t.Errorf("revoke by the delegate: %d %s", res.Status, res.Body)
	}
	if res := w.do("vanlang", "POST", revoke, nil); res.Status != http.StatusNotFound {
		t.Errorf("revoke by another district: %d %s", res.Status, res.Body)
	}
	n2 := w.act("xa.haiyen", w.create("xa.haiyen", "06220"), "submit", nil, 200)
	res := w.do("caoloc", "POST", revoke, nil)
	var revoked delegationJSON
	res.JSON(t, &revoked)
	if res.Status != 200 || revoked.Status != "revoked" || revoked.RevokedBy == nil || *revoked.RevokedBy != "caoloc" {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	// Effective at once, on the same session: no more reviewing.
	w.act("pho.caoloc", n2, "start_review", nil, http.StatusForbidden)
	if res := w.do("caoloc", "POST", revoke, nil); res.Status != http.StatusConflict {
		t.Errorf("revoke twice: %d %s", res.Status, res.Body)
	}
	var after struct {
		DelegatedRoles []map[string]any `json:"delegated_roles"`
	}
	w.do("pho.caoloc", "GET", "/api/v1/me", nil).JSON(t, &after)
	if len(after.DelegatedRoles) != 0 {
		t.Errorf("revoked role still on /me: %+v", after.DelegatedRoles)
	}
	// The history keeps what was done on whose behalf.
	if e := historyEntry(t, historyOf(t, w, "caoloc", n.ID), "endorse"); e["on_behalf_of"] != "caoloc" {
		t.Errorf("history after revocation: %v", e)
	}
}

func TestDelegatedApproverAndDelegateWhoHoldsTheRole(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	ids := delegationUsers(t, w)

	// The province's approver delegates to a deputy of the province, who approves.
	w.delegate("tinh", map[string]any{"to_user_id": ids["pho.tinh"], "role": "province_approver", "unit_code": "20", "until": vnDay(3)}, http.StatusCreated)
	n := w.advance("endorsed")
	n = w.act("pho.tinh", n, "approve", map[string]any{"decision": nextDecision()}, 200)
	if e := historyEntry(t, historyOf(t, w, "tinh", n.ID), "approve"); e["actor"] != "pho.tinh" || e["on_behalf_of"] != "tinh" {
		t.Errorf("approve: %v", e)
	}

	// A delegate who holds the role at the unit in their own right acts in their own name.
	w.delegate("caoloc", map[string]any{"to_user_id": ids["ctv.caoloc"], "role": "district_reviewer", "unit_code": "183", "until": vnDay(3)}, http.StatusCreated)
	m := w.act("xa.haiyen", w.create("xa.haiyen", "06220"), "submit", nil, 200)
	m = w.act("ctv.caoloc", m, "start_review", nil, 200)
	if e := historyEntry(t, historyOf(t, w, "caoloc", m.ID), "start_review"); e["actor"] != "ctv.caoloc" || e["on_behalf_of"] != nil {
		t.Errorf("start_review by a reviewer in their own right: %v", e)
	}
}

func TestDelegationRefusesBadInputAndSavesNothing(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	ids := delegationUsers(t, w)
	// A running delegation, for the overlap and the chained cases.
	w.delegate("caoloc", map[string]any{"to_user_id": ids["pho.caoloc"], "role": "district_reviewer", "unit_code": "183", "until": vnDay(10)}, http.StatusCreated)

	base := func(change map[string]any) map[string]any {
		b := map[string]any{"to_user_id": ids["ctv.caoloc"], "role": "district_reviewer", "unit_code": "183", "from": vnDay(0), "until": vnDay(5)}
		for k, v := range change {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	cases := []struct {
		name, user string
		body       any
		want       int
		field      string
	}{
		{"to oneself", "caoloc", base(map[string]any{"to_user_id": ids["caoloc"]}), 422, "to_user_id"},
		{"a user of another unit", "caoloc", base(map[string]any{"to_user_id": ids["vanlang"]}), 422, "to_user_id"},
		{"a user of the province above", "caoloc", base(map[string]any{"to_user_id": ids["pho.tinh"]}), 422, "to_user_id"},
		{"no such user", "caoloc", base(map[string]any{"to_user_id": 987654}), 422, "to_user_id"},
		{"no delegate", "caoloc", base(map[string]any{"to_user_id": nil}), 422, "to_user_id"},
		{"a role not held", "caoloc", base(map[string]any{"role": "province_approver", "unit_code": "20", "to_user_id": ids["pho.tinh"]}), 403, ""},
		{"the role at another unit", "caoloc", base(map[string]any{"unit_code": "182", "to_user_id": ids["vanlang"]}), 403, ""},
		{"an unknown role", "caoloc", base(map[string]any{"role": "chairman"}), 422, "role"},
		{"from after until", "caoloc", base(map[string]any{"from": vnDay(6), "until": vnDay(5)}), 422, "until"},
		{"from in the past", "caoloc", base(map[string]any{"from": "2020-01-01"}), 422, "from"},
		{"a date not YYYY-MM-DD", "caoloc", base(map[string]any{"until": "31/12/2099"}), 422, "until"},
		{"no until", "caoloc", base(map[string]any{"until": nil}), 422, "until"},
		{"longer than a year", "caoloc", base(map[string]any{"until": vnDay(400)}), 422, "until"},
		{"an unknown field", "caoloc", base(map[string]any{"reason": "nghỉ phép"}), 400, ""},
		{"a wrong type", "caoloc", base(map[string]any{"to_user_id": "ctv.caoloc"}), 400, ""},
		{"overlapping the running one", "caoloc", base(map[string]any{"to_user_id": ids["pho.caoloc"], "from": vnDay(3)}), 409, ""},
		{"a delegated role again", "pho.caoloc", base(nil), 403, ""},
		{"a commune officer", "xa.haiyen", base(map[string]any{"role": "commune_officer", "unit_code": "06220"}), 403, ""},
		{"an observer", "quansat", base(map[string]any{"role": "observer", "unit_code": "20", "to_user_id": ids["pho.tinh"]}), 403, ""},
		{"an admin", "admin", base(map[string]any{"role": "admin", "unit_code": "20", "to_user_id": ids["pho.tinh"]}), 403, ""},
	}
	for _, c := range cases {
		res := w.do(c.user, "POST", "/api/v1/delegations", c.body)
		if res.Status != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, res.Status, c.want, res.Body)
			continue
		}
		if c.field != "" && !strings.Contains(res.Body, `"`+c.field+`"`) {
			t.Errorf("%s: the error does not name %s: %s", c.name, c.field, res.Body)
		}
	}
	var count int64
	w.a.Store.DB(t.Context()).Table("delegations").Count(&count)
	if count != 1 {
		t.Errorf("%d delegations saved, want only the first", count)
	}
	// The delegate's observer role may not be delegated either: it is not a reviewer's.
	if res := w.do("ctv.caoloc", "POST", "/api/v1/delegations", map[string]any{"to_user_id": ids["pho.caoloc"], "role": "observer",
		"unit_code": "183", "until": vnDay(2)}); res.Status != http.StatusForbidden {
		t.Errorf("delegating a role not held: %d %s", res.Status, res.Body)
	}
	if res := w.do("caoloc", "GET", "/api/v1/delegations?direction=sideways", nil); res.Status != 422 {
		t.Errorf("bad direction: %d", res.Status)
	}
}

func TestDelegationOutsideItsPeriodGivesNoRights(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	ids := delegationUsers(t, w)
	n := w.act("xa.haiyen", w.create("xa.haiyen", "06220"), "submit", nil, 200)

	// Not begun yet: scheduled, no rights today.
	later := w.delegate("caoloc", map[string]any{"to_user_id": ids["pho.caoloc"], "role": "district_reviewer", "unit_code": "183",
		"from": vnDay(3), "until": vnDay(9)}, http.StatusCreated)
	if later.Status != "scheduled" {
		t.Errorf("a delegation from %s is %s", later.From, later.Status)
	}
	w.act("pho.caoloc", n, "start_review", nil, http.StatusForbidden)

	// Over: a period in the past (moved there in the database, as time would) gives none.
	d := w.delegate("caoloc", map[string]any{"to_user_id": ids["pho.caoloc"], "role": "district_reviewer", "unit_code": "183",
		"until": vnDay(1)}, http.StatusCreated)
	if err := w.a.Store.DB(t.Context()).Exec("UPDATE delegations SET valid_from = ?, valid_until = ? WHERE id = ?",
		"2024-03-01", "2024-03-15", d.ID).Error; err != nil {
		t.Fatal(err)
	}
	fresh := w.a.Login(t, "pho.caoloc").Token // a new session: nothing cached
	res := w.a.Do(t, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), fresh, map[string]any{"action": "start_review"}, ifMatch(n.Version)...)
	if res.Status != http.StatusForbidden {
		t.Errorf("start_review through an ended delegation: %d %s", res.Status, res.Body)
	}
	for _, got := range w.delegations("caoloc", "?direction=given") {
		if got.ID == d.ID && (got.Status != "ended" || got.From != "2024-03-01" || got.Until != "2024-03-15") {
			t.Errorf("ended delegation reads %+v", got)
		}
	}
	if res := w.do("caoloc", "POST", fmt.Sprintf("/api/v1/delegations/%d/revoke", d.ID), nil); res.Status != http.StatusConflict {
		t.Errorf("revoking an ended delegation: %d %s", res.Status, res.Body)
	}

	// A delegator who loses the role takes the delegation's rights with it.
	if err := w.a.Store.DB(t.Context()).Exec("UPDATE delegations SET valid_from = ? WHERE id = ?", vnDay(0), later.ID).Error; err != nil {
		t.Fatal(err)
	}
	fresh = w.a.Login(t, "pho.caoloc").Token
	var me struct {
		DelegatedRoles []map[string]any `json:"delegated_roles"`
	}
	w.a.Do(t, "GET", "/api/v1/me", fresh, nil).JSON(t, &me)
	if len(me.DelegatedRoles) != 1 {
		t.Fatalf("delegation begun today: %+v", me.DelegatedRoles)
	}
	if err := w.a.Identity.RevokeRole(t.Context(), "caoloc", identity.RoleAt{Role: "district_reviewer", UnitCode: "183"}); err != nil {
		t.Fatal(err)
	}
	me.DelegatedRoles = nil
	w.a.Do(t, "GET", "/api/v1/me", fresh, nil).JSON(t, &me)
	if len(me.DelegatedRoles) != 0 {
		t.Errorf("the delegator no longer holds the role, yet: %+v", me.DelegatedRoles)
	}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func TestDelegationPage(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	ids := delegationUsers(t, w)
	b := newBrowser(t, w.a)
	b.login("caoloc")
	status, page, _ := b.get("/delegations")
	if status != 200 || !strings.Contains(page, `href="/delegations"`) || !strings.Contains(page, fmt.Sprintf(`value="%d"`, ids["pho.caoloc"])) ||
		!strings.Contains(page, `value="district_reviewer@183"`) || strings.Contains(page, fmt.Sprintf(`value="%d"`, ids["vanlang"])) {
		t.Fatalf("page: %d\n%s", status, page)
	}
	dmy := func(days int) string {
		return units.Today(time.Now()).AddDate(0, 0, days).Format("02/01/2006")
	}
	form := url.Values{"grant": {"district_reviewer@183"}, "to_user_id": {fmt.Sprint(ids["pho.caoloc"])}, "from": {dmy(0)}, "until": {dmy(5)}}

	// Without its CSRF token the form is refused.
	if status, _, _ := b.post("/delegations", form); status != http.StatusForbidden {
		t.Errorf("no CSRF: %d", status)
	}
	// A bad period re-renders the form with the values kept and the field named.
	bad := url.Values{"csrf_token": {b.csrf}}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("until", dmy(-1))
	status, page, _ = b.post("/delegations", bad)
	if status != 422 || !strings.Contains(page, "Ngày kết thúc phải từ ngày bắt đầu") || !strings.Contains(page, "selected>Hoàng Thị Phó") {
		t.Errorf("bad period: %d\n%s", status, page)
	}
	form.Set("csrf_token", b.csrf)
	status, _, h := b.post("/delegations", form)
	if status != http.StatusSeeOther || h.Get("Location") != "/delegations" {
		t.Fatalf("delegate: %d %v", status, h)
	}
	_, page, _ = b.get("/delegations")
	if !strings.Contains(page, "Đã ủy quyền.") || !strings.Contains(page, "Đang hiệu lực") || !strings.Contains(page, dmy(5)) {
		t.Errorf("after delegating:\n%s", page)
	}
	list := w.delegations("caoloc", "?direction=given")
	if len(list) != 1 || list[0].From != vnDay(0) || list[0].Until != vnDay(5) {
		t.Fatalf("saved: %+v", list)
	}

	// The delegate sees it received, and may not delegate it again (no form).
	d := newBrowser(t, w.a)
	d.login("pho.caoloc")
	_, home, _ := d.get("/")
	if !strings.Contains(home, "(thay mặt caoloc)") {
		t.Error("the delegate's home does not show the delegated role")
	}
	_, dpage, _ := d.get("/delegations")
	if strings.Contains(dpage, `action="/delegations" `) || strings.Contains(dpage, `name="grant"`) || !strings.Contains(dpage, "Nông Văn Lộc") {
		t.Errorf("delegate's page:\n%s", dpage)
	}
	if strings.Contains(dpage, fmt.Sprintf(`/delegations/%d/revoke`, list[0].ID)) {
		t.Error("the delegate is offered revoking")
	}

	// Revoke from the page.
	_, page, _ = b.get("/delegations")
	m := csrfInput.FindStringSubmatch(page)
	status, _, h = b.post(fmt.Sprintf("/delegations/%d/revoke", list[0].ID), url.Values{"csrf_token": {m[1]}})
	if status != http.StatusSeeOther || h.Get("Location") != "/delegations" {
		t.Fatalf("revoke: %d %v", status, h)
	}
	_, page, _ = b.get("/delegations")
	if !strings.Contains(page, "Đã thu hồi") {
		t.Errorf("after revoking:\n%s", page)
	}

	// No menu link, and no form, for a role that delegates nothing.
	o := newBrowser(t, w.a)
	o.login("xa.haiyen")
	_, home, _ = o.get("/")
	if strings.Contains(home, `href="/delegations"`) {
		t.Error("a commune officer is offered delegation")
	}
	if status, _, _ := o.post("/delegations", url.Values{"csrf_token": {o.csrf}, "grant": {"commune_officer@06220"}}); status != http.StatusForbidden {
		t.Errorf("a commune officer's form: %d", status)
	}
}
