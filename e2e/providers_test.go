package e2e

import (
	"net/http"
	"testing"
)

// checkForbidden sends each of a provider's requests that must be refused
// as unauthenticated: each answers 403 with a JSON error, and the message
// the provider calls id is never stored.
func (s *server) checkForbidden(t *testing.T, provider, id string, reqs map[string]*http.Request) {
	t.Helper()
	for name, req := range reqs {
		res, err := s.do(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.status != http.StatusForbidden {
			t.Errorf("%s: status %d (%s), want 403", name, res.status, res.body)
		}
		checkErrorJSON(t, res, "")
	}
	if _, ok := findMessage(t, s, provider, id); ok {
		t.Errorf("a refused %s request was stored", provider)
	}
}
