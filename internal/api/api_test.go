package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/content"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

type env struct {
	srv *httptest.Server
	key string
	db  *store.DB
}

func newEnv(t *testing.T, dsn string) *env {
	t.Helper()
	return newEnvWith(t, dsn, func(*ingest.Committer, *slog.Logger) api.Options {
		return api.Options{DefaultRegion: "US", Prices: content.PriceTable{"GB": 0.04}}
	})
}

// newEnvWith is the API over dsn, with the options options makes from the
// committer and logger, and a key to call it with.
func newEnvWith(t *testing.T, dsn string, options func(*ingest.Committer, *slog.Logger) api.Options) *env {
	t.Helper()
	db := testdb.Open(t, dsn)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := ingest.NewCommitter(db, log, ingest.Options{Prepare: (&ingest.Preparer{DefaultRegion: "US"}).Prepare})
	mux := http.NewServeMux()
	api.New(db, c, log, options(c, log)).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); c.Close() })
	secret, prefix, hash := api.GenerateKey()
	if _, err := db.CreateAPIKey(context.Background(), "test", prefix, hash); err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, key: secret, db: db}
}

// do sends a request with the API key and decodes the JSON answer.
func (e *env) do(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v", method, path, err)
	}
	return resp.StatusCode, out
}

func TestAuthRequired(t *testing.T) {
	e := newEnv(t, testdb.DSN(t, "sqlite"))
	for _, auth := range []string{"", "Bearer ", "Bearer smst_wrong", "Basic abc"} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/messages", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 401 || body["error"] == "" {
			t.Errorf("auth %q: %d %v, want 401 with error", auth, resp.StatusCode, body)
		}
	}
	resp, err := http.Get(e.srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz without key: %v %v", resp.StatusCode, err)
	}
}

func TestReportAndQuery(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		report := `{"provider":"twilio","account":"AC1","provider_id":"SM1","from":"+15550001","to":"+447700900123",
			"body":"Your code is 123456","status":"queued","created_at":"2026-11-27T10:00:00Z","tags":{"campaign":"otp"}}`
		code, m := e.do(t, "POST", "/api/v1/messages", report)
		if code != 201 || m["status"] != "queued" || m["encoding"] != "" && m["encoding"] != "GSM-7" {
			t.Fatalf("report: %d %v", code, m)
		}
		id := int64(m["id"].(float64))
		if code, _ := e.do(t, "POST", "/api/v1/messages", report); code != 200 {
			t.Errorf("same report again: %d, want 200", code)
		}
		code, got := e.do(t, "GET", "/api/v1/messages/"+strconv.FormatInt(id, 10), "")
		if code != 200 || len(got["events"].([]any)) != 1 || got["queued_at"] == nil || got["tags"].(map[string]any)["campaign"] != "otp" {
			t.Errorf("get: %d %v", code, got)
		}
		for _, q := range []string{"", "?status=queued", "?to=%2B447700900123", "?to=%2B44%207700%20900123", "?tag=campaign:otp", "?q=code+is", "?provider_id=SM1",
			"?created_after=2026-11-27T09:00:00Z&created_before=2026-11-27T11:00:00Z"} {
			code, list := e.do(t, "GET", "/api/v1/messages"+q, "")
			if code != 200 || len(list["messages"].([]any)) != 1 {
				t.Errorf("list %q: %d %v", q, code, list)
			}
		}
		for _, q := range []string{"?status=failed", "?tag=campaign:other", "?q=nothing", "?created_after=2026-11-28T00:00:00Z"} {
			if code, list := e.do(t, "GET", "/api/v1/messages"+q, ""); code != 200 || len(list["messages"].([]any)) != 0 {
				t.Errorf("list %q matched: %d %v", q, code, list)
			}
		}
	})
}

func TestBadInputIsNamed(t *testing.T) {
	e := newEnv(t, testdb.DSN(t, "sqlite"))
	cases := []struct {
		method, path, body string
		status             int
		field              string
	}{
		{"POST", "/api/v1/messages", `{"account":"AC1","provider_id":"SM1"}`, 400, "provider"},
		{"POST", "/api/v1/messages", `{"provider":"twilio","account":"AC1"}`, 400, "provider_id"},
		{"POST", "/api/v1/messages", `{"provider":"twilio","account":"AC1","provider_id":"SM1","status":"deliverd"}`, 400, "status"},
		{"POST", "/api/v1/messages", `{"provider":"twilio","account":"AC1","provider_id":"SM1","bodyy":"x"}`, 400, "bodyy"},
		{"POST", "/api/v1/messages", `{"provider":"twilio","account":"AC1","provider_id":"SM1","segments":"x"}`, 400, "segments"},
		{"POST", "/api/v1/messages", `{"provider":"twilio","account":"AC1","provider_id":"SM1","tags":["a"]}`, 400, "tags"},
		{"POST", "/api/v1/messages", `{"provider":"twilio","account":"AC1","provider_id":"SM1","media":[{"url":"nope"}]}`, 400, "media[0].url"},
		{"POST", "/api/v1/messages", `{"provider":"twilio","account":"AC1","provider_id":"SM1","direction":"sideways"}`, 400, "direction"},
		{"POST", "/api/v1/messages", `not json`, 400, ""},
		{"GET", "/api/v1/messages?stauts=sent", "", 400, "stauts"},
		{"GET", "/api/v1/messages?limit=0", "", 400, "limit"},
		{"GET", "/api/v1/messages?limit=abc", "", 400, "limit"},
		{"GET", "/api/v1/messages?created_after=yesterday", "", 400, "created_after"},
		{"GET", "/api/v1/messages?cursor=%21%21", "", 400, "cursor"},
		{"GET", "/api/v1/messages?encoding=ascii", "", 400, "encoding"},
		{"GET", "/api/v1/messages/999", "", 404, ""},
		{"GET", "/api/v1/messages/abc", "", 404, ""},
		{"GET", "/api/v1/nothing", "", 404, ""},
	}
	for _, tc := range cases {
		code, body := e.do(t, tc.method, tc.path, tc.body)
		msg, _ := body["error"].(string)
		if code != tc.status || msg == "" {
			t.Errorf("%s %s %s: %d %v, want %d with an error", tc.method, tc.path, tc.body, code, body, tc.status)
		}
		if tc.field != "" && body["field"] != tc.field {
			t.Errorf("%s %s %s: field %v, want %q", tc.method, tc.path, tc.body, body["field"], tc.field)
		}
	}
}

func TestRejectedLog(t *testing.T) {
	e := newEnv(t, testdb.DSN(t, "sqlite"))
	e.db.RecordRejected(context.Background(), smstrack.RejectedRequest{Method: "POST", Path: "/webhooks/twilio/status", Reason: "unknown status", Field: "MessageStatus"})
	code, body := e.do(t, "GET", "/api/v1/rejected", "")
	list, _ := body["rejected"].([]any)
	if code != 200 || len(list) != 1 || list[0].(map[string]any)["field"] != "MessageStatus" {
		t.Errorf("rejected: %d %v", code, body)
	}
}
