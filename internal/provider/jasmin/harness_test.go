package jasmin

import (
	"testing"

	"github.com/smstrack/smstrack/internal/provider/providertest"
)

const testToken = "jasmin-shared-secret-0123456789"

func newHarness(t *testing.T, cfg Config) *providertest.Harness {
	return providertest.New(t, receivedAt, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.Register(w.Mux)
	})
}
