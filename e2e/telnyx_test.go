package e2e

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/telnyx"
)

// telnyxKey signs the Telnyx webhooks of these tests; the server is given
// its public half.
var telnyxKey = ed25519.NewKeyFromSeed([]byte("smstrack-e2e-telnyx-seed-32bytes"))

const telnyxProfile = "4000eba1-a0c0-4563-9925-b25e842a7cb6"

// TestEndToEndTelnyx sends Telnyx messaging webhooks, signed and not, to a
// running server and reads the messages back through the JSON API.
func TestEndToEndTelnyx(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		pub := base64.StdEncoding.EncodeToString(telnyxKey.Public().(ed25519.PublicKey))
		db.flags = append(slices.Clone(db.flags), "--telnyx-public-key", pub)
		s := startServer(t, db)

		t.Run("sent then finalized", func(t *testing.T) {
			id := "e2e00000-0000-4000-8000-000000000001"
			s.telnyxMustPost(t, telnyxEvent("message.finalized", id, "delivered", ""), time.Now())
			s.telnyxMustPost(t, telnyxEvent("message.sent", id, "sent", ""), time.Now())
			m := mustFindMessage(t, s, "telnyx", id)
			if m.Status != "delivered" || m.Account != telnyxProfile || m.Direction != "outbound" || m.To != "+18665550001" {
				t.Errorf("message = %s %s %s to %s, want delivered on %s, outbound to +18665550001", m.Status, m.Account, m.Direction, m.To, telnyxProfile)
			}
			if got := m.statuses(); !slices.Equal(got, []string{"delivered", "sent"}) {
				t.Errorf("timeline %v, want [delivered sent]", got)
			}
			if e := m.Events[0]; e.ProviderTime == nil || !e.ProviderTime.Equal(time.Date(2026, 3, 14, 15, 9, 19, 0, time.UTC)) {
				t.Errorf("delivered provider_time = %v, want completed_at", e.ProviderTime)
			}
		})

		t.Run("delivery failed with an error", func(t *testing.T) {
			id := "e2e00000-0000-4000-8000-000000000002"
			s.telnyxMustPost(t, telnyxEvent("message.finalized", id, "delivery_failed", "40002"), time.Now())
			m := mustFindMessage(t, s, "telnyx", id)
			if m.Status != "undelivered" || m.ErrorCode != "40002" || m.Error == nil || m.Error.Category != "content_filtered" {
				t.Errorf("message = %s %q %+v, want undelivered 40002 content_filtered", m.Status, m.ErrorCode, m.Error)
			}
		})

		t.Run("inbound message and its retry", func(t *testing.T) {
			id := "e2e00000-0000-4000-8000-000000000003"
			body := telnyxInbound(id, "Hello from a handset")
			for range 2 {
				s.telnyxMustPost(t, body, time.Now())
			}
			m := mustFindMessage(t, s, "telnyx", id)
			if m.Status != "received" || m.Direction != "inbound" || m.Body == nil || *m.Body != "Hello from a handset" || len(m.Events) != 1 {
				t.Errorf("message = %s %s body %v, %d events; want received inbound with its body, 1 event", m.Status, m.Direction, m.Body, len(m.Events))
			}
		})

		t.Run("refused", func(t *testing.T) {
			id := "e2e00000-0000-4000-8000-000000000004"
			body := telnyxEvent("message.finalized", id, "delivered", "")
			other := ed25519.NewKeyFromSeed([]byte("not-the-telnyx-key-of-the-server"))
			s.checkForbidden(t, "telnyx", id, map[string]*http.Request{
				"another key": s.telnyxRequest(body, time.Now(), other),
				"replayed":    s.telnyxRequest(body, time.Now().Add(-10*time.Minute), telnyxKey),
				"unsigned": func() *http.Request {
					r := s.telnyxRequest(body, time.Now(), telnyxKey)
					r.Header.Del(telnyx.SignatureHeader)
					return r
				}(),
				"body changed": func() *http.Request {
					r := s.telnyxRequest(body, time.Now(), telnyxKey)
					changed := strings.Replace(body, "delivered", "sent", 1)
					r2, _ := http.NewRequest(http.MethodPost, r.URL.String(), strings.NewReader(changed))
					r2.Header = r.Header
					return r2
				}(),
			})
		})
	})
}

// telnyxEvent is an outbound message webhook for one recipient.
func telnyxEvent(eventType, id, status, errorCode string) string {
	errs := "[]"
	if errorCode != "" {
		errs = `[{"code":"` + errorCode + `","title":"Blocked as spam - temporary"}]`
	}
	return fmt.Sprintf(`{"data":{"event_type":%q,"id":"ev-%s-%s","occurred_at":"2026-03-14T15:09:20Z","record_type":"event",`+
		`"payload":{"id":%q,"direction":"outbound","type":"SMS","messaging_profile_id":%q,`+
		`"from":{"phone_number":"+18445550001","carrier":"TELNYX LLC","line_type":"VoIP"},`+
		`"to":[{"phone_number":"+18665550001","status":%q,"carrier":"T-MOBILE USA, INC.","line_type":"Wireless"}],`+
		`"text":"Your code is 123456","encoding":"GSM-7","parts":1,"cost":{"amount":"0.0051","currency":"USD"},`+
		`"sent_at":"2026-03-14T15:09:12Z","completed_at":"2026-03-14T15:09:19Z","errors":%s}},"meta":{"attempt":1}}`,
		eventType, id, status, id, telnyxProfile, status, errs)
}

func telnyxInbound(id, text string) string {
	return fmt.Sprintf(`{"data":{"event_type":"message.received","id":"ev-%s","occurred_at":"2026-03-14T15:09:02Z",`+
		`"payload":{"id":%q,"direction":"inbound","type":"SMS","messaging_profile_id":%q,`+
		`"from":{"phone_number":"+18665550001","carrier":"T-MOBILE USA, INC.","line_type":"Wireless"},`+
		`"to":[{"phone_number":"+18445550001","status":"webhook_delivered","carrier":"TELNYX LLC","line_type":"VoIP"}],`+
		`"text":%q,"media":[],"parts":1,"received_at":"2026-03-14T15:09:02Z","errors":[]}}}`, id, id, telnyxProfile, text)
}

// telnyxRequest is body posted to the Telnyx webhook, signed by key at ts.
func (s *server) telnyxRequest(body string, ts time.Time, key ed25519.PrivateKey) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, s.base+telnyx.Path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	stamp := strconv.FormatInt(ts.Unix(), 10)
	r.Header.Set(telnyx.TimestampHeader, stamp)
	r.Header.Set(telnyx.SignatureHeader, telnyx.Sign(key, stamp, []byte(body)))
	return r
}

// telnyxMustPost posts a signed webhook and requires a 200.
func (s *server) telnyxMustPost(t *testing.T, body string, ts time.Time) {
	t.Helper()
	res, err := s.do(s.telnyxRequest(body, ts, telnyxKey))
	if err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusOK {
		t.Fatalf("Telnyx webhook: status %d (%s), want 200", res.status, res.body)
	}
}
