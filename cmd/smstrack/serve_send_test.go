package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/sim"
)

// TestSendRecordsBeforeAnswering: by default the Twilio-compatible create
// answers only once its message is on disk, body included, even when no
// callback has come yet.
func TestSendRecordsBeforeAnswering(t *testing.T) {
	s := newSimStack(t, filepath.Join(t.TempDir(), "smstrack.db"), func(cfg *sim.Config, _ string) {
		// No callback during the test: the record is the send's alone.
		cfg.Speed, cfg.DuplicateRate, cfg.OutOfOrderRate, cfg.Degradations = 1, -1, -1, []sim.Degradation{}
		cfg.Profiles = []sim.Profile{{Country: "US", CallingCode: "1", Carrier: "Test", DeliveryRate: 1,
			Sent: sim.LogNormal{Median: time.Hour, Sigma: 0.1}, Delivered: sim.LogNormal{Median: time.Hour, Sigma: 0.1}}}
	})
	for i := range 5 {
		status, sid, err := s.send(http.DefaultClient, "+14155550123", "Your order has shipped, number "+strings.Repeat("7", i+1))
		if err != nil || status != http.StatusCreated {
			t.Fatalf("send: %d %v", status, err)
		}
		var page struct {
			Messages []struct {
				Body   string `json:"body"`
				Status string `json:"status"`
			} `json:"messages"`
		}
		s.api(t, "GET", "/api/v1/messages?provider_id="+sid, "", &page)
		if len(page.Messages) != 1 || !strings.HasPrefix(page.Messages[0].Body, "Your order has shipped") {
			t.Fatalf("message %s right after its answer: %+v, want it recorded with its body", sid, page.Messages)
		}
	}
}

func TestSendRecordSetting(t *testing.T) {
	var running sync.WaitGroup
	for value, wantBackground := range map[string]bool{"": false, "before-answer": false, "after-answer": true} {
		c, _, err := config.Parse("serve", nil, func(k string) string {
			if k == "SMSTRACK_SEND_RECORD" {
				return value
			}
			return ""
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := sendBackground(c, &running)
		if err != nil || (got != nil) != wantBackground {
			t.Errorf("SMSTRACK_SEND_RECORD=%q: background %v, err %v; want background %v", value, got != nil, err, wantBackground)
		}
	}
	c, _, err := config.Parse("serve", []string{"--send-record", "whenever"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sendBackground(c, &running); err == nil || !strings.Contains(err.Error(), "whenever") {
		t.Errorf("a bad value: err %v, want one naming it", err)
	}
}
