package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// runCLI runs one smstrack command on db with the extra environment and
// returns what it printed.
func runCLI(t *testing.T, db database, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append(args, db.flags...)...)
	cmd.Env = childEnv(env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// twilioResource is one Message resource as Twilio's API writes it.
func twilioResource(sid, status, direction, body string, at time.Time) map[string]any {
	date := at.UTC().Format(time.RFC1123Z)
	return map[string]any{
		"account_sid": accountSid, "api_version": "2010-04-01", "body": body, "date_created": date, "date_sent": date,
		"date_updated": date, "direction": direction, "error_code": nil, "error_message": nil, "from": "+15005550006",
		"messaging_service_sid": nil, "num_media": "0", "num_segments": "1", "price": "-0.00790", "price_unit": "USD",
		"sid": sid, "status": status, "to": "+14155552671",
		"uri":              "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + ".json",
		"subresource_uris": map[string]string{"media": "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + "/Media.json"},
	}
}

// fakeTwilio answers Twilio's message list (two messages a page) and
// message fetches from resources, for the account the servers accept.
func fakeTwilio(t *testing.T, resources []map[string]any) *httptest.Server {
	t.Helper()
	prefix := "/2010-04-01/Accounts/" + accountSid + "/Messages"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if user, pass, _ := r.BasicAuth(); user != accountSid || pass != authToken {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`)
			return
		}
		if r.URL.Path == prefix+".json" {
			page := 0
			fmt.Sscan(r.URL.Query().Get("Page"), &page)
			end := min(2*page+2, len(resources))
			var next any
			if end < len(resources) {
				next = fmt.Sprintf("%s.json?PageSize=2&Page=%d&PageToken=PA%d", prefix, page+1, page+1)
			}
			json.NewEncoder(w).Encode(map[string]any{"messages": resources[min(2*page, end):end], "next_page_uri": next,
				"page": page, "page_size": 2, "first_page_uri": prefix + ".json?PageSize=2&Page=0", "previous_page_uri": nil})
			return
		}
		for _, res := range resources {
			if r.URL.Path == prefix+"/"+res["sid"].(string)+".json" {
				json.NewEncoder(w).Encode(res)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestEndToEndTwilioSync: `smstrack sync twilio` beside a running server
// finds a message whose callbacks were all lost and one whose final
// callback was, and completes one known only from callbacks.
func TestEndToEndTwilioSync(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		now := time.Now().Add(-time.Hour).Truncate(time.Second)
		const (
			stale    = "SMe2e0sync0stale00000000000000001"
			enriched = "SMe2e0sync0known00000000000000001"
			missing  = "SMe2e0sync0missing000000000000001"
		)
		api := fakeTwilio(t, []map[string]any{
			twilioResource(stale, "delivered", "outbound-api", "Your table is ready", now),
			twilioResource(enriched, "delivered", "outbound-api", "Your code is 123456", now.Add(-time.Minute)),
			twilioResource(missing, "received", "inbound", "STOP", now.Add(-2*time.Minute)),
		})
		s := startServer(t, db)
		s.mustSend(t, callback{Sid: stale, Status: "sent"})
		s.mustSend(t, callback{Sid: enriched, Status: "delivered"})

		env := []string{twilioAccountsEnv}
		out, errOut, err := runCLI(t, db, env, "sync", "twilio", "--api-url", api.URL, "--since", "2d", "--json")
		if err != nil {
			t.Fatalf("smstrack sync: %v\n%s\n%s", err, out, errOut)
		}
		var report struct {
			Accounts []struct {
				Listed, Enriched int
				Missing          []struct{ Sid string }
				Stale            []struct {
					Sid          string
					StoredStatus string `json:"stored_status"`
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &report); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		r := report.Accounts[0]
		if r.Listed != 3 || r.Enriched != 2 || len(r.Missing) != 1 || r.Missing[0].Sid != missing ||
			len(r.Stale) != 1 || r.Stale[0].Sid != stale || r.Stale[0].StoredStatus != "sent" {
			t.Errorf("report %+v", r)
		}

		m := s.mustFind(t, stale)
		checkMessage(t, m, "delivered", "")
		sources := map[string]bool{}
		for _, e := range m.Events {
			sources[e.Source] = true
		}
		if m.Body == nil || *m.Body != "Your table is ready" || !sources["sync"] || !sources["webhook"] {
			t.Errorf("stale message: body %v, events %+v", m.Body, m.Events)
		}
		if m := s.mustFind(t, enriched); m.Body == nil || *m.Body != "Your code is 123456" {
			t.Errorf("known message not completed: body %v", m.Body)
		}
		if m := s.mustFind(t, missing); m.Status != "received" || m.Direction != "inbound" || m.Body == nil || *m.Body != "STOP" {
			t.Errorf("missing message stored as %+v", m)
		}

		out, _, err = runCLI(t, db, env, "sync", "twilio", "--api-url", api.URL, "--since", "2d")
		if err != nil || !strings.Contains(out, "unchanged: 3") {
			t.Errorf("second sync: %v\n%s", err, out)
		}
		if _, errOut, err := runCLI(t, db, []string{"SMSTRACK_TWILIO_ACCOUNTS=" + accountSid + ":wrong"}, "sync", "twilio", "--api-url", api.URL); err == nil || !strings.Contains(errOut, "20003") {
			t.Errorf("wrong token: %v %s", err, errOut)
		}
	})
}

// TestEndToEndTwilioEnrichment: with SMSTRACK_TWILIO_ENRICH on, a message
// known only from a status callback gets its body from Twilio's API.
func TestEndToEndTwilioEnrichment(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		const sid = "SMe2e0enrich000000000000000000001"
		api := fakeTwilio(t, []map[string]any{twilioResource(sid, "delivered", "outbound-api", "Hello from the API", time.Now().Add(-time.Minute))})
		s := startServerEnv(t, db, twilioAccountsEnv, "SMSTRACK_TWILIO_ENRICH=true", "SMSTRACK_TWILIO_ENRICH_INTERVAL=100ms",
			"SMSTRACK_TWILIO_ENRICH_RATE=50", "SMSTRACK_TWILIO_API_URL="+api.URL)
		s.mustSend(t, callback{Sid: sid, Status: "delivered"})
		deadline := time.Now().Add(8 * time.Second)
		for {
			m := s.mustFind(t, sid)
			if m.Body != nil {
				if *m.Body != "Hello from the API" || m.Status != "delivered" {
					t.Errorf("enriched message: body %q status %s", *m.Body, m.Status)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("body still unknown after 8s; events %+v", m.Events)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}
