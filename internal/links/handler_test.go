package links_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/links"
	"github.com/smstrack/smstrack/internal/store"
)

const iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"

// fixture is a SQLite store with one delivered message carrying one link,
// served by the redirect handler on a mux.
type fixture struct {
	db        *store.DB
	mux       *http.ServeMux
	handler   *links.Handler
	messageID int64
	code      string
	delivered time.Time
}

func newFixture(t testing.TB, opts links.Options) *fixture {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "smstrack.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	delivered := time.Now().Add(-time.Hour).UTC()
	in := &smstrack.EventInput{
		Key:   smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: "SMlinks"},
		Event: smstrack.Event{Status: smstrack.StatusDelivered, Source: smstrack.SourceWebhook, ReceivedAt: delivered, Payload: []byte(`{}`)},
		Facts: smstrack.Facts{Direction: smstrack.Outbound, To: "+15550001111"},
	}
	in.ComputeDedupeKey()
	res, err := db.ApplyEvents(context.Background(), []*smstrack.EventInput{in})
	if err != nil {
		t.Fatal(err)
	}
	l, err := links.Create(context.Background(), db, "https://shop.example/orders/42?src=sms", res[0].MessageID, 1)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h := links.NewHandler(db, nil, opts)
	h.Register(mux)
	return &fixture{db: db, mux: mux, handler: h, messageID: res[0].MessageID, code: l.Code, delivered: delivered}
}

func (f *fixture) get(method, target, ua string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	req.Header.Set("User-Agent", ua)
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	return rec
}

func TestRedirectRecordsClicksAndPreviews(t *testing.T) {
	f := newFixture(t, links.Options{})
	ctx := context.Background()

	rec := f.get("GET", "/l/"+f.code, iPhone)
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://shop.example/orders/42?src=sms" {
		t.Fatalf("click: got %d Location %q, want 302 to the stored URL", rec.Code, rec.Header().Get("Location"))
	}
	f.get("GET", "/l/"+f.code, iPhone) // the same person again
	f.get("GET", "/l/"+f.code, "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36")
	if rec := f.get("HEAD", "/l/"+f.code, iPhone); rec.Code != http.StatusFound || rec.Header().Get("Location") == "" {
		t.Errorf("HEAD: got %d, want 302 like GET", rec.Code)
	}
	f.get("GET", "/l/"+f.code, "WhatsApp/2.23.20.0 A")
	f.get("GET", "/l/"+f.code, "facebookexternalhit/1.1 Facebot Twitterbot/1.0")

	st, err := f.db.LinkStats(ctx, f.code)
	if err != nil {
		t.Fatal(err)
	}
	if st.Clicks != 3 || st.UniqueClicks != 2 || st.Previews != 3 {
		t.Errorf("stats: got clicks %d unique %d previews %d, want 3 2 3", st.Clicks, st.UniqueClicks, st.Previews)
	}
	actions, err := f.db.ListActions(ctx, f.messageID)
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 2 {
		t.Fatalf("actions: got %d, want one per unique human click (2): %+v", len(actions), actions)
	}
	for _, a := range actions {
		if a.Type != smstrack.ActionClicked || a.Source != "link" || !strings.Contains(string(a.Data), f.code) {
			t.Errorf("action: got %+v", a)
		}
	}
}

func TestFetchAtDeliveryIsAPreview(t *testing.T) {
	var delivered time.Time
	f := newFixture(t, links.Options{Now: func() time.Time { return delivered.Add(300 * time.Millisecond) }})
	delivered = f.delivered
	f.get("GET", "/l/"+f.code, iPhone)
	st, err := f.db.LinkStats(context.Background(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	if st.Previews != 1 || st.Clicks != 0 {
		t.Errorf("fetch 300ms after delivery: got clicks %d previews %d, want a preview", st.Clicks, st.Previews)
	}
}

func TestUnknownCodesNeverRedirect(t *testing.T) {
	f := newFixture(t, links.Options{Host: "t.example"})
	for _, target := range []string{
		"/l/NoSuchCode",
		"/l/abc",
		"/l/abcdefghijklmnop",
		"/l/%2F%2Fevil.com",
		"/l/%2f%2fevil.com%2f",
		"/l//evil.com",
		"/l/https:%2F%2Fevil.com",
		"/l/" + f.code + "%2F..%2F..%2Fevil",
		"/l/..%2F" + f.code,
		"/l/evil.com",
		"/l/%5C%5Cevil.com",
		"/l/" + f.code + "@evil.com",
	} {
		t.Run(target, func(t *testing.T) {
			rec := f.get("GET", target, iPhone)
			// The mux itself answers an unclean path ("/l//x") with a
			// redirect to its clean form on the same host: not ours, not open.
			if loc := rec.Header().Get("Location"); loc != "" {
				if !strings.HasPrefix(loc, "/l/") || strings.HasPrefix(loc, "//") || rec.Code != http.StatusTemporaryRedirect {
					t.Fatalf("redirected to %q with %d", loc, rec.Code)
				}
				return
			}
			if rec.Code == http.StatusFound {
				t.Fatalf("got 302")
			}
			if rec.Code == http.StatusNotFound && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Errorf("404 Content-Type: got %q, want text/html", rec.Header().Get("Content-Type"))
			}
			body, _ := io.ReadAll(rec.Body)
			if strings.Contains(string(body), "evil") {
				t.Errorf("the answer echoes the request: %s", body)
			}
		})
	}
	// A code on the main host at /{code} is not a link; on the link host it is.
	if rec := f.get("GET", "/"+f.code, iPhone); rec.Code == http.StatusFound {
		t.Errorf("/{code} on the main host: got 302")
	}
	req := httptest.NewRequest("GET", "http://t.example/"+f.code, nil)
	req.Header.Set("User-Agent", iPhone)
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "https://shop.example/orders/42?src=sms" {
		t.Errorf("/{code} on the link host: got %d %q, want 302", rec.Code, rec.Header().Get("Location"))
	}
	req = httptest.NewRequest("GET", "http://t.example/%2F%2Fevil.com", nil)
	rec = httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	if rec.Code == http.StatusFound {
		t.Errorf("link host, encoded slashes: got 302 to %q", rec.Header().Get("Location"))
	}
	st, err := f.db.LinkStats(context.Background(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	if st.Clicks != 1 {
		t.Errorf("clicks: got %d, want only the link host's 1", st.Clicks)
	}
}
