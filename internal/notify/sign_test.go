package notify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/notify"
)

// verify checks a signed request as the Standard Webhooks specification
// tells a receiver to, written from the specification rather than from
// Sign: the key is the base64 after "whsec_", the signed content is
// "{id}.{timestamp}.{body}", the header holds space-separated "v1,<sig>"
// entries, and a timestamp more than five minutes off is refused.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("missing headers")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("bad timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp too far from now")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%s.%s", id, ts, body)
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		got, err := base64.StdEncoding.DecodeString(sig)
		if ok && version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no valid signature")
}

// TestSignKnownVector checks Sign against the example of the Standard
// Webhooks reference libraries' tests.
func TestSignKnownVector(t *testing.T) {
	got, err := notify.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; err != nil || got != want {
		t.Errorf("got %q %v, want %q", got, err, want)
	}
}

func TestSignVerifies(t *testing.T) {
	secret := notify.GenerateSecret()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if !strings.HasPrefix(secret, "whsec_") || err != nil || len(key) < 24 {
		t.Fatalf("secret %q: want whsec_ and the base64 of 24+ bytes (%v)", secret, err)
	}
	if other := notify.GenerateSecret(); other == secret {
		t.Fatal("two secrets alike")
	}
	now := time.Now()
	body := []byte(`{"type":"message.failed","data":{"id":1}}`)
	sig, err := notify.Sign(secret, "evt_1", now.Unix(), body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("webhook-id", "evt_1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", "v1,bm90IGl0 "+sig)
	if err := verify(secret, h, body, now); err != nil {
		t.Errorf("valid signature refused: %v", err)
	}
	if err := verify(secret, h, append(body, ' '), now); err == nil {
		t.Error("a changed body verified")
	}
	if err := verify(notify.GenerateSecret(), h, body, now); err == nil {
		t.Error("another secret verified")
	}
	if err := verify(secret, h, body, now.Add(10*time.Minute)); err == nil {
		t.Error("a stale timestamp verified")
	}
	if _, err := notify.Sign("whsec_not base64!", "x", 1, nil); err == nil {
		t.Error("a malformed secret signed")
	}
}
