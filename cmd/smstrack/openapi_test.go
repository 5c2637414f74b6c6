package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/webhook"
)

// TestOpenAPIMatchesRoutes keeps docs/openapi.json true: every documented
// operation is served by the real mux, and every served route is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("../../docs/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docs/openapi.json: %v", err)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	served := append(slices.Clone(api.Routes), "POST "+twilio.StatusPath, "POST "+twilio.InboundPath)
	served = append(served, providerRoutes...)
	served = append(served, twilio.FeedbackRoutes...)
	served = append(served, twilio.SendRoutes...)
	served = append(served, twilio.EventRoutes...)
	sort.Strings(documented)
	sort.Strings(served)
	if !slices.Equal(documented, served) {
		t.Errorf("docs/openapi.json documents\n  %v\nbut the server serves\n  %v", documented, served)
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, _, _ := config.Parse("serve", nil, func(string) string { return "" })
	committer := ingest.NewCommitter(db, log, ingest.Options{})
	defer committer.Close()
	mux, err := newMux(c, nil, api.Options{}, db, committer, webhook.NewRejector(db, log), log)
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range documented {
		method, path, _ := strings.Cut(route, " ")
		req := httptest.NewRequest(method, strings.NewReplacer("{id}", "1", "{position}", "0").Replace(path), nil)
		if _, pattern := mux.Handler(req); pattern != route {
			t.Errorf("%s: served by pattern %q, want %q", route, pattern, route)
		}
	}
}
