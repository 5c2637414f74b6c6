package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/kannel"
)

// The shared secrets of the SMS gateways these tests configure.
const (
	kannelE2EToken = "e2e-kannel-token-0123456789abcdef"
	jasminE2EToken = "e2e-jasmin-token-0123456789abcdef"
	awsE2ETopic    = "arn:aws:sns:eu-west-1:123456789012:e2e-sms-events"
)

// gatewayEnv configures Kannel, Jasmin and AWS for startServerEnv.
var gatewayEnv = []string{
	"SMSTRACK_KANNEL_TOKEN=" + kannelE2EToken, "SMSTRACK_KANNEL_ACCOUNT=kannel-e2e",
	"SMSTRACK_JASMIN_TOKEN=" + jasminE2EToken,
	"SMSTRACK_AWS_TOPIC_ARNS=" + awsE2ETopic,
}

// kannelGet fetches the dlr-url as Kannel does, escapes filled in.
func (s *server) kannelGet(t *testing.T, q url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+kannel.StatusPath+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", kannel.StatusPath, err)
	}
	return res
}

func kannelDLR(id, smscID, typ, answer string) url.Values {
	return url.Values{
		"token": {kannelE2EToken}, "type": {typ}, "id": {id}, "smsc_id": {smscID}, "answer": {answer},
		"to": {"+4915112345678"}, "from": {"ACME"}, "ts": {"1773502260"}, "smsc": {"smsc-e2e"},
	}
}

func (s *server) kannelMust(t *testing.T, q url.Values) {
	t.Helper()
	if res := s.kannelGet(t, q); res.status != http.StatusOK {
		t.Fatalf("Kannel DLR type %s: status %d (%s), want 200", q.Get("type"), res.status, res.body)
	}
}

// TestEndToEndKannel sends Kannel's delivery reports to a running server
// and reads the messages back through the JSON API.
func TestEndToEndKannel(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServerEnv(t, db, gatewayEnv...)

		t.Run("ack then delivered receipt", func(t *testing.T) {
			s.kannelMust(t, kannelDLR("app-e2e-1", "7f3a2b", "8", "ACK/"))
			s.kannelMust(t, kannelDLR("app-e2e-1", "7f3a2b", "1",
				"id:7f3a2b sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:DELIVRD err:000 text:Your code"))
			m := mustFindMessage(t, s, "kannel", "app-e2e-1")
			checkStatus(t, m, "delivered", "")
			checkTimeline(t, m, []string{"sent", "delivered"}, []bool{true, true})
			if m.Account != "kannel-e2e" || m.To != "+4915112345678" || m.Direction != "outbound" {
				t.Errorf("message %+v", m)
			}
			if e := m.Events[1]; e.ProviderTime == nil || !e.ProviderTime.Equal(time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)) {
				t.Errorf("delivered provider_time = %v, want the receipt's done date", e.ProviderTime)
			}
		})

		t.Run("expired receipt explained", func(t *testing.T) {
			s.kannelMust(t, kannelDLR("app-e2e-2", "99", "2",
				"id:99 sub:001 dlvrd:000 submit date:2603141509 done date:2603150930 stat:EXPIRED err:000 text:x"))
			m := mustFindMessage(t, s, "kannel", "app-e2e-2")
			checkStatus(t, m, "undelivered", "EXPIRED")
			if m.Error == nil || m.Error.Category != "expired" {
				t.Errorf("error %+v, want category expired", m.Error)
			}
		})

		t.Run("nack", func(t *testing.T) {
			s.kannelMust(t, kannelDLR("app-e2e-3", "", "16", "NACK/0x0000000b/Invalid Destination Address"))
			m := mustFindMessage(t, s, "kannel", "app-e2e-3")
			checkStatus(t, m, "failed", "ESME_RINVDSTADR")
			if m.Error == nil || m.Error.Category != "not_mobile_or_invalid" {
				t.Errorf("error %+v, want category not_mobile_or_invalid", m.Error)
			}
		})

		t.Run("multipart aggregated", func(t *testing.T) {
			delivered := func(smsc string) url.Values {
				q := kannelDLR("app-e2e-4", smsc, "1", "id:"+smsc+" stat:DELIVRD err:000")
				q.Set("parts", "2")
				return q
			}
			s.kannelMust(t, delivered("a1"))
			m := mustFindMessage(t, s, "kannel", "app-e2e-4")
			checkStatus(t, m, "partially_delivered", "")
			s.kannelMust(t, delivered("a2"))
			m = mustFindMessage(t, s, "kannel", "app-e2e-4")
			checkStatus(t, m, "delivered", "")
		})

		t.Run("duplicate report stored once", func(t *testing.T) {
			q := kannelDLR("app-e2e-5", "5", "8", "ACK/")
			s.kannelMust(t, q)
			s.kannelMust(t, q)
			m := mustFindMessage(t, s, "kannel", "app-e2e-5")
			if len(m.Events) != 1 {
				t.Errorf("timeline %v, want one event", m.statuses())
			}
		})

		t.Run("refusals store nothing", func(t *testing.T) {
			bad := kannelDLR("app-e2e-6", "6", "1", "")
			bad.Set("token", "wrong-token-but-long-enough")
			if res := s.kannelGet(t, bad); res.status != http.StatusForbidden {
				t.Errorf("wrong token: status %d (%s), want 403", res.status, res.body)
			}
			bad = kannelDLR("app-e2e-6", "6", "%d", "")
			if res := s.kannelGet(t, bad); res.status != http.StatusBadRequest || !strings.Contains(string(res.body), `"field":"type"`) {
				t.Errorf("unexpanded type: status %d (%s), want 400 on type", res.status, res.body)
			}
			if _, ok := findMessage(t, s, "kannel", "app-e2e-6"); ok {
				t.Error("a refused report was stored")
			}
		})
	})
}
