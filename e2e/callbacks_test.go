package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// TestEndToEndTwilioCallbacks sends Twilio's webhooks to a running server,
// well-formed and not, and reads everything back through the JSON API.
func TestEndToEndTwilioCallbacks(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServer(t, db)

		t.Run("health", func(t *testing.T) {
			var got map[string]string
			s.mustCall(t, http.MethodGet, "/healthz", nil, &got, http.StatusOK)
			if got["status"] != "ok" {
				t.Errorf("GET /healthz = %v, want status ok", got)
			}
		})

		t.Run("delivered before sent", func(t *testing.T) {
			sid := "SMe2e0order0000000000000000000001"
			s.mustSend(t, callback{Sid: sid, Status: "delivered", DoneDate: "2603141530"})
			s.mustSend(t, callback{Sid: sid, Status: "sent"})

			m := s.mustFind(t, sid)
			checkMessage(t, m, "delivered", "")
			checkTimeline(t, m, []string{"delivered", "sent"}, []bool{true, false})
			checkStageOrder(t, m)
			if m.Direction != "outbound" {
				t.Errorf("direction = %q, want outbound", m.Direction)
			}
			if e := m.Events[0]; e.ProviderTime == nil || !e.ProviderTime.Equal(time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)) {
				t.Errorf("delivered provider_time = %v, want 2026-03-14T15:30:00Z from RawDlrDoneDate", e.ProviderTime)
			}
		})

		t.Run("duplicates", func(t *testing.T) {
			sid := "SMe2e0dup000000000000000000000001"
			for _, st := range []string{"queued", "sent", "sent", "delivered", "delivered", "queued"} {
				s.mustSend(t, callback{Sid: sid, Status: st})
			}
			m := s.mustFind(t, sid)
			checkMessage(t, m, "delivered", "")
			checkTimeline(t, m, []string{"queued", "sent", "delivered"}, []bool{true, true, true})
			checkStageOrder(t, m)
		})

		t.Run("callback before the app's report", func(t *testing.T) {
			sid := "SMe2e0report000000000000000000001"
			s.mustSend(t, callback{Sid: sid, Status: "delivered"})
			m := s.mustFind(t, sid)
			checkMessage(t, m, "delivered", "")
			if m.Body != nil {
				t.Errorf("body = %q before the report, want null", *m.Body)
			}

			report := map[string]any{
				"provider": "twilio", "account": accountSid, "provider_id": sid, "status": "sent",
				"from": "+15005550006", "to": "+14155552671", "body": "Your code is 123456",
				"tags": map[string]string{"campaign": "e2e"},
			}
			var created apiMessage
			s.mustCall(t, http.MethodPost, "/api/v1/messages", report, &created, http.StatusCreated)
			if created.ID != m.ID || created.Status != "delivered" {
				t.Errorf("report answered message %d status %q, want the callback's message %d, status delivered",
					created.ID, created.Status, m.ID)
			}
			// The same report again is a duplicate, answered 200.
			s.mustCall(t, http.MethodPost, "/api/v1/messages", report, nil, http.StatusOK)

			m = s.mustFind(t, sid)
			checkMessage(t, m, "delivered", "")
			checkTimeline(t, m, []string{"delivered", "sent"}, []bool{true, false})
			checkStageOrder(t, m)
			if got, want := []string{m.Events[0].Source, m.Events[1].Source}, []string{"webhook", "api"}; !slices.Equal(got, want) {
				t.Errorf("event sources = %v, want %v", got, want)
			}
			if m.Body == nil || *m.Body != "Your code is 123456" {
				t.Errorf("body = %v, want the report's", m.Body)
			}
			if got := m.Tags["campaign"]; got != "e2e" {
				t.Errorf("tag campaign = %q, want e2e", got)
			}
		})

		t.Run("undelivered with error code", func(t *testing.T) {
			sid := "SMe2e0undeliv00000000000000000001"
			s.mustSend(t, callback{Sid: sid, Status: "sent"})
			s.mustSend(t, callback{Sid: sid, Status: "undelivered", ErrorCode: "30003", DoneDate: "2603141531"})

			m := s.mustFind(t, sid)
			checkMessage(t, m, "undelivered", "30003")
			checkTimeline(t, m, []string{"sent", "undelivered"}, []bool{true, true})
			if m.Error == nil || m.Error.Category != "handset_unreachable" {
				t.Errorf("error = %+v, want category handset_unreachable", m.Error)
			}
			if e := m.Events[1]; e.ErrorCode != "30003" || e.Error == nil || e.Error.Category != "handset_unreachable" {
				t.Errorf("undelivered event error = %q %+v, want 30003 handset_unreachable", e.ErrorCode, e.Error)
			}
		})

		t.Run("inbound message", func(t *testing.T) {
			sid := "SMe2e0inbound00000000000000000001"
			form := url.Values{
				"AccountSid": {accountSid}, "ApiVersion": {"2010-04-01"},
				"MessageSid": {sid}, "SmsMessageSid": {sid}, "SmsSid": {sid}, "SmsStatus": {"received"},
				"From": {"+14155552671"}, "To": {"+15005550006"}, "Body": {"Hello from a handset"},
				"NumMedia": {"0"}, "NumSegments": {"1"}, "FromCountry": {"US"},
			}
			// Twilio retries a webhook it did not hear back from: the retry
			// is answered alike and stored once.
			for range 2 {
				res, err := s.postForm(twilio.InboundPath, form, authToken)
				if err != nil {
					t.Fatal(err)
				}
				if res.status != http.StatusOK {
					t.Fatalf("inbound: status %d (%s), want 200", res.status, res.body)
				}
				if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
					t.Errorf("inbound: Content-Type %q, want text/xml", ct)
				}
				if !strings.Contains(string(res.body), "<Response>") {
					t.Errorf("inbound: body %q, want TwiML <Response>", res.body)
				}
			}

			m := s.mustFind(t, sid)
			checkMessage(t, m, "received", "")
			checkTimeline(t, m, []string{"received"}, []bool{true})
			if m.Direction != "inbound" || m.Body == nil || *m.Body != "Hello from a handset" || m.ReceivedAt == nil {
				t.Errorf("inbound message = direction %q body %v received_at %v, want inbound, its body and a time",
					m.Direction, m.Body, m.ReceivedAt)
			}
		})

		t.Run("bad signatures", func(t *testing.T) {
			sid := "SMe2e0badsig000000000000000000001"
			form := callback{Sid: sid, Status: "delivered"}.form()
			tampered := callback{Sid: sid, Status: "failed"}.form()
			tests := []struct {
				name string
				send func() (response, error)
			}{
				{"wrong token", func() (response, error) { return s.postForm(twilio.StatusPath, form, "not-the-token") }},
				{"no signature", func() (response, error) { return s.postForm(twilio.StatusPath, form, "") }},
				{"body changed after signing", func() (response, error) {
					return s.postBody(twilio.StatusPath, s.base+twilio.StatusPath, form, tampered.Encode(), authToken)
				}},
				{"signed for another URL", func() (response, error) {
					return s.postBody(twilio.StatusPath, s.base+twilio.InboundPath, form, form.Encode(), authToken)
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					res, err := tt.send()
					if err != nil {
						t.Fatal(err)
					}
					if res.status != http.StatusForbidden {
						t.Errorf("status %d (%s), want 403", res.status, res.body)
					}
					checkErrorJSON(t, res, "")
				})
			}
			s.mustNotFind(t, sid)
		})

		t.Run("unconfigured account", func(t *testing.T) {
			sid := "SMe2e0stranger0000000000000000001"
			res, err := s.postForm(twilio.StatusPath, callback{Sid: sid, Status: "delivered", Account: strangerSid}.form(), strangerAuth)
			if err != nil {
				t.Fatal(err)
			}
			if res.status != http.StatusForbidden {
				t.Errorf("status %d (%s), want 403", res.status, res.body)
			}
			e := checkErrorJSON(t, res, "AccountSid")
			if !strings.Contains(e.Error, strangerSid) || !strings.Contains(e.Error, "not configured") {
				t.Errorf("error %q, want it to say account %s is not configured", e.Error, strangerSid)
			}
			s.mustNotFind(t, sid)
		})

		t.Run("missing MessageSid", func(t *testing.T) {
			marker := fmt.Sprintf("e2e-missing-sid-%d", time.Now().UnixNano())
			form := callback{Status: "delivered"}.form()
			form.Del("MessageSid")
			form.Del("SmsSid")
			form.Set("Body", marker)
			res, err := s.postForm(twilio.StatusPath, form, authToken)
			if err != nil {
				t.Fatal(err)
			}
			if res.status != http.StatusBadRequest {
				t.Errorf("status %d (%s), want 400", res.status, res.body)
			}
			checkErrorJSON(t, res, "MessageSid")

			// The refusal is recorded in the background: wait for it.
			deadline := time.Now().Add(10 * time.Second)
			for {
				var got struct {
					Rejected []rejectedJSON `json:"rejected"`
				}
				s.mustCall(t, http.MethodGet, "/api/v1/rejected", nil, &got, http.StatusOK)
				i := slices.IndexFunc(got.Rejected, func(r rejectedJSON) bool { return strings.Contains(r.Body, marker) })
				if i >= 0 {
					r := got.Rejected[i]
					if r.Path != twilio.StatusPath || r.Field != "MessageSid" || r.Reason == "" {
						t.Errorf("rejected = %+v, want path %s, field MessageSid and a reason", r, twilio.StatusPath)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the refused request never appeared in GET /api/v1/rejected (%d entries)", len(got.Rejected))
				}
				time.Sleep(20 * time.Millisecond) // nothing signals the background recording
			}
		})

		t.Run("oversized body", func(t *testing.T) {
			sid := "SMe2e0oversize0000000000000000001"
			form := callback{Sid: sid, Status: "delivered"}.form()
			form.Set("Body", strings.Repeat("x", 65<<10))
			for _, chunked := range []bool{false, true} {
				req, err := http.NewRequest(http.MethodPost, s.base+twilio.StatusPath, strings.NewReader(form.Encode()))
				if err != nil {
					t.Fatal(err)
				}
				if chunked {
					// No Content-Length: the server must count as it reads.
					req.Body = io.NopCloser(struct{ io.Reader }{strings.NewReader(form.Encode())})
					req.ContentLength = -1
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set(twilio.SignatureHeader, twilio.Sign(authToken, s.base+twilio.StatusPath, form))
				res, err := s.do(req)
				if err != nil {
					t.Fatalf("chunked %v: %v", chunked, err)
				}
				if res.status != http.StatusBadRequest {
					t.Errorf("chunked %v: status %d (%s), want 400", chunked, res.status, res.body)
				}
				checkErrorJSON(t, res, "")
			}
			s.mustNotFind(t, sid)
		})

		t.Run("API without key", func(t *testing.T) {
			for _, auth := range []string{"", "Bearer ", "Bearer smst_not-a-key", "Basic " + db.key} {
				for _, route := range []string{"GET /api/v1/messages", "GET /api/v1/messages/1", "GET /api/v1/rejected", "POST /api/v1/messages"} {
					method, path, _ := strings.Cut(route, " ")
					req, err := http.NewRequest(method, s.base+path, strings.NewReader(`{}`))
					if err != nil {
						t.Fatal(err)
					}
					if auth != "" {
						req.Header.Set("Authorization", auth)
					}
					res, err := s.do(req)
					if err != nil {
						t.Fatal(err)
					}
					if res.status != http.StatusUnauthorized {
						t.Errorf("%s with Authorization %q: status %d, want 401", route, auth, res.status)
						continue
					}
					checkErrorJSON(t, res, "")
				}
			}
		})
	})
}

// rejectedJSON is one entry of GET /api/v1/rejected.
type rejectedJSON struct {
	Path   string `json:"path"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Body   string `json:"body"`
}

// errorJSON is the body of every error answer.
type errorJSON struct {
	Error string `json:"error"`
	Field string `json:"field"`
}

// checkErrorJSON requires res to be a JSON error naming field (any field
// when field is empty).
func checkErrorJSON(t *testing.T, res response, field string) errorJSON {
	t.Helper()
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var e errorJSON
	if err := json.Unmarshal(res.body, &e); err != nil {
		t.Errorf("error body %q is not JSON: %v", res.body, err)
		return e
	}
	if e.Error == "" {
		t.Errorf("error body %s has no error message", res.body)
	}
	if field != "" && e.Field != field {
		t.Errorf("error field = %q, want %q (body %s)", e.Field, field, res.body)
	}
	return e
}

// checkMessage checks a message's status and error code, and that it is
// of the Twilio account the servers accept.
func checkMessage(t *testing.T, m apiMessage, status, errorCode string) {
	t.Helper()
	checkStatus(t, m, status, errorCode)
	if m.Provider != "twilio" || m.Account != accountSid {
		t.Errorf("message %s: provider %q account %q, want twilio %s", m.ProviderID, m.Provider, m.Account, accountSid)
	}
}

func checkTimeline(t *testing.T, m apiMessage, statuses []string, applied []bool) {
	t.Helper()
	if got := m.statuses(); !slices.Equal(got, statuses) {
		t.Fatalf("message %s: timeline %v, want %v", m.ProviderID, got, statuses)
	}
	got := make([]bool, len(m.Events))
	for i, e := range m.Events {
		got[i] = e.Applied
		if i > 0 && e.ReceivedAt.Before(m.Events[i-1].ReceivedAt) {
			t.Errorf("message %s: event %d received %v, before event %d at %v", m.ProviderID, i, e.ReceivedAt, i-1, m.Events[i-1].ReceivedAt)
		}
	}
	if !slices.Equal(got, applied) {
		t.Errorf("message %s: applied flags %v, want %v", m.ProviderID, got, applied)
	}
}

// checkStageOrder requires the per-stage times to be set and in stage order
// (queued_at, when set, <= sent_at <= delivered_at), whatever order the
// callbacks came in.
func checkStageOrder(t *testing.T, m apiMessage) {
	t.Helper()
	if m.SentAt == nil || m.DeliveredAt == nil {
		t.Fatalf("message %s: sent_at %v delivered_at %v, want both set", m.ProviderID, m.SentAt, m.DeliveredAt)
	}
	if m.SentAt.After(*m.DeliveredAt) {
		t.Errorf("message %s: sent_at %v after delivered_at %v", m.ProviderID, m.SentAt, m.DeliveredAt)
	}
	if m.QueuedAt != nil && m.QueuedAt.After(*m.SentAt) {
		t.Errorf("message %s: queued_at %v after sent_at %v", m.ProviderID, m.QueuedAt, m.SentAt)
	}
}
