package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/notify"
)

// TestOutboundWebhooksThroughTheBinary: an app registers an endpoint, a
// Twilio callback changes a message, and the endpoint receives the signed
// event — the whole path, from the webhook in to the webhook out.
func TestOutboundWebhooksThroughTheBinary(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		type received struct {
			id, timestamp, signature string
			body                     []byte
		}
		var mu sync.Mutex
		var got []received
		arrived := make(chan struct{}, 16)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			got = append(got, received{r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature"), body})
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
			arrived <- struct{}{}
		}))
		defer receiver.Close()

		s := startServerEnv(t, db, twilioAccountsEnv, "SMSTRACK_WEBHOOKS_ALLOW_PRIVATE=true")
		var ep struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		s.mustCall(t, "POST", "/api/v1/webhooks", map[string]any{"url": receiver.URL + "/hook", "event_types": []string{"message.failed"}}, &ep, http.StatusCreated)
		if ep.Secret == "" {
			t.Fatal("no secret in the creation answer")
		}
		s.mustSend(t, callback{Sid: "SMhook1", Status: "sent"})
		s.mustSend(t, callback{Sid: "SMhook1", Status: "undelivered", ErrorCode: "30003"})

		select {
		case <-arrived:
		case <-time.After(15 * time.Second):
			t.Fatal("no webhook arrived within 15 s")
		}
		mu.Lock()
		first := got[0]
		mu.Unlock()
		ts, err := strconv.ParseInt(first.timestamp, 10, 64)
		if err != nil {
			t.Fatalf("webhook-timestamp %q", first.timestamp)
		}
		want, err := notify.Sign(ep.Secret, first.id, ts, first.body)
		if err != nil || want != first.signature {
			t.Errorf("signature %q, want %q (%v)", first.signature, want, err)
		}
		var body struct {
			Type string `json:"type"`
			Data struct {
				Message struct {
					ProviderID string `json:"provider_id"`
					Status     string `json:"status"`
					ErrorCode  string `json:"error_code"`
					Error      struct {
						Category string `json:"category"`
					} `json:"error"`
				} `json:"message"`
			} `json:"data"`
		}
		if err := json.Unmarshal(first.body, &body); err != nil {
			t.Fatalf("body %s: %v", first.body, err)
		}
		m := body.Data.Message
		if body.Type != "message.failed" || m.ProviderID != "SMhook1" || m.Status != "undelivered" || m.Error.Category != "handset_unreachable" {
			t.Errorf("webhook body: %s", first.body)
		}
	})
}
