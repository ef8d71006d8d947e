package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"time"

	"github.com/ntmflow/ntmflow/internal/config"
	"github.com/ntmflow/ntmflow/internal/gendata"
	"github.com/ntmflow/ntmflow/internal/units"
)

// withServices opens and migrates the database for a one-shot command.
func withServices(ctx context.Context, cfg config.Config, fn func(*Services) error) error {
	if err := cfg.EnsureSecret(); err != nil {
		return err
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	svc, err := NewServices(st, cfg.Secret, cfg.DataDir)
	if err != nil {
		return err
	}
	return fn(svc)
}

// MigrateUp applies pending migrations and reports them.
func MigrateUp(ctx context.Context, cfg config.Config, out io.Writer) error {
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(out, "database is up to date")
	}
	for _, m := range applied {
		fmt.Fprintf(out, "applied %05d %s (%s)\n", m.Version, m.Name, m.Duration.Round(time.Millisecond))
	}
	return nil
}

// MigrateStatus prints every migration with its state.
func MigrateStatus(ctx context.Context, cfg config.Config, out io.Writer) error {
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	for _, m := range list {
		state := "pending"
		if m.Applied {
			state = "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(out, "%05d  %-40s %s\n", m.Version, m.Name, state)
	}
	return nil
}

var dateInName = regexp.MustCompile(`(\d{4}-\d{2}-\d{2})`)

// ImportUnitsFile loads a units CSV. The validity date comes from validFrom, else from a
// YYYY-MM-DD in the file name, else today.
func ImportUnitsFile(ctx context.Context, cfg config.Config, path, validFrom string, out io.Writer) error {
	return ImportUnitsFiles(ctx, cfg, path, validFrom, "", out)
}

// ImportUnitsFiles loads a units CSV and, when succession is not empty, the succession file
// of a reform (SPEC §12): the list is then the whole tree of its provinces from the validity
// date, and what it leaves out ends the day before. A name that is no file on disk but the
// name of a shipped file (vn-admin-units-2025-07-01.csv, vn-unit-succession-2025-07-01.csv)
// loads the shipped copy.
func ImportUnitsFiles(ctx context.Context, cfg config.Config, path, validFrom, succession string, out io.Writer) error {
	from, err := validityDate(path, validFrom)
	if err != nil {
		return err
	}
	f, err := openUnitsFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := units.ParseCSV(f)
	if err != nil {
		return err
	}
	var succ []units.SuccessionRow
	if succession != "" {
		g, err := openUnitsFile(succession)
		if err != nil {
			return err
		}
		defer g.Close()
		if succ, err = units.ParseSuccessionCSV(g); err != nil {
			return err
		}
	}
	return withServices(ctx, cfg, func(s *Services) error {
		if succ == nil {
			return importAndReport(ctx, s, rows, from, out)
		}
		res, err := s.Units.ImportWithSuccession(ctx, rows, succ, from)
		if err != nil {
			return err
		}
		return reportImport(ctx, s, res, out)
	})
}

// ImportUnitsCommand runs `import-units FILE.csv [--valid-from YYYY-MM-DD] [--succession FILE.csv]`
// with its arguments (flags before or after the file).
func ImportUnitsCommand(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("import-units", flag.ContinueOnError)
	fs.SetOutput(out)
	validFrom := fs.String("valid-from", "", "date the list takes effect (default: the date in the file name)")
	succession := fs.String("succession", "", "succession file old_code,level,new_code,share of a reform (SPEC §12)")
	var files []string
	for rest := args; len(rest) > 0; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if rest = fs.Args(); len(rest) > 0 {
			files, rest = append(files, rest[0]), rest[1:]
		}
	}
	if len(files) != 1 {
		return errors.New("usage: ntmflow import-units FILE.csv [--valid-from YYYY-MM-DD] [--succession FILE.csv]")
	}
	return ImportUnitsFiles(ctx, cfg, files[0], *validFrom, *succession, out)
}

// openUnitsFile opens a file on disk, or the shipped file of that name when there is none.
func openUnitsFile(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err == nil {
		return f, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		if e, eerr := units.OpenEmbeddedFile(path); eerr == nil {
			return e, nil
		}
	}
	return nil, fmt.Errorf("open units file: %w", err)
}

func validityDate(path, explicit string) (time.Time, error) {
	if explicit != "" {
		t, err := time.Parse(time.DateOnly, explicit)
		if err != nil {
			return time.Time{}, fmt.Errorf("--valid-from must be YYYY-MM-DD")
		}
		return t, nil
	}
	if m := dateInName.FindString(path); m != "" {
		if t, err := time.Parse(time.DateOnly, m); err == nil {
			return t, nil
		}
	}
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), nil
}

func importAndReport(ctx context.Context, s *Services, rows []units.Row, from time.Time, out io.Writer) error {
	res, err := s.Units.Import(ctx, rows, from)
	if err != nil {
		return err
	}
	return reportImport(ctx, s, res, out)
}

func reportImport(ctx context.Context, s *Services, res units.ImportResult, out io.Writer) error {
	counts, err := s.Units.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "units: %d inserted, %d updated, %d retired, %d unchanged; now %d provinces, %d districts, %d communes\n",
		res.Inserted, res.Updated, res.Retired, res.Unchanged, counts[units.Province], counts[units.District], counts[units.Commune])
	if res.Successions+res.SuccessionsUpdated > 0 {
		fmt.Fprintf(out, "succession: %d inserted, %d updated\n", res.Successions, res.SuccessionsUpdated)
	}
	return nil
}

// ImportEmbeddedUnits loads the units list shipped in the binary.
func ImportEmbeddedUnits(ctx context.Context, s *Services, out io.Writer) error {
	f, err := units.OpenEmbedded()
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := units.ParseCSV(f)
	if err != nil {
		return err
	}
	return importAndReport(ctx, s, rows, units.EmbeddedValidFrom, out)
}

// GenData fills the configured database with generated national-scale data.
func GenData(ctx context.Context, cfg config.Config, opt gendata.Options, out io.Writer) error {
	return withServices(ctx, cfg, func(s *Services) error {
		st, err := gendata.Generate(ctx, gendata.Services{Store: s.Store, Units: s.Units, Criteria: s.Criteria}, opt, out)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "generated %d users (%d grants), %d campaigns (%d targets), %d nominations, %d history rows, %d recognitions in %s; password of every user: %s\n",
			st.Users, st.Grants, st.Campaigns, st.Targets, st.Nominations, st.History, st.Recognitions, st.Elapsed.Round(time.Second), gendata.Password)
		return nil
	})
}

// Remind runs one reminder sweep as of now (`ntmflow remind`, for cron): reminders two
// working days before a stage is due, escalations once it is overdue, each written once
// however often it runs, beside serve's own scheduler or instead of it. With
// NTMFLOW_SMTP_URL set their e-mails are queued and the outbox is delivered once.
func Remind(ctx context.Context, cfg config.Config, now time.Time, out io.Writer) error {
	return withServices(ctx, cfg, func(s *Services) error {
		mailer, err := UseMail(cfg, s)
		if err != nil {
			return err
		}
		res, err := s.Notify.Remind(ctx, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "reminders: %d written, escalations: %d written\n", res.Reminders, res.Escalations)
		if mailer == nil {
			return nil
		}
		sent, err := s.Notify.SendDue(ctx, mailer, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "e-mail: %d sent, %d to retry later, %d failed\n", sent.Sent, sent.Retried, sent.Failed)
		return nil
	})
}

// ReportNational prints every province's recognitions and pipeline for a year.
func ReportNational(ctx context.Context, cfg config.Config, year int, out io.Writer) error {
	return withServices(ctx, cfg, func(s *Services) error {
		started := time.Now()
		rows, err := s.Campaigns.NationalSummary(ctx, year)
		if err != nil {
			return err
		}
		names := map[string]string{}
		provinces, err := s.Units.Children(ctx, "")
		if err != nil {
			return err
		}
		for _, p := range provinces {
			names[p.Code] = p.Name
		}
		fmt.Fprintf(out, "%-4s %-32s %-24s %10s %11s\n", "code", "province", "type", "recognized", "in pipeline")
		for _, r := range rows {
			fmt.Fprintf(out, "%-4s %-32s %-24s %10d %11d\n", r.ProvinceCode, names[r.ProvinceCode], r.Type, r.Recognized, r.InPipeline)
		}
		fmt.Fprintf(out, "%d rows in %s\n", len(rows), time.Since(started).Round(time.Millisecond))
		return nil
	})
}
