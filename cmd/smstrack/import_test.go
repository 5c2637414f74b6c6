package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/importer"
)

const importCSV = "From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Sid,Direction,Price,PriceUnit\n" +
	"+14155550100,+14155550199,\"Your code is 123456\",delivered,2025-03-04T10:15:02Z,2010-04-01,1,0," + syncAccount + ",SM00000000000000000000000000000001,outbound-api,-0.00790,USD\n" +
	"+14155550100,+14155550199,Hello,teleported,2025-03-04T10:16:02Z,2010-04-01,1,," + syncAccount + ",SM00000000000000000000000000000002,outbound-api,,\n" +
	"+14155550199,+14155550100,\"Yes, \"\"sure\"\"\",received,2025-03-04T10:17:02Z,2010-04-01,1,," + syncAccount + ",SM00000000000000000000000000000003,inbound,,\n"

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "messages.csv")
	os.WriteFile(file, []byte(importCSV), 0o600)
	rejects := filepath.Join(dir, "rejects.csv")
	env := map[string]string{"SMSTRACK_DATA": filepath.Join(dir, "data"), "SMSTRACK_BODY_POLICY": "redact"}

	out, _, err := run(t, env, "import", "twilio-csv", file, "--rejects", rejects)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{"rows:      3", "accepted:  2 (events: 2 new, 0 already stored)", "rejected:  1",
		`row 2 (line 3): Status: unknown message status "teleported"`} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if b, _ := os.ReadFile(rejects); string(b) != "row,line,reason\n2,3,\"Status: unknown message status \"\"teleported\"\"\"\n" {
		t.Errorf("rejects file:\n%s", b)
	}
	m := findStored(t, env["SMSTRACK_DATA"], "SM00000000000000000000000000000001")
	if m.Body == nil || strings.Contains(*m.Body, "123456") || !strings.HasPrefix(*m.Body, "Your code is ") || m.Content.BodyPolicy != "redact" {
		t.Errorf("the body policy was not applied: body %q policy %q", *m.Body, m.Content.BodyPolicy)
	}
	if want := time.Date(2025, 3, 4, 10, 15, 2, 0, time.UTC); !m.CreatedAt.Equal(want) {
		t.Errorf("created %v, want the message's own time %v", m.CreatedAt, want)
	}

	// Again, with the database flag after the file and JSON out: nothing new.
	out, _, err = run(t, map[string]string{}, "import", "twilio-csv", file, "--data", env["SMSTRACK_DATA"], "--json")
	if err != nil {
		t.Fatal(err)
	}
	var sum importer.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if sum.New != 0 || sum.Duplicates != 2 || sum.Rejected != 1 {
		t.Errorf("second import %+v, want nothing new", sum)
	}
}

func TestImportJSONLFromStdin(t *testing.T) {
	line := `{"provider":"twilio","account":"` + syncAccount + `","provider_id":"SM00000000000000000000000000000009","direction":"outbound","from":"+14155550100","to":"+14155550199","body":"hi","status":"delivered","created_at":"2025-03-04T10:00:00Z"}` + "\n{oops}\n"
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(line), Stdout: &out, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
		return map[string]string{"SMSTRACK_DATA": t.TempDir()}[k]
	}}
	if err := m.Run(t.Context(), []string{"import", "jsonl", "-"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "accepted:  1 (events: 1 new") || !strings.Contains(out.String(), "row 2 (line 2): not a message JSON object") {
		t.Errorf("summary:\n%s", out.String())
	}
}

func TestImportCommandErrors(t *testing.T) {
	dir := t.TempDir()
	noAccount := filepath.Join(dir, "a.csv")
	os.WriteFile(noAccount, []byte("Sid,Status\nSM1,sent\n"), 0o600)
	env := map[string]string{"SMSTRACK_DATA": dir}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"import"}, "usage: smstrack import"},
		{[]string{"import", "xml", "f"}, "unknown import format"},
		{[]string{"import", "jsonl"}, "exactly one FILE"},
		{[]string{"import", "jsonl", "f", "--account", "AC1"}, "twilio-csv only"},
		{[]string{"import", "twilio-csv", filepath.Join(dir, "missing.csv")}, "no such file"},
		{[]string{"import", "twilio-csv", noAccount}, "--account"},
	}
	for _, tc := range cases {
		if _, _, err := run(t, env, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.args, err, tc.want)
		}
	}
	if out, _, err := run(t, env, "import", "twilio-csv", noAccount, "--account", syncAccount); err != nil || !strings.Contains(out, "accepted:  1") {
		t.Errorf("with --account: %v\n%s", err, out)
	}
}

func TestSplitArgs(t *testing.T) {
	own, settings, pos := splitArgs([]string{"f.csv", "--data", "d", "--json", "--account=AC1", "--rejects", "r", "-db=x", "--", "--odd"},
		map[string]bool{"account": true, "rejects": true, "json": false})
	if strings.Join(own, " ") != "--json --account=AC1 --rejects r" || strings.Join(settings, " ") != "--data d -db=x" || strings.Join(pos, " ") != "f.csv --odd" {
		t.Errorf("own %q settings %q positional %q", own, settings, pos)
	}
}

func TestProgressText(t *testing.T) {
	stats := &importer.Stats{}
	stats.Rows.Store(500)
	stats.Rejected.Store(2)
	got := progressText(stats, 250, 1000, 10*time.Second, true)
	if !strings.HasPrefix(got, "[#######.......................]  25% 500 rows, 2 rejected, 50 rows/s, ETA 30s") {
		t.Errorf("bar: %q", got)
	}
	if got := progressText(stats, 0, -1, time.Second, false); got != "500 rows, 2 rejected, 500 rows/s" {
		t.Errorf("plain, size unknown: %q", got)
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
}
