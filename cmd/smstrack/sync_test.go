package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
)

const (
	syncAccount = "AC0123456789abcdef0123456789abcdef"
	syncToken   = "12345678901234567890123456789012"
)

// fakeTwilioAPI answers like Twilio's message list from the twilio
// package's testdata: five messages over three pages, and one message.
func fakeTwilioAPI(t *testing.T) *httptest.Server {
	t.Helper()
	dir := filepath.Join("..", "..", "internal", "provider", "twilio", "testdata", "rest")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := "page" + r.URL.Query().Get("Page") + ".json"
		switch {
		case r.URL.Query().Get("Page") == "":
			file = "page0.json"
		case strings.HasSuffix(r.URL.Path, "/Messages/SM00000000000000000000000000000001.json"):
			file = "message.json"
		}
		status := http.StatusOK
		if user, pass, _ := r.BasicAuth(); user != syncAccount || pass != syncToken {
			file, status = "error401.json", http.StatusUnauthorized
		}
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// storeCallback stores a status callback without a body, as the webhook would.
func storeCallback(t *testing.T, dataDir, sid string, status smstrack.Status) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dataDir, "smstrack.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ev := &smstrack.EventInput{Key: smstrack.Key{Provider: "twilio", Account: syncAccount, ProviderID: sid},
		Event: smstrack.Event{Status: status, Source: smstrack.SourceWebhook, ReceivedAt: time.Now().UTC(), Payload: []byte(`{"MessageStatus":"` + string(status) + `"}`)},
		Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+14155550100", To: "+14155550199"}}
	ev.ComputeDedupeKey()
	if _, err := db.ApplyEvents(context.Background(), []*smstrack.EventInput{ev}); err != nil {
		t.Fatal(err)
	}
}

func findStored(t *testing.T, dataDir, sid string) *smstrack.Message {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dataDir, "smstrack.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.FindMessage(context.Background(), smstrack.Key{Provider: "twilio", Account: syncAccount, ProviderID: sid})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSyncCommand(t *testing.T) {
	api := fakeTwilioAPI(t)
	data := t.TempDir()
	env := map[string]string{"SMSTRACK_DATA": data, "SMSTRACK_TWILIO_ACCOUNTS": syncAccount + ":" + syncToken}
	storeCallback(t, data, "SM00000000000000000000000000000001", smstrack.StatusDelivered)
	storeCallback(t, data, "SM00000000000000000000000000000002", smstrack.StatusSent)

	out, _, err := run(t, env, "sync", "twilio", "--api-url", api.URL, "--since", "2025-03-01", "--json")
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	var got struct {
		Accounts []struct {
			Account  string `json:"account"`
			Listed   int    `json:"listed"`
			Enriched int    `json:"enriched"`
			Missing  []struct {
				Sid string `json:"sid"`
			} `json:"missing"`
			Stale []struct {
				Sid          string `json:"sid"`
				StoredStatus string `json:"stored_status"`
				Status       string `json:"status"`
			} `json:"stale"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	r := got.Accounts[0]
	if r.Account != syncAccount || r.Listed != 5 || len(r.Missing) != 3 || r.Enriched != 2 {
		t.Errorf("report %+v", r)
	}
	if len(r.Stale) != 1 || r.Stale[0].Sid != "SM00000000000000000000000000000002" || r.Stale[0].StoredStatus != "sent" || r.Stale[0].Status != "undelivered" {
		t.Errorf("stale %+v", r.Stale)
	}
	m := findStored(t, data, "SM00000000000000000000000000000001")
	if m.Body == nil || *m.Body != "Your code is 123456" || m.Price != "-0.00790" || m.Encoding != "GSM-7" {
		t.Errorf("message known from a callback was not completed: body %v price %q encoding %q", m.Body, m.Price, m.Encoding)
	}

	out, _, err = run(t, env, "sync", "twilio", "--api-url="+api.URL)
	if err != nil || !strings.Contains(out, "missing (never seen here):        0") || !strings.Contains(out, "unchanged: 5") {
		t.Errorf("second sync: %v\n%s", err, out)
	}
}

func TestSyncCommandErrors(t *testing.T) {
	api := fakeTwilioAPI(t)
	data := t.TempDir()
	wrong := map[string]string{"SMSTRACK_DATA": data, "SMSTRACK_TWILIO_ACCOUNTS": syncAccount + ":wrongtoken"}
	_, errOut, err := run(t, wrong, "sync", "twilio", "--api-url", api.URL)
	if err == nil || !strings.Contains(err.Error(), "error 20003: Authenticate") || !strings.Contains(errOut, "20003") {
		t.Errorf("wrong token: %v / %s", err, errOut)
	}
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"SMSTRACK_DATA": data}, []string{"sync", "twilio"}, "no Twilio accounts configured"},
		{wrong, []string{"sync", "twilio", "--account", "AC999"}, "no auth token"},
		{wrong, []string{"sync", "twilio", "--since", "last week"}, "--since"},
		{wrong, []string{"sync", "plivo"}, "usage: smstrack sync twilio"},
		{wrong, []string{"sync", "twilio", "extra"}, "no arguments"},
	}
	for _, tc := range cases {
		if _, _, err := run(t, tc.env, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestParseWhen(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Time{
		"":                     {},
		"2025-03-04":           time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC),
		"2025-03-04T10:00:00Z": time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC),
		"36h":                  now.Add(-36 * time.Hour),
		"7d":                   now.AddDate(0, 0, -7),
	}
	for in, want := range cases {
		if got, err := parseWhen(in, now); err != nil || !got.Equal(want) {
			t.Errorf("parseWhen(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "-5h", "2025-13-01", "d"} {
		if _, err := parseWhen(bad, now); err == nil {
			t.Errorf("parseWhen(%q): want an error", bad)
		}
	}
}

// TestServeSyncSettings: bad reconciliation settings stop the server at
// start, naming the setting.
func TestServeSyncSettings(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SMSTRACK_TWILIO_SYNC_INTERVAL": "soon"}, "SMSTRACK_TWILIO_SYNC_INTERVAL"},
		{map[string]string{"SMSTRACK_TWILIO_SYNC_WINDOW": "0"}, "SMSTRACK_TWILIO_SYNC_WINDOW"},
		{map[string]string{"SMSTRACK_TWILIO_ENRICH": "maybe"}, "SMSTRACK_TWILIO_ENRICH"},
		{map[string]string{"SMSTRACK_TWILIO_ENRICH_RATE": "0"}, "SMSTRACK_TWILIO_ENRICH_RATE"},
		{map[string]string{"SMSTRACK_TWILIO_ENRICH": "true"}, "need SMSTRACK_TWILIO_ACCOUNTS"},
		{map[string]string{"SMSTRACK_TWILIO_SYNC_INTERVAL": "10m"}, "need SMSTRACK_TWILIO_ACCOUNTS"},
	}
	for _, tc := range cases {
		tc.env["SMSTRACK_DATA"] = t.TempDir()
		tc.env["SMSTRACK_ADDR"] = "127.0.0.1:0"
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		m := &Main{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(k string) string { return tc.env[k] }}
		err := m.Run(ctx, []string{"serve"})
		cancel()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want an error naming %s", tc.env, err, tc.want)
		}
	}
}
