package twilio

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/smstrack/smstrack"
)

// The relay: a message sent through smstrack's send API had its
// StatusCallback replaced by smstrack's own; once a status callback for it
// is stored, the relay passes the same fields on to the app's callback,
// signed as Twilio would sign them, so the app sees what it would have
// seen without smstrack. It is best effort: attempts live in memory, and a
// restart or an app down for longer than the retries loses the relay.

// MessageFinder looks a message up by its key; the store is one.
type MessageFinder interface {
	FindMessage(ctx context.Context, key smstrack.Key) (*smstrack.Message, error)
}

// RelayConfig configures the status-callback relay.
type RelayConfig struct {
	// Accounts maps each AccountSid to its auth token, which signs the
	// relayed request as Twilio signs its own.
	Accounts map[string]string
	// Messages finds the message a callback is about, for its tags.
	Messages MessageFinder
	// HTTP is the client for the app's callback; nil means one with a
	// 10-second timeout.
	HTTP *http.Client
	// Attempts is how many times a callback is tried; 0 means 4.
	Attempts int
	// Backoff is the wait before the first retry, doubled after each; 0
	// means one second.
	Backoff time.Duration
}

// Relay passes Twilio's status callbacks on to the StatusCallback the app
// gave when it sent through smstrack.
type Relay struct {
	cfg RelayConfig
	log *slog.Logger
	wg  sync.WaitGroup
}

// NewRelay returns a relay configured by cfg.
func NewRelay(cfg RelayConfig, log *slog.Logger) *Relay {
	if log == nil {
		log = slog.Default()
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	cfg.Attempts = cmp.Or(cfg.Attempts, 4)
	cfg.Backoff = cmp.Or(cfg.Backoff, time.Second)
	return &Relay{cfg: cfg, log: log.With("provider", Provider)}
}

// SetRelay makes the handler relay each newly stored status callback
// through r; nil turns relaying off.
func (h *Handler) SetRelay(r *Relay) { h.relay = r }

// Relay passes fields, a status callback stored for the message with key,
// on to the app's StatusCallback, in the background: Twilio's answer never
// waits for the app.
func (rl *Relay) Relay(key smstrack.Key, fields url.Values) {
	fields = cloneValues(fields)
	rl.wg.Add(1)
	go func() {
		defer rl.wg.Done()
		rl.relay(key, fields)
	}()
}

// Wait blocks until every relay started so far has finished.
func (rl *Relay) Wait() { rl.wg.Wait() }

func (rl *Relay) relay(key smstrack.Key, fields url.Values) {
	log := rl.log.With("account", key.Account, "message_sid", key.ProviderID)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	m, err := rl.cfg.Messages.FindMessage(ctx, key)
	cancel()
	if err != nil {
		if smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			log.Warn("twilio relay: looking up the message", "err", err)
		}
		return
	}
	target := m.Tags[statusCallbackTag]
	if target == "" {
		return
	}
	if err := checkCallbackURL(target); err != nil {
		log.Warn("twilio relay: not relaying", "err", err)
		return
	}
	token, ok := rl.cfg.Accounts[key.Account]
	if !ok || token == "" {
		log.Warn("twilio relay: no auth token for the account to sign with")
		return
	}
	body := fields.Encode()
	sig := Sign(token, target, fields)
	wait := rl.cfg.Backoff
	for attempt := 1; ; attempt++ {
		retry, err := rl.post(target, body, sig)
		if err == nil {
			return
		}
		if !retry || attempt >= rl.cfg.Attempts {
			log.Warn("twilio relay: giving up", "url", target, "attempts", attempt, "err", err)
			return
		}
		time.Sleep(wait)
		wait *= 2
	}
}

// post makes one attempt; retry says whether another may succeed.
func (rl *Relay) post(target, body, sig string) (retry bool, err error) {
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set(SignatureHeader, sig)
	req.Header.Set("User-Agent", "smstrack-relay")
	resp, err := rl.cfg.HTTP.Do(req)
	if err != nil {
		return true, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout:
		return true, fmt.Errorf("app answered %s", resp.Status)
	}
	return false, fmt.Errorf("app answered %s", resp.Status)
}

// checkCallbackURL refuses anything but an absolute http(s) URL.
func checkCallbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("malformed status callback URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("status callback %q is not an http(s) URL", shorten(raw, 200))
	}
	return nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
