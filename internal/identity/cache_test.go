package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/identity"
)

// grantsOf authenticates token and returns its grants, or the error.
func grantsOf(t *testing.T, svc *identity.Service, token string) ([]authz.Grant, error) {
	t.Helper()
	auth, err := svc.Authenticate(context.Background(), token)
	if err != nil {
		return nil, err
	}
	return auth.Principal.Grants, nil
}

// A change of grants, a disabled account or a new password must not be undone by a
// request that authenticates while the change is still uncommitted: the cache is emptied
// after the commit, also when the caller wraps the change in its own transaction.
func TestSessionCacheForgetsChangesAfterOuterCommit(t *testing.T) {
	cases := []struct {
		name   string
		change func(ctx context.Context, svc *identity.Service, admin *authz.Principal, id int64) error
		gone   bool // the session ends (else the grant at 06220 goes, observer at 183 stays)
	}{
		{"revoke (CLI)", func(ctx context.Context, svc *identity.Service, _ *authz.Principal, _ int64) error {
			return svc.RevokeRole(ctx, "xa.haiyen", identity.RoleAt{Role: "commune_officer", UnitCode: "06220"})
		}, false},
		{"admin replaces roles", func(ctx context.Context, svc *identity.Service, admin *authz.Principal, id int64) error {
			_, err := svc.AdminReplaceRoles(ctx, admin, id, []identity.RoleAt{{Role: "observer", UnitCode: "183"}})
			return err
		}, false},
		{"disable (CLI)", func(ctx context.Context, svc *identity.Service, _ *authz.Principal, id int64) error {
			return svc.DisableUser(ctx, id)
		}, true},
		{"admin disables", func(ctx context.Context, svc *identity.Service, admin *authz.Principal, id int64) error {
			_, err := svc.AdminDisableUser(ctx, admin, id)
			return err
		}, true},
		{"set password", func(ctx context.Context, svc *identity.Service, _ *authz.Principal, _ int64) error {
			return svc.SetPassword(ctx, "xa.haiyen", "mot-mat-khau-moi-hoan-toan")
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			svc, _, st := newServiceStore(t)
			if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "admin20", FullName: "Quản trị", Password: testPassword,
				Roles: []identity.RoleAt{{Role: "admin", UnitCode: "20"}}}); err != nil {
				t.Fatal(err)
			}
			acc, err := svc.CreateUser(ctx, identity.NewUser{Username: "xa.haiyen", FullName: "Lộc Văn Hải", Password: testPassword,
				Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06220"}, {Role: "observer", UnitCode: "183"}}})
			if err != nil {
				t.Fatal(err)
			}
			admin, err := svc.PrincipalFor(ctx, "admin20")
			if err != nil {
				t.Fatal(err)
			}
			sess, err := svc.Login(ctx, "xa.haiyen", testPassword, "10.0.0.1", "")
			if err != nil {
				t.Fatal(err)
			}
			err = st.WithTx(ctx, func(ctx context.Context) error {
				if err := c.change(ctx, svc, admin, acc.ID); err != nil {
					return err
				}
				// Another request, on another connection, while the change is uncommitted:
				// it sees the old rows and may cache them.
				if g, err := grantsOf(t, svc, sess.Token); err != nil || len(g) != 2 {
					t.Errorf("before commit: grants %v, %v; want the two old grants", g, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			g, err := grantsOf(t, svc, sess.Token)
			switch {
			case c.gone && !errors.Is(err, apperr.ErrUnauthenticated):
				t.Fatalf("after commit: grants %v, err %v; want the session ended", g, err)
			case !c.gone && (err != nil || len(g) != 1 || g[0].UnitCode != "183"):
				t.Fatalf("after commit: grants %v, err %v; want only observer at 183", g, err)
			}
		})
	}
}

// A request that read the session before a change committed must not cache what it read
// once the change has emptied the cache.
func TestSessionReadBeforeChangeIsNotCached(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "caoloc", FullName: "Nông Văn Lộc", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "district_reviewer", UnitCode: "183"}, {Role: "observer", UnitCode: "20"}}}); err != nil {
		t.Fatal(err)
	}
	sess, err := svc.Login(ctx, "caoloc", testPassword, "10.0.0.1", "")
	if err != nil {
		t.Fatal(err)
	}
	revoked := false
	identity.SetBeforeCache(svc, func() {
		if !revoked {
			revoked = true
			if err := svc.RevokeRole(ctx, "caoloc", identity.RoleAt{Role: "observer", UnitCode: "20"}); err != nil {
				t.Error(err)
			}
		}
	})
	if g, err := grantsOf(t, svc, sess.Token); err != nil || len(g) != 2 {
		t.Fatalf("in-flight request: %v, %v; want the two grants it read", g, err)
	}
	if g, err := grantsOf(t, svc, sess.Token); err != nil || len(g) != 1 || g[0].Role != authz.DistrictReviewer {
		t.Fatalf("next request: grants %v, err %v; want only district_reviewer (the revoked grant was cached)", g, err)
	}
}

// Logging out ends the token at once, also for a request that read it just before.
func TestLogoutDuringAuthenticate(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "tinh", FullName: "Hoàng Văn Tỉnh", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "20"}}}); err != nil {
		t.Fatal(err)
	}
	sess, err := svc.Login(ctx, "tinh", testPassword, "10.0.0.1", "")
	if err != nil {
		t.Fatal(err)
	}
	done := false
	identity.SetBeforeCache(svc, func() {
		if !done {
			done = true
			if err := svc.Logout(ctx, identity.HashToken(sess.Token)); err != nil {
				t.Error(err)
			}
		}
	})
	_, _ = grantsOf(t, svc, sess.Token)
	if _, err := grantsOf(t, svc, sess.Token); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("token after logout: %v, want unauthenticated", err)
	}
}
