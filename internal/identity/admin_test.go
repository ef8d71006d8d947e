package identity_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/identity"
)

// twoProvinces creates the admins of Lạng Sơn (20) and Hà Nội (01) and a user who is an
// admin in 01 and an observer in 20.
func twoProvinces(t *testing.T) (svc *identity.Service, admin20 *authz.Principal, both identity.Account) {
	t.Helper()
	ctx := context.Background()
	svc, _ = newService(t)
	for _, u := range []identity.NewUser{
		{Username: "admin20", FullName: "Quản trị Lạng Sơn", Roles: []identity.RoleAt{{Role: "admin", UnitCode: "20"}}},
		{Username: "admin01", FullName: "Quản trị Hà Nội", Roles: []identity.RoleAt{{Role: "admin", UnitCode: "01"}}},
		{Username: "hai.tinh", FullName: "Người hai tỉnh", Roles: []identity.RoleAt{{Role: "admin", UnitCode: "01"}, {Role: "observer", UnitCode: "20"}}},
	} {
		u.Password = testPassword
		acc, err := svc.CreateUser(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		both = acc
	}
	admin20, err := svc.PrincipalFor(ctx, "admin20")
	if err != nil {
		t.Fatal(err)
	}
	return svc, admin20, both
}

func rolesOf(acc identity.Account) string {
	var parts []string
	for _, r := range acc.Roles {
		parts = append(parts, r.Role+"@"+r.UnitCode)
	}
	return strings.Join(parts, ",")
}

// An admin manages only the grants inside its province: it neither sees nor changes the
// others, and cannot disable an account that also works elsewhere.
func TestAdminStaysInsideItsProvince(t *testing.T) {
	ctx := context.Background()
	svc, admin20, both := twoProvinces(t)
	sess, err := svc.Login(ctx, "hai.tinh", testPassword, "10.0.0.1", "")
	if err != nil {
		t.Fatal(err)
	}

	list, err := svc.AdminListUsers(ctx, admin20, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, acc := range list {
		if acc.Username == "admin01" {
			t.Errorf("the list shows a user of another province: %+v", acc)
		}
		if acc.Username == "hai.tinh" && rolesOf(acc) != "observer@20" {
			t.Errorf("the list shows roles of another province: %s", rolesOf(acc))
		}
	}

	// Narrowing the list to a district selects users, not roles: all local roles show.
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "hai.cap", FullName: "Hai cấp", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "observer", UnitCode: "20"}, {Role: "district_reviewer", UnitCode: "183"}}}); err != nil {
		t.Fatal(err)
	}
	if list, err = svc.AdminListUsers(ctx, admin20, "183"); err != nil || len(list) != 1 || rolesOf(list[0]) != "observer@20,district_reviewer@183" {
		t.Fatalf("users of 183: %+v, %v", list, err)
	}

	acc, err := svc.AdminReplaceRoles(ctx, admin20, both.ID, []identity.RoleAt{{Role: "observer", UnitCode: "183"}})
	if err != nil || rolesOf(acc) != "observer@183" {
		t.Fatalf("replace roles: %s, %v; want only observer@183 shown", rolesOf(acc), err)
	}
	p, err := svc.PrincipalFor(ctx, "hai.tinh")
	if err != nil || len(p.Grants) != 2 || p.Grants[0].UnitCode != "01" || p.Grants[1].UnitCode != "183" {
		t.Fatalf("grants after replace: %+v, %v; want admin@01 kept beside observer@183", p.Grants, err)
	}

	_, err = svc.AdminDisableUser(ctx, admin20, both.ID)
	if !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("disable a user with roles elsewhere: %v, want forbidden", err)
	}
	if _, err := svc.Authenticate(ctx, sess.Token); err != nil {
		t.Fatalf("the refused disable ended the user's session: %v", err)
	}
	admin01, err := svc.PrincipalFor(ctx, "admin01")
	if err != nil {
		t.Fatal(err)
	}

	// Once only the local roles are left, the local admin may disable the account.
	if _, err := svc.AdminReplaceRoles(ctx, admin01, both.ID, nil); err != nil {
		t.Fatal(err)
	}
	acc, err = svc.AdminDisableUser(ctx, admin20, both.ID)
	if err != nil || !acc.Disabled || rolesOf(acc) != "observer@183" {
		t.Fatalf("disable a local user: %+v, %v", acc, err)
	}
}

// nil is nobody: every principal-taking operation refuses it.
func TestIdentityRefusesNilPrincipal(t *testing.T) {
	ctx := context.Background()
	svc, _, both := twoProvinces(t)
	errs := map[string]error{}
	_, errs["Me"] = svc.Me(ctx, nil)
	_, errs["AdminListUsers"] = svc.AdminListUsers(ctx, nil, "")
	_, errs["AdminCreateUser"] = svc.AdminCreateUser(ctx, nil, identity.NewUser{Username: "x.y.z", FullName: "X", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "observer", UnitCode: "20"}}})
	_, errs["AdminReplaceRoles"] = svc.AdminReplaceRoles(ctx, nil, both.ID, nil)
	_, errs["AdminDisableUser"] = svc.AdminDisableUser(ctx, nil, both.ID)
	for name, err := range errs {
		if !errors.Is(err, apperr.ErrUnauthenticated) {
			t.Errorf("%s(nil) = %v, want unauthenticated", name, err)
		}
	}
}

// A taken username is a conflict, whatever its case, also for two creates at once.
func TestDuplicateUsernameIsConflict(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	in := identity.NewUser{Username: "xa.haiyen", FullName: "Lộc Văn Hải", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06220"}}}
	if _, err := svc.CreateUser(ctx, in); err != nil {
		t.Fatal(err)
	}
	in.Username = " Xa.HaiYen "
	if _, err := svc.CreateUser(ctx, in); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("duplicate username: %v, want conflict", err)
	}

	var wg sync.WaitGroup
	results := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = svc.CreateUser(ctx, identity.NewUser{Username: "xa.mauson", FullName: "Triệu Thị Mẫu", Password: testPassword,
				Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06238"}}})
		}()
	}
	wg.Wait()
	created := 0
	for _, err := range results {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, apperr.ErrConflict):
			t.Errorf("concurrent create: %v, want conflict", err)
		}
	}
	if created != 1 {
		t.Fatalf("%d concurrent creates succeeded, want 1 (%v)", created, results)
	}
}
