package twilio_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	twilioclient "github.com/twilio/twilio-go/client"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// appReceiver is the app's own status callback endpoint: it answers with
// the statuses it is given, in turn, then 200, and keeps every request.
type appReceiver struct {
	mu       sync.Mutex
	answers  []int
	requests []relayed
}

type relayed struct {
	form      url.Values
	signature string
}

func (a *appReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests = append(a.requests, relayed{form: r.PostForm, signature: r.Header.Get(twilio.SignatureHeader)})
	status := http.StatusOK
	if len(a.answers) > 0 {
		status, a.answers = a.answers[0], a.answers[1:]
	}
	w.WriteHeader(status)
}

// relayEnv is the status webhook with a relay, on a real store holding one
// message sent through smstrack with the app's callback as its tag.
type relayEnv struct {
	srv    *httptest.Server
	relay  *twilio.Relay
	app    *appReceiver
	appURL string
}

func newRelayEnv(t *testing.T, dsn, callback string) *relayEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	app := &appReceiver{}
	appSrv := httptest.NewServer(app)
	t.Cleanup(appSrv.Close)
	appURL := appSrv.URL + "/twilio/status?order=42"
	if callback == "app" {
		callback = appURL
	}
	in := &smstrack.EventInput{
		Key:   smstrack.Key{Provider: twilio.Provider, Account: feedbackAccount, ProviderID: feedbackMessage},
		Event: smstrack.Event{Status: smstrack.StatusQueued, Source: smstrack.SourceAPI, ReceivedAt: time.Now().UTC(), Payload: []byte(`{}`)},
		Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+15550001111", To: "+15550002222"},
	}
	if callback != "" {
		in.Facts.Tags = map[string]string{"status_callback": callback}
	}
	in.ComputeDedupeKey()
	if _, err := db.ApplyEvents(ctx, []*smstrack.EventInput{in}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	committer := ingest.NewCommitter(db, log, ingest.Options{})
	t.Cleanup(committer.Close)
	accounts := map[string]string{feedbackAccount: feedbackToken}
	h := twilio.NewHandler(twilio.Config{Accounts: accounts, PublicURL: "https://track.example.com"}, committer, nil, log)
	relay := twilio.NewRelay(twilio.RelayConfig{Accounts: accounts, Messages: db, Backoff: time.Millisecond}, log)
	h.SetRelay(relay)
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &relayEnv{srv: srv, relay: relay, app: app, appURL: appURL}
}

// callback posts a status callback signed as Twilio signs it.
func (e *relayEnv) callback(t *testing.T, status string) url.Values {
	t.Helper()
	form := url.Values{"AccountSid": {feedbackAccount}, "MessageSid": {feedbackMessage}, "SmsSid": {feedbackMessage},
		"MessageStatus": {status}, "SmsStatus": {status}, "From": {"+15550001111"}, "To": {"+15550002222"}, "ApiVersion": {"2010-04-01"}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+twilio.StatusPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(feedbackToken, "https://track.example.com"+twilio.StatusPath, form))
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

func TestRelaySignedLikeTwilio(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newRelayEnv(t, dsn, "app")
		sent := e.callback(t, "delivered")
		e.relay.Wait()
		if len(e.app.requests) != 1 {
			t.Fatalf("app got %d requests, want 1", len(e.app.requests))
		}
		got := e.app.requests[0]
		if got.form.Encode() != sent.Encode() {
			t.Errorf("relayed fields: got %s, want %s", got.form.Encode(), sent.Encode())
		}
		params := map[string]string{}
		for k := range got.form {
			params[k] = got.form.Get(k)
		}
		rv := twilioclient.NewRequestValidator(feedbackToken)
		if !rv.Validate(e.appURL, params, got.signature) {
			t.Errorf("signature %q does not validate for %s", got.signature, e.appURL)
		}
	})
}

func TestRelayRetries(t *testing.T) {
	e := newRelayEnv(t, testdb.DSN(t, "sqlite"), "app")
	e.app.answers = []int{http.StatusServiceUnavailable, http.StatusBadGateway}
	e.callback(t, "sent")
	e.relay.Wait()
	if got, want := len(e.app.requests), 3; got != want {
		t.Errorf("app got %d requests, want %d", got, want)
	}
}

func TestRelayGivesUp(t *testing.T) {
	for _, c := range []struct {
		name    string
		answers []int
		want    int
	}{
		{"app refuses: no retry", []int{http.StatusForbidden}, 1},
		{"app down: four attempts", []int{500, 500, 500, 500, 500}, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newRelayEnv(t, testdb.DSN(t, "sqlite"), "app")
			e.app.answers = c.answers
			e.callback(t, "sent")
			e.relay.Wait()
			if got := len(e.app.requests); got != c.want {
				t.Errorf("app got %d requests, want %d", got, c.want)
			}
		})
	}
}

func TestRelaySkipped(t *testing.T) {
	for _, c := range []struct{ name, callback string }{
		{"no status_callback tag", ""},
		{"not http", "ftp://app.example/status"},
		{"relative", "/status"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newRelayEnv(t, testdb.DSN(t, "sqlite"), c.callback)
			e.callback(t, "delivered")
			e.relay.Wait()
			if got := len(e.app.requests); got != 0 {
				t.Errorf("app got %d requests, want none", got)
			}
		})
	}
}

func TestRelayDuplicateOnce(t *testing.T) {
	e := newRelayEnv(t, testdb.DSN(t, "sqlite"), "app")
	e.callback(t, "delivered")
	e.callback(t, "delivered")
	e.relay.Wait()
	if got := len(e.app.requests); got != 1 {
		t.Errorf("app got %d requests for a repeated callback, want 1", got)
	}
}
