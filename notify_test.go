package smstrack

import (
	"testing"
	"time"
)

func TestRetryScheduleLastsAboutADay(t *testing.T) {
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{1, 5 * time.Second}, {2, 10 * time.Second}, {5, 80 * time.Second}, {10, 2560 * time.Second}, {11, time.Hour}, {31, time.Hour}} {
		if got := RetryDelay(c.n, 0.5); got != c.want {
			t.Errorf("delay after attempt %d: got %v, want %v", c.n, got, c.want)
		}
	}
	if lo, hi := RetryDelay(3, 0), RetryDelay(3, 0.999); lo != 16*time.Second || hi < 23*time.Second || hi >= 24*time.Second {
		t.Errorf("jitter bounds of 20s: got %v..%v", lo, hi)
	}
	var total time.Duration
	for n := 1; n < MaxDeliveryAttempts; n++ {
		total += RetryDelay(n, 0.5)
	}
	if total < 20*time.Hour || total > 28*time.Hour {
		t.Errorf("retries span %v, want about a day", total)
	}
}

func TestEndpointValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		e    Endpoint
		ok   bool
	}{
		{"fine", Endpoint{URL: "https://hooks.example/x", Secret: "s", EventTypes: []string{EventMessageFailed, "alert.spike"}}, true},
		{"relative", Endpoint{URL: "/x", Secret: "s"}, false},
		{"scheme", Endpoint{URL: "file:///etc/passwd", Secret: "s"}, false},
		{"credentials", Endpoint{URL: "https://u:p@hooks.example/", Secret: "s"}, false},
		{"unknown type", Endpoint{URL: "https://hooks.example/", Secret: "s", EventTypes: []string{"message.lost"}}, false},
		{"bare alert", Endpoint{URL: "https://hooks.example/", Secret: "s", EventTypes: []string{"alert."}}, false},
		{"no secret", Endpoint{URL: "https://hooks.example/"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.e.Validate(); (err == nil) != c.ok {
				t.Errorf("got %v, want ok=%v", err, c.ok)
			}
		})
	}
}
