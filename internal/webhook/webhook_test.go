package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
)

// twilioForm is a realistic status callback body, the kind of thing every
// test here reads.
const twilioForm = "ErrorCode=30034&SmsSid=SM0123456789abcdef0123456789abcdef&SmsStatus=undelivered" +
	"&MessageStatus=undelivered&To=%2B14155550100&MessageSid=SM0123456789abcdef0123456789abcdef" +
	"&AccountSid=AC0123456789abcdef0123456789abcdef&From=%2B14155550199&ApiVersion=2010-04-01"

// failingReader fails every read, like a client that hangs up mid-body.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

func TestReadBody(t *testing.T) {
	tests := []struct {
		name     string
		body     io.Reader
		length   int64 // declared Content-Length; -1 for unknown
		limit    int64
		wantLen  int
		wantCode string
	}{
		{name: "form callback", body: strings.NewReader(twilioForm), length: int64(len(twilioForm)), limit: MaxBody, wantLen: len(twilioForm)},
		{name: "no body", body: nil, length: 0, limit: MaxBody, wantLen: 0},
		{name: "exactly the limit", body: strings.NewReader(strings.Repeat("a", 100)), length: -1, limit: 100, wantLen: 100},
		{name: "one byte over, undeclared", body: strings.NewReader(strings.Repeat("a", 101)), length: -1, limit: 100, wantLen: 100, wantCode: smstrack.ETOOLARGE},
		{name: "declared too large", body: strings.NewReader("short"), length: MaxBody + 1, limit: MaxBody, wantCode: smstrack.ETOOLARGE},
		{name: "zero limit means MaxBody", body: strings.NewReader(strings.Repeat("a", MaxBody)), length: -1, limit: 0, wantLen: MaxBody},
		{name: "zero limit refuses over MaxBody", body: strings.NewReader(strings.Repeat("a", MaxBody+1)), length: -1, limit: 0, wantLen: MaxBody, wantCode: smstrack.ETOOLARGE},
		{name: "client hangs up", body: failingReader{}, length: -1, limit: MaxBody, wantCode: smstrack.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/webhooks/twilio/status", tt.body)
			r.ContentLength = tt.length
			got, err := ReadBody(r, tt.limit)
			if code := smstrack.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("ReadBody error code = %q (%v), want %q", code, err, tt.wantCode)
			}
			if len(got) != tt.wantLen {
				t.Errorf("ReadBody read %d bytes, want %d", len(got), tt.wantLen)
			}
		})
	}
}

func TestStatusFor(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, http.StatusOK},
		{smstrack.FieldError("MessageStatus", "unknown status %q", "lost"), http.StatusBadRequest},
		{smstrack.Errorf(smstrack.ETOOLARGE, "too big"), http.StatusBadRequest},
		{smstrack.Errorf(smstrack.EUNAUTHORIZED, "no key"), http.StatusUnauthorized},
		{smstrack.Errorf(smstrack.EFORBIDDEN, "bad signature"), http.StatusForbidden},
		{smstrack.Errorf(smstrack.ENOTFOUND, "no message"), http.StatusNotFound},
		{smstrack.Errorf(smstrack.ECONFLICT, "exists"), http.StatusConflict},
		{smstrack.Errorf(smstrack.EINTERNAL, "broken"), http.StatusInternalServerError},
		{errors.New("database is locked"), http.StatusInternalServerError},
		{fmt.Errorf("ingest: %w", smstrack.Errorf(smstrack.EINVALID, "bad")), http.StatusBadRequest},
		{fmt.Errorf("ingest: %w", context.Canceled), http.StatusServiceUnavailable},
		{context.DeadlineExceeded, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.err), func(t *testing.T) {
			if got := StatusFor(tt.err); got != tt.want {
				t.Errorf("StatusFor(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		err    error
		want   string
	}{
		{
			name:   "field error",
			status: http.StatusBadRequest,
			err:    smstrack.FieldError("MessageSid", "missing message id"),
			want:   `{"error":"missing message id","field":"MessageSid"}`,
		},
		{
			name:   "no field",
			status: http.StatusForbidden,
			err:    smstrack.Errorf(smstrack.EFORBIDDEN, "invalid signature"),
			want:   `{"error":"invalid signature"}`,
		},
		{
			name:   "internal errors do not leak",
			status: http.StatusInternalServerError,
			err:    errors.New("pq: password authentication failed for user smstrack"),
			want:   `{"error":"internal error"}`,
		},
		{
			name:   "nil error falls back to the status text",
			status: http.StatusServiceUnavailable,
			err:    nil,
			want:   `{"error":"Service Unavailable"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			WriteError(w, tt.status, tt.err)
			if w.Code != tt.status {
				t.Errorf("status = %d, want %d", w.Code, tt.status)
			}
			if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			if got := strings.TrimSpace(w.Body.String()); got != tt.want {
				t.Errorf("body = %s, want %s", got, tt.want)
			}
			var decoded map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &decoded); err != nil {
				t.Errorf("body is not JSON: %v", err)
			}
		})
	}
}
