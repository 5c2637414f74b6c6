package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// postEvents posts an Event Streams delivery as Twilio's webhook sink
// does: the URL carries the body's SHA-256, the signature covers the URL.
func (s *server) postEvents(t *testing.T, events []map[string]any, token string) response {
	t.Helper()
	body, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	u := s.base + twilio.EventsPath + "?bodySHA256=" + hex.EncodeToString(sum[:])
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(token, u, nil))
	res, err := s.do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// linkClicked is a Link Shortening click as Event Streams reports it.
func linkClicked(id, messageSid, userAgent string, at time.Time) map[string]any {
	return map[string]any{
		"specversion": "1.0",
		"type":        twilio.LinkClickedType,
		"source":      "AB00000000000000000000000001",
		"id":          id,
		"dataschema":  "https://events-schemas.twilio.com/DapTbt.LinkClicked/3",
		"time":        at.Format(time.RFC3339Nano),
		"data": map[string]any{
			"message_sid":           messageSid,
			"account_sid":           accountSid,
			"messaging_service_sid": "MG0e2e00000000000000000000000000a1",
			"to":                    "+14155552671",
			"from":                  "+15005550006",
			"link":                  "https://shop.example/spring?c=sms",
			"shortened_link":        "https://go.example/e2eClick01",
			"link_create_time":      at.Add(-time.Hour).Format(time.RFC3339Nano),
			"click_time":            at.Format(time.RFC3339Nano),
			"user_agent":            userAgent,
		},
	}
}

// TestEndToEndTwilioLinkClicks reports a message, then has Event Streams
// tell of clicks on its Twilio-shortened link: a person's click converts
// the message, a preview fetcher's and a forged delivery do not count.
func TestEndToEndTwilioLinkClicks(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServer(t, db)
		const sid = "SMe2eclick000000000000000000000001"
		var sent struct {
			ID int64 `json:"id"`
		}
		s.mustCall(t, "POST", "/api/v1/messages", map[string]any{
			"provider": "twilio", "account": accountSid, "provider_id": sid, "direction": "outbound",
			"from": "+15005550006", "to": "+14155552671", "body": "Spring sale: https://go.example/e2eClick01", "status": "sent",
		}, &sent, http.StatusCreated)
		path := fmt.Sprintf("/api/v1/messages/%d", sent.ID)

		at := time.Now().UTC().Add(time.Minute).Truncate(time.Millisecond)
		preview := linkClicked("NOe2e1", sid, "facebookexternalhit/1.1 Facebot Twitterbot/1.0", at)
		if res := s.postEvents(t, []map[string]any{preview}, authToken); res.status != http.StatusOK {
			t.Fatalf("preview delivery: %d %s, want 200", res.status, res.body)
		}
		if res := s.postEvents(t, []map[string]any{linkClicked("NOe2e2", sid, "Mozilla/5.0", at)}, strangerAuth); res.status != http.StatusForbidden {
			t.Errorf("delivery signed by an unknown token: %d %s, want 403", res.status, res.body)
		}
		var m struct {
			Actions   []apiAction `json:"actions"`
			Converted bool        `json:"converted"`
		}
		s.mustCall(t, "GET", path, nil, &m, http.StatusOK)
		if len(m.Actions) != 0 || m.Converted {
			t.Fatalf("after a preview and a forgery: got %+v, want no action", m)
		}

		browser := "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"
		res := s.postEvents(t, []map[string]any{
			linkClicked("NOe2e3", sid, browser, at),
			{"specversion": "1.0", "type": "com.twilio.messaging.message.delivered", "id": "NOe2e4", "data": map[string]any{"account_sid": accountSid}},
		}, authToken)
		var got twilio.EventsResult
		json.Unmarshal(res.body, &got)
		if res.status != http.StatusOK || got.Clicks != 1 || got.Ignored != 1 {
			t.Fatalf("click delivery: %d %s, want 200 with one click and one ignored", res.status, res.body)
		}
		s.mustCall(t, "GET", path, nil, &m, http.StatusOK)
		if len(m.Actions) != 1 || !m.Converted {
			t.Fatalf("got %+v, want one clicked action and converted", m)
		}
		a := m.Actions[0]
		var data map[string]string
		json.Unmarshal(a.Data, &data)
		if a.Type != "clicked" || a.Source != "twilio_link_click" || data["link"] != "https://shop.example/spring?c=sms" ||
			data["shortened_link"] != "https://go.example/e2eClick01" || data["user_agent"] != browser {
			t.Errorf("action: got %+v with data %v", a, data)
		}
	})
}
