package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEndImport imports a Twilio console export twice through the real
// binary (the second run stores nothing), reads the messages back through
// the API, then moves one message with its timeline to a fresh database as
// message JSON.
func TestEndToEndImport(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		dir := t.TempDir()
		var csv strings.Builder
		csv.WriteString("From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Sid,Direction,Price,PriceUnit\n")
		for i := range 300 {
			status, code := "delivered", ""
			if i%10 == 9 {
				status, code = "undelivered", "30003"
			}
			fmt.Fprintf(&csv, "+15005550006,+1415555%04d,\"Order %d, \"\"ready\"\"\",%s,2025-03-04T10:%02d:00Z,2010-04-01,1,%s,%s,SMe2e0import%021d,outbound-api,-0.00790,USD\n",
				i, i, status, i%60, code, accountSid, i)
		}
		csv.WriteString("+15005550006,+14155550000,x,lost,2025-03-04T10:00:00Z,2010-04-01,1,," + accountSid + ",SMe2e0importbad,outbound-api,,\n")
		file := filepath.Join(dir, "export.csv")
		if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		rejects := filepath.Join(dir, "rejects.csv")
		out, errOut, err := runCLI(t, db, nil, "import", "twilio-csv", file, "--rejects", rejects, "--batch", "128")
		if err != nil {
			t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
		}
		if !strings.Contains(out, "accepted:  300 (events: 300 new, 0 already stored)") || !strings.Contains(out, `row 301 (line 302): Status: unknown message status "lost"`) {
			t.Errorf("first import:\n%s", out)
		}
		if b, _ := os.ReadFile(rejects); !strings.Contains(string(b), "301,302,") {
			t.Errorf("rejects file: %s", b)
		}
		out, _, err = runCLI(t, db, nil, "import", "twilio-csv", file)
		if err != nil || !strings.Contains(out, "accepted:  300 (events: 0 new, 300 already stored)") {
			t.Errorf("second import: %v\n%s", err, out)
		}

		s := startServer(t, db)
		sid := fmt.Sprintf("SMe2e0import%021d", 19)
		m := s.mustFind(t, sid)
		checkMessage(t, m, "undelivered", "30003")
		if m.Body == nil || *m.Body != `Order 19, "ready"` || len(m.Events) != 1 || m.Events[0].Source != "import" ||
			!m.Events[0].ReceivedAt.Equal(time.Date(2025, 3, 4, 10, 19, 0, 0, time.UTC)) {
			t.Errorf("imported message %+v", m)
		}

		// Export the message as the API shows it, and import it elsewhere.
		res, err := s.call(http.MethodGet, fmt.Sprintf("/api/v1/messages/%d", m.ID), nil, nil)
		if err != nil || res.status != http.StatusOK {
			t.Fatalf("export: %v %d", err, res.status)
		}
		line := filepath.Join(dir, "export.jsonl")
		os.WriteFile(line, append(res.body, '\n'), 0o600)
		other := newDatabase(t, db.kind)
		out, _, err = runCLI(t, other, nil, "import", "jsonl", line)
		if err != nil || !strings.Contains(out, "accepted:  1 (events: 1 new") {
			t.Fatalf("jsonl import: %v\n%s", err, out)
		}
		moved := startServer(t, other).mustFind(t, sid)
		checkMessage(t, moved, "undelivered", "30003")
		if moved.Body == nil || *moved.Body != *m.Body || moved.To != m.To || len(moved.Events) != 1 || !moved.Events[0].ReceivedAt.Equal(m.Events[0].ReceivedAt) {
			t.Errorf("moved message %+v, want like %+v", moved, m)
		}
	})
}
