package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ntmflow/ntmflow/internal/config"
	"github.com/ntmflow/ntmflow/internal/identity"
)

// DemoPassword is the published password of every demo account (SPEC §9).
const DemoPassword = "ntm-demo-2022"

// DemoUsers are the accounts of SPEC §9.
var DemoUsers = []identity.NewUser{
	{Username: "admin", Email: "admin@ntm.langson.example", FullName: "Quản trị hệ thống tỉnh Lạng Sơn", Roles: []identity.RoleAt{{Role: "admin", UnitCode: "20"}}},
	{Username: "tinh", Email: "tinh@ntm.langson.example", FullName: "Hoàng Văn Tỉnh (UBND tỉnh)", Roles: []identity.RoleAt{{Role: "province_approver", UnitCode: "20"}}},
	{Username: "quansat", Email: "quansat@ntm.langson.example", FullName: "Lương Thị Quan Sát", Roles: []identity.RoleAt{{Role: "observer", UnitCode: "20"}}},
	{Username: "caoloc", Email: "caoloc@ntm.langson.example", FullName: "Nông Văn Lộc (huyện Cao Lộc)", Roles: []identity.RoleAt{{Role: "district_reviewer", UnitCode: "183"}}},
	{Username: "vanlang", Email: "vanlang@ntm.langson.example", FullName: "Vi Thị Lãng (huyện Văn Lãng)", Roles: []identity.RoleAt{{Role: "district_reviewer", UnitCode: "182"}}},
	{Username: "xa.haiyen", Email: "xa.haiyen@ntm.langson.example", FullName: "Lộc Văn Hải (xã Hải Yến)", Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06220"}}},
	{Username: "xa.mauson", Email: "xa.mauson@ntm.langson.example", FullName: "Triệu Thị Mẫu (xã Mẫu Sơn)", Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06238"}}},
	{Username: "xa.tantac", Email: "xa.tantac@ntm.langson.example", FullName: "Hoàng Văn Tác (xã Tân Tác)", Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06142"}}},
}

// ErrNotDemoDatabase stops the demo seed on a database that holds real accounts.
var ErrNotDemoDatabase = errors.New("this database holds non-demo users: refusing to add demo data")

// SeedOptions tunes Seed.
type SeedOptions struct {
	// IfNew skips seeding quietly when the database already has users (make run).
	IfNew bool
	// TwoTier adds the two-tier world of SPEC §12 after the demo (seed --demo --two-tier).
	TwoTier bool
}

// Seed loads the demo data of SPEC §9: all units, the demo accounts, the criteria sets,
// the campaign with its 2022 targets, nominations in every status, and the movement's
// figures of the source document (SPEC §11). It can be run again: existing demo data is
// kept and whatever is missing is added.
func Seed(ctx context.Context, cfg config.Config, opt SeedOptions, out io.Writer) error {
	return withServices(ctx, cfg, func(s *Services) error {
		demo, other, err := s.Identity.CountUsers(ctx)
		if err != nil {
			return err
		}
		if opt.IfNew && demo+other > 0 {
			fmt.Fprintln(out, "database already has users: demo seed skipped")
			return nil
		}
		if other > 0 {
			return ErrNotDemoDatabase
		}
		if opt.TwoTier {
			return SeedDemoTwoTier(ctx, s, out)
		}
		return SeedDemo(ctx, s, out)
	})
}

// SeedDemo adds the demo data to an open database (tests call it directly): the
// three-tier world of 2022–2025 and, today, an NTM commune title on public notice.
func SeedDemo(ctx context.Context, s *Services, out io.Writer) error {
	reformed, err := seedThreeTier(ctx, s, out)
	if err != nil || reformed {
		return err
	}
	return seedNotice(ctx, s, threeTierNotice, out)
}

// seedThreeTier adds the data of the three-tier world, unless the reform is loaded
// already (reformed true): its units, users, criteria, campaign, dossiers and movement.
func seedThreeTier(ctx context.Context, s *Services, out io.Writer) (reformed bool, err error) {
	// Once the reform is loaded (seed --two-tier), the three-tier demo is history: its
	// districts have ended, and it ran before the reform was loaded.
	if reformed, err := twoTierLoaded(ctx, s); err != nil || reformed {
		if reformed {
			fmt.Fprintln(out, "three-tier demo data: kept as history (the two-tier units are already loaded)")
		}
		return reformed, err
	}
	if err := ImportEmbeddedUnits(ctx, s, out); err != nil {
		return false, err
	}
	if err := seedDemoUsers(ctx, s, DemoUsers, "demo users", out); err != nil {
		return false, err
	}
	if err := seedCriteria(ctx, s, out); err != nil {
		return false, err
	}
	campaignID, err := seedCampaign(ctx, s, out)
	if err != nil {
		return false, err
	}
	if err := seedNominations(ctx, s, campaignID, out); err != nil {
		return false, err
	}
	return false, seedMovement(ctx, s, out)
}

// UserCreate implements `ntmflow user create`.
func UserCreate(ctx context.Context, cfg config.Config, in identity.NewUser, out io.Writer) error {
	return withServices(ctx, cfg, func(s *Services) error {
		acc, err := s.Identity.CreateUser(ctx, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "created user %s (id %d) with %d role(s)\n", acc.Username, acc.ID, len(acc.Roles))
		return nil
	})
}

// UserSetPassword implements `ntmflow user set-password`.
func UserSetPassword(ctx context.Context, cfg config.Config, username, password string, out io.Writer) error {
	return withServices(ctx, cfg, func(s *Services) error {
		if err := s.Identity.SetPassword(ctx, username, password); err != nil {
			return err
		}
		fmt.Fprintf(out, "password of %s changed; their sessions were ended\n", username)
		return nil
	})
}

// UserGrant implements `ntmflow user grant` and `ntmflow user revoke`.
func UserGrant(ctx context.Context, cfg config.Config, username string, role identity.RoleAt, revoke bool, out io.Writer) error {
	return withServices(ctx, cfg, func(s *Services) error {
		if revoke {
			if err := s.Identity.RevokeRole(ctx, username, role); err != nil {
				return err
			}
			fmt.Fprintf(out, "%s no longer holds %s at %s\n", username, role.Role, role.UnitCode)
			return nil
		}
		if err := s.Identity.GrantRole(ctx, username, role); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s now holds %s at %s\n", username, role.Role, role.UnitCode)
		return nil
	})
}

// UserDisable implements `ntmflow user disable`.
func UserDisable(ctx context.Context, cfg config.Config, username string, out io.Writer) error {
	return withServices(ctx, cfg, func(s *Services) error {
		u, err := s.Identity.UserByUsername(ctx, username)
		if err != nil {
			return err
		}
		if err := s.Identity.DisableUser(ctx, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s is disabled; their sessions were ended\n", username)
		return nil
	})
}
