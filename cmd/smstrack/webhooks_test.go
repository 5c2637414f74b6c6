package main

import (
	"strings"
	"testing"
	"time"
)

func TestWebhookCommands(t *testing.T) {
	env := map[string]string{"SMSTRACK_DATA": t.TempDir()}
	out, _, err := run(t, env, "webhook", "create", "--url", "https://hooks.example/sms", "--events", "message.failed,message.received")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("last line %q is not a signing secret", secret)
	}
	list, _, err := run(t, env, "webhook", "list")
	if err != nil || !strings.Contains(list, "https://hooks.example/sms") || !strings.Contains(list, "message.failed,message.received") || strings.Contains(list, secret) {
		t.Errorf("list: %v\n%s (the secret must never be shown again)", err, list)
	}
	if out, _, err := run(t, env, "webhook", "disable", "1"); err != nil || !strings.Contains(out, "disabled") {
		t.Errorf("disable: %v %s", err, out)
	}
	if list, _, _ := run(t, env, "webhook", "list"); !strings.Contains(list, "disabled from the command line") {
		t.Errorf("list after disable:\n%s", list)
	}
	if out, _, err := run(t, env, "webhook", "enable", "1"); err != nil || !strings.Contains(out, "enabled") {
		t.Errorf("enable: %v %s", err, out)
	}
	out, _, err = run(t, env, "webhook", "rotate-secret", "1", "--grace", "2h")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if rotated := lines[len(lines)-1]; err != nil || !strings.HasPrefix(rotated, "whsec_") || rotated == secret {
		t.Errorf("rotate-secret: %v, printed %q", err, out)
	}
	from, to := time.Now().Add(-time.Hour).Format(time.RFC3339), time.Now().Add(time.Hour).Format(time.RFC3339)
	if out, _, err := run(t, env, "webhook", "replay", "1", "--from", from, "--to", to); err != nil || !strings.Contains(out, "queued 0") {
		t.Errorf("replay range: %v %s", err, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"webhook"}, "subcommand"},
		{[]string{"webhook", "create"}, "--url"},
		{[]string{"webhook", "create", "--url", "https://h.example", "--events", "message.lost"}, "unknown event type"},
		{[]string{"webhook", "enable"}, "one endpoint ID"},
		{[]string{"webhook", "enable", "99"}, "not found"},
		{[]string{"webhook", "replay", "1"}, "--event N"},
		{[]string{"webhook", "replay", "1", "--event", "42"}, "not found"},
		{[]string{"webhook", "replay", "1", "--from", "yesterday", "--to", to}, "RFC 3339"},
		{[]string{"webhook", "frobnicate"}, "unknown webhook subcommand"},
		{[]string{"webhook", "rotate-secret"}, "one endpoint ID"},
		{[]string{"webhook", "rotate-secret", "1", "--grace", "30d"}, "invalid"},
		{[]string{"webhook", "rotate-secret", "1", "--grace", "200h"}, "--grace must be"},
		{[]string{"webhook", "rotate-secret", "99"}, "not found"},
	} {
		if _, _, err := run(t, env, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error saying %q", c.args, err, c.want)
		}
	}
}
