package server_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

func TestUsersAdminAPI(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	newUser := map[string]any{"username": "xa.thuylang", "full_name": "Hà Thị Thuỵ", "password": "mat-khau-dai-12",
		"roles": []map[string]string{{"role": "commune_officer", "unit_code": "06226"}}}
	runScenarios(t, a, []scenario{
		{"anonymous cannot list", "GET", "/api/v1/users", "", nil, 401, []string{`"unauthenticated"`}, nil},
		{"province approver is not an admin", "GET", "/api/v1/users", "tinh", nil, 403, []string{`"forbidden"`}, nil},
		{"commune officer cannot create", "POST", "/api/v1/users", "xa.haiyen", newUser, 403, []string{`"forbidden"`}, nil},
		{"admin lists the province", "GET", "/api/v1/users", "admin", nil, 200,
			[]string{`"username":"caoloc"`, `"username":"xa.tantac"`, `"username":"tinh"`}, nil},
		{"admin narrows to Cao Lộc", "GET", "/api/v1/users?unit=183", "admin", nil, 200,
			[]string{`"username":"caoloc"`, `"username":"xa.haiyen"`, `"username":"xa.mauson"`}, []string{`"xa.tantac"`, `"vanlang"`, `"password`}},
		{"unit outside the province", "GET", "/api/v1/users?unit=01", "admin", nil, 404, []string{`"not_found"`}, nil},
		{"admin creates", "POST", "/api/v1/users", "admin", newUser, 201, []string{`"username":"xa.thuylang"`, `"unit_code":"06226"`}, []string{"password"}},
		{"duplicate username", "POST", "/api/v1/users", "admin", newUser, 409, []string{`"conflict"`, `xa.thuylang`, `already taken`}, nil},
		{"duplicate username in other case", "POST", "/api/v1/users", "admin", map[string]any{"username": "XA.ThuyLang", "full_name": "X Y",
			"password": "mat-khau-dai-12", "roles": []map[string]string{{"role": "observer", "unit_code": "20"}}}, 409, []string{`"conflict"`}, nil},
		{"ten spaces as password", "POST", "/api/v1/users", "admin", map[string]any{"username": "spaces.pw", "full_name": "X Y",
			"password": "          ", "roles": []map[string]string{{"role": "observer", "unit_code": "20"}}}, 422,
			[]string{`"validation_failed"`, `"password":"must not be only spaces"`}, nil},
		{"username as password", "POST", "/api/v1/users", "admin", map[string]any{"username": "nguyen.van.an", "full_name": "Nguyễn Văn An",
			"password": "Nguyen.Van.An", "roles": []map[string]string{{"role": "observer", "unit_code": "20"}}}, 422,
			[]string{`"password":"must not be the username"`}, nil},
		{"common password", "POST", "/api/v1/users", "admin", map[string]any{"username": "common.pw", "full_name": "X Y",
			"password": "password123", "roles": []map[string]string{{"role": "observer", "unit_code": "20"}}}, 422,
			[]string{`"password":"is too easy to guess`}, nil},
		{"the published demo password", "POST", "/api/v1/users", "admin", map[string]any{"username": "demo.pw", "full_name": "X Y",
			"password": "ntm-demo-2022", "roles": []map[string]string{{"role": "observer", "unit_code": "20"}}}, 422,
			[]string{`"password":"is too easy to guess`}, nil},
		{"role outside the province", "POST", "/api/v1/users", "admin", map[string]any{"username": "hanoi.x", "full_name": "X Y",
			"password": "mat-khau-dai-12", "roles": []map[string]string{{"role": "commune_officer", "unit_code": "00001"}}}, 422,
			[]string{`"roles[0].unit_code":"is outside the units you administer"`}, nil},
		{"role at the wrong level", "POST", "/api/v1/users", "admin", map[string]any{"username": "bad.level", "full_name": "X Y",
			"password": "mat-khau-dai-12", "roles": []map[string]string{{"role": "district_reviewer", "unit_code": "06220"}}}, 422,
			[]string{`"roles[0].unit_code"`}, nil},
		{"short password", "POST", "/api/v1/users", "admin", map[string]any{"username": "short.pw", "full_name": "X Y",
			"password": "short", "roles": []map[string]string{{"role": "observer", "unit_code": "20"}}}, 422, []string{`"password"`}, nil},
	})
	// The new user can sign in.
	s := a.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "xa.thuylang", "password": "mat-khau-dai-12"})
	if s.Status != 200 {
		t.Fatalf("new user login: %d", s.Status)
	}
	admin := a.Login(t, "admin")
	var created struct {
		Items []struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
		} `json:"items"`
	}
	a.Do(t, "GET", "/api/v1/users?unit=06226", admin.Token, nil).JSON(t, &created)
	if len(created.Items) != 1 || created.Items[0].Username != "xa.thuylang" {
		t.Fatalf("users of 06226 = %+v", created.Items)
	}
	id := created.Items[0].ID
	path := "/api/v1/users/" + itoa(id)

	// Roles are replaced inside the province.
	res := a.Do(t, "PUT", path+"/roles", admin.Token, map[string]any{"roles": []map[string]string{{"role": "observer", "unit_code": "183"}}})
	if res.Status != 200 || !strings.Contains(res.Body, `{"role":"observer","unit_code":"183"}`) || strings.Contains(res.Body, "06226") {
		t.Fatalf("replace roles: %d %s", res.Status, res.Body)
	}
	// Disabling ends the user's session at once.
	var login struct {
		Token string `json:"token"`
	}
	a.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "xa.thuylang", "password": "mat-khau-dai-12"}).JSON(t, &login)
	if res := a.Do(t, "POST", path+"/disable", admin.Token, nil); res.Status != 200 || !strings.Contains(res.Body, `"disabled":true`) {
		t.Fatalf("disable: %d %s", res.Status, res.Body)
	}
	if res := a.Do(t, "GET", "/api/v1/me", login.Token, nil); res.Status != 401 {
		t.Fatalf("disabled user's token still works: %d", res.Status)
	}
	// A user outside the admin's province is invisible: 404, not 403.
	hanoi, err := a.Identity.CreateUser(t.Context(), newHanoiUser())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path string }{
		{"POST", "/api/v1/users/" + itoa(hanoi.ID) + "/disable"},
		{"PUT", "/api/v1/users/" + itoa(hanoi.ID) + "/roles"},
		{"POST", "/api/v1/users/999999/disable"},
		{"POST", "/api/v1/users/abc/disable"},
	} {
		body := any(nil)
		if c.method == "PUT" {
			body = map[string]any{"roles": []map[string]string{{"role": "observer", "unit_code": "20"}}}
		}
		if res := a.Do(t, c.method, c.path, admin.Token, body); res.Status != 404 {
			t.Errorf("%s %s = %d, want 404", c.method, c.path, res.Status)
		}
	}
	if res := a.Do(t, "POST", "/api/v1/users/"+itoa(id)+"/disable", a.Login(t, "tinh").Token, nil); res.Status != 403 {
		t.Errorf("non-admin disable = %d, want 403", res.Status)
	}
}

// An admin manages the grants inside its province only: a user who also works in another
// province shows only the local roles, keeps the others through PUT /roles, and cannot be
// disabled by this admin (403, the session lives on).
func TestUsersAdminStaysInsideItsProvince(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ctx := t.Context()
	both := newHanoiUser()
	both.FullName = "Người hai tỉnh" // the page must not name the other province at all
	both.Roles = append([]identity.RoleAt{{Role: "admin", UnitCode: "01"}}, identity.RoleAt{Role: "observer", UnitCode: "20"})
	acc, err := a.Identity.CreateUser(ctx, both)
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/users/" + itoa(acc.ID)
	var login struct {
		Token string `json:"token"`
	}
	a.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": both.Username, "password": both.Password}).JSON(t, &login)
	admin := a.Login(t, "admin")

	res := a.Do(t, "GET", "/api/v1/users", admin.Token, nil)
	if res.Status != 200 || !strings.Contains(res.Body, `"username":"hanoi.observer"`) || strings.Contains(res.Body, `"unit_code":"01"`) {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	b := newBrowser(t, a)
	b.login("admin")
	if status, body, _ := b.get("/users"); status != 200 || !strings.Contains(body, "hanoi.observer") || strings.Contains(body, "Hà Nội") {
		t.Fatalf("users page: %d, shows Hà Nội: %v", status, strings.Contains(body, "Hà Nội"))
	}

	res = a.Do(t, "PUT", path+"/roles", admin.Token, map[string]any{"roles": []map[string]string{{"role": "observer", "unit_code": "183"}}})
	if res.Status != 200 || strings.Contains(res.Body, `"01"`) || !strings.Contains(res.Body, `{"role":"observer","unit_code":"183"}`) {
		t.Fatalf("replace roles: %d %s", res.Status, res.Body)
	}
	p, err := a.Identity.PrincipalFor(ctx, both.Username)
	if err != nil || len(p.Grants) != 2 || p.Grants[0].Role != "admin" || p.Grants[0].UnitCode != "01" {
		t.Fatalf("grants after replace: %+v, %v; want admin@01 kept", p.Grants, err)
	}

	res = a.Do(t, "POST", path+"/disable", admin.Token, nil)
	if res.Status != 403 || !strings.Contains(res.Body, `"forbidden"`) || !strings.Contains(res.Body, "outside the units you administer") {
		t.Fatalf("disable: %d %s", res.Status, res.Body)
	}
	if res := a.Do(t, "GET", "/api/v1/me", login.Token, nil); res.Status != 200 || !strings.Contains(res.Body, `"unit_code":"01"`) {
		t.Fatalf("the user's session after the refused disable: %d %s", res.Status, res.Body)
	}
}

// Two admins creating the same username at once: one 201, the other 409, never a 500.
func TestUsersConcurrentCreateIsConflict(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	admin := a.Login(t, "admin")
	body := map[string]any{"username": "xa.thuylang", "full_name": "Hà Thị Thuỵ", "password": "mat-khau-dai-12",
		"roles": []map[string]string{{"role": "commune_officer", "unit_code": "06226"}}}
	statuses := make([]int, 4)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = a.Do(t, "POST", "/api/v1/users", admin.Token, body).Status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != len(statuses)-1 {
		t.Fatalf("concurrent creates: %v, want one 201 and the rest 409", statuses)
	}
}
