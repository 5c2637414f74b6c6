package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/smstrack/smstrack/internal/provider/plivo"
)

// plivoPost posts form to path signed (X-Plivo-Signature-V3) with token,
// over the URL the server is reached at; no signature when token is "".
func (s *server) plivoPost(t *testing.T, path string, form url.Values, token string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set(plivo.NonceHeader, "12345678901234567890")
		req.Header.Set(plivo.SignatureHeader, plivo.Sign(token, http.MethodPost, s.base+path, "12345678901234567890", form))
	}
	res, err := s.do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func plivoCallback(uuid, parent, part, status, errorCode string) url.Values {
	return url.Values{
		"MessageUUID": {uuid}, "ParentMessageUUID": {parent}, "PartInfo": {part}, "To": {"14155552671"},
		"From": {"14155550100"}, "Type": {"sms"}, "Status": {status}, "ErrorCode": {errorCode}, "Units": {"1"},
		"TotalRate": {"0.0050"}, "TotalAmount": {"0.0050"}, "MCC": {"310"}, "MNC": {"260"},
		"DeliveryReportTime": {"2026-03-14 15:30:05.123456"},
	}
}

// TestEndToEndPlivo sends Plivo's status callbacks and inbound messages to a
// running server and reads them back through the JSON API.
func TestEndToEndPlivo(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServerEnv(t, db, vonagePlivoEnv...)

		t.Run("status callbacks", func(t *testing.T) {
			id := "e2e00001-7f1d-11e1-8ea7-1231380bc196"
			for _, st := range []string{"queued", "sent", "undelivered"} {
				if res := s.plivoPost(t, plivo.StatusPath, plivoCallback(id, id, "1 of 1", st, map[bool]string{true: "80"}[st == "undelivered"]), plivoAuthToken); res.status != http.StatusOK {
					t.Fatalf("%s: status %d (%s), want 200", st, res.status, res.body)
				}
			}
			m, ok := findMessage(t, s, "plivo", id)
			if !ok {
				t.Fatal("callback not stored")
			}
			if m.Status != "undelivered" || m.ErrorCode != "80" || m.Error == nil || m.Error.Category != "handset_unreachable" {
				t.Errorf("message %s %s %+v, want undelivered 80 handset_unreachable", m.Status, m.ErrorCode, m.Error)
			}
			if m.Account != plivoAuthID || m.Network.MCC != "310" || m.Price != "0.0050" || len(m.Parts) != 0 {
				t.Errorf("account %s network %+v price %s parts %+v", m.Account, m.Network, m.Price, m.Parts)
			}
		})

		t.Run("multipart", func(t *testing.T) {
			parent := "e2e00002-7f1d-11e1-8ea7-1231380bc196"
			second := "e2e00003-7f1d-11e1-8ea7-1231380bc196"
			if res := s.plivoPost(t, plivo.StatusPath, plivoCallback(parent, parent, "1 of 2", "delivered", ""), plivoAuthToken); res.status != http.StatusOK {
				t.Fatalf("part 1: %d (%s)", res.status, res.body)
			}
			if m, _ := findMessage(t, s, "plivo", parent); m.Status != "partially_delivered" {
				t.Errorf("after part 1: %s, want partially_delivered", m.Status)
			}
			if res := s.plivoPost(t, plivo.StatusPath, plivoCallback(second, parent, "2 of 2", "delivered", ""), plivoAuthToken); res.status != http.StatusOK {
				t.Fatalf("part 2: %d (%s)", res.status, res.body)
			}
			m, _ := findMessage(t, s, "plivo", parent)
			if m.Status != "delivered" || len(m.Parts) != 2 {
				t.Errorf("after both parts: %s with parts %+v, want delivered with 2", m.Status, m.Parts)
			}
			if _, ok := findMessage(t, s, "plivo", second); ok {
				t.Error("a part was stored as a message of its own")
			}
		})

		t.Run("inbound", func(t *testing.T) {
			id := "e2e00004-7f1d-11e1-8ea7-1231380bc196"
			form := url.Values{"From": {"14155552671"}, "To": {"14155550100"}, "Type": {"sms"}, "Text": {"Hello from Plivo"},
				"MessageUUID": {id}, "Units": {"1"}, "TotalRate": {"0"}, "TotalAmount": {"0"}, "MessageIntent": {""}}
			res := s.plivoPost(t, plivo.InboundPath, form, plivoAuthToken)
			if res.status != http.StatusOK || !strings.Contains(string(res.body), "<Response>") {
				t.Fatalf("inbound: %d %q, want 200 with an empty Response", res.status, res.body)
			}
			m, _ := findMessage(t, s, "plivo", id)
			if m.Status != "received" || m.Direction != "inbound" || m.Body == nil || *m.Body != "Hello from Plivo" {
				t.Errorf("inbound message %+v", m)
			}
		})

		t.Run("refused", func(t *testing.T) {
			id := "e2e00005-7f1d-11e1-8ea7-1231380bc196"
			form := plivoCallback(id, id, "1 of 1", "delivered", "")
			for name, token := range map[string]string{"wrong token": "not-the-token", "unsigned": ""} {
				if res := s.plivoPost(t, plivo.StatusPath, form, token); res.status != http.StatusForbidden {
					t.Errorf("%s: %d (%s), want 403", name, res.status, res.body)
				} else {
					checkErrorJSON(t, res, plivo.SignatureHeader)
				}
			}
			if res := s.plivoPost(t, plivo.StatusPath+"?account=SAE2E0000000000000FF", form, plivoAuthToken); res.status != http.StatusForbidden {
				t.Errorf("unconfigured account: %d, want 403", res.status)
			}
			if _, ok := findMessage(t, s, "plivo", id); ok {
				t.Error("a refused callback was stored")
			}
		})
	})
}
