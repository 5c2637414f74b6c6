package jasmin

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/webhook"
	"github.com/smstrack/smstrack/internal/webhook/webhooktest"
)

const testToken = "jasmin-shared-secret-0123456789"

type harness struct {
	mux *http.ServeMux
	ing *webhooktest.Ingester
	rec *webhooktest.Rejections
	rej *webhook.Rejector
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{mux: http.NewServeMux(), ing: &webhooktest.Ingester{}, rec: &webhooktest.Rejections{}}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	h.rej = webhook.NewRejector(h.rec, log)
	hd := NewHandler(cfg, h.ing, h.rej, log)
	hd.cb.Now = func() time.Time { return receivedAt }
	hd.Register(h.mux)
	return h
}

func (h *harness) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.mux.ServeHTTP(w, r)
	h.rej.Wait()
	return w
}
