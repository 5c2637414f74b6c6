package twilio_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	twilioclient "github.com/twilio/twilio-go/client"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// relayApp is the app's own status callback URL in these tests.
const relayApp = "https://app.example.com/twilio/status?order=42"

// relayEnv is the status webhook on a real store, seen from the outbox.
type relayEnv struct {
	db  *store.DB
	srv *httptest.Server
}

func newRelayEnv(t *testing.T, dsn string) *relayEnv {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	committer := ingest.NewCommitter(db, log, ingest.Options{})
	t.Cleanup(committer.Close)
	accounts := map[string]string{feedbackAccount: feedbackToken}
	h := twilio.NewHandler(twilio.Config{Accounts: accounts, PublicURL: "https://track.example.com"}, committer, nil, log)
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &relayEnv{db: db, srv: srv}
}

// callback posts a status callback, signed as Twilio signs it, to the
// status URL with query (what the send API gave Twilio).
func (e *relayEnv) callback(t *testing.T, query, status string) url.Values {
	t.Helper()
	form := url.Values{"AccountSid": {feedbackAccount}, "MessageSid": {feedbackMessage}, "SmsSid": {feedbackMessage},
		"MessageStatus": {status}, "SmsStatus": {status}, "From": {"+15550001111"}, "To": {"+15550002222"}, "ApiVersion": {"2010-04-01"}}
	path := twilio.StatusPath + query
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(feedbackToken, "https://track.example.com"+path, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status webhook answered %d, want 204", resp.StatusCode)
	}
	return form
}

// relays claims the queued relays.
func (e *relayEnv) relays(t *testing.T) []smstrack.Relay {
	t.Helper()
	due, err := e.db.ClaimDue(context.Background(), 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var out []smstrack.Relay
	for _, d := range due {
		if !d.IsRelay() {
			continue
		}
		var rl smstrack.Relay
		if err := json.Unmarshal(d.Event.Payload, &rl); err != nil {
			t.Fatal(err)
		}
		out = append(out, rl)
	}
	return out
}

// relayQuery is the query of the StatusCallback the send API gives Twilio.
func relayQuery(token, app string) string {
	u := twilio.RelayStatusURL("https://track.example.com"+twilio.StatusPath, token, app)
	return u[strings.Index(u, "?"):]
}

// TestRelayQueuedWithTheCallback: a status callback whose URL carries the
// app's callback is stored with its relay queued, once, with every field.
func TestRelayQueuedWithTheCallback(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newRelayEnv(t, dsn)
		q := relayQuery(feedbackToken, relayApp)
		sent := e.callback(t, q, "delivered")
		e.callback(t, q, "delivered") // Twilio repeating itself: stored and relayed once
		got := e.relays(t)
		if len(got) != 1 {
			t.Fatalf("%d relays queued, want 1", len(got))
		}
		rl := got[0]
		if rl.URL != relayApp || rl.Provider != twilio.Provider || rl.Account != feedbackAccount {
			t.Errorf("relay to %s for %s/%s", rl.URL, rl.Provider, rl.Account)
		}
		var fields map[string]string
		if err := json.Unmarshal(rl.Fields, &fields); err != nil {
			t.Fatal(err)
		}
		for k := range sent {
			if fields[k] != sent.Get(k) {
				t.Errorf("relayed %s = %q, want %q", k, fields[k], sent.Get(k))
			}
		}
		if len(fields) != len(sent) {
			t.Errorf("relayed %d fields, want %d", len(fields), len(sent))
		}
	})
}

func TestRelayNotQueued(t *testing.T) {
	for _, c := range []struct{ name, query string }{
		{"no relay in the URL", ""},
		{"tag by another token", relayQuery("another-token", relayApp)},
		{"tag for another URL", strings.Replace(relayQuery(feedbackToken, relayApp), "order%3D42", "order%3D43", 1)},
		{"not http", relayQuery(feedbackToken, "ftp://app.example/status")},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newRelayEnv(t, testdb.DSN(t, "sqlite"))
			e.callback(t, c.query, "delivered") // stored all the same: Twilio signed it
			if got := e.relays(t); len(got) != 0 {
				t.Errorf("%d relays queued, want none", len(got))
			}
		})
	}
}

// TestRelaySignerValidates: what RelaySigner signs passes twilio-go's
// own RequestValidator for the app's URL, as Twilio's callbacks do.
func TestRelaySignerValidates(t *testing.T) {
	sign := twilio.RelaySigner(map[string]string{feedbackAccount: feedbackToken})
	fields := url.Values{"MessageSid": {feedbackMessage}, "MessageStatus": {"delivered"}, "AccountSid": {feedbackAccount}}
	h, err := sign(feedbackAccount, relayApp, "evt_7", fields)
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{}
	for k := range fields {
		params[k] = fields.Get(k)
	}
	rv := twilioclient.NewRequestValidator(feedbackToken)
	if !rv.Validate(relayApp, params, h.Get(twilio.SignatureHeader)) {
		t.Errorf("signature %q does not validate", h.Get(twilio.SignatureHeader))
	}
	if h.Get(twilio.IdempotencyHeader) == "" {
		t.Error("no idempotency token")
	}
	if _, err := sign("ACffffffffffffffffffffffffffffffff", relayApp, "evt_7", fields); err == nil {
		t.Error("signed for an account without a token")
	}
}
