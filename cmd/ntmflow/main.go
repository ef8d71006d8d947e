// Command ntmflow runs the NTM recognition workflow server and its admin tasks.
// It only parses flags; the work is done in internal/app.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/config"
	"github.com/ntmflow/ntmflow/internal/gendata"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/logx"
)

const usage = `ntmflow — recognition of model gardens and model residential areas (Nông thôn mới)

Usage:
  ntmflow serve                          migrate the database and serve HTTP
  ntmflow migrate up|status              apply or list database migrations
  ntmflow seed --demo [--if-new] [--two-tier]
                                         load the demo data (units, accounts, …); with
                                         --two-tier, the world since 1 July 2025 as well
  ntmflow import-units FILE.csv [--valid-from YYYY-MM-DD] [--succession FILE.csv]
                                         load administrative units (idempotent); with a
                                         succession file, the units of a reform (SPEC §12)
  ntmflow user create USERNAME --name "Full Name" [--role ROLE@UNIT]… [--locale vi|en]
  ntmflow user set-password USERNAME
  ntmflow user grant|revoke USERNAME ROLE@UNIT
  ntmflow user disable USERNAME
  ntmflow gen-data [--nominations N] [--seed S] [--focus CODE --focus-share F]
                                         fill a fresh database with national-scale data
  ntmflow report national [--year YYYY]  recognitions and pipeline of every province
  ntmflow remind                         one sweep of deadline reminders and escalations
                                         (for cron; serve also runs it every 15 minutes)
  ntmflow version
  ntmflow help

Passwords are read from NTMFLOW_PASSWORD or, when unset, from the first line of stdin.
Configuration comes from the environment: NTMFLOW_ADDR (127.0.0.1:8080), DATABASE_URL
(postgres://… or unset for embedded SQLite), NTMFLOW_DATA_DIR (./data), NTMFLOW_SECRET,
NTMFLOW_LOG_LEVEL (debug|info|warn|error), NTMFLOW_SMTP_URL (smtp://user:pass@host:port:
e-mail notifications, STARTTLS when offered) and NTMFLOW_SMTP_FROM (the sender address).
`

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ntmflow:", describe(err))
		os.Exit(1)
	}
}

// describe turns an error into one line for the operator.
func describe(err error) string {
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return err.Error()
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "--version":
		fmt.Fprintln(stdout, "ntmflow", app.Version)
		return nil
	}
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (NTMFLOW_ADDR)")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
		// A soft memory limit keeps a modest server small under load; GOMEMLIMIT overrides it.
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(64 << 20)
		}
		return app.Serve(ctx, cfg, logx.New(os.Stderr, cfg.LogLevel))
	case "migrate":
		sub := "up"
		if len(rest) > 0 {
			sub = rest[0]
		}
		switch sub {
		case "up":
			return app.MigrateUp(ctx, cfg, stdout)
		case "status":
			return app.MigrateStatus(ctx, cfg, stdout)
		}
		return fmt.Errorf("unknown migrate command %q (want up or status)", sub)
	case "seed":
		fs := flag.NewFlagSet("seed", flag.ContinueOnError)
		demo := fs.Bool("demo", false, "load the demo data of SPEC §9")
		ifNew := fs.Bool("if-new", false, "do nothing when the database already has users")
		twoTier := fs.Bool("two-tier", false, "also load the two-tier world since 1 July 2025 (SPEC §12)")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if !*demo {
			return errors.New("seed needs --demo (the only data set there is)")
		}
		return app.Seed(ctx, cfg, app.SeedOptions{IfNew: *ifNew, TwoTier: *twoTier}, stdout)
	case "import-units":
		return app.ImportUnitsCommand(ctx, cfg, rest, stdout)
	case "user":
		return runUser(ctx, cfg, rest, stdin, stdout)
	case "report":
		fs := flag.NewFlagSet("report", flag.ContinueOnError)
		year := fs.Int("year", time.Now().Year(), "year of the decisions")
		if err := fs.Parse(reorder(rest)); err != nil {
			return err
		}
		if fs.NArg() != 1 || fs.Arg(0) != "national" {
			return errors.New("usage: ntmflow report national [--year YYYY]")
		}
		return app.ReportNational(ctx, cfg, *year, stdout)
	case "remind":
		if len(rest) > 0 {
			return errors.New("usage: ntmflow remind")
		}
		return app.Remind(ctx, cfg, time.Now(), stdout)
	case "gen-data":
		fs := flag.NewFlagSet("gen-data", flag.ContinueOnError)
		n := fs.Int("nominations", 2_000_000, "how many nominations to generate")
		seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same data")
		focus := fs.String("focus", "20", "province that gets --focus-share of the nominations")
		share := fs.Float64("focus-share", 0.1, "share of the nominations in the focus province")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if *n < 1 || *share < 0 || *share > 1 {
			return errors.New("--nominations must be positive and --focus-share between 0 and 1")
		}
		return app.GenData(ctx, cfg, gendata.Options{Nominations: *n, Seed: *seed, FocusProvince: *focus, FocusShare: *share}, stdout)
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func runUser(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) < 2 {
		return errors.New("usage: ntmflow user create|set-password|grant|revoke|disable USERNAME …")
	}
	sub, username := args[0], args[1]
	switch sub {
	case "create":
		fs := flag.NewFlagSet("user create", flag.ContinueOnError)
		name := fs.String("name", "", "full name")
		locale := fs.String("locale", "vi", "vi or en")
		var roles roleList
		fs.Var(&roles, "role", "ROLE@UNIT, repeatable (e.g. commune_officer@06220)")
		if err := fs.Parse(args[2:]); err != nil {
			return err
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		return app.UserCreate(ctx, cfg, identity.NewUser{Username: username, FullName: *name, Password: pw, Locale: *locale, Roles: roles}, stdout)
	case "set-password":
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		return app.UserSetPassword(ctx, cfg, username, pw, stdout)
	case "grant", "revoke":
		if len(args) != 3 {
			return fmt.Errorf("usage: ntmflow user %s USERNAME ROLE@UNIT", sub)
		}
		r, err := parseRole(args[2])
		if err != nil {
			return err
		}
		return app.UserGrant(ctx, cfg, username, r, sub == "revoke", stdout)
	case "disable":
		return app.UserDisable(ctx, cfg, username, stdout)
	}
	return fmt.Errorf("unknown user command %q", sub)
}

type roleList []identity.RoleAt

func (r *roleList) String() string { return fmt.Sprint(*r) }
func (r *roleList) Set(v string) error {
	role, err := parseRole(v)
	if err == nil {
		*r = append(*r, role)
	}
	return err
}

func parseRole(v string) (identity.RoleAt, error) {
	role, unit, ok := strings.Cut(v, "@")
	if !ok || role == "" || unit == "" {
		return identity.RoleAt{}, fmt.Errorf("role %q must look like ROLE@UNIT, e.g. district_reviewer@183", v)
	}
	return identity.RoleAt{Role: role, UnitCode: unit}, nil
}

func readPassword(stdin io.Reader) (string, error) {
	if pw := os.Getenv("NTMFLOW_PASSWORD"); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if line = strings.TrimRight(line, "\r\n"); line == "" {
		return "", errors.New("no password: set NTMFLOW_PASSWORD or pipe it on stdin")
	}
	return line, nil
}

// reorder moves flags before positional arguments so "import-units FILE --valid-from X"
// works as well as the flag-first order the flag package expects.
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		if strings.HasPrefix(args[i], "-") {
			flags = append(flags, args[i])
			if !strings.Contains(args[i], "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, args[i])
	}
	return append(flags, pos...)
}
