// Package app wires configuration, storage, services and the HTTP server together, and
// implements the subcommands of the ntmflow binary.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"path/filepath"
	"time"

	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/config"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/delegation"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/movement"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/notify"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/server"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/units"
	"github.com/ntmflow/ntmflow/web"
)

// Version is set by the linker (-X) from the Makefile.
var Version = "dev"

// OpenStore opens the database named by cfg.
func OpenStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	opt := store.Options{SQLitePath: cfg.SQLitePath()}
	if cfg.UsesPostgres() {
		opt = store.Options{PostgresURL: cfg.DatabaseURL}
	}
	return store.Open(ctx, opt)
}

// Services is everything the HTTP layer and the commands call.
type Services struct {
	Store        *store.Store
	Authz        *authz.Authorizer
	Units        *units.Service
	Identity     *identity.Service
	Criteria     *criteria.Service
	Nominations  *nomination.Service
	Recognitions *recognition.Service
	Campaigns    *campaign.Service
	Movement     *movement.Service
	Delegations  *delegation.Service
	// Notify keeps the notifications and their e-mail outbox (SPEC §13); every
	// transition writes them in its transaction.
	Notify *notify.Service

	attachmentDir string
	// Edge is the HTTP edge's configuration: public URL and allowed hosts, trusted
	// proxies, metrics token.
	Edge server.Edge
}

// NewServices builds the domain services on a migrated store; attachments are kept under
// dataDir.
func NewServices(st *store.Store, secret, dataDir string) (*Services, error) {
	az, err := authz.New()
	if err != nil {
		return nil, err
	}
	u := units.NewService(st)
	c := criteria.NewService(st, az, u)
	r := recognition.NewService(st, az)
	camps := campaign.NewService(st, az, u)
	dir := filepath.Join(dataDir, "attachments")
	moves := movement.NewService(st, az, u, c, r, camps)
	camps.UseAverages(moves) // the average_criteria rows of campaign progress (SPEC §11)
	id := identity.NewService(st, u, az, identity.Config{Secret: secret})
	noms := nomination.NewService(st, az, u, c, r, camps, dir)
	texts, err := i18n.Load(web.Locales)
	if err != nil {
		return nil, err
	}
	notes := notify.NewService(st, az, id, noms, texts)
	noms.UseNotifier(notes) // whoever must act next hears of each transition (SPEC §13)
	return &Services{
		Store: st, Authz: az, Units: u, Criteria: c, Recognitions: r, attachmentDir: dir,
		Campaigns:   camps,
		Identity:    id,
		Delegations: delegation.NewService(st, az, u, id), // principals carry delegated roles (SPEC §13)
		Nominations: noms,
		Movement:    moves,
		Notify:      notes,
	}, nil
}

// AttachmentDir is where evidence files are stored.
func (s *Services) AttachmentDir() string { return s.attachmentDir }

// Handler builds the HTTP handler for the services.
func (s *Services) Handler(log *slog.Logger) (*server.Server, error) {
	return server.New(server.Deps{
		Store: s.Store, Units: s.Units, Identity: s.Identity, Authz: s.Authz, Criteria: s.Criteria,
		Nominations: s.Nominations, Recognitions: s.Recognitions, Campaigns: s.Campaigns, Movement: s.Movement, Edge: s.Edge,
		Delegations: s.Delegations, Notify: s.Notify, Logger: log, Version: Version,
	})
}

// Serve migrates the database and serves HTTP until ctx is cancelled, then shuts down
// gracefully: in-flight requests finish, then the database closes.
func Serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	started := time.Now()
	if err := cfg.EnsureSecret(); err != nil {
		return err
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Warn("closing database", "err", err)
		}
		log.Info("database closed")
	}()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	svc, err := NewServices(st, cfg.Secret, cfg.DataDir)
	if err != nil {
		return err
	}
	svc.Edge = EdgeConfig(cfg)
	if cfg.PublicURL == "" {
		log.Warn("public links and certificate QR codes use the request's host when it is one of allowed_hosts (NTMFLOW_ALLOWED_HOSTS), else "+
			svc.Edge.AllowedHosts[0]+", because NTMFLOW_PUBLIC_URL is unset", "allowed_hosts", svc.Edge.AllowedHosts)
	}
	if demo, _, err := svc.Identity.CountUsers(ctx); err == nil && demo > 0 {
		log.Warn("DEMO ACCOUNTS ARE ACTIVE: the demo users share a published password; do not use this database in production",
			"demo_users", demo)
	}
	if cfg.PprofAddr != "" {
		go servePprof(ctx, cfg.PprofAddr, log)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	mailer, err := UseMail(cfg, svc)
	if err != nil {
		_ = ln.Close()
		return err
	}
	handler, err := svc.Handler(log)
	if err != nil {
		return err
	}
	// Reminders and escalations on an interval, and the e-mail sender when SMTP is set;
	// they stop with ctx, before the database closes.
	notifyCtx, stopNotify := context.WithCancel(ctx)
	notifying := make(chan struct{})
	go func() {
		defer close(notifying)
		svc.Notify.Run(notifyCtx, notify.RunOptions{Mailer: mailer}, log)
	}()
	defer func() {
		stopNotify()
		<-notifying
	}()
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("listen on NTMFLOW_METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
		}
		go ServeMetrics(ctx, mln, handler.MetricsHandler(), log)
	}
	srv := NewHTTPServer(handler, log)
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "database", st.Dialect(),
		"version", Version, "startup_ms", time.Since(started).Milliseconds())
	err = ServeUntilDone(ctx, srv, ln, 30*time.Second)
	log.Info("server stopped")
	return err
}

// UseMail turns e-mail notifications on when NTMFLOW_SMTP_URL is set: notifications then
// queue messages in the outbox, with links to the public address. It returns the mailer
// (nil without SMTP).
func UseMail(cfg config.Config, svc *Services) (notify.Sender, error) {
	if cfg.SMTPURL == "" {
		return nil, nil
	}
	m, err := notify.NewMailer(notify.MailConfig{URL: cfg.SMTPURL, From: cfg.SMTPFrom})
	if err != nil {
		return nil, err
	}
	base := cfg.PublicURL
	if base == "" {
		base = "http://" + cfg.PublicHosts()[0]
	}
	svc.Notify.QueueMail(base)
	return m, nil
}

// EdgeConfig is the HTTP edge part of cfg.
func EdgeConfig(cfg config.Config) server.Edge {
	return server.Edge{PublicURL: cfg.PublicURL, AllowedHosts: cfg.PublicHosts(), TrustedProxies: cfg.TrustedProxies,
		MetricsToken: cfg.MetricsToken}
}

// NewHTTPServer sets the timeouts a public server needs: slow clients cannot hold
// connections open forever, yet a 20 MiB upload on a phone link still fits.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// ServeUntilDone serves on ln until ctx ends, then stops accepting connections and waits up
// to grace for in-flight requests to finish.
func ServeUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ServeMetrics serves /metrics alone on ln (the loopback NTMFLOW_METRICS_ADDR), for a
// scraper on the same host, until ctx ends.
func ServeMetrics(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	log.Info("metrics on", "addr", "http://"+ln.Addr().String()+"/metrics")
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("metrics server", "err", err)
	}
}

// servePprof exposes Go's profiles on a loopback address for diagnosing load (make bench
// records a CPU profile through it). It stops with ctx.
func servePprof(ctx context.Context, addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/heap", pprof.Index)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	log.Info("profiles on", "addr", "http://"+addr+"/debug/pprof/")
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("profile server", "err", err)
	}
}
