package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	twiliogo "github.com/twilio/twilio-go"
	twilioclient "github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/sim"
)

// The account of the relay test: twilio-go refuses tokens that are not
// alphanumeric, as real ones are.
const (
	relaySid   = "AC0e2e000000000000000000000000re1a"
	relayToken = "0e2e0000000000000000000000000001"
)

// relayApp is an app's own status callback endpoint: it validates every
// request with twilio-go's RequestValidator and counts what it accepted
// by message and status. After the first few it turns slow, as an app
// under load does, until told otherwise.
type relayApp struct {
	srv      *httptest.Server
	mu       sync.Mutex
	fast     int // requests answered at once before it turns slow; -1: fast for good
	slowed   chan struct{}
	accepted map[string]int
	early    int // accepted while fast before the restart
	invalid  int
}

func newRelayApp(t *testing.T, fast int) *relayApp {
	a := &relayApp{fast: fast, accepted: map[string]int{}, slowed: make(chan struct{})}
	validator := twilioclient.NewRequestValidator(relayToken)
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		params := map[string]string{}
		for k := range r.PostForm {
			params[k] = r.PostForm.Get(k)
		}
		valid := validator.Validate("http://"+r.Host+r.URL.RequestURI(), params, r.Header.Get(twilio.SignatureHeader))
		a.mu.Lock()
		switch {
		case a.fast > 0:
			a.fast--
			a.early++
		case a.fast == 0:
			select {
			case <-a.slowed:
			default:
				close(a.slowed)
			}
			a.mu.Unlock()
			time.Sleep(300 * time.Millisecond)
			a.mu.Lock()
		}
		defer a.mu.Unlock()
		if !valid {
			a.invalid++
			w.WriteHeader(http.StatusForbidden)
			return
		}
		a.accepted[r.PostForm.Get("MessageSid")+" "+r.PostForm.Get("MessageStatus")]++
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// callbackTap records the status callbacks the simulator got a 2xx for.
type callbackTap struct {
	mu   sync.Mutex
	acks map[string]bool
}

func (c *callbackTap) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && resp.StatusCode/100 == 2 {
		f, _ := url.ParseQuery(string(body))
		c.mu.Lock()
		c.acks[f.Get("MessageSid")+" "+f.Get("MessageStatus")] = true
		c.mu.Unlock()
	}
	return resp, err
}

// TestRelayedStatusesAcrossARestart: an app sends through smstrack with
// twilio-go, its StatusCallback its own; the simulated network posts its
// callbacks to smstrack, which relays each one, signed as Twilio signs, to
// the app. smstrack is stopped while relays are in flight and started
// again: in the end the app has every status exactly once.
func TestRelayedStatusesAcrossARestart(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		app := newRelayApp(t, 4)
		tap := &callbackTap{acks: map[string]bool{}}
		network := sim.New(sim.Config{Accounts: map[string]string{relaySid: relayToken}, Seed: 6, Speed: 2000,
			Degradations: []sim.Degradation{}, HTTP: &http.Client{Transport: tap, Timeout: 10 * time.Second}})
		upstream := httptest.NewServer(network)
		t.Cleanup(func() { upstream.Close(); network.Close() })
		env := []string{"SMSTRACK_TWILIO_ACCOUNTS=" + relaySid + ":" + relayToken, "SMSTRACK_WEBHOOKS_ALLOW_PRIVATE=true", "SMSTRACK_TWILIO_API_URL=" + upstream.URL}

		s := startServerEnv(t, db, env...)
		base, _ := url.Parse(s.base)
		c := &twilioclient.Client{Credentials: twilioclient.NewCredentials(relaySid, relayToken),
			HTTPClient: &http.Client{Transport: redirectTo{base}, Timeout: 10 * time.Second}}
		c.SetAccountSid(relaySid)
		api := twiliogo.NewRestClientWithParams(twiliogo.ClientParams{Client: c}).Api
		const sends = 12
		for i := range sends {
			params := (&openapi.CreateMessageParams{}).SetTo(fmt.Sprintf("+1415555%04d", 100+i)).SetFrom("+14155550100").
				SetBody("Your code is 246810").SetStatusCallback(fmt.Sprintf("%s/twilio/status?order=%d", app.srv.URL, i))
			if _, err := api.CreateMessage(params); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		network.Wait() // every callback has been answered by smstrack
		// Stopped while the app is slow: what is in flight finishes and is
		// recorded, the rest waits in the outbox.
		select {
		case <-app.slowed:
		case <-time.After(20 * time.Second):
			t.Fatal("no relay reached the app")
		}
		if code := s.terminate(t, 30*time.Second); code != 0 {
			t.Fatalf("smstrack exited with %d", code)
		}
		app.mu.Lock()
		app.fast = -1
		before := len(app.accepted)
		app.mu.Unlock()
		startServerEnv(t, db, env...)

		tap.mu.Lock()
		want := len(tap.acks)
		tap.mu.Unlock()
		waitFor(t, 30*time.Second, func() bool {
			app.mu.Lock()
			defer app.mu.Unlock()
			return len(app.accepted) >= want
		})
		time.Sleep(300 * time.Millisecond) // room for a repeat to show up
		app.mu.Lock()
		defer app.mu.Unlock()
		tap.mu.Lock()
		defer tap.mu.Unlock()
		if want < sends*2 {
			t.Fatalf("the network posted %d distinct callbacks for %d sends, want at least 2 each", want, sends)
		}
		for key := range tap.acks {
			if n := app.accepted[key]; n != 1 {
				t.Errorf("%s: the app accepted it %d times, want once", key, n)
			}
		}
		if len(app.accepted) != want || app.invalid != 0 {
			t.Errorf("the app accepted %d distinct statuses (want %d), %d with an invalid signature", len(app.accepted), want, app.invalid)
		}
		if before <= app.early || before >= want {
			t.Errorf("%d of %d accepted before the restart (%d of them at once): want some in flight at the stop, some after", before, want, app.early)
		}
	})
}

// redirectTo sends every request of Twilio's library to smstrack.
type redirectTo struct{ to *url.URL }

func (r redirectTo) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, ""
	return http.DefaultTransport.RoundTrip(req)
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not done within %v", timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
