package twilio_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	twiliogo "github.com/twilio/twilio-go"
	twilioclient "github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

const (
	feedbackAccount = "AC0123456789abcdef0123456789abcdef"
	feedbackToken   = "0123456789abcdef0123456789abcdef"
	feedbackMessage = "SM0123456789abcdef0123456789abcdef"
)

// feedbackEnv is the feedback handler on a real store holding one Twilio message.
type feedbackEnv struct {
	srv       *httptest.Server
	db        *store.DB
	messageID int64
}

func newFeedbackEnv(t *testing.T, dsn string) *feedbackEnv {
	t.Helper()
	db, messageID := storeWithMessage(t, dsn, feedbackAccount, feedbackMessage)
	mux := http.NewServeMux()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	twilio.NewFeedbackHandler(map[string]string{feedbackAccount: feedbackToken}, db, log).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &feedbackEnv{srv: srv, db: db, messageID: messageID}
}

// redirect sends every request of Twilio's library to the test server.
type redirect struct{ to *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.to.Scheme, r.to.Host
	return http.DefaultTransport.RoundTrip(req)
}

// client returns Twilio's official client, with these credentials, talking to e.
func (e *feedbackEnv) client(t *testing.T, account, token string) *twiliogo.RestClient {
	t.Helper()
	u, _ := url.Parse(e.srv.URL)
	c := &twilioclient.Client{Credentials: twilioclient.NewCredentials(account, token),
		HTTPClient: &http.Client{Transport: redirect{u}, Timeout: 10 * time.Second}}
	c.SetAccountSid(account)
	return twiliogo.NewRestClientWithParams(twiliogo.ClientParams{Client: c})
}

func TestFeedbackWithTwiliosLibrary(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newFeedbackEnv(t, dsn)
		api := e.client(t, feedbackAccount, feedbackToken).Api
		for _, outcome := range []string{"confirmed", "unconfirmed"} {
			fb, err := api.CreateMessageFeedback(feedbackMessage, (&openapi.CreateMessageFeedbackParams{}).SetOutcome(outcome))
			if err != nil {
				t.Fatalf("%s: %v", outcome, err)
			}
			if *fb.AccountSid != feedbackAccount || *fb.MessageSid != feedbackMessage || *fb.Outcome != outcome {
				t.Errorf("%s: got %s %s %s", outcome, *fb.AccountSid, *fb.MessageSid, *fb.Outcome)
			}
			if _, err := time.Parse(time.RFC1123Z, *fb.DateCreated); err != nil {
				t.Errorf("date_created %q is not RFC 2822: %v", *fb.DateCreated, err)
			}
			if want := "/2010-04-01/Accounts/" + feedbackAccount + "/Messages/" + feedbackMessage + "/Feedback.json"; *fb.Uri != want {
				t.Errorf("uri: got %s, want %s", *fb.Uri, want)
			}
		}
		list, err := e.db.ListActions(context.Background(), e.messageID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Type != smstrack.ActionConfirmed || list[1].Type != smstrack.ActionUnconfirmed {
			t.Fatalf("got actions %+v, want confirmed then unconfirmed", list)
		}
		if list[0].Source != smstrack.ActionSourceTwilioFeedback || time.Since(list[0].At) > time.Minute {
			t.Errorf("got %+v, want source twilio_feedback at about now", list[0])
		}
	})
}

func TestFeedbackRefusedWithTwiliosLibrary(t *testing.T) {
	e := newFeedbackEnv(t, testdb.DSN(t, "sqlite"))
	const otherAccount = "AC00000000000000000000000000000000"
	for _, c := range []struct {
		name, account, token, message string
		status, code                  int
	}{
		{"wrong token", feedbackAccount, "ffffffffffffffffffffffffffffffff", feedbackMessage, 401, 20003},
		{"unknown account", otherAccount, feedbackToken, feedbackMessage, 401, 20003},
		{"unknown message", feedbackAccount, feedbackToken, "SMffffffffffffffffffffffffffffffff", 404, 20404},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.client(t, c.account, c.token).Api.CreateMessageFeedback(c.message, (&openapi.CreateMessageFeedbackParams{}).SetOutcome("confirmed"))
			var rest *twilioclient.TwilioRestError
			if !errors.As(err, &rest) {
				t.Fatalf("got %v, want Twilio's REST error", err)
			}
			if rest.Status != c.status || rest.Code != c.code || rest.Message == "" || !strings.HasPrefix(rest.MoreInfo, "https://") {
				t.Errorf("got %+v, want status %d code %d", rest, c.status, c.code)
			}
		})
	}
	if list, err := e.db.ListActions(context.Background(), e.messageID); err != nil || len(list) != 0 {
		t.Errorf("refused feedback stored actions: %v, %v", list, err)
	}
}

func TestFeedbackRequests(t *testing.T) {
	e := newFeedbackEnv(t, testdb.DSN(t, "sqlite"))
	path := "/2010-04-01/Accounts/" + feedbackAccount + "/Messages/" + feedbackMessage + "/Feedback.json"
	for _, c := range []struct {
		name, user, pass, body string
		want                   int
	}{
		{"no credentials", "", "", "Outcome=confirmed", 401},
		{"another account's sid as username", "AC00000000000000000000000000000000", feedbackToken, "Outcome=confirmed", 401},
		{"unknown outcome", feedbackAccount, feedbackToken, "Outcome=maybe", 400},
		{"no outcome means confirmed", feedbackAccount, feedbackToken, "", 201},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.user != "" {
				req.SetBasicAuth(c.user, c.pass)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("got %d, want %d", resp.StatusCode, c.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("content type %q, want JSON", ct)
			}
		})
	}
	list, err := e.db.ListActions(context.Background(), e.messageID)
	if err != nil || len(list) != 1 || list[0].Type != smstrack.ActionConfirmed {
		t.Errorf("got %+v, %v; want the one confirmation", list, err)
	}
}
