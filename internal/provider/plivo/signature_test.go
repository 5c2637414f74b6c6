package plivo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"
)

// reference computes a V3 signature straight from the signed text written
// out by hand, so signedText is checked against an independent spelling.
func reference(token, text string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte(text))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestSignedText(t *testing.T) {
	form := url.Values{"To": {"14155552671"}, "From": {"14155550100"}, "Status": {"delivered"}, "MessageUUID": {"db3ce55a-7f1d-11e1-8ea7-1231380bc196"}}
	tests := []struct {
		name, method, url string
		params            url.Values
		want              string
	}{
		{"POST without a query", http.MethodPost, "https://track.example.com/webhooks/plivo/status", form,
			"https://track.example.com/webhooks/plivo/status?From14155550100MessageUUIDdb3ce55a-7f1d-11e1-8ea7-1231380bc196Statusdelivered" +
				"To14155552671.nonce-1"},
		{"POST with a query", http.MethodPost, "https://track.example.com/webhooks/plivo/status?z=1&account=MA123", form,
			"https://track.example.com/webhooks/plivo/status?account=MA123&z=1.From14155550100MessageUUIDdb3ce55a-7f1d-11e1-8ea7-1231380bc196" +
				"StatusdeliveredTo14155552671.nonce-1"},
		{"POST with a query and no body", http.MethodPost, "https://track.example.com/s?b=%2F&a=2", nil,
			"https://track.example.com/s?a=2&b=%2F.nonce-1"},
		{"POST with nothing", http.MethodPost, "https://track.example.com/s", nil,
			"https://track.example.com/s.nonce-1"},
		{"GET", http.MethodGet, "https://track.example.com/webhooks/plivo/status?To=14155552671&Status=delivered&Text=a+b%26c", nil,
			"https://track.example.com/webhooks/plivo/status?Status=delivered&Text=a b&c&To=14155552671.nonce-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := signedText(tt.method, tt.url, "nonce-1", tt.params)
			if !ok || got != tt.want {
				t.Fatalf("signedText = %q, want %q", got, tt.want)
			}
			if sig := Sign("token", tt.method, tt.url, "nonce-1", tt.params); sig != reference("token", tt.want) {
				t.Errorf("Sign = %s, want %s", sig, reference("token", tt.want))
			}
		})
	}
	if _, ok := signedText(http.MethodPost, "/relative", "n", nil); ok {
		t.Error("a URL without a host was signed")
	}
}

func TestVerify(t *testing.T) {
	const u = "https://track.example.com/webhooks/plivo/status"
	form := url.Values{"MessageUUID": {"db3ce55a-7f1d-11e1-8ea7-1231380bc196"}, "Status": {"sent"}}
	good := Sign("token", http.MethodPost, u, "n1", form)
	other := Sign("old-token", http.MethodPost, u, "n1", form)
	tests := []struct {
		name, header, nonce, token string
		want                       bool
	}{
		{"one signature", good, "n1", "token", true},
		{"several, ours last", other + "," + good, "n1", "token", true},
		{"several with spaces", other + ", " + good, "n1", "token", true},
		{"wrong token", good, "n1", "nope", false},
		{"wrong nonce", good, "n2", "token", false},
		{"no nonce", good, "", "token", false},
		{"empty header", "", "n1", "token", false},
		{"only others", other + "," + other, "n1", "token", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.token, http.MethodPost, u, tt.nonce, form, tt.header); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
	changed := url.Values{"MessageUUID": form["MessageUUID"], "Status": {"delivered"}}
	if Verify("token", http.MethodPost, u, "n1", changed, good) {
		t.Error("a changed body verified")
	}
	if Verify("token", http.MethodPost, u+"?account=SA1", "n1", form, good) {
		t.Error("a changed URL verified")
	}
}
