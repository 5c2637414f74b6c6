package archive_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/archive"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// pngBytes is the smallest PNG header http.DetectContentType recognises.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)

// TestWorkerArchivesCommittedMedia runs the worker against a real store and
// a media server that requires the account's credentials.
func TestWorkerArchivesCommittedMedia(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != "AC1" || p != "token1" {
				http.Error(w, "no", http.StatusUnauthorized)
				return
			}
			switch r.URL.Path {
			case "/ok.png":
				w.Header().Set("Content-Type", "image/png")
				w.Write(pngBytes)
			case "/page.html":
				w.Header().Set("Content-Type", "text/html")
				w.Write([]byte("<html></html>"))
			default:
				http.NotFound(w, r)
			}
		}))
		defer media.Close()

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		arch, err := archive.New(filepath.Join(t.TempDir(), "media"), archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(account, sid string, urls ...string) int64 {
			in := &smstrack.EventInput{Key: smstrack.Key{Provider: "twilio", Account: account, ProviderID: sid},
				Event: smstrack.Event{Status: smstrack.StatusReceived, Source: smstrack.SourceWebhook, ReceivedAt: time.Now(), Payload: []byte(`{}`)}}
			for _, u := range urls {
				in.Facts.Media = append(in.Facts.Media, smstrack.Media{URL: media.URL + u})
			}
			in.ComputeDedupeKey()
			res, err := db.ApplyEvents(ctx, []*smstrack.EventInput{in})
			if err != nil {
				t.Fatal(err)
			}
			return res[0].MessageID
		}
		// Committed before the worker starts: found by its first sweep.
		early := mk("AC1", "SM1", "/ok.png", "/page.html")
		skipped := mk("AC2", "SM2", "/ok.png")
		w := &archive.Worker{Archive: arch, Store: db, Accounts: []string{"AC1"}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Credentials: func(provider, account string) archive.Credentials {
				return archive.Credentials{Username: account, Password: "token1"}
			}}
		w.Start(ctx)
		// Committed while it runs: handed over by Notify.
		late := mk("AC1", "SM3", "/missing.png")
		w.Notify(&smstrack.Message{ID: late, Provider: "twilio", Account: "AC1", Media: []smstrack.Media{{URL: media.URL + "/missing.png"}}})

		waitFor := func(id int64, n int) []smstrack.ArchivedMedia {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for {
				recs, err := db.ArchivedMedia(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if len(recs) >= n || time.Now().After(deadline) {
					return recs
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		recs := waitFor(early, 2)
		if len(recs) != 2 || recs[0].SHA256 == "" || recs[0].ContentType != "image/png" || !recs[0].Final {
			t.Fatalf("archived: %+v", recs)
		}
		if recs[1].SHA256 != "" || recs[1].Error == "" || !recs[1].Final {
			t.Errorf("HTML must be refused for good: %+v", recs[1])
		}
		if !arch.Has(recs[0].SHA256) {
			t.Errorf("bytes not in the archive")
		}
		if recs := waitFor(late, 1); len(recs) != 1 || recs[0].Error == "" || recs[0].Final || recs[0].Attempts < 1 {
			t.Errorf("404 must be recorded and retried later: %+v", recs)
		}
		if recs, _ := db.ArchivedMedia(ctx, skipped); len(recs) != 0 {
			t.Errorf("account not enabled was archived: %+v", recs)
		}
	})
}
