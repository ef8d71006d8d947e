package server_test

import (
	"strings"
	"testing"

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
		{"duplicate username", "POST", "/api/v1/users", "admin", newUser, 422, []string{`"validation_failed"`, `"username"`}, nil},
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
