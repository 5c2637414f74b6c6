package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/vonage"
)

// The Vonage and Plivo accounts the servers of these tests accept.
const (
	vonageKey      = "e2ekey01"
	vonageSecret   = "e2e-vonage-signature-secret"
	plivoAuthID    = "MAE2E0000000000000A1"
	plivoAuthToken = "e2e-plivo-auth-token-a1"
)

// vonagePlivoEnv configures a signed Vonage account (HMAC-SHA256) and a
// Plivo account for startServerEnv.
var vonagePlivoEnv = []string{
	"SMSTRACK_VONAGE_ACCOUNTS=" + vonageKey + ":" + vonageSecret + ":sha256",
	"SMSTRACK_PLIVO_ACCOUNTS=" + plivoAuthID + ":" + plivoAuthToken,
}

// vonageSigned adds timestamp, nonce and an HMAC-SHA256 sig as Vonage does.
func vonageSigned(v url.Values, ts time.Time, secret string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	out.Set("timestamp", strconv.FormatInt(ts.Unix(), 10))
	out.Set("nonce", fmt.Sprintf("nonce-%d", ts.UnixNano()))
	out.Set("sig", strings.ToUpper(vonage.Sign(secret, vonage.HMACSHA256, out)))
	return out
}

func vonageReceipt(id, status, errCode string) url.Values {
	return url.Values{
		"api-key": {vonageKey}, "messageId": {id}, "msisdn": {"447700900000"}, "to": {"AcmeInc"},
		"network-code": {"23410"}, "price": {"0.03330000"}, "status": {status}, "err-code": {errCode},
		"scts": {"2603141530"}, "message-timestamp": {"2026-03-14 15:30:02"}, "client-ref": {"e2e"},
	}
}

// vonageSend delivers v to path by GET or POST form and returns the answer.
func (s *server) vonageSend(t *testing.T, method, path string, v url.Values) response {
	t.Helper()
	var req *http.Request
	var err error
	if method == http.MethodGet {
		req, err = http.NewRequest(method, s.base+path+"?"+v.Encode(), nil)
	} else {
		req, err = http.NewRequest(method, s.base+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestEndToEndVonage sends Vonage's receipts and inbound messages to a
// running server and reads them back through the JSON API.
func TestEndToEndVonage(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServerEnv(t, db, vonagePlivoEnv...)

		t.Run("receipts by GET and POST", func(t *testing.T) {
			id := "0B00000E2E000001"
			for _, tc := range []struct{ method, status string }{{http.MethodPost, "accepted"}, {http.MethodGet, "delivered"}, {http.MethodGet, "delivered"}} {
				if res := s.vonageSend(t, tc.method, vonage.StatusPath, vonageSigned(vonageReceipt(id, tc.status, "0"), time.Now(), vonageSecret)); res.status != http.StatusOK {
					t.Fatalf("%s %s: status %d (%s), want 200", tc.method, tc.status, res.status, res.body)
				}
			}
			m, ok := findMessage(t, s, "vonage", id)
			if !ok {
				t.Fatal("receipt not stored")
			}
			if m.Status != "delivered" || m.Account != vonageKey || m.To != "447700900000" || m.From != "AcmeInc" {
				t.Errorf("message %+v, want delivered to 447700900000 from AcmeInc of %s", m, vonageKey)
			}
			if got := m.statuses(); strings.Join(got, ",") != "sent,delivered" {
				t.Errorf("timeline %v, want sent then delivered (the repeat deduped)", got)
			}
			if m.Network.MCC != "234" || m.Network.MNC != "10" || m.Price != "0.03330000" || m.Tags["client_ref"] != "e2e" {
				t.Errorf("network %+v price %q tags %v", m.Network, m.Price, m.Tags)
			}
			if e := m.Events[1]; e.ProviderTime == nil || !e.ProviderTime.Equal(time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)) {
				t.Errorf("provider time %v, want scts 2026-03-14T15:30Z", e.ProviderTime)
			}
		})

		t.Run("expired and unknown", func(t *testing.T) {
			id := "0B00000E2E000002"
			for _, st := range []string{"buffered", "unknown", "expired"} {
				if res := s.vonageSend(t, http.MethodPost, vonage.StatusPath, vonageSigned(vonageReceipt(id, st, "0"), time.Now(), vonageSecret)); res.status != http.StatusOK {
					t.Fatalf("%s: status %d (%s)", st, res.status, res.body)
				}
			}
			m, _ := findMessage(t, s, "vonage", id)
			if m.Status != "undelivered" || m.ErrorCode != "expired" || m.Error == nil || m.Error.Category != "expired" {
				t.Errorf("message %s %s %+v, want undelivered, error expired of category expired", m.Status, m.ErrorCode, m.Error)
			}
			if got := m.statuses(); strings.Join(got, ",") != "sent,,undelivered" || m.Events[1].Applied {
				t.Errorf("timeline %v, want sent, a status-less unknown that changed nothing, undelivered", got)
			}
		})

		t.Run("inbound", func(t *testing.T) {
			id := "0A00000E2E000003"
			v := url.Values{"api-key": {vonageKey}, "msisdn": {"447700900001"}, "to": {"447700900000"}, "messageId": {id},
				"text": {"Hello from Vonage"}, "type": {"text"}, "keyword": {"HELLO"}, "message-timestamp": {"2026-03-14 15:31:00"}}
			if res := s.vonageSend(t, http.MethodGet, vonage.InboundPath, vonageSigned(v, time.Now(), vonageSecret)); res.status != http.StatusOK {
				t.Fatalf("inbound: status %d (%s)", res.status, res.body)
			}
			m, _ := findMessage(t, s, "vonage", id)
			if m.Status != "received" || m.Direction != "inbound" || m.Body == nil || *m.Body != "Hello from Vonage" {
				t.Errorf("inbound message %+v", m)
			}
		})

		t.Run("refused", func(t *testing.T) {
			id := "0B00000E2E000004"
			tampered := vonageSigned(vonageReceipt(id, "delivered", "0"), time.Now(), vonageSecret)
			tampered.Set("status", "failed")
			for name, v := range map[string]url.Values{
				"wrong secret": vonageSigned(vonageReceipt(id, "delivered", "0"), time.Now(), "not-the-secret"),
				"unsigned":     vonageReceipt(id, "delivered", "0"),
				"tampered":     tampered,
				"replayed":     vonageSigned(vonageReceipt(id, "delivered", "0"), time.Now().Add(-10*time.Minute), vonageSecret),
			} {
				if res := s.vonageSend(t, http.MethodPost, vonage.StatusPath, v); res.status != http.StatusForbidden {
					t.Errorf("%s: status %d (%s), want 403", name, res.status, res.body)
				} else {
					checkErrorJSON(t, res, "")
				}
			}
			if res := s.vonageSend(t, http.MethodPost, vonage.StatusPath, vonageSigned(vonageReceipt(id, "lost", "0"), time.Now(), vonageSecret)); res.status != http.StatusBadRequest {
				t.Errorf("unknown status: %d, want 400", res.status)
			} else {
				checkErrorJSON(t, res, "status")
			}
			if _, ok := findMessage(t, s, "vonage", id); ok {
				t.Error("a refused receipt was stored")
			}
		})
	})
}
