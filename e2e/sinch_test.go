package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/sinch"
)

// The Sinch service plan and callback secret the server under test knows.
const (
	sinchPlan   = "e2e0sinch0plan00000000000000001"
	sinchSecret = "e2e-sinch-callback-secret"
)

// TestEndToEndSinch sends Sinch SMS callbacks, signed and not, to a running
// server and reads the messages back through the JSON API.
func TestEndToEndSinch(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		db.flags = append(slices.Clone(db.flags), "--sinch-service-plan-id", sinchPlan, "--sinch-secret", sinchSecret)
		s := startServer(t, db)

		t.Run("dispatched then delivered", func(t *testing.T) {
			batch := "01E2E0SINCH0BATCH000000001"
			s.sinchMustPost(t, sinchReport(batch, "12017777777", "Delivered", 0))
			s.sinchMustPost(t, sinchReport(batch, "12017777777", "Dispatched", 401))
			m := mustFindMessage(t, s, "sinch", batch+":12017777777")
			if m.Status != "delivered" || m.Account != sinchPlan || m.To != "+12017777777" || m.ErrorCode != "" {
				t.Errorf("message = %s %s to %s error %q, want delivered on %s to +12017777777", m.Status, m.Account, m.To, m.ErrorCode, sinchPlan)
			}
			if got := m.statuses(); !slices.Equal(got, []string{"delivered", "sent"}) {
				t.Errorf("timeline %v, want [delivered sent]", got)
			}
		})

		t.Run("aborted with a code", func(t *testing.T) {
			batch := "01E2E0SINCH0BATCH000000002"
			s.sinchMustPost(t, sinchReport(batch, "12010000000", "Aborted", 412))
			m := mustFindMessage(t, s, "sinch", batch+":12010000000")
			if m.Status != "failed" || m.ErrorCode != "412" || m.Error == nil || m.Error.Category != "account_or_billing" {
				t.Errorf("message = %s %q %+v, want failed 412 account_or_billing", m.Status, m.ErrorCode, m.Error)
			}
		})

		t.Run("inbound message", func(t *testing.T) {
			id := "01E2E0SINCH0MO0000000000001"
			body := fmt.Sprintf(`{"type":"mo_text","id":%q,"from":"12015555555","to":"12015550100","body":"Hello from a handset","received_at":"2026-03-14T15:09:02Z"}`, id)
			for range 2 {
				s.sinchMustPost(t, body)
			}
			m := mustFindMessage(t, s, "sinch", id)
			if m.Status != "received" || m.Direction != "inbound" || m.Body == nil || *m.Body != "Hello from a handset" || len(m.Events) != 1 {
				t.Errorf("message = %s %s body %v, %d events; want received inbound with its body, 1 event", m.Status, m.Direction, m.Body, len(m.Events))
			}
		})

		t.Run("refused", func(t *testing.T) {
			batch := "01E2E0SINCH0BATCH000000003"
			body := sinchReport(batch, "12017777777", "Delivered", 0)
			s.checkForbidden(t, "sinch", batch+":12017777777", map[string]*http.Request{
				"wrong secret": s.sinchRequest(body, "not-the-secret", time.Now()),
				"replayed":     s.sinchRequest(body, sinchSecret, time.Now().Add(-time.Hour)),
				"unsigned": func() *http.Request {
					r := s.sinchRequest(body, sinchSecret, time.Now())
					r.Header.Del(sinch.SignatureHeader)
					return r
				}(),
			})
		})
	})
}

func sinchReport(batch, recipient, status string, code int) string {
	return fmt.Sprintf(`{"type":"recipient_delivery_report_sms","batch_id":%q,"recipient":%q,"code":%d,"status":%q,`+
		`"at":"2026-03-14T15:09:19.210Z","operator_status_at":"2026-03-14T15:09:00Z","client_reference":"e2e",`+
		`"applied_originator":"12015550100","number_of_message_parts":1,"encoding":"GSM"}`, batch, recipient, code, status)
}

// sinchRequest is body posted to the Sinch callback URL, signed by secret.
func (s *server) sinchRequest(body, secret string, ts time.Time) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, s.base+sinch.Path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	stamp := strconv.FormatInt(ts.Unix(), 10)
	nonce := strconv.FormatInt(ts.UnixNano(), 36)
	r.Header.Set(sinch.TimestampHeader, stamp)
	r.Header.Set(sinch.NonceHeader, nonce)
	r.Header.Set(sinch.AlgorithmHeader, "HmacSHA256")
	r.Header.Set(sinch.SignatureHeader, sinch.Sign(secret, "HmacSHA256", nonce, stamp, []byte(body)))
	return r
}

func (s *server) sinchMustPost(t *testing.T, body string) {
	t.Helper()
	res, err := s.do(s.sinchRequest(body, sinchSecret, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusOK {
		t.Fatalf("Sinch callback: status %d (%s), want 200", res.status, res.body)
	}
}
