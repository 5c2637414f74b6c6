package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/twilio"
)

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "0123456789abcdef0123456789abcdef"
)

// receiver records the status callbacks posted to it, checking each
// signature.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got map[string][]url.Values // by MessageSid, in arrival order
	bad int
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{got: map[string][]url.Values{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		u := "http://" + r.Host + r.URL.RequestURI()
		ok := twilio.VerifyForm(testToken, u, r.PostForm, r.Header.Get(twilio.SignatureHeader))
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if !ok {
			rc.bad++
		}
		sid := r.PostForm.Get("MessageSid")
		rc.got[sid] = append(rc.got[sid], r.PostForm)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func newNetwork(t *testing.T, cfg Config) (*Network, *httptest.Server) {
	t.Helper()
	if cfg.Accounts == nil {
		cfg.Accounts = map[string]string{testAccount: testToken}
	}
	if cfg.Speed == 0 {
		cfg.Speed = 20000
	}
	n := New(cfg)
	api := httptest.NewServer(n)
	t.Cleanup(func() { api.Close(); n.Close() })
	return n, api
}

func send(t *testing.T, api *httptest.Server, user, pass string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, api.URL+"/2010-04-01/Accounts/"+testAccount+"/Messages.json",
		strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("answer %s: %v", body, err)
	}
	return resp.StatusCode, got
}

func TestBatch(t *testing.T) {
	rc := newReceiver(t)
	profiles := []Profile{{Country: "US", CallingCode: "1", Carrier: "Test", DeliveryRate: 0.8,
		Sent:      LogNormal{Median: 2 * time.Second, Sigma: 1},
		Delivered: LogNormal{Median: 3 * time.Second, Sigma: 1.2}, PricePerSegment: 0.0079}}
	n, api := newNetwork(t, Config{Seed: 7, Profiles: profiles, Degradations: []Degradation{}})
	const total = 200
	sids := map[string]bool{}
	for i := range total {
		body := "Your code is 123456"
		if i%10 == 0 {
			body = strings.Repeat("long message ", 20) // 260 GSM-7 characters: 2 segments
		}
		status, res := send(t, api, testAccount, testToken, url.Values{
			"To": {fmt.Sprintf("+1415555%04d", i)}, "From": {"+14155550100"}, "Body": {body},
			"StatusCallback": {rc.srv.URL + "/status?x=1"},
		})
		if status != http.StatusCreated || res["status"] != "queued" {
			t.Fatalf("send %d: got %d %v, want 201 queued", i, status, res)
		}
		sid, _ := res["sid"].(string)
		if len(sid) != 34 || !strings.HasPrefix(sid, "SM") {
			t.Fatalf("sid %q", sid)
		}
		if want := map[bool]string{true: "2", false: "1"}[i%10 == 0]; res["num_segments"] != want {
			t.Errorf("num_segments = %v, want %s", res["num_segments"], want)
		}
		sids[sid] = true
	}
	n.Wait()

	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bad != 0 {
		t.Errorf("%d callbacks with a bad signature", rc.bad)
	}
	finals := map[string]int{}
	dups, reordered := 0, 0
	for sid := range sids {
		cbs := rc.got[sid]
		seen := map[string]bool{}
		final, sentAt, finalAt := "", -1, -1
		for i, f := range cbs {
			st := f.Get("MessageStatus")
			if seen[st] {
				dups++
			}
			seen[st] = true
			switch st {
			case "sent":
				sentAt = i
			case "delivered", "undelivered", "failed":
				final, finalAt = st, i
				if st != "delivered" && f.Get("ErrorCode") == "" {
					t.Errorf("%s %s without ErrorCode", sid, st)
				}
			}
		}
		if final == "" {
			t.Errorf("%s: no final status in %v", sid, cbs)
		}
		if sentAt > finalAt {
			reordered++
		}
		finals[final]++
	}
	if got := finals["delivered"]; got < 145 || got > 175 {
		t.Errorf("delivered %d of %d, want about 160 (rate 0.8)", got, total)
	}
	if dups == 0 || reordered == 0 {
		t.Errorf("duplicates %d, out of order %d: want some of each", dups, reordered)
	}
	t.Logf("finals %v, duplicates %d, out of order %d", finals, dups, reordered)
}
