package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type notificationsJSON struct {
	Items []struct {
		ID           int64   `json:"id"`
		Kind         string  `json:"kind"`
		NominationID int64   `json:"nomination_id"`
		Action       string  `json:"action"`
		Status       string  `json:"status"`
		DueOn        *string `json:"due_on"`
		Message      string  `json:"message"`
		ReadAt       *string `json:"read_at"`
	} `json:"items"`
	UnreadCount int64  `json:"unread_count"`
	NextCursor  string `json:"next_cursor"`
}

// TestNotificationsAPI: a submission tells Cao Lộc's reviewer (and nobody else); the
// reviewer reads the list with its unread count and marks it read; bad requests are
// refused and change nothing.
func TestNotificationsAPI(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	n := w.act("xa.haiyen", w.create("xa.haiyen", "06220"), "submit", nil, 200)

	var list notificationsJSON
	res := w.do("caoloc", "GET", "/api/v1/notifications", nil)
	res.JSON(t, &list)
	if res.Status != 200 || list.UnreadCount != 1 || len(list.Items) != 1 || list.Items[0].NominationID != n.ID ||
		list.Items[0].Kind != "transition" || list.Items[0].Action != "submit" || list.Items[0].Status != "submitted" ||
		list.Items[0].ReadAt != nil || !strings.Contains(list.Items[0].Message, "đã gửi hồ sơ “Vườn cam của ông Hoàng Văn Thắng” để thẩm định") {
		t.Fatalf("caoloc's notifications: %d %s", res.Status, res.Body)
	}
	id := list.Items[0].ID
	for _, u := range []string{"tinh", "xa.haiyen", "vanlang", "admin"} {
		if res := w.do(u, "GET", "/api/v1/notifications", nil); res.Status != 200 || !strings.Contains(res.Body, `"items":[],"unread_count":0`) {
			t.Errorf("%s's notifications: %d %s", u, res.Status, res.Body)
		}
	}

	refused := []struct {
		user, method, path string
		body               any
		want               int
		fragment           string
	}{
		{"", "GET", "/api/v1/notifications", nil, 401, "unauthenticated"},
		{"", "POST", "/api/v1/notifications/read", map[string]any{"all": true}, 401, "unauthenticated"},
		{"caoloc", "GET", "/api/v1/notifications?limit=0", nil, 422, `"limit"`},
		{"caoloc", "GET", "/api/v1/notifications?limit=101", nil, 422, `"limit"`},
		{"caoloc", "GET", "/api/v1/notifications?unread=yes", nil, 422, `"unread"`},
		{"caoloc", "GET", "/api/v1/notifications?cursor=abc", nil, 422, `"cursor"`},
		{"caoloc", "POST", "/api/v1/notifications/read", map[string]any{}, 422, `"ids"`},
		{"caoloc", "POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{id}, "all": true}, 422, `"ids"`},
		{"caoloc", "POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{-1}}, 422, `ids[0]`},
		{"caoloc", "POST", "/api/v1/notifications/read", map[string]any{"ids": "1"}, 400, "bad_request"},
		{"caoloc", "POST", "/api/v1/notifications/read", map[string]any{"all": true, "seen": true}, 400, "bad_request"},
		{"caoloc", "POST", "/api/v1/notifications/read", `{"all":`, 400, "bad_request"},
	}
	for _, c := range refused {
		res := w.a.Do(t, c.method, c.path, tokenOf(w, c.user), c.body)
		if res.Status != c.want || !strings.Contains(res.Body, c.fragment) {
			t.Errorf("%s %s as %q: %d %s, want %d with %s", c.method, c.path, c.user, res.Status, res.Body, c.want, c.fragment)
		}
	}
	// Another user's id is ignored.
	if res := w.do("tinh", "POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{id}}); res.Status != 200 || res.Body != `{"unread_count":0}`+"\n" {
		t.Errorf("tinh marks caoloc's notification: %d %q", res.Status, res.Body)
	}
	if res := w.do("caoloc", "GET", "/api/v1/notifications?unread=true", nil); !strings.Contains(res.Body, `"unread_count":1`) {
		t.Fatalf("after the refused requests: %s", res.Body)
	}
	if res := w.do("caoloc", "POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{id}}); res.Status != 200 || res.Body != `{"unread_count":0}`+"\n" {
		t.Fatalf("mark read: %d %q", res.Status, res.Body)
	}
	res = w.do("caoloc", "GET", "/api/v1/notifications", nil)
	list = notificationsJSON{}
	res.JSON(t, &list)
	if list.UnreadCount != 0 || len(list.Items) != 1 || list.Items[0].ReadAt == nil {
		t.Fatalf("after mark read: %s", res.Body)
	}
	if res := w.do("caoloc", "GET", "/api/v1/notifications?unread=true", nil); !strings.Contains(res.Body, `"items":[]`) {
		t.Fatalf("unread only after mark read: %s", res.Body)
	}
}

// TestHeaderShowsUnreadCount: every page's header shows the signed-in user's unread
// count; the notifications page lists them and marks one (opening its dossier) or all read.
func TestHeaderShowsUnreadCount(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	b := newBrowser(t, w.a)
	b.login("caoloc")
	status, body, _ := b.get("/")
	if status != http.StatusOK || strings.Contains(body, "bell-count") || !strings.Contains(body, `aria-label="Thông báo: 0 chưa đọc"`) {
		t.Fatalf("header without notifications: %d\n%s", status, body)
	}
	first := w.act("xa.haiyen", w.create("xa.haiyen", "06220"), "submit", nil, 200)
	w.act("xa.haiyen", w.create("xa.haiyen", "06220"), "submit", nil, 200)
	for _, path := range []string{"/", "/nominations", "/campaigns", fmt.Sprintf("/nominations/%d", first.ID)} {
		status, body, _ := b.get(path)
		if status != http.StatusOK || !strings.Contains(body, `<span class="bell-count" data-unread="2">2</span>`) ||
			!strings.Contains(body, `aria-label="Thông báo: 2 chưa đọc"`) || !strings.Contains(body, "Thông báo (2 chưa đọc)") {
			t.Errorf("%s: header lacks the unread count: %d", path, status)
		}
	}
	status, body, _ = b.get("/notifications")
	if status != http.StatusOK || strings.Count(body, "đã gửi hồ sơ “Vườn cam của ông Hoàng Văn Thắng” để thẩm định") != 2 ||
		!strings.Contains(body, "2 thông báo chưa đọc.") || !strings.Contains(body, `aria-current="page" title="Thông báo: 2 chưa đọc"`) {
		t.Fatalf("notifications page: %d\n%s", status, body)
	}
	var list notificationsJSON
	w.do("caoloc", "GET", "/api/v1/notifications", nil).JSON(t, &list)
	oldest := list.Items[1]
	// Without its CSRF token the form is refused.
	if status, _, _ := b.post("/notifications/read", url.Values{"all": {"1"}}); status != http.StatusForbidden {
		t.Fatalf("mark all read without CSRF: %d", status)
	}
	status, _, h := b.post("/notifications/read", url.Values{"id": {itoa(oldest.ID)}, "nomination_id": {itoa(oldest.NominationID)}, "csrf_token": {b.csrf}})
	if status != http.StatusSeeOther || h.Get("Location") != fmt.Sprintf("/nominations/%d", first.ID) {
		t.Fatalf("open one: %d %v", status, h)
	}
	if _, body, _ := b.get("/"); !strings.Contains(body, `data-unread="1">1</span>`) {
		t.Fatalf("header after reading one:\n%s", body)
	}
	b.get("/notifications")
	status, _, h = b.post("/notifications/read", url.Values{"all": {"1"}, "csrf_token": {b.csrf}})
	if status != http.StatusSeeOther || h.Get("Location") != "/notifications" {
		t.Fatalf("mark all read: %d %v", status, h)
	}
	status, body, _ = b.get("/notifications")
	if status != http.StatusOK || strings.Contains(body, "bell-count") || !strings.Contains(body, "Đã đánh dấu tất cả thông báo là đã đọc.") ||
		!strings.Contains(body, "0 thông báo chưa đọc.") {
		t.Fatalf("after mark all read: %d\n%s", status, body)
	}
	// In English too.
	n := w.act("caoloc", first, "start_review", nil, 200)
	w.act("caoloc", n, "return", map[string]any{"comment": "Bổ sung ảnh"}, 200)
	if err := w.a.Identity.SetLocale(context.Background(), mustUserID(t, w, "xa.haiyen"), "en"); err != nil {
		t.Fatal(err)
	}
	en := newBrowser(t, w.a)
	en.login("xa.haiyen")
	_, body, _ = en.get("/notifications")
	if !strings.Contains(body, `aria-label="Notifications: 1 unread"`) || !strings.Contains(body, "returned “Vườn cam của ông Hoàng Văn Thắng” to the commune") ||
		!strings.Contains(body, "Comment: Bổ sung ảnh") {
		t.Fatalf("English notifications page:\n%s", body)
	}
}

func mustUserID(t *testing.T, w *wf, username string) int64 {
	t.Helper()
	u, err := w.a.Identity.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestUserEmail: an admin sets, changes and removes a user's e-mail address (API and the
// users page); a bad address or another role is refused.
func TestUserEmail(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	id := mustUserID(t, w, "caoloc")
	path := fmt.Sprintf("/api/v1/users/%d", id)
	if res := w.do("admin", "GET", "/api/v1/users", nil); !strings.Contains(res.Body, `"email":"caoloc@ntm.langson.example"`) {
		t.Fatalf("demo users have addresses: %s", res.Body)
	}
	for _, c := range []struct {
		user string
		body any
		want int
	}{
		{"admin", map[string]any{"email": "không phải địa chỉ"}, 422},
		{"admin", map[string]any{"email": "A <a@b.example>"}, 422},
		{"admin", map[string]any{"email": strings.Repeat("a", 250) + "@b.example"}, 422},
		{"admin", map[string]any{"email": 5}, 400},
		{"tinh", map[string]any{"email": "loc@caoloc.example"}, 403},
		{"caoloc", map[string]any{"email": "loc@caoloc.example"}, 403},
	} {
		if res := w.do(c.user, "PATCH", path, c.body); res.Status != c.want {
			t.Errorf("PATCH %v as %s: %d %s, want %d", c.body, c.user, res.Status, res.Body, c.want)
		}
	}
	if res := w.do("admin", "PATCH", "/api/v1/users/999999", map[string]any{"email": "x@y.example"}); res.Status != 404 {
		t.Errorf("PATCH a missing user: %d", res.Status)
	}
	res := w.do("admin", "PATCH", path, map[string]any{"email": " loc@caoloc.example "})
	if res.Status != 200 || !strings.Contains(res.Body, `"email":"loc@caoloc.example"`) {
		t.Fatalf("set the address: %d %s", res.Status, res.Body)
	}
	if res := w.do("admin", "PATCH", path, map[string]any{}); res.Status != 200 || !strings.Contains(res.Body, `"email":"loc@caoloc.example"`) {
		t.Fatalf("an empty change: %d %s", res.Status, res.Body)
	}
	if res := w.do("admin", "PATCH", path, map[string]any{"email": ""}); res.Status != 200 || !strings.Contains(res.Body, `"email":null`) {
		t.Fatalf("remove the address: %d %s", res.Status, res.Body)
	}
	res = w.do("admin", "POST", "/api/v1/users", map[string]any{"username": "lan.caoloc", "full_name": "Hoàng Thị Lan",
		"password": "mat-khau-rat-dai-2024!", "email": "lan@caoloc.example",
		"roles": []map[string]string{{"role": "district_reviewer", "unit_code": "183"}}})
	if res.Status != 201 || !strings.Contains(res.Body, `"email":"lan@caoloc.example"`) {
		t.Fatalf("create with an address: %d %s", res.Status, res.Body)
	}
	if res := w.do("admin", "POST", "/api/v1/users", map[string]any{"username": "mai.caoloc", "full_name": "Hoàng Thị Mai",
		"password": "mat-khau-rat-dai-2024!", "email": "mai@",
		"roles": []map[string]string{{"role": "district_reviewer", "unit_code": "183"}}}); res.Status != 422 || !strings.Contains(res.Body, `"email"`) {
		t.Fatalf("create with a bad address: %d %s", res.Status, res.Body)
	}

	// The users page: the address in its form, saved from it.
	b := newBrowser(t, w.a)
	b.login("admin")
	_, body, _ := b.get("/users")
	if !strings.Contains(body, `value="lan@caoloc.example"`) || !strings.Contains(body, fmt.Sprintf(`action="/users/%d/email"`, id)) {
		t.Fatalf("users page:\n%s", body)
	}
	status, _, h := b.post(fmt.Sprintf("/users/%d/email", id), url.Values{"email": {"loc2@caoloc.example"}, "csrf_token": {b.csrf}})
	if status != http.StatusSeeOther || h.Get("Location") != "/users" {
		t.Fatalf("save from the page: %d %v", status, h)
	}
	_, body, _ = b.get("/users")
	if !strings.Contains(body, `value="loc2@caoloc.example"`) || !strings.Contains(body, "Đã lưu địa chỉ thư điện tử.") {
		t.Fatalf("users page after saving:\n%s", body)
	}
	b.post(fmt.Sprintf("/users/%d/email", id), url.Values{"email": {"sai địa chỉ"}, "csrf_token": {b.csrf}})
	_, body, _ = b.get("/users")
	if !strings.Contains(body, `value="loc2@caoloc.example"`) || !strings.Contains(body, "Địa chỉ thư điện tử không hợp lệ; chưa lưu.") {
		t.Fatalf("users page after a bad address:\n%s", body)
	}
}
