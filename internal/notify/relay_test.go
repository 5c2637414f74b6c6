package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	twilioclient "github.com/twilio/twilio-go/client"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/notify"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
	"github.com/smstrack/smstrack/internal/webhook"
)

const (
	relayAccount = "AC0123456789abcdef0123456789abcdef"
	relayToken   = "0123456789abcdef0123456789abcdef"
)

// storeRelayed stores a Twilio status callback that asks to be relayed to
// target, as the status webhook does, and returns its fields.
func storeRelayed(t *testing.T, db *store.DB, sid, status, target string) url.Values {
	t.Helper()
	fields := url.Values{"AccountSid": {relayAccount}, "MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status},
		"SmsStatus": {status}, "To": {"+14155550199"}, "From": {"+14155550100"}, "ApiVersion": {"2010-04-01"}}
	in := &smstrack.EventInput{
		Key: smstrack.Key{Provider: twilio.Provider, Account: relayAccount, ProviderID: sid},
		Event: smstrack.Event{Status: smstrack.Status(status), Source: smstrack.SourceWebhook, ReceivedAt: time.Now().UTC(),
			Payload: webhook.FormJSON(fields)},
		Facts:   smstrack.Facts{Direction: smstrack.Outbound},
		RelayTo: target,
	}
	in.ComputeDedupeKey()
	if _, err := db.ApplyEvents(context.Background(), []*smstrack.EventInput{in}); err != nil {
		t.Fatal(err)
	}
	return fields
}

// TestRelayDelivered: a relayed callback reaches the app's URL through the
// outbox, retried after a failure, signed so that twilio-go's
// RequestValidator accepts it, with the same idempotency token each time.
func TestRelayDelivered(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := testdb.Open(t, dsn)
		type request struct {
			fields    url.Values
			valid     bool
			token, ua string
		}
		var (
			mu   sync.Mutex
			got  []request
			done = make(chan struct{})
		)
		app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			params := map[string]string{}
			for k := range r.PostForm {
				params[k] = r.PostForm.Get(k)
			}
			rv := twilioclient.NewRequestValidator(relayToken)
			valid := rv.Validate("http://"+r.Host+r.URL.RequestURI(), params, r.Header.Get(twilio.SignatureHeader))
			mu.Lock()
			defer mu.Unlock()
			got = append(got, request{r.PostForm, valid, r.Header.Get(twilio.IdempotencyHeader), r.UserAgent()})
			if len(got) == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			close(done)
		}))
		t.Cleanup(app.Close)
		sent := storeRelayed(t, db, "SMrelay1", "delivered", app.URL+"/twilio/status?order=42")

		w := notify.NewWorker(hurriedStore{DB: db}, discard, notify.Options{PollInterval: 10 * time.Millisecond,
			Guard:  notify.Guard{AllowPrivate: true},
			Relays: map[string]notify.RelaySigner{twilio.Provider: twilio.RelaySigner(map[string]string{relayAccount: relayToken})}})
		stop := run(w)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the relay was not delivered after its failure")
		}
		stop()
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 2 {
			t.Fatalf("app got %d requests, want 2", len(got))
		}
		for i, r := range got {
			if !r.valid || r.fields.Encode() != sent.Encode() || r.token == "" || r.token != got[0].token {
				t.Errorf("request %d: valid %v, token %q (first %q), fields %s, want %s", i, r.valid, r.token, got[0].token, r.fields.Encode(), sent.Encode())
			}
		}
		if left, _ := db.ClaimDue(context.Background(), 10, time.Minute); len(left) != 0 {
			t.Errorf("%d deliveries left", len(left))
		}
	})
}

// TestRelayRefusals: the guard applies to relays as to webhooks, and a
// relay without a key to sign it is not sent.
func TestRelayRefusals(t *testing.T) {
	var hits atomic.Int64
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(app.Close)
	for _, c := range []struct {
		name   string
		opts   notify.Options
		reason string
	}{
		{"loopback not allowed", notify.Options{Relays: map[string]notify.RelaySigner{
			twilio.Provider: twilio.RelaySigner(map[string]string{relayAccount: relayToken})}}, "loopback"},
		{"account without a token", notify.Options{Guard: notify.Guard{AllowPrivate: true}, Relays: map[string]notify.RelaySigner{
			twilio.Provider: twilio.RelaySigner(map[string]string{})}}, "not configured"},
		{"provider without a signer", notify.Options{Guard: notify.Guard{AllowPrivate: true}}, "no relay signer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := testdb.Open(t, testdb.DSN(t, "sqlite"))
			storeRelayed(t, db, "SMrelay2", "sent", strings.Replace(app.URL, "127.0.0.1", "localhost", 1))
			recorded := make(chan []smstrack.AttemptResult, 4)
			c.opts.PollInterval = 10 * time.Millisecond
			stop := run(notify.NewWorker(hurriedStore{DB: db, recorded: recorded}, discard, c.opts))
			var rs []smstrack.AttemptResult
			select {
			case rs = <-recorded:
			case <-time.After(10 * time.Second):
				t.Fatal("no attempt recorded")
			}
			stop()
			if a := rs[0].Attempt; a.Status != 0 || !strings.Contains(a.Error, c.reason) {
				t.Errorf("attempt %+v, want refused with %q", a, c.reason)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the app was reached %d times", n)
	}
}
