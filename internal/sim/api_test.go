package sim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestCreateErrors(t *testing.T) {
	_, api := newNetwork(t, Config{Seed: 1})
	ok := url.Values{"To": {"+14155550199"}, "From": {"+14155550100"}, "Body": {"hi"}}
	cases := []struct {
		name       string
		user, pass string
		form       url.Values
		status     int
		code       float64
	}{
		{"bad token", testAccount, "wrong", ok, 401, 20003},
		{"unknown account", "AC00000000000000000000000000000000", testToken, ok, 401, 20003},
		{"malformed To", testAccount, testToken, url.Values{"To": {"4155550199x"}, "From": {"+14155550100"}, "Body": {"hi"}}, 400, 21211},
		{"no body", testAccount, testToken, url.Values{"To": {"+14155550199"}, "From": {"+14155550100"}}, 400, 21602},
		{"no from", testAccount, testToken, url.Values{"To": {"+14155550199"}, "Body": {"hi"}}, 400, 21603},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, got := send(t, api, c.user, c.pass, c.form)
			if status != c.status || got["code"] != c.code || got["status"] != float64(c.status) {
				t.Errorf("got %d %v, want %d code %v", status, got, c.status, c.code)
			}
		})
	}
}

func TestFetch(t *testing.T) {
	n, api := newNetwork(t, Config{Seed: 3, Profiles: []Profile{{Country: "US", CallingCode: "1", Carrier: "Test",
		DeliveryRate: 1, Sent: LogNormal{Median: time.Second}, Delivered: LogNormal{Median: time.Second}, PricePerSegment: 0.0079}}})
	_, res := send(t, api, testAccount, testToken, url.Values{"To": {"+14155550199"}, "From": {"+14155550100"}, "Body": {"hi"}})
	if res["price"] != nil {
		t.Errorf("price at creation = %v, want null", res["price"])
	}
	n.Wait()
	fetch := func(user, sid string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, api.URL+"/2010-04-01/Accounts/"+testAccount+"/Messages/"+sid+".json", nil)
		req.SetBasicAuth(user, testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&got)
		return resp.StatusCode, got
	}
	status, got := fetch(testAccount, res["sid"].(string))
	if status != 200 || got["status"] != "delivered" || got["price"] != "-0.00790" || got["date_sent"] == nil {
		t.Errorf("fetch: got %d %v, want 200 delivered at -0.00790", status, got)
	}
	if status, _ := fetch(testAccount, "SM00000000000000000000000000000000"); status != 404 {
		t.Errorf("unknown sid: got %d, want 404", status)
	}
	if status, _ := fetch("ACffffffffffffffffffffffffffffffff", res["sid"].(string)); status != 401 {
		t.Errorf("other account: got %d, want 401", status)
	}
}

func TestCloseStopsCallbacks(t *testing.T) {
	rc := newReceiver(t)
	n, api := newNetwork(t, Config{Seed: 1, Speed: 1}) // real time: nothing is due for a while
	send(t, api, testAccount, testToken, url.Values{"To": {"+14155550199"}, "From": {"+14155550100"},
		"Body": {"hi"}, "StatusCallback": {rc.srv.URL}})
	done := make(chan struct{})
	go func() { n.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return")
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for sid, cbs := range rc.got {
		for _, f := range cbs {
			if f.Get("MessageStatus") != "queued" {
				t.Errorf("%s: %s posted before Close", sid, f.Get("MessageStatus"))
			}
		}
	}
}

func TestPlanDeterministic(t *testing.T) {
	n := New(Config{Seed: 42})
	defer n.Close()
	m := &message{profile: DefaultProfiles()[0]}
	a := n.plan(m, rand.New(rand.NewPCG(42, 9)), n.start)
	b := n.plan(m, rand.New(rand.NewPCG(42, 9)), n.start)
	if len(a.steps) != len(b.steps) {
		t.Fatalf("plans differ: %v, %v", a, b)
	}
	for i := range a.steps {
		if a.steps[i] != b.steps[i] {
			t.Fatalf("step %d: %v != %v", i, a.steps[i], b.steps[i])
		}
	}
}

func TestDegradation(t *testing.T) {
	d := DefaultDegradations()[0]
	cases := []struct {
		elapsed time.Duration
		want    bool
	}{{0, false}, {2 * time.Hour, true}, {2*time.Hour + 19*time.Minute, true}, {2*time.Hour + 20*time.Minute, false}, {8*time.Hour + 5*time.Minute, true}}
	for _, c := range cases {
		if got := d.active(c.elapsed); got != c.want {
			t.Errorf("active(%v) = %v, want %v", c.elapsed, got, c.want)
		}
	}
	// During an episode the carrier delivers at the degraded rate.
	n := New(Config{Seed: 5})
	defer n.Close()
	var tmo Profile
	for _, p := range n.cfg.Profiles {
		if p.Carrier == d.Carrier {
			tmo = p
		}
	}
	delivered := 0
	for i := range 1000 {
		pl := n.plan(&message{profile: tmo}, rand.New(rand.NewPCG(5, uint64(i))), n.start.Add(2*time.Hour+time.Minute))
		if pl.changes[len(pl.changes)-1].status == "delivered" {
			delivered++
		}
	}
	if delivered < 760 || delivered > 840 {
		t.Errorf("delivered %d of 1000 while degraded, want about 800", delivered)
	}
}

func TestRoute(t *testing.T) {
	ps := DefaultProfiles()
	for to, want := range map[string]string{"+14155550100": "US", "+447700900123": "GB", "+919812345678": "IN", "+8613812345678": "ZZ"} {
		p, ok := route(ps, to)
		if !ok || p.Country != want {
			t.Errorf("route(%s) = %s, want %s", to, p.Country, want)
		}
		if q, _ := route(ps, to); q.Carrier != p.Carrier {
			t.Errorf("route(%s) changes carrier", to)
		}
	}
}

func TestInboundReplies(t *testing.T) {
	rc := newReceiver(t)
	n, api := newNetwork(t, Config{Seed: 11, InboundURL: rc.srv.URL + "/inbound", InboundRate: 0.5, StopShare: 0.5,
		Profiles: []Profile{{Country: "US", CallingCode: "1", Carrier: "Test", DeliveryRate: 1,
			Sent: LogNormal{Median: time.Second}, Delivered: LogNormal{Median: time.Second}}}})
	for i := range 40 {
		send(t, api, testAccount, testToken, url.Values{"To": {fmt.Sprintf("+1415555%04d", i)},
			"From": {"+14155550100"}, "Body": {"hi"}})
	}
	n.Wait()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	replies, stops := 0, 0
	for _, cbs := range rc.got {
		for _, f := range cbs {
			if f.Get("SmsStatus") != "received" || f.Get("To") != "+14155550100" {
				t.Errorf("unexpected post %v", f)
			}
			replies++
			if f.Get("Body") == "STOP" {
				stops++
			}
		}
	}
	if rc.bad != 0 || replies < 10 || replies > 30 || stops == 0 || stops == replies {
		t.Errorf("replies %d, stops %d, bad signatures %d: want about 20, some STOP, none bad", replies, stops, rc.bad)
	}
}
