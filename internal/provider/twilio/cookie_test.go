package twilio

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
)

// conversationIngester answers every event as part of conversation 7.
type conversationIngester struct{}

func (conversationIngester) Ingest(context.Context, *smstrack.EventInput) (smstrack.EventResult, error) {
	return smstrack.EventResult{MessageID: 1, ConversationID: 7}, nil
}

func TestInboundSetsConversationCookie(t *testing.T) {
	var logs bytes.Buffer
	h := NewHandler(Config{SkipVerification: true}, conversationIngester{}, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	mux := http.NewServeMux()
	h.Register(mux)
	post := func(cookie string) *http.Response {
		body := "MessageSid=SM1&AccountSid=AC1&From=%2B447400123456&To=%2B14155550100&Body=hi"
		r := httptest.NewRequest("POST", InboundPath, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: ConversationCookie, Value: cookie})
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w.Result()
	}
	resp := post("")
	var got *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == ConversationCookie {
			got = c
		}
	}
	if resp.StatusCode != 200 || got == nil || got.Value != "7" || got.MaxAge != 14400 || !got.HttpOnly {
		t.Fatalf("status %d, cookie %+v; want 200 and %s=7 for 4 hours", resp.StatusCode, got, ConversationCookie)
	}
	if post("7"); strings.Contains(logs.String(), "disagrees") {
		t.Errorf("a matching cookie was logged as disagreeing")
	}
	if post("3"); !strings.Contains(logs.String(), "disagrees") {
		t.Errorf("a cookie naming another conversation was not logged")
	}
}
