package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/archive"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/content"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/links"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/web"
	"github.com/smstrack/smstrack/internal/webhook"
)

// shutdownGrace bounds how long accepted requests may take to finish
// committing after SIGTERM.
const shutdownGrace = 30 * time.Second

func (m *Main) logger(c *config.Config) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("invalid log level %q: use debug, info, warn or error", c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(c.LogFormat) {
	case "json":
		return slog.New(slog.NewJSONHandler(m.Stderr, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(m.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("invalid log format %q: use text or json", c.LogFormat)
}

// openStore opens and migrates the configured database.
func (m *Main) openStore(ctx context.Context, c *config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, c.DSN())
	if err != nil {
		return nil, err
	}
	return db, nil
}

func (m *Main) serve(ctx context.Context, args []string) error {
	c, rest, err := config.Parse("serve", args, m.Getenv)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fmt.Sprintf("serve takes no arguments, got %q", rest))
	}
	log, err := m.logger(c)
	if err != nil {
		return err
	}
	if m.Getenv("GOGC") == "" {
		// The live heap is small and short-lived garbage is plenty: collecting
		// at 4x the live heap instead of 2x costs tens of MB and saves a
		// tenth of the CPU under load (docs/benchmarks.md).
		debug.SetGCPercent(300)
	}
	accounts, err := twilio.ParseAccounts(c.TwilioAccounts)
	if err != nil {
		return fmt.Errorf("%w (set by --twilio-accounts or SMSTRACK_TWILIO_ACCOUNTS)", err)
	}
	policies, err := ingest.ParsePolicies(c.BodyPolicy, c.AccountPolicies)
	if err != nil {
		return fmt.Errorf("%w (set by --body-policy / --body-policy-accounts)", err)
	}
	prices, err := content.ParsePriceTable(c.Prices)
	if err != nil {
		return fmt.Errorf("%w (set by --prices or SMSTRACK_PRICES)", err)
	}
	db, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetReplyWindow(c.ReplyWindow)
	obs := serveMetrics(db, log)
	ctx = withMetrics(ctx, obs)

	// SQLite has a single writer, but its commits are made durable outside the
	// write lock (internal/store/walsync.go): a second worker writes the next
	// batch while the first waits for the disk. PostgreSQL gets two as well:
	// fewer, larger batches cost less CPU per callback than four smaller ones
	// (docs/benchmarks.md, Ingest), and the cores are what ingest runs out of.
	workers := 2
	media, worker, err := mediaArchive(c, accounts, db, log)
	if err != nil {
		return err
	}
	preparer := &ingest.Preparer{DefaultRegion: c.DefaultRegion, Policies: policies}
	opts := ingest.Options{Workers: workers, Prepare: preparer.Prepare, OnCommit: obs.ObserveEvent, OnBatch: obs.ObserveBatch}
	if worker != nil {
		worker.Start(ctx)
		opts.OnCommit = func(ev *smstrack.EventInput, res smstrack.EventResult) {
			obs.ObserveEvent(ev, res)
			if len(ev.Facts.Media) > 0 && !res.Duplicate {
				worker.Notify(&smstrack.Message{ID: res.MessageID, Provider: ev.Provider, Account: ev.Account, Media: ev.Facts.Media})
			}
		}
	}
	committer := ingest.NewCommitter(db, log, opts)
	obs.WatchQueue(committer.Queued, committer.QueueCap())
	rejector := webhook.NewRejector(db, log)
	rejector.Observe(obs.ObserveRejected)

	mux, err := newMux(c, accounts, api.Options{DefaultRegion: c.DefaultRegion, Prices: prices, Media: media, Metrics: obs.Handler()}, db, committer, rejector, log)
	if err != nil {
		committer.Close()
		return err
	}
	for _, job := range serveJobs {
		if err := job(ctx, c, db, committer, log); err != nil {
			committer.Close()
			return err
		}
	}
	if c.RetentionDays > 0 {
		go runRetention(ctx, db, c.RetentionDays, c.RetentionDelete, log)
	}

	if c.SkipVerification {
		log.Warn("Twilio signature verification is OFF: anyone who can reach this server can forge callbacks; use only for local experiments")
	}
	if len(accounts) == 0 && !c.SkipVerification {
		log.Warn("no Twilio accounts configured (SMSTRACK_TWILIO_ACCOUNTS): Twilio callbacks will be refused with 403")
	}

	if c.DebugAddr != "" {
		go serveDebug(c.DebugAddr, log)
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	srv := &http.Server{
		Handler:           obs.Middleware(mux),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("smstrack listening", "addr", ln.Addr().String(), "database", db.Dialect(), "version", Version())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		committer.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing accepted requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutdown", "err", err)
	}
	serveJobsRunning.Wait()
	committer.Close()
	rejector.Wait()
	log.Info("stopped")
	return nil
}

// newMux wires every route of the server: provider webhooks and the API.
func newMux(c *config.Config, accounts map[string]string, apiOpts api.Options, db *store.DB, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	linkOpts, err := linkOptions(c)
	if err != nil {
		return nil, err
	}
	links.NewHandler(db, log, linkOpts).Register(mux)
	apiOpts.LinkBase = linkBase(c)
	twilioHandler := twilio.NewHandler(twilio.Config{Accounts: accounts, PublicURL: c.PublicURL, SkipVerification: c.SkipVerification}, ing, rej, log)
	twilioHandler.Register(mux)
	twilio.NewFeedbackHandler(accounts, db, log).Register(mux)
	background, err := sendBackground(c, &serveJobsRunning)
	if err != nil {
		return nil, err
	}
	twilioSend := twilio.NewSendHandler(twilio.SendConfig{Accounts: accounts, PublicURL: c.PublicURL, BaseURL: c.Get(optTwilioAPIURL), Links: db,
		Background: background}, ing, log)
	twilioSend.Register(mux)
	apiOpts.TwilioSender = twilioSend
	twilio.NewEventsHandler(twilio.Config{Accounts: accounts, PublicURL: c.PublicURL, SkipVerification: c.SkipVerification},
		db, log).Register(mux)
	for _, wire := range providerWirings {
		if err := wire(c, mux, ing, rej, log); err != nil {
			return nil, err
		}
	}
	api.New(db, ing, log, apiOpts).Register(mux)
	console, err := web.New(db, log, consoleOptions(c, apiOpts.Prices))
	if err != nil {
		return nil, err
	}
	console.Register(mux)
	return mux, nil
}

// mediaArchive opens the compliance media archive when accounts are enabled
// for it; Twilio media URLs are fetched with the account's own credentials.
func mediaArchive(c *config.Config, twilioAccounts map[string]string, db smstrack.Store, log *slog.Logger) (*archive.Archive, *archive.Worker, error) {
	if strings.TrimSpace(c.MediaArchive) == "" {
		return nil, nil, nil
	}
	arch, err := archive.New(filepath.Join(c.Data, "media"), archive.Options{MaxBytes: c.MediaMaxBytes})
	if err != nil {
		return nil, nil, fmt.Errorf("media archive: %w", err)
	}
	var enabled []string // nil: every account
	if strings.TrimSpace(c.MediaArchive) != "*" {
		enabled = []string{}
		for _, a := range strings.Split(c.MediaArchive, ",") {
			if a = strings.TrimSpace(a); a != "" {
				enabled = append(enabled, a)
			}
		}
	}
	w := &archive.Worker{Archive: arch, Store: db, Accounts: enabled, Log: log,
		Credentials: func(provider, account string) archive.Credentials {
			if token, ok := twilioAccounts[account]; ok && provider == twilio.Provider {
				return archive.Credentials{Username: account, Password: token}
			}
			return archive.Credentials{}
		}}
	return arch, w, nil
}

// serveDebug serves the Go profiler on its own listener, apart from every
// authenticated route: only for an operator on the machine.
func serveDebug(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	log.Warn("profiler listening: do not expose this address", "debug_addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("profiler", "err", err)
	}
}

// retentionEvery is how often the retention policy runs.
const retentionEvery = time.Hour

// runRetention applies the retention policy at start and then every hour,
// until ctx ends.
func runRetention(ctx context.Context, db smstrack.Store, days int, deleteMessages bool, log *slog.Logger) {
	for {
		before := time.Now().Add(-time.Duration(days) * 24 * time.Hour)
		n, err := db.ApplyRetention(ctx, before, deleteMessages)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention failed", "err", err)
		case n > 0:
			log.Info("retention applied", "messages", n, "before", before.Format(time.RFC3339), "deleted", deleteMessages)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retentionEvery):
		}
	}
}

func (m *Main) migrate(ctx context.Context, args []string) error {
	db, _, err := m.openConfigured(ctx, "migrate", args)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "database %s at schema version %d\n", db.Dialect(), v)
	return nil
}
