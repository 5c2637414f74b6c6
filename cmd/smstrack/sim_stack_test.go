package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/sim"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The Twilio account of the simulated stacks.
const (
	stackSid   = "AC0123456789abcdef0123456789abcdef"
	stackToken = "bench-token"
)

// simStack is the server's real stack (router, send handler, group-commit
// ingest, a store) with the simulated carrier network as its Twilio.
type simStack struct {
	db      *store.DB
	network *sim.Network
	server  *httptest.Server
	key     string // an API key
}

// newSimStack starts a stack on dsn; configure adjusts the network's
// settings once the server's address is known.
func newSimStack(tb testing.TB, dsn string, configure func(cfg *sim.Config, serverURL string)) *simStack {
	tb.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := testdb.Open(tb, dsn)
	accounts := map[string]string{stackSid: stackToken}
	// The network is made once the server's address is known; the
	// server finds it through this handler meanwhile.
	var network *sim.Network
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { network.ServeHTTP(w, r) }))
	tb.Cleanup(upstream.Close)
	c, _, err := config.Parse("serve", []string{"--twilio-api-url", upstream.URL}, func(k string) string {
		if k == "SMSTRACK_SEND_RECORD" { // the benchmark measures both
			return os.Getenv(k)
		}
		return ""
	})
	if err != nil {
		tb.Fatal(err)
	}
	preparer := &ingest.Preparer{DefaultRegion: "US"}
	committer := ingest.NewCommitter(db, log, ingest.Options{Workers: 2, Prepare: preparer.Prepare})
	tb.Cleanup(committer.Close)
	mux, err := newMux(c, accounts, api.Options{DefaultRegion: "US"}, db, committer, webhook.NewRejector(db, log), log)
	if err != nil {
		tb.Fatal(err)
	}
	server := httptest.NewServer(mux)
	tb.Cleanup(server.Close)
	cfg := sim.Config{Accounts: accounts, Speed: 1000, Seed: 1}
	if configure != nil {
		configure(&cfg, server.URL)
	}
	network = sim.New(cfg)
	tb.Cleanup(network.Close) // before the server closes: cleanups run last first
	secret, prefix, hash := api.GenerateKey()
	if _, err := db.CreateAPIKey(ctx, "stack", prefix, hash); err != nil {
		tb.Fatal(err)
	}
	return &simStack{db: db, network: network, server: server, key: secret}
}

// send posts a message to the Twilio-compatible send API and returns
// the answer's status and sid.
func (s *simStack) send(client *http.Client, to, body string) (int, string, error) {
	form := url.Values{"To": {to}, "From": {"+14155550100"}, "Body": {body}}
	req, _ := http.NewRequest(http.MethodPost, s.server.URL+"/2010-04-01/Accounts/"+stackSid+"/Messages.json", strings.NewReader(form.Encode()))
	req.SetBasicAuth(stackSid, stackToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var out struct {
		Sid string `json:"sid"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.Sid, nil
}

// api calls the JSON API with the stack's key and decodes the answer.
func (s *simStack) api(t *testing.T, method, path, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.server.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 || json.Unmarshal(raw, out) != nil {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
}

// TestSimulatedRecipientsThroughTheServer: the network's recipients act
// on the real endpoints of the server: each tracked link's preview fetch
// is counted as a preview, each person's click as a click and a clicked
// action on the message, and each confirmed code as a confirmed action.
func TestSimulatedRecipientsThroughTheServer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		quick := sim.LogNormal{Median: 2 * time.Second, Sigma: 0.3}
		s := newSimStack(t, dsn, func(cfg *sim.Config, serverURL string) {
			cfg.Speed, cfg.DuplicateRate, cfg.OutOfOrderRate, cfg.Degradations = 50, -1, -1, []sim.Degradation{}
			// Sent after 200 ms or so, real time: the send is recorded (and
			// its link tied to it) well before the delivery and the preview.
			cfg.Profiles = []sim.Profile{{Country: "US", CallingCode: "1", Carrier: "Test", DeliveryRate: 1,
				Sent: sim.LogNormal{Median: 10 * time.Second, Sigma: 0.2}, Delivered: quick}}
			cfg.Recipients = sim.Recipients{LinkPrefix: serverURL + "/l/", FeedbackURL: serverURL,
				PreviewRate: 1, ClickRate: 1, ClickDelay: quick, ConfirmRate: 1, ConfirmDelay: quick}
		})
		const each = 4
		var codes []string
		sids := map[string]string{} // sid -> what its recipient does
		for i := range each {
			var link struct {
				Code     string `json:"code"`
				ShortURL string `json:"short_url"`
			}
			s.api(t, "POST", "/api/v1/links", fmt.Sprintf(`{"url": "https://shop.example.com/sale?c=%d"}`, i), &link)
			codes = append(codes, link.Code)
			for kind, body := range map[string]string{"clicked": "Spring sale, 30% off: " + link.ShortURL,
				"confirmed": fmt.Sprintf("Your verification code is %06d", 424200+i)} {
				status, sid, err := s.send(http.DefaultClient, fmt.Sprintf("+1415555%04d", 10*i+len(kind)), body)
				if err != nil || status != http.StatusCreated {
					t.Fatalf("send: %d %v", status, err)
				}
				sids[sid] = kind
			}
		}
		s.network.Wait()

		for _, code := range codes {
			var st struct {
				MessageID    int64 `json:"message_id"`
				Clicks       int   `json:"clicks"`
				UniqueClicks int   `json:"unique_clicks"`
				Previews     int   `json:"previews"`
			}
			s.api(t, "GET", "/api/v1/links/"+code, "", &st)
			if st.MessageID == 0 || st.Previews != 1 || st.Clicks < 1 || st.UniqueClicks != 1 {
				t.Errorf("link %s: %+v, want tied to its message, one preview, clicks by one person", code, st)
			}
		}
		for sid, want := range sids {
			var page struct {
				Messages []struct {
					ID int64 `json:"id"`
				} `json:"messages"`
			}
			s.api(t, "GET", "/api/v1/messages?provider_id="+sid, "", &page)
			if len(page.Messages) != 1 {
				t.Fatalf("message %s not found", sid)
			}
			var acts struct {
				Actions []struct {
					Type string `json:"type"`
				} `json:"actions"`
			}
			s.api(t, "GET", fmt.Sprintf("/api/v1/messages/%d/actions", page.Messages[0].ID), "", &acts)
			if len(acts.Actions) != 1 || acts.Actions[0].Type != want {
				t.Errorf("%s: actions %+v, want one %s", sid, acts.Actions, want)
			}
		}
	})
}
