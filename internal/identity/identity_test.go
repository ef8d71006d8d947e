package identity_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// testPassword passes the strength check; the published demo password does not, outside
// the demo accounts.
const testPassword = "vuon-cam-duong-canh"

func newService(t *testing.T) (*identity.Service, *units.Service) {
	t.Helper()
	svc, u, _ := newServiceStore(t)
	return svc, u
}

func newServiceStore(t *testing.T) (*identity.Service, *units.Service, *store.Store) {
	t.Helper()
	st := testkit.NewDB(t)
	u := units.NewService(st)
	testkit.ImportUnits(t, u, "20", "01")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	return identity.NewService(st, u, az, identity.Config{Secret: strings.Repeat("s", 32)}), u, st
}

func TestLoginAuthenticateLogout(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	_, err := svc.CreateUser(ctx, identity.NewUser{Username: "caoloc", FullName: "Nông Văn Lộc", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "district_reviewer", UnitCode: "183"}}})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := svc.Login(ctx, "CaoLoc", testPassword, "10.0.0.1", "test")
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	auth, err := svc.Authenticate(ctx, sess.Token)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	if auth.Principal.Username != "caoloc" || len(auth.Principal.Grants) != 1 || auth.Principal.Grants[0].UnitPath != "/20/183" {
		t.Fatalf("principal = %+v", auth.Principal)
	}
	if !svc.CheckCSRF(auth.TokenHash, sess.CSRFToken) || svc.CheckCSRF(auth.TokenHash, sess.CSRFToken+"x") {
		t.Fatal("CSRF token check is wrong")
	}
	if err := svc.Logout(ctx, auth.TokenHash); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, sess.Token); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("after logout: %v, want unauthenticated", err)
	}
}

func TestWrongPasswordAndUnknownUserLookAlike(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "tinh", FullName: "T", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "20"}}}); err != nil {
		t.Fatal(err)
	}
	_, e1 := svc.Login(ctx, "tinh", "wrong-password", "10.0.0.2", "")
	_, e2 := svc.Login(ctx, "nobody", "wrong-password", "10.0.0.3", "")
	if !errors.Is(e1, apperr.ErrInvalidCredentials) || !errors.Is(e2, apperr.ErrInvalidCredentials) || e1.Error() != e2.Error() {
		t.Fatalf("wrong password: %v; unknown user: %v", e1, e2)
	}
}

func TestLoginThrottleHoldsUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "tinh", FullName: "T", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "20"}}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[string]int{}
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.Login(ctx, "tinh", "guess-"+string(rune('a'+i)), "10.0.1."+string(rune('0'+i%10)), "")
			var rl *apperr.RateLimited
			key := "other"
			switch {
			case errors.As(err, &rl):
				key = "limited"
				if rl.RetryAfterSeconds <= 0 {
					t.Errorf("Retry-After = %d", rl.RetryAfterSeconds)
				}
			case errors.Is(err, apperr.ErrInvalidCredentials):
				key = "invalid"
			}
			mu.Lock()
			counts[key]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts["invalid"] != 5 || counts["limited"] != 15 {
		t.Fatalf("20 concurrent wrong guesses: %v, want exactly 5 checked and 15 limited", counts)
	}
	// The right password is now limited too: the account is locked for the window.
	if _, err := svc.Login(ctx, "tinh", testPassword, "10.0.9.9", ""); !errors.Is(err, apperr.ErrRateLimited) {
		t.Fatalf("login during lockout: %v", err)
	}
}

func TestSuccessfulLoginsAreNotThrottled(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "xa.haiyen", FullName: "H", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06220"}}}); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if _, err := svc.Login(ctx, "xa.haiyen", testPassword, "10.0.0.5", ""); err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
	}
}

func TestDisableEndsSessions(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	acc, err := svc.CreateUser(ctx, identity.NewUser{Username: "vanlang", FullName: "V", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "district_reviewer", UnitCode: "182"}}})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := svc.Login(ctx, "vanlang", testPassword, "10.0.0.6", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.DisableUser(ctx, acc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, sess.Token); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("session of a disabled user: %v", err)
	}
	if _, err := svc.Login(ctx, "vanlang", testPassword, "10.0.0.6", ""); !errors.Is(err, apperr.ErrInvalidCredentials) {
		t.Fatalf("disabled user login: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	u := units.NewService(st)
	testkit.ImportUnits(t, u, "20")
	az, _ := authz.New()
	svc := identity.NewService(st, u, az, identity.Config{Secret: strings.Repeat("k", 32), IdleTimeout: 50 * time.Millisecond, AbsoluteTimeout: time.Hour})
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "tinh", FullName: "T", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "20"}}}); err != nil {
		t.Fatal(err)
	}
	sess, err := svc.Login(ctx, "tinh", testPassword, "10.0.0.7", "")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(120 * time.Millisecond)
	if _, err := svc.Authenticate(ctx, sess.Token); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("idle session still valid: %v", err)
	}
}

func TestCreateUserValidation(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	_, err := svc.CreateUser(ctx, identity.NewUser{Username: "X", FullName: "", Password: "short",
		Roles: []identity.RoleAt{{Role: "district_reviewer", UnitCode: "06220"}, {Role: "king", UnitCode: "20"}, {Role: "observer", UnitCode: "99999"}}})
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want validation error", err)
	}
	for _, f := range []string{"username", "full_name", "password", "roles[0].unit_code", "roles[1].role", "roles[2].unit_code"} {
		if _, ok := ve.Fields[f]; !ok {
			t.Errorf("no message for %s in %v", f, ve.Fields)
		}
	}
	// The level a role is held at comes from the policy's level column (authz.LevelsFor).
	if got := ve.Fields["roles[0].unit_code"]; got != "district_reviewer is held at a district" {
		t.Errorf("level message = %q", got)
	}
	if _, err := svc.UserByUsername(ctx, "x"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatal("an invalid user was stored")
	}
}
