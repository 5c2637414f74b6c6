package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
)

// run runs one command in-process as the binary would, with only the given
// environment.
func run(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
	err := m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

func TestAPIKeyCommands(t *testing.T) {
	env := map[string]string{"SMSTRACK_DATA": t.TempDir()}
	out, _, err := run(t, env, "apikey", "create", "--name", "ci")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, "smst_") || len(secret) < 30 {
		t.Fatalf("last line %q is not a key", secret)
	}
	list, _, err := run(t, env, "apikey", "list")
	if err != nil || !strings.Contains(list, "ci") || strings.Contains(list, secret) {
		t.Errorf("list: %v\n%s (the secret must never be shown again)", err, list)
	}
	if _, _, err := run(t, env, "apikey", "revoke", "ci"); err != nil {
		t.Errorf("revoke: %v", err)
	}
	if _, _, err := run(t, env, "apikey", "revoke", "ci"); err == nil || !strings.Contains(err.Error(), "no live API key") {
		t.Errorf("revoke twice: %v", err)
	}
	if _, _, err := run(t, env, "apikey", "create"); err == nil || !strings.Contains(err.Error(), "--name") {
		t.Errorf("create without name: %v", err)
	}
}

func TestCommandErrorsAndHelp(t *testing.T) {
	out, _, err := run(t, nil, "help")
	if err != nil || !strings.Contains(out, "SMSTRACK_DB") || !strings.Contains(out, "--addr") {
		t.Errorf("help: %v\n%s", err, out)
	}
	if _, _, err := run(t, nil, "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
	if _, _, err := run(t, nil, "serve", "--adr", "x"); err == nil || !strings.Contains(err.Error(), "adr") {
		t.Errorf("unknown flag: %v", err)
	}
	if _, _, err := run(t, map[string]string{"SMSTRACK_TWILIO_SKIP_VERIFICATION": "maybe"}, "serve"); err == nil || !strings.Contains(err.Error(), "SMSTRACK_TWILIO_SKIP_VERIFICATION") {
		t.Errorf("bad bool: %v", err)
	}
	if out, _, err := run(t, nil, "version"); err != nil || !strings.HasPrefix(out, "smstrack ") {
		t.Errorf("version: %v %q", err, out)
	}
	out, _, err = run(t, map[string]string{"SMSTRACK_DATA": t.TempDir()}, "migrate")
	if err != nil || !strings.Contains(out, "database sqlite at schema version ") {
		t.Errorf("migrate: %v %q", err, out)
	}
}

func TestSegmentsCommand(t *testing.T) {
	out, _, err := run(t, nil, "segments", "Hello", "world")
	if err != nil || !strings.Contains(out, "Encoding:    GSM-7") || !strings.Contains(out, "Segments:    1") {
		t.Errorf("plain: %v\n%s", err, out)
	}
	out, _, err = run(t, nil, "segments", "--json", "It’s “smart”")
	if err != nil || !strings.Contains(out, `"encoding": "UCS-2"`) || !strings.Contains(out, `"non_gsm_characters"`) {
		t.Errorf("json: %v\n%s", err, out)
	}
	out, _, err = run(t, nil, "segments", "--json", "--smart", "It’s “smart”")
	if err != nil || !strings.Contains(out, `"encoding": "GSM-7"`) || !strings.Contains(out, `"smart_encoding_applied": true`) {
		t.Errorf("smart: %v\n%s", err, out)
	}
	if _, _, err := run(t, nil, "segments"); err == nil {
		t.Error("no text: want a usage error")
	}
}

// TestSegmentsReadsStdinByteForByte: a trailing CR LF is part of the body.
func TestSegmentsReadsStdinByteForByte(t *testing.T) {
	var out bytes.Buffer
	body := strings.Repeat("a", 159) + "\r\n"
	m := &Main{Stdin: strings.NewReader(body), Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
	if err := m.Run(context.Background(), []string{"segments", "--json", "-"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"characters": 161`) || !strings.Contains(out.String(), `"segments": 2`) {
		t.Errorf("161 septets must make 2 segments:\n%s", out.String())
	}
}

func TestUserCommands(t *testing.T) {
	env := map[string]string{"SMSTRACK_DATA": t.TempDir()}
	runIn := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
		err := m.Run(context.Background(), args)
		return out.String(), err
	}
	out, err := runIn("correct horse battery\n", "user", "create", "--email", "Ada@Example.com", "--role", "admin")
	if err != nil || !strings.Contains(out, "created admin user ada@example.com") {
		t.Fatalf("create: %v %q", err, out)
	}
	if _, err := runIn("correct horse battery\n", "user", "create", "--email", "ada@example.com", "--role", "viewer"); smstrack.ErrorCode(err) != smstrack.ECONFLICT {
		t.Errorf("create twice: %v, want a conflict", err)
	}
	if _, err := runIn("short\n", "user", "create", "--email=bob@example.com", "--role=viewer"); err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Errorf("short password: %v", err)
	}
	if _, err := runIn("", "user", "create", "--email", "bob@example.com", "--role", "viewer"); err == nil || !strings.Contains(err.Error(), "standard input") {
		t.Errorf("no password: %v", err)
	}
	if _, err := runIn("correct horse battery\n", "user", "create", "--email", "bob@example.com", "--role", "owner"); err == nil || !strings.Contains(err.Error(), "admin|viewer") {
		t.Errorf("bad role: %v", err)
	}
	if _, err := runIn("correct horse battery\n", "user", "create", "--email", "not-an-address", "--role", "viewer"); err == nil || !strings.Contains(err.Error(), "--email") {
		t.Errorf("bad e-mail: %v", err)
	}
	if _, err := runIn("another good password\n", "user", "create", "--email", "bob@example.com", "--role", "viewer"); err != nil {
		t.Fatal(err)
	}
	out, err = runIn("", "user", "list")
	if err != nil || !strings.Contains(out, "ada@example.com") || !strings.Contains(out, "viewer") || strings.Contains(out, "argon2") {
		t.Errorf("list: %v\n%s", err, out)
	}
	if _, err := runIn("", "user", "delete", "--email", "ada@example.com"); smstrack.ErrorCode(err) != smstrack.ECONFLICT {
		t.Errorf("deleting the last admin: %v, want a conflict", err)
	}
	if _, err := runIn("a brand new password\n", "user", "passwd", "--email", "bob@example.com"); err != nil {
		t.Errorf("passwd: %v", err)
	}
	if _, err := runIn("", "user", "role", "--email", "bob@example.com", "--role", "admin"); err != nil {
		t.Errorf("role: %v", err)
	}
	if _, err := runIn("", "user", "delete", "--email", "ada@example.com"); err != nil {
		t.Errorf("delete with another admin left: %v", err)
	}
	if _, err := runIn("", "user", "delete", "--email", "ada@example.com"); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
		t.Errorf("delete twice: %v", err)
	}
}
