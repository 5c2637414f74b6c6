package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/testdb"
)

const (
	sendAccount = "AC0123456789abcdef0123456789abcdef"
	sendToken   = "0123456789abcdef0123456789abcdef"
	sendSID     = "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// upstreamTwilio answers message creation like Twilio's API and keeps
// the forms it received; To +15005550001 is refused as Twilio refuses it.
type upstreamTwilio struct {
	mu    sync.Mutex
	forms []url.Values
}

func (u *upstreamTwilio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	u.mu.Lock()
	u.forms = append(u.forms, r.PostForm)
	u.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.PostForm.Get("To") == "+15005550001" {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code": 21211, "message": "The 'To' number +15005550001 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`)
		return
	}
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{
		"sid": sendSID, "account_sid": sendAccount, "status": "queued", "direction": "outbound-api",
		"from": r.PostForm.Get("From"), "to": r.PostForm.Get("To"), "body": r.PostForm.Get("Body"),
		"messaging_service_sid": r.PostForm.Get("MessagingServiceSid"), "num_segments": "1", "num_media": "0",
		"date_created": "Fri, 27 Nov 2026 12:00:00 +0000", "date_updated": "Fri, 27 Nov 2026 12:00:00 +0000",
		"uri": "/2010-04-01/Accounts/" + sendAccount + "/Messages/" + sendSID + ".json",
	})
}

// newSendEnv is the API with sending through Twilio's send handler, which
// forwards to upstreamURL, or to a fake Twilio when it is empty.
func newSendEnv(t *testing.T, dsn, upstreamURL string) (*env, *upstreamTwilio) {
	t.Helper()
	fake := &upstreamTwilio{}
	if upstreamURL == "" {
		up := httptest.NewServer(fake)
		t.Cleanup(up.Close)
		upstreamURL = up.URL
	}
	e := newEnvWith(t, dsn, func(c *ingest.Committer, log *slog.Logger) api.Options {
		sender := twilio.NewSendHandler(twilio.SendConfig{Accounts: map[string]string{sendAccount: sendToken},
			PublicURL: "https://track.example.com", BaseURL: upstreamURL}, c, log)
		return api.Options{DefaultRegion: "US", TwilioSender: sender}
	})
	return e, fake
}

func TestSend(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e, up := newSendEnv(t, dsn, "")
		status, out := e.do(t, "POST", "/api/v1/send", `{"provider": "twilio", "account": "`+sendAccount+`",
			"from": "+15550001111", "to": "+15550002222", "body": "Your code is 123456",
			"media": ["https://a.example/1.png", "https://a.example/2.png"],
			"status_callback": "https://app.example/status", "tags": {"campaign": "otp"}}`)
		if status != http.StatusCreated {
			t.Fatalf("got %d %v, want 201", status, out)
		}
		if out["provider_id"] != sendSID || out["status"] != "queued" || out["body"] != "Your code is 123456" || out["to"] != "+15550002222" {
			t.Errorf("answered %v", out)
		}
		tags, _ := out["tags"].(map[string]any)
		if tags["campaign"] != "otp" || tags["status_callback"] != "https://app.example/status" {
			t.Errorf("tags: got %v", tags)
		}
		form := up.forms[0]
		if got, want := form.Get("StatusCallback"), twilio.RelayStatusURL("https://track.example.com"+twilio.StatusPath,
			sendToken, "https://app.example/status"); got != want {
			t.Errorf("StatusCallback to Twilio: got %q, want %q", got, want)
		}
		if got := form["MediaUrl"]; len(got) != 2 || got[0] != "https://a.example/1.png" {
			t.Errorf("MediaUrl to Twilio: got %v", got)
		}
		if form.Get("From") != "+15550001111" || form.Get("Body") != "Your code is 123456" {
			t.Errorf("form to Twilio: %v", form)
		}
	})
}

func TestSendMessagingService(t *testing.T) {
	e, up := newSendEnv(t, testdb.DSN(t, "sqlite"), "")
	status, out := e.do(t, "POST", "/api/v1/send", `{"provider": "twilio", "account": "`+sendAccount+`",
		"messaging_service_sid": "MG0123456789abcdef0123456789abcdef", "to": "+15550002222", "body": "hi"}`)
	if status != http.StatusCreated {
		t.Fatalf("got %d %v, want 201", status, out)
	}
	if got := up.forms[0].Get("MessagingServiceSid"); got != "MG0123456789abcdef0123456789abcdef" {
		t.Errorf("MessagingServiceSid to Twilio: got %q", got)
	}
	if _, ok := up.forms[0]["From"]; ok {
		t.Errorf("From sent without one given: %v", up.forms[0])
	}
}

func TestSendTwilioRefuses(t *testing.T) {
	e, _ := newSendEnv(t, testdb.DSN(t, "sqlite"), "")
	status, out := e.do(t, "POST", "/api/v1/send", `{"provider": "twilio", "account": "`+sendAccount+`",
		"from": "+15550001111", "to": "+15005550001", "body": "hi"}`)
	msg, _ := out["error"].(string)
	if status != http.StatusBadRequest || out["field"] != "to" || !strings.Contains(msg, "21211") || !strings.Contains(msg, "not a valid phone number") {
		t.Errorf("got %d %v, want 400 naming Twilio's error 21211 and the field to", status, out)
	}
}

func TestSendUnreachable(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	e, _ := newSendEnv(t, testdb.DSN(t, "sqlite"), dead.URL)
	status, out := e.do(t, "POST", "/api/v1/send", `{"provider": "twilio", "account": "`+sendAccount+`",
		"from": "+15550001111", "to": "+15550002222", "body": "hi"}`)
	if status != http.StatusBadGateway || out["error"] == "" {
		t.Errorf("got %d %v, want 502", status, out)
	}
}

func TestSendInvalid(t *testing.T) {
	e, up := newSendEnv(t, testdb.DSN(t, "sqlite"), "")
	ok := `"account": "` + sendAccount + `", "from": "+15550001111", "to": "+15550002222"`
	for _, c := range []struct{ name, body, field string }{
		{"no provider", `{` + ok + `, "body": "hi"}`, "provider"},
		{"other provider", `{"provider": "plivo", ` + ok + `, "body": "hi"}`, "provider"},
		{"no account", `{"provider": "twilio", "from": "+15550001111", "to": "+15550002222", "body": "hi"}`, "account"},
		{"account not configured", `{"provider": "twilio", "account": "AC00000000000000000000000000000000", "from": "+15550001111", "to": "+15550002222", "body": "hi"}`, "account"},
		{"no to", `{"provider": "twilio", "account": "` + sendAccount + `", "from": "+15550001111", "body": "hi"}`, "to"},
		{"no sender", `{"provider": "twilio", "account": "` + sendAccount + `", "to": "+15550002222", "body": "hi"}`, "from"},
		{"no content", `{"provider": "twilio", ` + ok + `}`, "body"},
		{"relative media", `{"provider": "twilio", ` + ok + `, "media": ["/a.png"]}`, "media[0]"},
		{"callback not http", `{"provider": "twilio", ` + ok + `, "body": "hi", "status_callback": "ftp://app.example/s"}`, "status_callback"},
		{"callback as a tag", `{"provider": "twilio", ` + ok + `, "body": "hi", "tags": {"status_callback": "https://app.example/s"}}`, "tags.status_callback"},
		{"unknown field", `{"provider": "twilio", ` + ok + `, "body": "hi", "sender": "x"}`, "sender"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, out := e.do(t, "POST", "/api/v1/send", c.body)
			if status != http.StatusBadRequest || out["field"] != c.field {
				t.Errorf("got %d %v, want 400 naming %s", status, out, c.field)
			}
		})
	}
	if len(up.forms) != 0 {
		t.Errorf("an invalid request reached Twilio: %v", up.forms)
	}
}
