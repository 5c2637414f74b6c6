package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
)

func TestRollupsCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SMSTRACK_DATA": dir}
	db, err := store.Open(context.Background(), filepath.Join(dir, "smstrack.db"))
	if err != nil {
		t.Fatal(err)
	}
	in := &smstrack.EventInput{Key: smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: "SMcli"},
		Event: smstrack.Event{Status: smstrack.StatusDelivered, Source: smstrack.SourceWebhook, ReceivedAt: time.Now(), Payload: []byte("{}")},
		Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+14155550100", To: "+447700900001"}}
	in.ComputeDedupeKey()
	if _, err := db.ApplyEvents(context.Background(), []*smstrack.EventInput{in}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, _, err := run(t, env, "rollups", "status")
	if err != nil || !strings.Contains(out, "queued changes: 1") {
		t.Errorf("status: %v\n%s", err, out)
	}
	out, _, err = run(t, env, "rollups", "verify")
	if err != nil || !strings.Contains(out, "rollups match the messages") {
		t.Errorf("verify: %v\n%s", err, out)
	}
	out, _, err = run(t, env, "rollups", "rebuild")
	if err != nil || !strings.Contains(out, "queued 1 messages") {
		t.Errorf("rebuild: %v\n%s", err, out)
	}
	for _, bad := range [][]string{{"rollups"}, {"rollups", "explode"}, {"rollups", "status", "extra"}} {
		if _, _, err := run(t, env, bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if _, _, err := run(t, map[string]string{"SMSTRACK_DATA": dir, "SMSTRACK_ROLLUPS": "sometimes"}, "serve"); err == nil || !strings.Contains(err.Error(), "SMSTRACK_ROLLUPS") {
		t.Errorf("bad SMSTRACK_ROLLUPS: %v", err)
	}
}
