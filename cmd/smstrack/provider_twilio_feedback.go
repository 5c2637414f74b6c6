package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/webhook"
)

func init() {
	providerWirings = append(providerWirings, wireTwilioFeedback)
	providerRoutes = append(providerRoutes, twilio.FeedbackRoutes...)
	serveJobs = append(serveJobs, connectTwilioFeedback)
}

// Routes are mounted before the store is handed to anyone but the API, and
// serve jobs get the store before the server accepts a request: the
// feedback route is mounted on a store that the serve job then connects.
// The pending stores are keyed by the run's configuration, so two servers
// in one process (tests) never share one.
var pendingFeedback = struct {
	sync.Mutex
	stores map[*config.Config]*lateStore
}{stores: map[*config.Config]*lateStore{}}

// wireTwilioFeedback mounts Twilio's Message Feedback API for the accounts
// of SMSTRACK_TWILIO_ACCOUNTS.
func wireTwilioFeedback(c *config.Config, mux *http.ServeMux, _ smstrack.Ingester, _ *webhook.Rejector, log *slog.Logger) error {
	accounts, err := twilio.ParseAccounts(c.TwilioAccounts)
	if err != nil {
		return fmt.Errorf("%w (set by --twilio-accounts or SMSTRACK_TWILIO_ACCOUNTS)", err)
	}
	ls := &lateStore{}
	pendingFeedback.Lock()
	pendingFeedback.stores[c] = ls
	pendingFeedback.Unlock()
	twilio.NewFeedbackHandler(accounts, ls, log).Register(mux)
	return nil
}

// connectTwilioFeedback gives the feedback route of this run its store.
func connectTwilioFeedback(ctx context.Context, c *config.Config, db smstrack.Store, _ smstrack.Ingester, _ *slog.Logger) error {
	pendingFeedback.Lock()
	ls := pendingFeedback.stores[c]
	delete(pendingFeedback.stores, c)
	pendingFeedback.Unlock()
	if ls != nil {
		ls.set(db)
	}
	return nil
}

// lateStore is a twilio.FeedbackStore whose store arrives after the route
// is mounted; until then it answers unavailable.
type lateStore struct {
	mu sync.RWMutex
	db smstrack.Store
}

func (l *lateStore) set(db smstrack.Store) {
	l.mu.Lock()
	l.db = db
	l.mu.Unlock()
}

func (l *lateStore) get() (smstrack.Store, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.db == nil {
		return nil, smstrack.Errorf(smstrack.EUNAVAILABLE, "the store is not connected yet")
	}
	return l.db, nil
}

func (l *lateStore) FindMessage(ctx context.Context, key smstrack.Key) (*smstrack.Message, error) {
	db, err := l.get()
	if err != nil {
		return nil, err
	}
	return db.FindMessage(ctx, key)
}

func (l *lateStore) RecordAction(ctx context.Context, a smstrack.Action) (*smstrack.Action, error) {
	db, err := l.get()
	if err != nil {
		return nil, err
	}
	return db.RecordAction(ctx, a)
}
