package importer

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// Fuzz targets for the row parsers; their seeds run as ordinary tests.

// checkEvents holds for every event a parser returns.
func checkEvents(t *testing.T, evs []*smstrack.EventInput) {
	t.Helper()
	for _, ev := range evs {
		if ev.Provider == "" || ev.Account == "" || ev.ProviderID == "" {
			t.Fatalf("empty key %+v", ev.Key)
		}
		if ev.Status != "" && !ev.Status.Valid() {
			t.Fatalf("invalid status %q", ev.Status)
		}
		if ev.Source != smstrack.SourceImport || ev.DedupeKey == "" || ev.ReceivedAt.After(now) {
			t.Fatalf("event %+v", ev.Event)
		}
		if !json.Valid(ev.Payload) || !utf8.Valid(ev.Payload) {
			t.Fatalf("payload %q is not valid JSON text", ev.Payload)
		}
	}
}

func FuzzTwilioCSVRow(f *testing.F) {
	for _, line := range strings.Split(consoleCSV, "\n")[1:] {
		f.Add(line)
	}
	f.Add(`a,b,"c`)
	f.Add(`,,,,,,,,,,,,`)
	f.Add(`+1,+2,"x""y",SENT,2025-03-04,2010-04-01,-1,0,` + testAccount + `,SM1,Outbound-Reply,1e9,usd`)
	f.Add("+1,+2,\xff,sent,,,,," + testAccount + ",SM1,,,")
	f.Fuzz(func(t *testing.T, row string) {
		p, err := NewTwilioCSV(strings.NewReader(consoleHeader+row), "", now)
		if err != nil {
			t.Fatal(err)
		}
		for range 100 {
			r, err := p.Next()
			if err != nil {
				return // io.EOF, or a reader error that ends the import
			}
			if (r.Err == nil) == (len(r.Events) == 0) {
				t.Fatalf("row %+v: an event xor an error", r)
			}
			checkEvents(t, r.Events)
			if r.Err == nil {
				// The same row parsed again gives the same event.
				again, _ := NewTwilioCSV(strings.NewReader(consoleHeader+row), "", now)
				r2, _ := again.Next()
				if len(r2.Events) == 0 || r2.Events[0].DedupeKey != r.Events[0].DedupeKey && r.N == 1 {
					t.Fatalf("not deterministic: %+v vs %+v", r.Events, r2.Events)
				}
			}
		}
	})
}

func FuzzJSONLine(f *testing.F) {
	for _, line := range strings.Split(jsonlSample, "\n") {
		f.Add(line)
	}
	f.Add(`{"provider":"p","account":"a","provider_id":"i","events":[{"status":"sent","part":{"id":"x","index":-1,"count":-5}}]}`)
	f.Add(`{"provider":" ","account":"a","provider_id":"i"}`)
	f.Add(`{"provider":"p","account":"a","provider_id":"i","segments":-3,"created_at":"9999-01-01T00:00:00Z"}`)
	f.Add(`{"provider":"p","account":"a","provider_id":"i","events":[1]}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, line string) {
		evs, err := ParseJSONLine([]byte(line), now)
		if err != nil {
			if evs != nil {
				t.Fatal("events with an error")
			}
			return
		}
		checkEvents(t, evs)
		for _, ev := range evs {
			if ev.Part.Index < 0 || ev.Part.Count < 0 || ev.Facts.Segments < 0 {
				t.Fatalf("negative counts %+v %+v", ev.Part, ev.Facts)
			}
		}
		again, _ := ParseJSONLine([]byte(line), now)
		for i := range evs {
			if again[i].DedupeKey != evs[i].DedupeKey {
				t.Fatal("not deterministic")
			}
		}
	})
}
