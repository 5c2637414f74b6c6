package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// TestBoundedTextSearch: with ScanLimit a text search reads blocks of the
// newest messages matching the other filters; a block without enough
// matches ends the page early with a cursor that goes on from the last
// message read, until no message is left, and every match is found once.
func TestBoundedTextSearch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, err := store.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var batch []*smstrack.EventInput
		for i := range 25 {
			body := fmt.Sprintf("plain message %02d", i)
			if i%4 == 0 {
				body = fmt.Sprintf("Sale 100%% off, number %02d", i) // 0, 4, ..., 24: seven
			}
			dir := smstrack.Outbound
			if i%5 == 0 {
				dir = smstrack.Inbound // 0, 5, 10, 15, 20
			}
			in := &smstrack.EventInput{Key: smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: fmt.Sprintf("SM%02d", i)},
				Event: smstrack.Event{Status: smstrack.StatusSent, Source: smstrack.SourceAPI, ReceivedAt: t0.Add(time.Duration(i) * time.Minute)},
				Facts: smstrack.Facts{Direction: dir, From: "+14155550100", To: "+14155550101", Body: &body, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}}
			in.ComputeDedupeKey()
			batch = append(batch, in)
		}
		if _, err := db.ApplyEvents(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			f     smstrack.MessageFilter
			pages [][]string // the bodies' numbers on each page
		}{
			// Blocks of 10 of the 25, newest first: 24..15 has 24, 20, 16; 14..5 has 12, 8; 4..0 has 4, 0.
			{"blocks", smstrack.MessageFilter{Query: "100% OFF", ScanLimit: 10, Limit: 50},
				[][]string{{"24", "20", "16"}, {"12", "08"}, {"04", "00"}}},
			// A full page ends before its block: the next block starts after its last match.
			{"page before block", smstrack.MessageFilter{Query: "sale", ScanLimit: 10, Limit: 2},
				[][]string{{"24", "20"}, {"16", "12"}, {"08", "04"}, {"00"}}},
			// Blocks are of the messages matching the other filters: outbound 24..13, then
			// 12..1 (full, so one more, empty, page follows).
			{"with a filter", smstrack.MessageFilter{Query: "sale", Direction: smstrack.Outbound, ScanLimit: 10, Limit: 50},
				[][]string{{"24", "16"}, {"12", "08", "04"}, {}}},
			{"unbounded", smstrack.MessageFilter{Query: "sale", Limit: 50},
				[][]string{{"24", "20", "16", "12", "08", "04", "00"}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := tc.f
				for i, want := range tc.pages {
					list, next, err := db.ListMessages(t.Context(), f)
					if err != nil {
						t.Fatal(err)
					}
					got := []string{}
					for _, m := range list {
						b := *m.Body
						got = append(got, b[len(b)-2:])
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("page %d: %v, want %v", i+1, got, want)
					}
					if last := i == len(tc.pages)-1; last != (next == "") {
						t.Fatalf("page %d: next cursor %q, at the end: %v", i+1, next, last)
					}
					f.Cursor = next
				}
			})
		}
	})
}
