package identity_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/identity"
)

func TestPasswordRules(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	cases := []struct {
		password string
		want     string // "" = accepted; else a part of the password message
	}{
		{"short", "at least 10 characters"},
		{strings.Repeat(" ", 10), "only spaces"},
		{"\t \u00a0        ", "only spaces"},
		{"Nguyen.Van.Binh", "must not be the username"},
		{"password123", "too easy to guess"},
		{"1234567890", "too easy to guess"},
		{"qwertyuiop", "too easy to guess"},
		{"iloveyou12", "too easy to guess"},
		{"matkhau123", "too easy to guess"},           // "password123" in Vietnamese
		{"ntm-demo-2022", "too easy to guess"},        // published in the README
		{"nguyenvanbinh1", "too easy to guess"},       // the full name run together
		{"Nguyễn Văn Bình 2024", "too easy to guess"}, // the full name and a year
		{strings.Repeat("ab", 200), "at most 256 bytes"},
		{"vuon-cam-duong-canh", ""},
		{"toi-yeu-lang-son", ""},
		{"correct horse battery staple", ""},
		{"Tr0ub4dor&3", ""},
		{"Ánh trăng lạnh bên hồ Tam Thanh", ""},
	}
	for i, c := range cases {
		// A fresh username per case: refused cases store nothing, accepted ones keep theirs.
		username := fmt.Sprintf("nguyen.van.binh%d", i)
		if strings.EqualFold(c.password, "nguyen.van.binh") {
			username = "nguyen.van.binh"
		}
		_, err := svc.CreateUser(ctx, identity.NewUser{Username: username, FullName: "Nguyễn Văn Bình", Password: c.password,
			Roles: []identity.RoleAt{{Role: "observer", UnitCode: "20"}}})
		var ve *apperr.ValidationError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%d %q refused: %v", i, c.password, err)
		case c.want != "" && (!errors.As(err, &ve) || !strings.Contains(ve.Fields["password"], c.want)):
			t.Errorf("%d %q: err %v, want password %q", i, c.password, err, c.want)
		}
	}
	// set-password applies the same rules, with the account's own names.
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "hoang.thi.lan", FullName: "Hoàng Thị Lan", Password: testPassword,
		Roles: []identity.RoleAt{{Role: "observer", UnitCode: "20"}}}); err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{"1234567890", "HOANG.THI.LAN", "hoangthilan1", strings.Repeat(" ", 12)} {
		var ve *apperr.ValidationError
		if err := svc.SetPassword(ctx, "hoang.thi.lan", pw); !errors.As(err, &ve) || ve.Fields["password"] == "" {
			t.Errorf("set-password accepted %q: %v", pw, err)
		}
	}
	if err := svc.SetPassword(ctx, "hoang.thi.lan", "mot-mat-khau-moi-hoan-toan"); err != nil {
		t.Errorf("set-password refused a strong password: %v", err)
	}
}

// The demo accounts keep the published password (SPEC §9): only they skip the strength
// check, and still not the length.
func TestDemoAccountsKeepThePublishedPassword(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	if _, err := svc.CreateUser(ctx, identity.NewUser{Username: "tinh", FullName: "T", Password: "ntm-demo-2022", IsDemo: true,
		Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "20"}}}); err != nil {
		t.Fatalf("demo account: %v", err)
	}
	if _, err := svc.Login(ctx, "tinh", "ntm-demo-2022", "10.0.0.1", ""); err != nil {
		t.Fatalf("demo login: %v", err)
	}
	_, err := svc.CreateUser(ctx, identity.NewUser{Username: "tinh2", FullName: "T", Password: "short", IsDemo: true,
		Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "20"}}})
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || ve.Fields["password"] == "" {
		t.Fatalf("short demo password: %v", err)
	}
}

// The strength check looks at a bounded prefix, so a long password cannot make it slow.
func TestPasswordCheckIsBounded(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	start := time.Now()
	_, err := svc.CreateUser(ctx, identity.NewUser{Username: "dai", FullName: "D", Password: strings.Repeat("aZ9!kq", 42),
		Roles: []identity.RoleAt{{Role: "observer", UnitCode: "20"}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a 252-byte password took %s to check and store", d)
	}
}
