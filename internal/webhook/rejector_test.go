package webhook

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// recorder is an in-memory RejectedRecorder. When block is set, every call
// waits on it (or its context), like a database that stopped answering.
type recorder struct {
	mu    sync.Mutex
	got   []smstrack.RejectedRequest
	err   error
	block chan struct{}
}

func (rc *recorder) RecordRejected(ctx context.Context, r smstrack.RejectedRequest) error {
	if rc.block != nil {
		select {
		case <-rc.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.err != nil {
		return rc.err
	}
	rc.got = append(rc.got, r)
	return nil
}

func (rc *recorder) records() []smstrack.RejectedRequest {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]smstrack.RejectedRequest(nil), rc.got...)
}

func newTestLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, nil))
}

func TestRejectorRecord(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 9, 26, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name      string
		body      string
		ctype     string
		err       error
		wantBody  string
		wantField string
	}{
		{
			name:      "unknown status",
			body:      strings.Replace(twilioForm, "undelivered", "exploded", 2),
			ctype:     "application/x-www-form-urlencoded",
			err:       smstrack.FieldError("MessageStatus", "unknown status %q", "exploded"),
			wantBody:  strings.Replace(twilioForm, "undelivered", "exploded", 2),
			wantField: "MessageStatus",
		},
		{
			name:     "oversized body is cut to the limit",
			body:     strings.Repeat("x", MaxBody+1),
			ctype:    "application/x-www-form-urlencoded",
			err:      smstrack.Errorf(smstrack.ETOOLARGE, "request body is larger than %d bytes", MaxBody),
			wantBody: strings.Repeat("x", RejectedBodyLimit),
		},
		{
			name:     "binary garbage becomes valid text",
			body:     "Body=\xff\xfe\x00ok",
			ctype:    "application/octet-stream",
			err:      smstrack.Errorf(smstrack.EINVALID, "unsupported content type"),
			wantBody: "Body=\uFFFD\uFFFDok",
		},
		{
			name:     "internal reasons do not leak",
			body:     "{}",
			ctype:    "application/json",
			err:      errors.New("sql: connection refused"),
			wantBody: "{}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			rj := NewRejector(rec, nil)
			rj.now = func() time.Time { return at }
			r := httptest.NewRequest(http.MethodPost, "/webhooks/twilio/status?x=1", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ctype)
			r.RemoteAddr = "54.172.60.1:41234"

			rj.Record(r, []byte(tt.body), tt.err)
			rj.Wait()

			got := rec.records()
			if len(got) != 1 {
				t.Fatalf("recorded %d requests, want 1", len(got))
			}
			rr := got[0]
			want := smstrack.RejectedRequest{
				ReceivedAt:  at.UTC(),
				Method:      http.MethodPost,
				Path:        "/webhooks/twilio/status",
				ContentType: tt.ctype,
				Reason:      smstrack.ErrorMessage(tt.err),
				Field:       tt.wantField,
				Body:        tt.wantBody,
				RemoteAddr:  "54.172.60.1:41234",
			}
			if rr != want {
				t.Errorf("recorded\n%+v\nwant\n%+v", rr, want)
			}
			if !utf8.ValidString(rr.Body) || strings.ContainsRune(rr.Body, 0) {
				t.Errorf("recorded body %q is not clean text", rr.Body)
			}
		})
	}
}

func TestRejectorNil(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/twilio/status", nil)
	var rj *Rejector
	rj.Record(r, []byte(twilioForm), smstrack.FieldError("MessageSid", "missing"))
	rj.Wait()
	NewRejector(nil, nil).Record(r, []byte(twilioForm), smstrack.FieldError("MessageSid", "missing"))
}

func TestRejectorLogsFailures(t *testing.T) {
	var logs bytes.Buffer
	rec := &recorder{err: errors.New("disk full")}
	rj := NewRejector(rec, newTestLogger(&logs))
	r := httptest.NewRequest(http.MethodPost, "/webhooks/twilio/inbound", nil)
	rj.Record(r, []byte("x"), smstrack.FieldError("MessageSid", "missing message id"))
	rj.Wait()
	if got := logs.String(); !strings.Contains(got, "disk full") || !strings.Contains(got, "/webhooks/twilio/inbound") {
		t.Errorf("log = %q, want the failure and the path", got)
	}
}

// A recorder that hangs must not hold up answers, nor pile up goroutines.
func TestRejectorNeverBlocks(t *testing.T) {
	var logs bytes.Buffer
	rec := &recorder{block: make(chan struct{})}
	rj := NewRejector(rec, newTestLogger(&logs))
	r := httptest.NewRequest(http.MethodPost, "/webhooks/twilio/status", nil)

	done := make(chan struct{})
	go func() {
		for range maxPendingRejection * 3 {
			rj.Record(r, []byte(twilioForm), smstrack.FieldError("MessageSid", "missing"))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Record blocked on a stuck recorder")
	}
	if got := strings.Count(logs.String(), "recorder busy"); got != maxPendingRejection*2 {
		t.Errorf("dropped %d records, want %d", got, maxPendingRejection*2)
	}
	close(rec.block)
	rj.Wait()
	if got := len(rec.records()); got != maxPendingRejection {
		t.Errorf("recorded %d, want %d", got, maxPendingRejection)
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"plain", 10, "plain"},
		{"héllo", 2, "h"}, // é is two bytes: never cut a rune in half
		{"héllo", 3, "hé"},
		{"a\x00b", 10, "a\uFFFDb"},
		{"\xc3", 10, "\uFFFD"},
		{"", 10, ""},
	}
	for _, tt := range tests {
		if got := clean(tt.in, tt.limit); got != tt.want {
			t.Errorf("clean(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

func TestRejectorObserve(t *testing.T) {
	rec := &recorder{}
	rj := NewRejector(rec, newTestLogger(&bytes.Buffer{}))
	var got []error
	rj.Observe(func(r *http.Request, err error) { got = append(got, err) })
	want := smstrack.FieldError("MessageSid", "missing message id")
	rj.Record(httptest.NewRequest("POST", "/webhooks/twilio/status", nil), nil, want)
	rj.Wait()
	if len(got) != 1 || got[0] != want {
		t.Errorf("observed %v, want the one refusal", got)
	}
	if len(rec.records()) != 1 {
		t.Errorf("%d records, want 1: observing does not replace recording", len(rec.records()))
	}
}
