package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// feedbackPost posts Twilio's Message Feedback for sid with Basic credentials.
func (s *server) feedbackPost(t *testing.T, account, token, sid, outcome string) response {
	t.Helper()
	path := "/2010-04-01/Accounts/" + account + "/Messages/" + sid + "/Feedback.json"
	req, err := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(url.Values{"Outcome": {outcome}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(account, token)
	res, err := s.do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// apiAction is the part of the API's action the tests read.
type apiAction struct {
	ID        int64           `json:"id"`
	MessageID int64           `json:"message_id"`
	Type      string          `json:"type"`
	Source    string          `json:"source"`
	Data      json.RawMessage `json:"data"`
}

// TestEndToEndActions records actions through the native API and Twilio's
// Message Feedback on a running server, and reads the conversion figures.
func TestEndToEndActions(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServer(t, db)
		s.mustSend(t, callback{Sid: "SMe2eaction0000000000000000000001", Status: "delivered"})
		m := s.mustFind(t, "SMe2eaction0000000000000000000001")
		path := fmt.Sprintf("/api/v1/messages/%d/actions", m.ID)

		var a apiAction
		s.mustCall(t, "POST", path, map[string]any{"type": "confirmed", "data": map[string]string{"step": "otp"}}, &a, 201)
		if a.MessageID != m.ID || a.Type != "confirmed" || a.Source != "api" || !strings.Contains(string(a.Data), "otp") {
			t.Errorf("by id: got %+v", a)
		}
		// By number, written without the country code: the default region is US.
		s.mustCall(t, "POST", "/api/v1/actions", map[string]any{"to": "(415) 555-2671", "type": "clicked"}, &a, 201)
		if a.MessageID != m.ID || a.Type != "clicked" {
			t.Errorf("by number: got %+v, want message %d", a, m.ID)
		}
		if res, err := s.call("POST", "/api/v1/actions", map[string]any{"to": "+14155550000", "type": "clicked"}, nil); err != nil || res.status != 404 {
			t.Errorf("by unknown number: %d %s, %v; want 404", res.status, res.body, err)
		}

		res := s.feedbackPost(t, accountSid, authToken, "SMe2eaction0000000000000000000001", "unconfirmed")
		var fb map[string]string
		json.Unmarshal(res.body, &fb)
		if res.status != 201 || fb["outcome"] != "unconfirmed" || fb["message_sid"] != "SMe2eaction0000000000000000000001" || fb["date_created"] == "" {
			t.Errorf("feedback: %d %s", res.status, res.body)
		}
		if res := s.feedbackPost(t, accountSid, "wrong", "SMe2eaction0000000000000000000001", "confirmed"); res.status != 401 || !strings.Contains(string(res.body), "20003") {
			t.Errorf("feedback with a wrong token: %d %s, want 401 20003", res.status, res.body)
		}
		if res := s.feedbackPost(t, accountSid, authToken, "SMe2eunknown", "confirmed"); res.status != 404 || !strings.Contains(string(res.body), "20404") {
			t.Errorf("feedback for an unknown message: %d %s, want 404 20404", res.status, res.body)
		}

		var list struct {
			Actions   []apiAction `json:"actions"`
			Converted bool        `json:"converted"`
		}
		s.mustCall(t, "GET", path, nil, &list, 200)
		if len(list.Actions) != 3 || !list.Converted || list.Actions[2].Source != "twilio_feedback" {
			t.Errorf("actions: got %+v", list)
		}

		var stats struct {
			Groups []struct {
				Key       map[string]string `json:"key"`
				Sent      int               `json:"sent"`
				Delivered int               `json:"delivered"`
				Converted int               `json:"converted"`
			} `json:"groups"`
		}
		s.mustCall(t, "GET", "/api/v1/stats/conversions?group_by=provider", nil, &stats, 200)
		if len(stats.Groups) != 1 || stats.Groups[0].Key["provider"] != "twilio" || stats.Groups[0].Sent != 1 ||
			stats.Groups[0].Delivered != 1 || stats.Groups[0].Converted != 1 {
			t.Errorf("conversions: got %+v", stats)
		}
	})
}
