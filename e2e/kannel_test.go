package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
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

// startGatewayServer starts `smstrack serve` on db with Kannel, Jasmin and
// AWS configured (plus env), like startServer.
func startGatewayServer(t *testing.T, db database, env ...string) *server {
	t.Helper()
	listening := make(chan string, 1)
	logs := &logWriter{onLine: func(line string) {
		if m := listeningLine.FindStringSubmatch(line); m != nil {
			select {
			case listening <- m[1]:
			default:
			}
		}
	}}
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, db.flags...)...)
	cmd.Env = childEnv(append([]string{
		"SMSTRACK_KANNEL_TOKEN=" + kannelE2EToken, "SMSTRACK_KANNEL_ACCOUNT=kannel-e2e",
		"SMSTRACK_JASMIN_TOKEN=" + jasminE2EToken,
		"SMSTRACK_AWS_TOPIC_ARNS=" + awsE2ETopic,
		"SMSTRACK_LOG_LEVEL=info"}, env...)...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting smstrack serve: %v", err)
	}
	s := &server{cmd: cmd, key: db.key, logs: logs, done: make(chan struct{}),
		client: &http.Client{Timeout: 20 * time.Second}}
	go func() {
		s.exit = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.kill()
		s.client.CloseIdleConnections()
		if t.Failed() {
			t.Logf("log of smstrack serve on %s:\n%s", s.addr, logs.tail(16<<10))
		}
	})
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case s.addr = <-listening:
	case <-s.done:
		t.Fatalf("smstrack serve exited before listening: %v\n%s", s.exit, logs.tail(8<<10))
	case <-timer.C:
		t.Fatalf("smstrack serve did not log its address within %v\n%s", startTimeout, logs.tail(8<<10))
	}
	s.base = "http://" + s.addr
	return s
}

// gatewayMessage is the part of the API's message these tests read.
type gatewayMessage struct {
	apiMessage
	Price     string `json:"price"`
	PriceUnit string `json:"price_unit"`
	Country   string `json:"country"`
	Network   struct {
		MCC     string `json:"mcc"`
		MNC     string `json:"mnc"`
		Carrier string `json:"carrier"`
	} `json:"network"`
	Parts []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"parts"`
}

// gatewayFind looks a message up by provider and provider id and reads it
// with its timeline; ok is false when there is none.
func (s *server) gatewayFind(t *testing.T, provider, id string) (m gatewayMessage, ok bool) {
	t.Helper()
	var list struct {
		Messages []apiMessage `json:"messages"`
	}
	q := url.Values{"provider": {provider}, "provider_id": {id}}
	s.mustCall(t, http.MethodGet, "/api/v1/messages?"+q.Encode(), nil, &list, http.StatusOK)
	switch len(list.Messages) {
	case 0:
		return m, false
	case 1:
	default:
		t.Fatalf("%d %s messages with provider_id %s, want 1", len(list.Messages), provider, id)
	}
	s.mustCall(t, http.MethodGet, fmt.Sprintf("/api/v1/messages/%d", list.Messages[0].ID), nil, &m, http.StatusOK)
	return m, true
}

func (s *server) gatewayMustFind(t *testing.T, provider, id string) gatewayMessage {
	t.Helper()
	m, ok := s.gatewayFind(t, provider, id)
	if !ok {
		t.Fatalf("%s message %s not found", provider, id)
	}
	return m
}

// checkGatewayMessage checks a message's status and error code.
func checkGatewayMessage(t *testing.T, m gatewayMessage, status, errorCode string) {
	t.Helper()
	if m.Status != status || m.ErrorCode != errorCode {
		t.Errorf("%s message %s: status %q error_code %q, want %q %q", m.Provider, m.ProviderID, m.Status, m.ErrorCode, status, errorCode)
	}
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
		s := startGatewayServer(t, db)

		t.Run("ack then delivered receipt", func(t *testing.T) {
			s.kannelMust(t, kannelDLR("app-e2e-1", "7f3a2b", "8", "ACK/"))
			s.kannelMust(t, kannelDLR("app-e2e-1", "7f3a2b", "1",
				"id:7f3a2b sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:DELIVRD err:000 text:Your code"))
			m := s.gatewayMustFind(t, "kannel", "app-e2e-1")
			checkGatewayMessage(t, m, "delivered", "")
			checkTimeline(t, m.apiMessage, []string{"sent", "delivered"}, []bool{true, true})
			if m.Account != "kannel-e2e" || m.To != "+4915112345678" || m.Direction != "outbound" {
				t.Errorf("message %+v", m.apiMessage)
			}
			if e := m.Events[1]; e.ProviderTime == nil || !e.ProviderTime.Equal(time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)) {
				t.Errorf("delivered provider_time = %v, want the receipt's done date", e.ProviderTime)
			}
		})

		t.Run("expired receipt explained", func(t *testing.T) {
			s.kannelMust(t, kannelDLR("app-e2e-2", "99", "2",
				"id:99 sub:001 dlvrd:000 submit date:2603141509 done date:2603150930 stat:EXPIRED err:000 text:x"))
			m := s.gatewayMustFind(t, "kannel", "app-e2e-2")
			checkGatewayMessage(t, m, "undelivered", "EXPIRED")
			if m.Error == nil || m.Error.Category != "expired" {
				t.Errorf("error %+v, want category expired", m.Error)
			}
		})

		t.Run("nack", func(t *testing.T) {
			s.kannelMust(t, kannelDLR("app-e2e-3", "", "16", "NACK/0x0000000b/Invalid Destination Address"))
			m := s.gatewayMustFind(t, "kannel", "app-e2e-3")
			checkGatewayMessage(t, m, "failed", "ESME_RINVDSTADR")
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
			m := s.gatewayMustFind(t, "kannel", "app-e2e-4")
			checkGatewayMessage(t, m, "partially_delivered", "")
			s.kannelMust(t, delivered("a2"))
			m = s.gatewayMustFind(t, "kannel", "app-e2e-4")
			checkGatewayMessage(t, m, "delivered", "")
		})

		t.Run("duplicate report stored once", func(t *testing.T) {
			q := kannelDLR("app-e2e-5", "5", "8", "ACK/")
			s.kannelMust(t, q)
			s.kannelMust(t, q)
			m := s.gatewayMustFind(t, "kannel", "app-e2e-5")
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
			if _, ok := s.gatewayFind(t, "kannel", "app-e2e-6"); ok {
				t.Error("a refused report was stored")
			}
		})
	})
}
