package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/jasmin"
)

// jasminCall sends a callback as Jasmin's throwers do: a form POST to the
// configured URL (token in its query), or a GET with the fields appended.
func (s *server) jasminCall(t *testing.T, method, path string, fields url.Values, token string) response {
	t.Helper()
	var req *http.Request
	var err error
	if method == http.MethodGet {
		req, err = http.NewRequest(method, s.base+path+"?token="+url.QueryEscape(token)+"?"+fields.Encode(), nil)
	} else {
		req, err = http.NewRequest(method, s.base+path+"?token="+url.QueryEscape(token), strings.NewReader(fields.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

func (s *server) jasminMust(t *testing.T, method, path string, fields url.Values) {
	t.Helper()
	res := s.jasminCall(t, method, path, fields, jasminE2EToken)
	if res.status != http.StatusOK || string(res.body) != jasmin.Ack {
		t.Fatalf("%s %s: status %d (%s), want 200 %s", method, path, res.status, res.body, jasmin.Ack)
	}
}

// TestEndToEndJasmin sends Jasmin's receipts and inbound messages to a
// running server and reads the messages back through the JSON API.
func TestEndToEndJasmin(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServerEnv(t, db, gatewayEnv...)
		const id = "16fd2706-8baf-433b-82eb-8c7fada847da"

		t.Run("level 3: submit accepted, then delivered", func(t *testing.T) {
			s.jasminMust(t, http.MethodPost, jasmin.StatusPath, url.Values{"id": {id}, "message_status": {"ESME_ROK"}, "level": {"3"}})
			s.jasminMust(t, http.MethodGet, jasmin.StatusPath, url.Values{
				"id": {id}, "id_smsc": {"2567"}, "message_status": {"DELIVRD"}, "level": {"3"}, "connector": {"smppc-e2e"},
				"subdate": {"2603141509"}, "donedate": {"2603141530"}, "sub": {"001"}, "dlvrd": {"001"}, "err": {"000"}, "text": {"Your code"},
			})
			m := mustFindMessage(t, s, "jasmin", id)
			checkStatus(t, m, "delivered", "")
			checkTimeline(t, m, []string{"sent", "delivered"}, []bool{true, true})
			if e := m.Events[1]; e.ProviderTime == nil || !e.ProviderTime.Equal(time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)) {
				t.Errorf("delivered provider_time = %v, want donedate", e.ProviderTime)
			}
		})

		t.Run("level 1 refusal", func(t *testing.T) {
			s.jasminMust(t, http.MethodPost, jasmin.StatusPath, url.Values{"id": {"jasmin-e2e-2"}, "message_status": {"ESME_RTHROTTLED"}, "level": {"1"}})
			m := mustFindMessage(t, s, "jasmin", "jasmin-e2e-2")
			checkStatus(t, m, "failed", "ESME_RTHROTTLED")
			if m.Error == nil || m.Error.Category != "rate_limited" {
				t.Errorf("error %+v, want rate_limited", m.Error)
			}
		})

		t.Run("inbound message", func(t *testing.T) {
			s.jasminMust(t, http.MethodPost, jasmin.InboundPath, url.Values{
				"id": {"1113edca-0d1e-4a4f-b0e5-a0aa02e56d4f"}, "from": {"+4915112345678"}, "to": {"3364"},
				"origin-connector": {"smppc-e2e"}, "priority": {"0"}, "coding": {"0"}, "validity": {"none"},
				"content": {"Hello from a handset"}, "binary": {"48656c6c6f2066726f6d20612068616e64736574"},
			})
			m := mustFindMessage(t, s, "jasmin", "1113edca-0d1e-4a4f-b0e5-a0aa02e56d4f")
			checkStatus(t, m, "received", "")
			if m.Direction != "inbound" || m.Body == nil || *m.Body != "Hello from a handset" || m.Account != "default" {
				t.Errorf("message %+v", m)
			}
		})

		t.Run("wrong token and unknown status store nothing", func(t *testing.T) {
			res := s.jasminCall(t, http.MethodPost, jasmin.StatusPath, url.Values{"id": {"jasmin-e2e-4"}, "message_status": {"DELIVRD"}}, "not-the-token-at-all")
			if res.status != http.StatusForbidden || string(res.body) == jasmin.Ack {
				t.Errorf("wrong token: status %d (%s), want 403", res.status, res.body)
			}
			res = s.jasminCall(t, http.MethodPost, jasmin.StatusPath, url.Values{"id": {"jasmin-e2e-4"}, "message_status": {"SPLENDID"}}, jasminE2EToken)
			if res.status != http.StatusBadRequest {
				t.Errorf("unknown status: %d (%s), want 400", res.status, res.body)
			}
			if _, ok := findMessage(t, s, "jasmin", "jasmin-e2e-4"); ok {
				t.Error("a refused receipt was stored")
			}
		})
	})
}
