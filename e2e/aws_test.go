package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/aws"
)

// snsPost posts an SNS message as SNS does.
func (s *server) snsPost(t *testing.T, env map[string]any) response {
	t.Helper()
	b, _ := json.Marshal(env)
	req, err := http.NewRequest(http.MethodPost, s.base+aws.Path, strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	req.Header.Set("x-amz-sns-message-type", env["Type"].(string))
	res, err := s.do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", aws.Path, err)
	}
	return res
}

// snsNotification wraps an SMS event record. Signatures cannot be made
// here (SNS holds the key, and the binary fetches certificates from SNS
// only), so these servers run with verification off; internal/provider/aws
// tests the signatures against its own key and certificate.
func snsNotification(topic, msgID, eventType, messageID string, at time.Time) map[string]any {
	rec, _ := json.Marshal(map[string]any{
		"eventType": eventType, "eventVersion": "1.0", "eventTimestamp": at.UnixMilli(), "isFinal": true,
		"originationPhoneNumber": "+12065550152", "destinationPhoneNumber": "+14255550156", "isoCountryCode": "US",
		"mcc": "310", "mnc": "260", "carrierName": "T-Mobile", "messageId": messageID,
		"messageRequestTimestamp": at.Add(-time.Second).UnixMilli(), "messageEncoding": "GSM", "messageType": "TRANSACTIONAL",
		"totalMessageParts": 1, "totalMessagePrice": json.Number("0.00581"),
	})
	return map[string]any{
		"Type": "Notification", "MessageId": msgID, "TopicArn": topic, "Message": string(rec),
		"Timestamp": time.Now().UTC().Format(time.RFC3339Nano), "SignatureVersion": "2", "Signature": "AAAA",
		"SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-e2e.pem",
	}
}

// TestEndToEndAWS sends SNS messages carrying AWS End User Messaging SMS
// events to a running server and reads the messages back.
func TestEndToEndAWS(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServerEnv(t, db, slices.Concat(gatewayEnv, []string{"SMSTRACK_AWS_SKIP_VERIFICATION=true"})...)
		at := time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)

		t.Run("queued then delivered", func(t *testing.T) {
			for i, typ := range []string{"TEXT_QUEUED", "TEXT_DELIVERED"} {
				res := s.snsPost(t, snsNotification(awsE2ETopic, "sns-"+typ, typ, "aws-e2e-1", at.Add(time.Duration(i)*time.Second)))
				if res.status != http.StatusOK {
					t.Fatalf("%s: status %d (%s)", typ, res.status, res.body)
				}
			}
			m := mustFindMessage(t, s, "aws", "aws-e2e-1")
			checkStatus(t, m, "delivered", "")
			checkTimeline(t, m, []string{"queued", "delivered"}, []bool{true, true})
			if m.Account != "123456789012" || m.To != "+14255550156" || m.Network.MCC != "310" || m.Network.Carrier != "T-Mobile" {
				t.Errorf("message %+v network %+v", m, m.Network)
			}
			if e := m.Events[1]; e.ProviderTime == nil || !e.ProviderTime.Equal(at.Add(time.Second)) {
				t.Errorf("provider_time %v, want eventTimestamp", e.ProviderTime)
			}
		})

		t.Run("carrier blocked explained", func(t *testing.T) {
			if res := s.snsPost(t, snsNotification(awsE2ETopic, "sns-2", "TEXT_CARRIER_BLOCKED", "aws-e2e-2", at)); res.status != http.StatusOK {
				t.Fatalf("status %d (%s)", res.status, res.body)
			}
			m := mustFindMessage(t, s, "aws", "aws-e2e-2")
			checkStatus(t, m, "undelivered", "TEXT_CARRIER_BLOCKED")
			if m.Error == nil || m.Error.Category != "content_filtered" {
				t.Errorf("error %+v, want content_filtered", m.Error)
			}
		})

		t.Run("other topics refused", func(t *testing.T) {
			res := s.snsPost(t, snsNotification("arn:aws:sns:eu-west-1:999999999999:other", "sns-3", "TEXT_DELIVERED", "aws-e2e-3", at))
			if res.status != http.StatusForbidden {
				t.Errorf("status %d (%s), want 403", res.status, res.body)
			}
			if _, ok := findMessage(t, s, "aws", "aws-e2e-3"); ok {
				t.Error("a message from another topic was stored")
			}
		})

		t.Run("subscription URL outside SNS never visited", func(t *testing.T) {
			var visits atomic.Int32
			trap := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { visits.Add(1) }))
			defer trap.Close()
			res := s.snsPost(t, map[string]any{
				"Type": "SubscriptionConfirmation", "MessageId": "sns-4", "Token": "tok", "TopicArn": awsE2ETopic,
				"Message": "confirm", "SubscribeURL": trap.URL + "/confirm", "Timestamp": time.Now().UTC().Format(time.RFC3339),
				"SignatureVersion": "1", "Signature": "AAAA", "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/x.pem",
			})
			if res.status != http.StatusForbidden || !strings.Contains(string(res.body), "SubscribeURL") {
				t.Errorf("status %d (%s), want 403 naming SubscribeURL", res.status, res.body)
			}
			if visits.Load() != 0 {
				t.Error("smstrack visited a SubscribeURL outside SNS")
			}
		})
	})
}
