package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/archive"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestArchivedMediaIsServedSafely(t *testing.T) {
	ctx := context.Background()
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/card.pdf" {
			w.Header().Set("Content-Type", "application/pdf")
			w.Write([]byte("%PDF-1.4\n%fake\n"))
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...))
	}))
	defer files.Close()
	arch, err := archive.New(filepath.Join(t.TempDir(), "media"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, testdb.DSN(t, "sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := ingest.NewCommitter(db, log, ingest.Options{})
	defer c.Close()
	mux := http.NewServeMux()
	api.New(db, c, log, api.Options{Media: arch}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	secret, prefix, hash := api.GenerateKey()
	db.CreateAPIKey(ctx, "k", prefix, hash)

	in := &smstrack.EventInput{Key: smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: "MM1"},
		Event: smstrack.Event{Status: smstrack.StatusReceived, Source: smstrack.SourceWebhook, ReceivedAt: time.Now(), Payload: []byte(`{}`)},
		Facts: smstrack.Facts{Media: []smstrack.Media{{URL: files.URL + "/a.png"}, {URL: files.URL + "/card.pdf"}, {URL: files.URL + "/gone.png"}}}}
	in.ComputeDedupeKey()
	res, err := db.ApplyEvents(ctx, []*smstrack.EventInput{in})
	if err != nil {
		t.Fatal(err)
	}
	id := res[0].MessageID
	for i, path := range []string{"/a.png", "/card.pdf"} {
		item, err := arch.Fetch(ctx, files.URL+path, archive.Credentials{})
		if err != nil {
			t.Fatal(err)
		}
		db.RecordArchivedMedia(ctx, smstrack.ArchivedMedia{MessageID: id, Position: i, URL: files.URL + path,
			SHA256: item.SHA256, ContentType: item.ContentType, Size: item.Size, FetchedAt: time.Now(), Attempts: 1, Final: true})
	}

	get := func(path string, auth bool) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	base := "/api/v1/messages/" + strconv.FormatInt(id, 10) + "/media/"
	if resp := get(base+"0", false); resp.StatusCode != 401 {
		t.Errorf("without key: %d, want 401", resp.StatusCode)
	}
	resp := get(base+"0", true)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("image: %d %v", resp.StatusCode, resp.Header)
	}
	resp = get(base+"1", true)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("Content-Disposition") == "" {
		t.Errorf("pdf must download: %d %v", resp.StatusCode, resp.Header)
	}
	for _, p := range []string{base + "2", base + "9", base + "x", "/api/v1/messages/999/media/0"} {
		if resp := get(p, true); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
}
