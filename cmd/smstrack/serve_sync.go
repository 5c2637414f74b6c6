package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// The settings of Twilio reconciliation in `serve`, and of `smstrack sync`.
const (
	optTwilioAPIURL         = "twilio-api-url"
	optTwilioSyncInterval   = "twilio-sync-interval"
	optTwilioSyncWindow     = "twilio-sync-window"
	optTwilioEnrich         = "twilio-enrich"
	optTwilioEnrichRate     = "twilio-enrich-rate"
	optTwilioEnrichInterval = "twilio-enrich-interval"
)

func init() {
	config.AddOptions(
		config.Option{Flag: optTwilioAPIURL, Env: "SMSTRACK_TWILIO_API_URL", Default: twilio.DefaultBaseURL,
			Usage: "Twilio's REST API, for sync and enrichment"},
		config.Option{Flag: optTwilioSyncInterval, Env: "SMSTRACK_TWILIO_SYNC_INTERVAL", Default: "0",
			Usage: "serve: reconcile recent messages with Twilio this often, e.g. 10m (0: never)"},
		config.Option{Flag: optTwilioSyncWindow, Env: "SMSTRACK_TWILIO_SYNC_WINDOW", Default: "24h",
			Usage: "serve: how far back each periodic sync looks"},
		config.Option{Flag: optTwilioEnrich, Env: "SMSTRACK_TWILIO_ENRICH", Default: "false",
			Usage: "serve: fetch body, price and segments from Twilio for messages known only from callbacks"},
		config.Option{Flag: optTwilioEnrichRate, Env: "SMSTRACK_TWILIO_ENRICH_RATE", Default: "5",
			Usage: "serve: most Twilio requests per second the enrichment makes"},
		config.Option{Flag: optTwilioEnrichInterval, Env: "SMSTRACK_TWILIO_ENRICH_INTERVAL", Default: "1m",
			Usage: "serve: how often enrichment looks for messages without a body"},
	)
	serveJobs = append(serveJobs, startTwilioSync)
}

// twilioSyncSettings are the validated reconciliation settings.
type twilioSyncSettings struct {
	apiURL         string
	syncInterval   time.Duration
	syncWindow     time.Duration
	enrich         bool
	enrichRate     float64
	enrichInterval time.Duration
}

func readTwilioSyncSettings(c *config.Config) (twilioSyncSettings, error) {
	s := twilioSyncSettings{apiURL: c.Get(optTwilioAPIURL)}
	var err error
	dur := func(flag, env string, allowZero bool) time.Duration {
		if err != nil {
			return 0
		}
		v := strings.TrimSpace(c.Get(flag))
		if v == "0" && allowZero {
			return 0
		}
		d, perr := time.ParseDuration(v)
		if perr != nil || d < 0 || d == 0 && !allowZero {
			err = fmt.Errorf("invalid value %q for --%s (%s): want a duration such as 10m", v, flag, env)
		}
		return d
	}
	s.syncInterval = dur(optTwilioSyncInterval, "SMSTRACK_TWILIO_SYNC_INTERVAL", true)
	s.syncWindow = dur(optTwilioSyncWindow, "SMSTRACK_TWILIO_SYNC_WINDOW", false)
	s.enrichInterval = dur(optTwilioEnrichInterval, "SMSTRACK_TWILIO_ENRICH_INTERVAL", false)
	if err != nil {
		return s, err
	}
	if s.enrich, err = strconv.ParseBool(strings.TrimSpace(c.Get(optTwilioEnrich))); err != nil {
		return s, fmt.Errorf("invalid value %q for --%s (SMSTRACK_TWILIO_ENRICH): want true or false", c.Get(optTwilioEnrich), optTwilioEnrich)
	}
	if s.enrichRate, err = strconv.ParseFloat(strings.TrimSpace(c.Get(optTwilioEnrichRate)), 64); err != nil || s.enrichRate <= 0 || s.enrichRate > 100 {
		return s, fmt.Errorf("invalid value %q for --%s (SMSTRACK_TWILIO_ENRICH_RATE): want requests per second, above 0 and at most 100", c.Get(optTwilioEnrichRate), optTwilioEnrichRate)
	}
	return s, nil
}

// startTwilioSync starts the periodic sync and the enrichment when their
// settings ask for them. The jobs read the server's database and write
// through its committer (so events get the server's preparation and group
// commit); they end with the server.
func startTwilioSync(parent context.Context, c *config.Config, db smstrack.Store, ing smstrack.Ingester, log *slog.Logger) error {
	s, err := readTwilioSyncSettings(c)
	if err != nil || (s.syncInterval == 0 && !s.enrich) {
		return err
	}
	tokens, err := twilio.ParseAccounts(c.TwilioAccounts)
	if err != nil {
		return fmt.Errorf("%w (set by --twilio-accounts or SMSTRACK_TWILIO_ACCOUNTS)", err)
	}
	if len(tokens) == 0 {
		return errors.New("SMSTRACK_TWILIO_SYNC_INTERVAL and SMSTRACK_TWILIO_ENRICH need SMSTRACK_TWILIO_ACCOUNTS (AccountSid:AuthToken) to call Twilio's API")
	}
	ctx, cancel := context.WithCancel(parent)
	st := &committerStore{reader: db, ing: ing, stop: cancel}
	j := &twilioJobs{settings: s, store: st, reader: db, log: log.With("job", "twilio-sync"), syncers: map[string]*twilio.Syncer{}}
	for sid, token := range tokens {
		client := twilio.NewClient(sid, token)
		client.BaseURL = s.apiURL
		j.syncers[sid] = &twilio.Syncer{Client: client, Store: st}
	}
	var wg sync.WaitGroup
	if s.syncInterval > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); j.syncLoop(ctx) }()
	}
	if s.enrich {
		wg.Add(1)
		go func() { defer wg.Done(); j.enrichLoop(ctx) }()
	}
	go func() { wg.Wait(); cancel() }()
	log.Info("twilio reconciliation on", "sync_interval", s.syncInterval.String(), "sync_window", s.syncWindow.String(),
		"enrich", s.enrich, "enrich_rate", s.enrichRate, "accounts", len(tokens))
	return nil
}

// committerStore reads through a store and writes through the committer.
type committerStore struct {
	reader smstrack.Store
	ing    smstrack.Ingester
	stop   context.CancelFunc // ends the jobs once the committer has closed
}

func (s *committerStore) FindMessage(ctx context.Context, key smstrack.Key) (*smstrack.Message, error) {
	return s.reader.FindMessage(ctx, key)
}

// ApplyEvents hands the events to the committer at once, so they share
// its group commits, and waits for all of them.
func (s *committerStore) ApplyEvents(ctx context.Context, events []*smstrack.EventInput) ([]smstrack.EventResult, error) {
	results := make([]smstrack.EventResult, len(events))
	errs := make([]error, len(events))
	var wg sync.WaitGroup
	for i, ev := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.ing.Ingest(ctx, ev)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if smstrack.ErrorCode(err) == smstrack.EUNAVAILABLE {
			s.stop() // the server is shutting down
		}
	}
	return results, errors.Join(errs...)
}

// twilioJobs are the background reconciliation jobs of one server.
type twilioJobs struct {
	settings twilioSyncSettings
	store    *committerStore
	reader   smstrack.Store
	log      *slog.Logger
	syncers  map[string]*twilio.Syncer // by AccountSid
}

// syncLoop syncs the recent window of every account at start and then
// every interval.
func (j *twilioJobs) syncLoop(ctx context.Context) {
	for {
		for sid, s := range j.syncers {
			r, err := s.Sync(ctx, twilio.ListParams{DateSentAfter: time.Now().Add(-j.settings.syncWindow)})
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				j.log.Warn("twilio sync failed", "account", sid, "err", err)
			}
			if r != nil {
				j.log.Info("twilio sync", "account", sid, "listed", r.Listed, "missing", len(r.Missing), "stale", len(r.Stale),
					"enriched", r.Enriched, "changed", r.Changed, "unreadable", len(r.Rejected))
			}
		}
		if !sleepCtx(ctx, j.settings.syncInterval) {
			return
		}
	}
}

// Bounds of one enrichment round: how many of the newest messages it
// looks at, and how many it fetches. Fetching is rate-limited anyway.
const (
	enrichScan  = 5000
	enrichFetch = 1000
	enrichTried = 100_000 // sids remembered as tried, so a resource without a body is not asked for again and again
)

// enrichLoop fetches the Message resource of recent Twilio messages whose
// body is unknown, at most enrichRate requests a second.
//
// It finds them with ListMessages (newest first) and a check of Body in Go:
// enough for a first version, but it looks only at the newest enrichScan
// messages each round; a store query for "body unknown" would reach older
// ones and cost less.
func (j *twilioJobs) enrichLoop(ctx context.Context) {
	tried := map[smstrack.Key]bool{}
	tick := time.NewTicker(time.Duration(float64(time.Second) / j.settings.enrichRate))
	defer tick.Stop()
	for {
		if len(tried) > enrichTried {
			clear(tried)
		}
		todo, err := j.bodiless(ctx, tried)
		if err != nil && ctx.Err() == nil {
			j.log.Warn("twilio enrichment: listing messages failed", "err", err)
		}
		enriched, failed := 0, 0
		refused := map[string]bool{} // accounts whose credentials Twilio refused this round
		for _, m := range todo {
			if refused[m.Account] {
				continue
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			tried[smstrack.Key{Provider: m.Provider, Account: m.Account, ProviderID: m.ProviderID}] = true
			_, err := j.syncers[m.Account].Fetch(ctx, m.ProviderID)
			var apiErr *twilio.APIError
			switch {
			case ctx.Err() != nil:
				return
			case err == nil:
				enriched++
			case errors.As(err, &apiErr) && (apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusForbidden):
				refused[m.Account] = true
				j.log.Warn("twilio enrichment: Twilio refused the account's credentials", "account", m.Account, "err", err)
			default:
				failed++
				j.log.Debug("twilio enrichment: fetch failed", "sid", m.ProviderID, "err", err)
			}
		}
		if enriched+failed > 0 {
			j.log.Info("twilio enrichment", "fetched", enriched, "failed", failed)
		}
		if !sleepCtx(ctx, j.settings.enrichInterval) {
			return
		}
	}
}

// bodiless lists recent Twilio messages of configured accounts whose body
// is unknown (and not withheld by policy or removed by retention).
func (j *twilioJobs) bodiless(ctx context.Context, tried map[smstrack.Key]bool) ([]*smstrack.Message, error) {
	var out []*smstrack.Message
	f := smstrack.MessageFilter{Provider: twilio.Provider, Limit: smstrack.MaxPageSize}
	for scanned := 0; scanned < enrichScan && len(out) < enrichFetch; {
		page, next, err := j.reader.ListMessages(ctx, f)
		if err != nil {
			return out, err
		}
		for _, m := range page {
			key := smstrack.Key{Provider: m.Provider, Account: m.Account, ProviderID: m.ProviderID}
			if m.Body == nil && m.Content.BodyPolicy == "" && j.syncers[m.Account] != nil && !tried[key] && len(out) < enrichFetch {
				out = append(out, m)
			}
		}
		scanned += len(page)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return out, nil
}

// sleepCtx waits d or until ctx ends; it reports whether to go on.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
