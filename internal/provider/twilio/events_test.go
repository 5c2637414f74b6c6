package twilio_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

const (
	eventsAccount = "AC11111111111111111111111111111111"
	eventsToken   = "11111111111111111111111111111111"
	otherAccount  = "AC22222222222222222222222222222222"
	otherToken    = "22222222222222222222222222222222"
	eventsMessage = "SM11111111111111111111111111111111"
	browserAgent  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

// eventsEnv is the events handler on a real store holding one delivered
// Twilio message of eventsAccount.
type eventsEnv struct {
	srv       *httptest.Server
	db        *store.DB
	messageID int64
}

func newEventsEnv(t *testing.T, dsn string) *eventsEnv {
	t.Helper()
	db, messageID := storeWithMessage(t, dsn, eventsAccount, eventsMessage)
	mux := http.NewServeMux()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := twilio.Config{Accounts: map[string]string{eventsAccount: eventsToken, otherAccount: otherToken}}
	twilio.NewEventsHandler(cfg, db, log).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &eventsEnv{srv: srv, db: db, messageID: messageID}
}

// storeWithMessage opens the store at dsn holding one delivered Twilio
// message, sid of account, and returns it with the message's id.
func storeWithMessage(t *testing.T, dsn, account, sid string) (*store.DB, int64) {
	t.Helper()
	db := testdb.Open(t, dsn)
	in := &smstrack.EventInput{
		Key:   smstrack.Key{Provider: twilio.Provider, Account: account, ProviderID: sid},
		Event: smstrack.Event{Status: smstrack.StatusDelivered, Source: smstrack.SourceWebhook, ReceivedAt: time.Now().UTC(), Payload: []byte(`{}`)},
		Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+15550001111", To: "+15550002222"},
	}
	in.ComputeDedupeKey()
	res, err := db.ApplyEvents(context.Background(), []*smstrack.EventInput{in})
	if err != nil {
		t.Fatal(err)
	}
	return db, res[0].MessageID
}

// clickEvent is a link-clicked CloudEvent as Event Streams sends it.
func clickEvent(id, account, message, userAgent, clickTime string) map[string]any {
	return map[string]any{
		"specversion": "1.0",
		"type":        twilio.LinkClickedType,
		"source":      "AB00000000000000000000000001",
		"id":          id,
		"dataschema":  "https://events-schemas.twilio.com/DapTbt.LinkClicked/3",
		"time":        clickTime,
		"data": map[string]any{
			"message_sid":           message,
			"account_sid":           account,
			"messaging_service_sid": "MG11111111111111111111111111111111",
			"to":                    "+15550002222",
			"from":                  "+15550001111",
			"link":                  "https://shop.example/offer?id=7",
			"shortened_link":        "https://go.example/abcdEFGH12",
			"link_create_time":      "2025-01-01T00:00:00.000Z",
			"click_time":            clickTime,
			"user_agent":            userAgent,
		},
	}
}

// later is a click time well clear of the message's delivery.
var later = time.Now().UTC().Add(time.Hour).Truncate(time.Millisecond)

// post sends body to the sink, signed by token unless it is empty, and
// returns the status and the answer.
func (e *eventsEnv) post(t *testing.T, body []byte, token string) (int, []byte) {
	t.Helper()
	sum := sha256.Sum256(body)
	u := e.srv.URL + twilio.EventsPath + "?bodySHA256=" + hex.EncodeToString(sum[:])
	return e.postTo(t, u, body, token)
}

func (e *eventsEnv) postTo(t *testing.T, u string, body []byte, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set(twilio.SignatureHeader, twilio.Sign(token, u, nil))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEventsLinkClicks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEventsEnv(t, dsn)
		at := later.Format("2006-01-02T15:04:05.000Z")
		body := mustJSON(t, []any{
			clickEvent("NO01", eventsAccount, eventsMessage, browserAgent, at),
			clickEvent("NO02", eventsAccount, eventsMessage, "facebookexternalhit/1.1 Facebot Twitterbot/1.0", at),
			clickEvent("NO03", eventsAccount, "SMffffffffffffffffffffffffffffffff", browserAgent, at),
			map[string]any{"specversion": "1.0", "type": "com.twilio.daptbt.link-shortening.link-shortened", "id": "NO04",
				"data": map[string]any{"account_sid": eventsAccount, "message_sid": eventsMessage}},
			map[string]any{"specversion": "1.0", "type": "com.twilio.messaging.message.delivered", "id": "NO05", "data": map[string]any{}},
		})
		status, answer := e.post(t, body, eventsToken)
		var got twilio.EventsResult
		if err := json.Unmarshal(answer, &got); status != 200 || err != nil {
			t.Fatalf("got %d %s, want 200", status, answer)
		}
		if want := (twilio.EventsResult{Events: 5, Clicks: 1, Previews: 1, Unknown: 1, Ignored: 2}); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
		list, err := e.db.ListActions(context.Background(), e.messageID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("got actions %+v, want one click", list)
		}
		a := list[0]
		var data map[string]string
		json.Unmarshal(a.Data, &data)
		if a.Type != smstrack.ActionClicked || a.Source != twilio.ActionSourceLinkClick || !a.At.Equal(later) {
			t.Errorf("got %+v, want a twilio_link_click clicked action at %v", a, later)
		}
		if data["link"] != "https://shop.example/offer?id=7" || data["shortened_link"] != "https://go.example/abcdEFGH12" ||
			data["user_agent"] != browserAgent || data["event_id"] != "NO01" {
			t.Errorf("data: got %v", data)
		}

		// Event Streams retries a delivery it did not see answered.
		status, answer = e.post(t, body, eventsToken)
		json.Unmarshal(answer, &got)
		if status != 200 || got.Clicks != 0 || got.Duplicates != 1 {
			t.Errorf("retry: got %d %s, want the click seen as a duplicate", status, answer)
		}
		if list, _ := e.db.ListActions(context.Background(), e.messageID); len(list) != 1 {
			t.Errorf("retry stored %d actions, want still 1", len(list))
		}
	})
}

func TestEventsRefused(t *testing.T) {
	e := newEventsEnv(t, testdb.DSN(t, "sqlite"))
	at := later.Format(time.RFC3339)
	good := mustJSON(t, []any{clickEvent("NO10", eventsAccount, eventsMessage, browserAgent, at)})
	for _, c := range []struct {
		name   string
		body   []byte
		token  string
		url    string // signed and called instead of the right one, when set
		status int
		field  string
	}{
		{"no signature", good, "", "", 403, "X-Twilio-Signature"},
		{"wrong token", good, "ffffffffffffffffffffffffffffffff", "", 403, "X-Twilio-Signature"},
		{"no bodySHA256", good, eventsToken, e.srv.URL + twilio.EventsPath, 403, "bodySHA256"},
		{"hash of another body", good, eventsToken, e.srv.URL + twilio.EventsPath + "?bodySHA256=" + strings.Repeat("0", 64), 403, "X-Twilio-Signature"},
		{"signed by another configured account", good, otherToken, "", 403, "[0].data.account_sid"},
		{"not an array", []byte(`{"type":"x"}`), eventsToken, "", 400, "body"},
		{"not JSON", []byte(`[{"type":`), eventsToken, "", 400, "body"},
		{"event without type", []byte(`[{"id":"NO1"}]`), eventsToken, "", 400, "[0].type"},
		{"bad click time", mustJSON(t, []any{clickEvent("NO11", eventsAccount, eventsMessage, browserAgent, "yesterday")}), eventsToken, "", 400, "[0].data.click_time"},
		{"no message sid", mustJSON(t, []any{clickEvent("NO12", eventsAccount, "", browserAgent, at)}), eventsToken, "", 400, "[0].data.message_sid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var status int
			var answer []byte
			if c.url != "" {
				status, answer = e.postTo(t, c.url, c.body, c.token)
			} else {
				status, answer = e.post(t, c.body, c.token)
			}
			var got struct{ Error, Field string }
			json.Unmarshal(answer, &got)
			if status != c.status || got.Field != c.field || got.Error == "" {
				t.Errorf("got %d %s, want %d with field %q", status, answer, c.status, c.field)
			}
		})
	}
	if list, err := e.db.ListActions(context.Background(), e.messageID); err != nil || len(list) != 0 {
		t.Errorf("refused deliveries stored actions: %v, %v", list, err)
	}

	// The other account signing its own events is fine; the message is not its.
	status, answer := e.post(t, mustJSON(t, []any{clickEvent("NO13", otherAccount, eventsMessage, browserAgent, at)}), otherToken)
	if status != 200 || !strings.Contains(string(answer), `"unknown":1`) {
		t.Errorf("other account: got %d %s, want 200 with the click unknown", status, answer)
	}
	// An empty delivery is nothing to do.
	if status, answer := e.post(t, []byte(`[]`), eventsToken); status != 200 {
		t.Errorf("empty array: got %d %s, want 200", status, answer)
	}
}

func TestEventsAtDeliveryIsPreview(t *testing.T) {
	e := newEventsEnv(t, testdb.DSN(t, "sqlite"))
	m, err := e.db.FindMessage(context.Background(), smstrack.Key{Provider: twilio.Provider, Account: eventsAccount, ProviderID: eventsMessage})
	if err != nil {
		t.Fatal(err)
	}
	at := m.State.Stages.At(smstrack.StatusDelivered).Add(200 * time.Millisecond).Format(time.RFC3339Nano)
	status, answer := e.post(t, mustJSON(t, []any{clickEvent("NO20", eventsAccount, eventsMessage, browserAgent, at)}), eventsToken)
	if status != 200 || !strings.Contains(string(answer), `"previews":1`) {
		t.Errorf("got %d %s, want the click counted as a preview", status, answer)
	}
}

func FuzzParseEvents(f *testing.F) {
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"type":"x"}]`))
	f.Add([]byte(`[{"type":"com.twilio.daptbt.link-shortening.link-clicked","data":{"message_sid":"SM1","account_sid":"AC1","click_time":"2025-01-01T00:10:00.000Z"}}]`))
	f.Add([]byte(`[{"type":"com.twilio.daptbt.link-shortening.link-clicked","data":null}]`))
	f.Add([]byte(`[{"type":"y","data":{"account_sid":5}}]`))
	f.Add([]byte(`{"type":"x"}`))
	f.Add([]byte(`[null, 1, "a"]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := twilio.ParseEvents(body)
		if err != nil {
			if events != nil {
				t.Fatalf("events %v with error %v", events, err)
			}
			if smstrack.ErrorCode(err) != smstrack.EINVALID || smstrack.ErrorField(err) == "" {
				t.Fatalf("error %v: want EINVALID with a field", err)
			}
			return
		}
		for i, ev := range events {
			if ev.Type == "" {
				t.Fatalf("event %d without type accepted", i)
			}
			if ev.Type == twilio.LinkClickedType {
				if ev.Click == nil || ev.Click.ClickedAt.IsZero() || ev.Click.MessageSid == "" || ev.Click.AccountSid != ev.Account {
					t.Fatalf("event %d: click %+v, account %q", i, ev.Click, ev.Account)
				}
			} else if ev.Click != nil {
				t.Fatalf("event %d of type %q has a click", i, ev.Type)
			}
		}
	})
}
