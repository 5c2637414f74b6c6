package jasmin

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

const testToken = "jasmin-shared-secret-0123456789"

type ingester struct {
	mu  sync.Mutex
	got []*smstrack.EventInput
	err error
}

func (in *ingester) Ingest(_ context.Context, ev *smstrack.EventInput) (smstrack.EventResult, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.err != nil {
		return smstrack.EventResult{}, in.err
	}
	in.got = append(in.got, ev)
	return smstrack.EventResult{MessageID: int64(len(in.got)), EventID: int64(len(in.got)), Applied: true, Status: ev.Status}, nil
}

func (in *ingester) events() []*smstrack.EventInput {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]*smstrack.EventInput(nil), in.got...)
}

type rejected struct {
	mu  sync.Mutex
	got []smstrack.RejectedRequest
}

func (r *rejected) RecordRejected(_ context.Context, rr smstrack.RejectedRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, rr)
	return nil
}

func (r *rejected) all() []smstrack.RejectedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]smstrack.RejectedRequest(nil), r.got...)
}

type harness struct {
	mux *http.ServeMux
	ing *ingester
	rec *rejected
	rej *webhook.Rejector
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{mux: http.NewServeMux(), ing: &ingester{}, rec: &rejected{}}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	h.rej = webhook.NewRejector(h.rec, log)
	hd := NewHandler(cfg, h.ing, h.rej, log)
	hd.now = func() time.Time { return receivedAt }
	hd.Register(h.mux)
	return h
}

func (h *harness) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.mux.ServeHTTP(w, r)
	h.rej.Wait()
	return w
}
