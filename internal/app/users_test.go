package app_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/config"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// `ntmflow user create` answers a taken username (in any case) with a conflict and a weak
// password with a field error, like the API.
func TestUserCreateCommand(t *testing.T) {
	if testkit.PostgresURL() != "" {
		t.Skip("the command's storage paths run on both databases in internal/identity")
	}
	dir := t.TempDir()
	cfg, err := config.FromEnv(func(k string) string { return map[string]string{"NTMFLOW_DATA_DIR": dir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := app.ImportUnitsFile(ctx, cfg, "../units/data/vn-admin-units-2025-03-01.csv", "", io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := app.UserCreate(ctx, cfg, newRealUser(), io.Discard); err != nil {
		t.Fatal(err)
	}
	dup := newRealUser()
	dup.Username = "Nguyen.Van.A"
	if err := app.UserCreate(ctx, cfg, dup, io.Discard); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("duplicate username: %v, want conflict", err)
	}
	weak := newRealUser()
	weak.Username, weak.Password = "nguyen.van.b", app.DemoPassword
	var ve *apperr.ValidationError
	if err := app.UserCreate(ctx, cfg, weak, io.Discard); !errors.As(err, &ve) || ve.Fields["password"] == "" {
		t.Fatalf("the published demo password for a real account: %v, want a password error", err)
	}
	if err := app.UserSetPassword(ctx, cfg, "nguyen.van.a", "          ", io.Discard); !errors.As(err, &ve) || ve.Fields["password"] == "" {
		t.Fatalf("set-password to ten spaces: %v, want a password error", err)
	}
}
