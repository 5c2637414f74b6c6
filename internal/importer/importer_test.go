package importer

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	// consoleHeader is the header of Twilio's console message log export.
	consoleHeader = "From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Sid,Direction,Price,PriceUnit\n"
)

var now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// consoleCSV is a small export as the console writes it, with the quoting
// a body with commas, quotes and line breaks gets.
const consoleCSV = consoleHeader +
	`+14155550100,+14155550199,"Your code is 123456",delivered,2025-03-04T10:15:02-08:00,2010-04-01,1,0,` + testAccount + `,SM00000000000000000000000000000001,outbound-api,-0.00790,USD` + "\n" +
	`+14155550199,+14155550100,"Yes, ""please"" —
call me",received,2025-03-04T10:16:00Z,2010-04-01,1,,` + testAccount + `,SM00000000000000000000000000000002,inbound,-0.00790,USD` + "\r\n" +
	`+14155550100,+14155550199,Hello,undelivered,2025-03-04T10:17:00Z,2010-04-01,1,30003,` + testAccount + `,SM00000000000000000000000000000003,outbound-api,,` + "\n"

func parseAll(t *testing.T, p Parser) []Row {
	t.Helper()
	var rows []Row
	for {
		r, err := p.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
}

func TestTwilioCSVConsoleExport(t *testing.T) {
	p, err := NewTwilioCSV(strings.NewReader(consoleCSV), "", now)
	if err != nil {
		t.Fatal(err)
	}
	rows := parseAll(t, p)
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3", len(rows))
	}
	for i, r := range rows {
		if r.Err != nil || len(r.Events) != 1 || r.N != i+1 {
			t.Fatalf("row %d: %+v", i+1, r)
		}
	}
	if got := []int{rows[0].Line, rows[1].Line, rows[2].Line}; got[0] != 2 || got[1] != 3 || got[2] != 5 {
		t.Errorf("lines %v, want [2 3 5] (the second row spans two lines)", got)
	}
	ev := rows[0].Events[0]
	if ev.Key != (smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: "SM00000000000000000000000000000001"}) ||
		ev.Status != smstrack.StatusDelivered || ev.Source != smstrack.SourceImport || ev.ErrorCode != "" {
		t.Errorf("first event %+v", ev.Event)
	}
	if want := time.Date(2025, 3, 4, 18, 15, 2, 0, time.UTC); !ev.ReceivedAt.Equal(want) || !ev.Facts.CreatedAt.Equal(want) {
		t.Errorf("dated %v / %v, want %v", ev.ReceivedAt, ev.Facts.CreatedAt, want)
	}
	if f := ev.Facts; f.Body == nil || *f.Body != "Your code is 123456" || f.Price != "-0.00790" || f.PriceUnit != "USD" || f.Segments != 1 || f.Direction != smstrack.Outbound {
		t.Errorf("facts %+v", f)
	}
	in := rows[1].Events[0]
	if in.Facts.Direction != smstrack.Inbound || *in.Facts.Body != "Yes, \"please\" —\ncall me" || in.Status != smstrack.StatusReceived {
		t.Errorf("inbound %+v body %q", in.Event, *in.Facts.Body)
	}
	if un := rows[2].Events[0]; un.ErrorCode != "30003" || un.Facts.Price != "" {
		t.Errorf("undelivered %q price %q", un.ErrorCode, un.Facts.Price)
	}
}

// TestTwilioCSVHeaderVariations: the columns may come in any order, in
// other spellings, with a byte order mark, or without AccountSid when the
// account is named.
func TestTwilioCSVHeaderVariations(t *testing.T) {
	row := func(cols ...string) string { return strings.Join(cols, ",") + "\n" }
	cases := []struct {
		name, csv, account, wantErr string
	}{
		{name: "console order", csv: consoleHeader + row("+1415", "+1416", "hi", "sent", "2025-03-04T10:00:00Z", "2010-04-01", "1", "", testAccount, "SM1", "outbound-api", "", "")},
		{name: "byte order mark and spaces", csv: "\uFEFF Sid , Status ,Account Sid, Date Sent \n" + row("SM1", "sent", testAccount, "2025-03-04 10:00:00")},
		{name: "REST API names", csv: "sid,status,account_sid,date_sent,num_segments,messaging_service_sid\n" + row("SM1", "sent", testAccount, `"Tue, 04 Mar 2025 10:00:00 +0000"`, "1", "MG1")},
		{name: "MessageSid and lower case", csv: "messagesid,messagestatus,accountsid\n" + row("SM1", "sent", testAccount)},
		{name: "unknown columns kept", csv: "Sid,Status,AccountSid,Campaign\n" + row("SM1", "sent", testAccount, "spring")},
		{name: "no account column, --account given", account: testAccount, csv: "Sid,Status\n" + row("SM1", "sent")},
		{name: "no account column", csv: "Sid,Status\n" + row("SM1", "sent"), wantErr: "--account"},
		{name: "no sid column", csv: "From,Status,AccountSid\n" + row("+1", "sent", testAccount), wantErr: "no Sid column"},
		{name: "no status column", csv: "Sid,AccountSid\n" + row("SM1", testAccount), wantErr: "no Status column"},
		{name: "two columns for one field", csv: "Sid,MessageSid,Status,AccountSid\n" + row("SM1", "SM1", "sent", testAccount), wantErr: "both give sid"},
		{name: "same column twice", csv: "Sid,Status,AccountSid,X,X\n" + row("SM1", "sent", testAccount, "", ""), wantErr: "appears twice"},
		{name: "empty file", csv: "", wantErr: "empty file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewTwilioCSV(strings.NewReader(tc.csv), tc.account, now)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rows := parseAll(t, p)
			if len(rows) != 1 || rows[0].Err != nil {
				t.Fatalf("rows %+v", rows)
			}
			ev := rows[0].Events[0]
			if ev.Account != testAccount || ev.ProviderID != "SM1" || ev.Status != smstrack.StatusSent {
				t.Errorf("event %+v", ev.Key)
			}
		})
	}
}

// TestTwilioCSVRejectsMalformedRows: each bad row is one rejection with
// its reason; the rows around it still import.
func TestTwilioCSVRejectsMalformedRows(t *testing.T) {
	good := func(sid string) string {
		return "+14155550100,+14155550199,ok,sent,2025-03-04T10:00:00Z,2010-04-01,1,," + testAccount + "," + sid + ",outbound-api,,\n"
	}
	csv := consoleHeader + good("SM1") +
		"+14155550100,+14155550199,ok,teleported,2025-03-04T10:00:00Z,2010-04-01,1,," + testAccount + ",SM2,outbound-api,,\n" +
		"+14155550100,+14155550199,ok,sent,last tuesday,2010-04-01,1,," + testAccount + ",SM3,outbound-api,,\n" +
		"+14155550100,short row\n" +
		`+14155550100,+14155550199,"bad "quote,sent,2025-03-04T10:00:00Z,2010-04-01,1,,` + testAccount + ",SM4,outbound-api,,\n" +
		"+14155550100,+14155550199,ok,sent,2025-03-04T10:00:00Z,2010-04-01,1,," + testAccount + ",SM/5,outbound-api,,\n" +
		"+14155550100,+14155550199,ok,sent,2025-03-04T10:00:00Z,2010-04-01,1,," + testAccount + ",,outbound-api,,\n" +
		"+14155550100,+14155550199,ok,sent,2025-03-04T10:00:00Z,2010-04-01,1,," + testAccount + ",SM8,sideways,,\n" +
		"+14155550100,+14155550199,\xff,sent,2025-03-04T10:00:00Z,2010-04-01,1,," + testAccount + ",SM9,outbound-api,,\n" +
		good("SM10")
	p, err := NewTwilioCSV(strings.NewReader(csv), "", now)
	if err != nil {
		t.Fatal(err)
	}
	var got []Rejection
	sum, err := Run(context.Background(), p, func(_ context.Context, evs []*smstrack.EventInput) ([]smstrack.EventResult, error) {
		return make([]smstrack.EventResult, len(evs)), nil
	}, Options{OnReject: func(r Rejection) { got = append(got, r) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []Rejection{
		{2, 3, `Status: unknown message status "teleported"`},
		{3, 4, `SentDate: unreadable time "last tuesday"`},
		{4, 5, "2 fields, the header has 13"},
		{5, 6, `malformed CSV: extraneous or missing " in quoted-field`},
		{6, 7, `Sid: malformed message sid "SM/5"`},
		{7, 8, "Sid: missing message sid"},
		{8, 9, `Direction: unknown direction "sideways"`},
		{9, 10, "column Body is not UTF-8"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rejections %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("rejection %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if sum.Rows != 10 || sum.Accepted != 2 || sum.Rejected != 8 || len(sum.Rejections) != 8 {
		t.Errorf("summary %+v", sum)
	}
}

// TestPayloadDeterministic: the same row gives the same dedupe key, on
// another line and in another run; a changed row does not.
func TestPayloadDeterministic(t *testing.T) {
	row := "+14155550100,+14155550199,hi,sent,2025-03-04T10:00:00Z,2010-04-01,1,," + testAccount + ",SM1,outbound-api,,\n"
	key := func(csv string, at time.Time) string {
		p, err := NewTwilioCSV(strings.NewReader(csv), "", at)
		if err != nil {
			t.Fatal(err)
		}
		rows := parseAll(t, p)
		return rows[len(rows)-1].Events[0].DedupeKey
	}
	a := key(consoleHeader+row, now)
	if b := key(consoleHeader+strings.Replace(row, "SM1", "SM0", 1)+row, now.Add(time.Hour)); a != b {
		t.Errorf("dedupe key changed with position or time: %s vs %s", a, b)
	}
	if c := key(consoleHeader+strings.Replace(row, "sent", "delivered", 1), now); c == a {
		t.Error("a different status gave the same dedupe key")
	}
}

// TestRunRetriesEventsOneByOne: a batch the store refuses is retried event
// by event, so only the bad event's row is rejected.
func TestRunRetriesEventsOneByOne(t *testing.T) {
	p, err := NewTwilioCSV(strings.NewReader(consoleCSV), "", now)
	if err != nil {
		t.Fatal(err)
	}
	apply := func(_ context.Context, evs []*smstrack.EventInput) ([]smstrack.EventResult, error) {
		for _, ev := range evs {
			if ev.ProviderID == "SM00000000000000000000000000000002" {
				return nil, errors.New("disk says no")
			}
		}
		return make([]smstrack.EventResult, len(evs)), nil
	}
	sum, err := Run(context.Background(), p, apply, Options{BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accepted != 2 || sum.Rejected != 1 || sum.Rejections[0].Row != 2 || !strings.Contains(sum.Rejections[0].Reason, "disk says no") {
		t.Errorf("summary %+v", sum)
	}
}

// TestRunStopsWhenTheStoreIsDown: events failing one after another end the
// import with an error rather than rejecting every row.
func TestRunStopsWhenTheStoreIsDown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.csv")
	writeTwilioCSV(t, path, 100)
	p, f := openCSV(t, path)
	defer f.Close()
	_, err := Run(context.Background(), p, func(context.Context, []*smstrack.EventInput) ([]smstrack.EventResult, error) {
		return nil, errors.New("database is gone")
	}, Options{BatchSize: 50})
	if err == nil || !strings.Contains(err.Error(), "database is gone") {
		t.Errorf("got %v, want the store's error", err)
	}
}

// TestImportIsIdempotent imports the same files twice into each database:
// the second run stores nothing new.
func TestImportIsIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := testdb.Open(t, dsn)
		path := filepath.Join(t.TempDir(), "m.csv")
		writeTwilioCSV(t, path, 2500)
		for run, wantNew := range []int{2500, 0} {
			p, f := openCSV(t, path)
			sum, err := Run(context.Background(), p, db.ApplyEvents, Options{BatchSize: 1000})
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if sum.New != wantNew || sum.Duplicates != 2500-wantNew || sum.Accepted != 2500 {
				t.Errorf("csv run %d: %+v, want %d new", run+1, sum, wantNew)
			}
		}
		lines := jsonlSample + jsonlSample // the same line twice in one file, too
		for run, wantNew := range []int{4, 0} {
			sum, err := Run(context.Background(), NewJSONL(strings.NewReader(lines), now), db.ApplyEvents, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if sum.New != wantNew || sum.Rows != 4 || sum.Rejected != 0 {
				t.Errorf("jsonl run %d: %+v, want %d new", run+1, sum, wantNew)
			}
		}
		m, err := db.FindMessage(context.Background(), smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: "SMaa000000000000000000000000000042"})
		if err != nil {
			t.Fatal(err)
		}
		full, _ := db.GetMessage(context.Background(), m.ID)
		if full.Status != smstrack.StatusDelivered || len(full.Events) != 3 || full.Body == nil || *full.Body != "See you at 5" ||
			!full.CreatedAt.Equal(time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)) || full.State.Stages.At(smstrack.StatusDelivered).IsZero() {
			t.Errorf("imported message: status %s, %d events, body %v, created %v", full.Status, len(full.Events), full.Body, full.CreatedAt)
		}
	})
}

func openCSV(t *testing.T, path string) (*TwilioCSV, io.Closer) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewTwilioCSV(f, "", now)
	if err != nil {
		t.Fatal(err)
	}
	return p, f
}
