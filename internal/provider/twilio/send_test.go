package twilio_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	twilioclient "github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

const (
	sendMessage  = "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	badRecipient = "+15005550001" // Twilio's magic number for an invalid To
)

// fakeTwilio answers like Twilio's Messages API for one account and
// remembers the create requests it received.
type fakeTwilio struct {
	mu    sync.Mutex
	forms []url.Values
}

func (f *fakeTwilio) resource(body, to string) map[string]any {
	return map[string]any{
		"sid": sendMessage, "account_sid": feedbackAccount, "status": "queued", "direction": "outbound-api",
		"from": "+15550001111", "to": to, "body": body, "num_segments": "1", "price": nil, "error_code": nil,
		"date_created": "Fri, 27 Nov 2026 12:00:00 +0000", "date_updated": "Fri, 27 Nov 2026 12:00:00 +0000",
		"date_sent": nil, "uri": "/2010-04-01/Accounts/" + feedbackAccount + "/Messages/" + sendMessage + ".json",
	}
}

func (f *fakeTwilio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	answer := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	if user, pass, _ := r.BasicAuth(); user != feedbackAccount || pass != feedbackToken {
		answer(401, map[string]any{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
		return
	}
	base := "/2010-04-01/Accounts/" + feedbackAccount + "/Messages"
	switch {
	case r.Method == "POST" && r.URL.Path == base+".json":
		r.ParseForm()
		f.mu.Lock()
		f.forms = append(f.forms, r.PostForm)
		f.mu.Unlock()
		if r.PostForm.Get("To") == badRecipient {
			answer(400, map[string]any{"code": 21211, "message": "The 'To' number " + badRecipient + " is not a valid phone number.",
				"more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})
			return
		}
		answer(201, f.resource(r.PostForm.Get("Body"), r.PostForm.Get("To")))
	case r.Method == "GET" && r.URL.Path == base+"/"+sendMessage+".json":
		m := f.resource("Your code is 123456", "+15550002222")
		m["status"], m["date_sent"], m["price"] = "delivered", "Fri, 27 Nov 2026 12:00:05 +0000", "-0.0079"
		answer(200, m)
	case r.Method == "GET" && r.URL.Path == base+".json":
		m := f.resource("Your code is 123456", "+15550002222")
		m["status"] = "sent"
		answer(200, map[string]any{"messages": []any{m}, "page": 0, "page_size": 50, "first_page_uri": base + ".json?PageSize=50&Page=0",
			"next_page_uri": nil, "previous_page_uri": nil, "uri": r.URL.RequestURI(), "start": 0, "end": 0})
	default:
		answer(404, map[string]any{"code": 20404, "message": "not found", "status": 404})
	}
}

// sendEnv is the send handler on a real store, forwarding to a fake Twilio.
type sendEnv struct {
	feedbackEnv
	upstream   *fakeTwilio
	background *sync.WaitGroup // creates record after answering
}

func newSendEnv(t *testing.T, dsn string, upstreamURL string) *sendEnv {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	committer := ingest.NewCommitter(db, log, ingest.Options{})
	t.Cleanup(committer.Close)
	fake := &fakeTwilio{}
	if upstreamURL == "" {
		up := httptest.NewServer(fake)
		t.Cleanup(up.Close)
		upstreamURL = up.URL
	}
	mux := http.NewServeMux()
	background := &sync.WaitGroup{}
	twilio.NewSendHandler(twilio.SendConfig{Accounts: map[string]string{feedbackAccount: feedbackToken},
		PublicURL: "https://track.example.com/", BaseURL: upstreamURL, Background: background}, committer, log).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &sendEnv{feedbackEnv: feedbackEnv{srv: srv, db: db}, upstream: fake, background: background}
}

// find returns the message once the records left in the background are done.
func (e *sendEnv) find(t *testing.T) *smstrack.Message {
	t.Helper()
	e.background.Wait()
	m, err := e.db.FindMessage(context.Background(), smstrack.Key{Provider: twilio.Provider, Account: feedbackAccount, ProviderID: sendMessage})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSendWithTwiliosLibrary(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newSendEnv(t, dsn, "")
		api := e.client(t, feedbackAccount, feedbackToken).Api
		params := (&openapi.CreateMessageParams{}).SetTo("+15550002222").SetFrom("+15550001111").
			SetBody("Your code is 123456").SetMediaUrl([]string{"https://a.example/1.png", "https://a.example/2.png"}).
			SetStatusCallback("https://app.example/status").SetProvideFeedback(true).SetValidityPeriod(600)
		msg, err := api.CreateMessage(params)
		if err != nil {
			t.Fatal(err)
		}
		if *msg.Sid != sendMessage || *msg.Status != "queued" || *msg.Body != "Your code is 123456" {
			t.Errorf("got %s %s %q", *msg.Sid, *msg.Status, *msg.Body)
		}
		form := e.upstream.forms[0]
		// smstrack's own status URL, carrying the app's for the relay.
		if got, want := form.Get("StatusCallback"), twilio.RelayStatusURL("https://track.example.com"+twilio.StatusPath,
			feedbackToken, "https://app.example/status"); got != want {
			t.Errorf("StatusCallback to Twilio: got %q, want %q", got, want)
		}
		if got := form["MediaUrl"]; len(got) != 2 || got[1] != "https://a.example/2.png" {
			t.Errorf("MediaUrl: got %v", got)
		}
		if form.Get("ProvideFeedback") != "true" || form.Get("ValidityPeriod") != "600" || form.Get("From") != "+15550001111" {
			t.Errorf("fields not passed on: %v", form)
		}
		m := e.find(t)
		if m.Body == nil || *m.Body != "Your code is 123456" || m.From != "+15550001111" || m.To != "+15550002222" || m.Status != smstrack.StatusQueued {
			t.Errorf("recorded %+v", m)
		}
		if got := m.Tags["status_callback"]; got != "https://app.example/status" {
			t.Errorf("status_callback tag: got %q", got)
		}

		fetched, err := api.FetchMessage(sendMessage, &openapi.FetchMessageParams{})
		if err != nil {
			t.Fatal(err)
		}
		if *fetched.Status != "delivered" || *fetched.Price != "-0.0079" {
			t.Errorf("fetched %s %v", *fetched.Status, *fetched.Price)
		}
		if m := e.find(t); m.Status != smstrack.StatusDelivered || m.Price != "-0.0079" {
			t.Errorf("after fetch: status %s price %q, want delivered -0.0079", m.Status, m.Price)
		}

		list, err := api.ListMessage((&openapi.ListMessageParams{}).SetPageSize(50).SetLimit(50))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || *list[0].Sid != sendMessage {
			t.Fatalf("listed %d messages", len(list))
		}
	})
}

func TestSendRefused(t *testing.T) {
	e := newSendEnv(t, testdb.DSN(t, "sqlite"), "")
	const otherAccount = "AC00000000000000000000000000000000"
	for _, c := range []struct {
		name, account, token, to string
		status, code             int
	}{
		{"wrong token", feedbackAccount, "wrong", "+15550002222", 401, 20003},
		{"unknown account", otherAccount, feedbackToken, "+15550002222", 401, 20003},
		{"upstream error passed back", feedbackAccount, feedbackToken, badRecipient, 400, 21211},
	} {
		t.Run(c.name, func(t *testing.T) {
			api := e.client(t, c.account, c.token).Api
			_, err := api.CreateMessage((&openapi.CreateMessageParams{}).SetTo(c.to).SetFrom("+15550001111").SetBody("hi"))
			var restErr *twilioclient.TwilioRestError
			if !errors.As(err, &restErr) {
				t.Fatalf("got %v, want a Twilio REST error", err)
			}
			if restErr.Status != c.status || restErr.Code != c.code {
				t.Errorf("got status %d code %d, want %d %d", restErr.Status, restErr.Code, c.status, c.code)
			}
		})
	}
	_, err := e.db.FindMessage(context.Background(), smstrack.Key{Provider: twilio.Provider, Account: feedbackAccount, ProviderID: sendMessage})
	if smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
		t.Errorf("a refused send was recorded: %v", err)
	}
}

func TestSendUpstreamUnreachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	e := newSendEnv(t, testdb.DSN(t, "sqlite"), dead.URL)
	req, _ := http.NewRequest("POST", e.srv.URL+"/2010-04-01/Accounts/"+feedbackAccount+"/Messages.json",
		strings.NewReader("To=%2B15550002222&From=%2B15550001111&Body=hi"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(feedbackAccount, feedbackToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Code, Status int }
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 502 || body.Status != 502 || body.Code == 0 {
		t.Errorf("got %d %+v, want a 502 Twilio error", resp.StatusCode, body)
	}
}

func TestSendFetchNeedsJSONSuffix(t *testing.T) {
	e := newSendEnv(t, testdb.DSN(t, "sqlite"), "")
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/2010-04-01/Accounts/%s/Messages/%s", e.srv.URL, feedbackAccount, sendMessage), nil)
	req.SetBasicAuth(feedbackAccount, feedbackToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("got %d, want 404", resp.StatusCode)
	}
}
