package importer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/store"
)

// writeTwilioCSV writes n rows shaped like the console's export: one
// account, outbound messages, a mix of statuses and bodies.
func writeTwilioCSV(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Sid,Direction,Price,PriceUnit\n")
	bodies := []string{
		"Your code is %06d",
		`Hi Sam, your table for 4 at Luigi's is confirmed for Friday 8pm. Reply "YES" to keep it.`,
		"Your package ships tomorrow, track it at https://example.com/t/%06d",
		"STOP",
		"Thanks! 👍 See you soon",
	}
	statuses := []string{"delivered", "delivered", "delivered", "delivered", "delivered", "delivered", "undelivered", "failed", "sent"}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		body := bodies[i%len(bodies)]
		if strings.Contains(body, "%") {
			body = fmt.Sprintf(body, i)
		}
		st := statuses[i%len(statuses)]
		code := map[string]string{"undelivered": "30003", "failed": "30008"}[st]
		fmt.Fprintf(w, "+14155550100,+1415%07d,\"%s\",%s,%s,2010-04-01,1,%s,AC0123456789abcdef0123456789abcdef,SM%032x,outbound-api,-0.00790,USD\n",
			i%10_000_000, strings.ReplaceAll(body, `"`, `""`), st, t0.Add(time.Duration(i)*20*time.Second).Format(time.RFC3339), code, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkImportTwilioCSV imports a generated console export into a fresh
// SQLite database, as `smstrack import twilio-csv` does (preparation
// included). Rows per run: SMSTRACK_IMPORT_BENCH_ROWS (default 20,000);
// the documented timing run uses 1,000,000:
//
//	SMSTRACK_IMPORT_BENCH_ROWS=1000000 go test ./internal/importer -run '^$' -bench ImportTwilioCSV -benchtime 1x
func BenchmarkImportTwilioCSV(b *testing.B) {
	rows := 20_000
	if v := os.Getenv("SMSTRACK_IMPORT_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("SMSTRACK_IMPORT_BENCH_ROWS=%q", v)
		}
		rows = n
	}
	dir := b.TempDir()
	csvPath := filepath.Join(dir, "messages.csv")
	writeTwilioCSV(b, csvPath, rows)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db, err := store.Open(context.Background(), filepath.Join(dir, fmt.Sprintf("db%d", i), "smstrack.db"))
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(csvPath)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		p, err := NewTwilioCSV(f, "", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		prep := &ingest.Preparer{DefaultRegion: "US"}
		sum, err := Run(context.Background(), p, db.ApplyEvents, Options{Prepare: prep.Prepare})
		if err != nil {
			b.Fatal(err)
		}
		if sum.New != rows {
			b.Fatalf("imported %d of %d rows: %+v", sum.New, rows, sum.Rejections)
		}
		b.StopTimer()
		b.ReportMetric(float64(rows)/sum.Elapsed.Seconds(), "rows/s")
		f.Close()
		db.Close()
		b.StartTimer()
	}
}
