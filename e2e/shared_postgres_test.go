package e2e

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTwoProcessesSharePostgres sends the same messages' callbacks, shuffled
// and duplicated, to two server processes on one PostgreSQL database at
// once. Each message must end exactly as it does when a single process gets
// the same callbacks one after another on a fresh database.
func TestTwoProcessesSharePostgres(t *testing.T) {
	shared := newDatabase(t, "postgres") // skips without SMSTRACK_TEST_POSTGRES
	servers := []*server{startServer(t, shared), startServer(t, shared)}

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	p := newSharedPlan(rng, 40)
	t.Logf("%d messages, %d distinct callbacks, %d deliveries", len(p.sids), p.distinct(), len(p.deliveries))

	// Deliver concurrently, each delivery to a randomly chosen process.
	target := make([]int, len(p.deliveries))
	perServer := make([]int, len(servers))
	for i := range target {
		target[i] = rng.IntN(len(servers))
		perServer[target[i]]++
	}
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(p.deliveries) {
					return
				}
				c, s := p.deliveries[i], servers[target[i]]
				if res, err := s.sendCallback(c); err != nil || res.status != 204 {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s %s to %s: %v status %d (%s)", c.Sid, c.Status, s.addr, err, res.status, res.body))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Errorf("callback not acknowledged: %s", f)
	}
	t.Logf("deliveries per process: %v", perServer)

	// The same callbacks, in the plan's order, one at a time, to one process.
	single := startServer(t, newDatabase(t, "postgres"))
	for _, c := range p.deliveries {
		single.mustSend(t, c)
	}

	for i, sid := range p.sids {
		want := p.want[sid]
		serial := single.mustFind(t, sid)
		if got := summarize(serial); got != want {
			t.Errorf("%s on one process: %+v, want %+v (timeline %v)", sid, got, want, serial.statuses())
		}
		if finalFirst := i%2 == 0; finalBeforeSent(serial.statuses()) != finalFirst {
			t.Errorf("%s: timeline %v, want a final status %s sent", sid, serial.statuses(), map[bool]string{true: "before", false: "after"}[finalFirst])
		}
		// Both processes must read the same state from the shared database.
		for _, s := range servers {
			m := s.mustFind(t, sid)
			if got, ref := summarize(m), summarize(serial); got != ref {
				t.Errorf("%s read through %s: %+v, want %+v as on one process (timeline %v, serially %v)",
					sid, s.addr, got, ref, m.statuses(), serial.statuses())
			}
		}
	}
}

// finalBeforeSent reports whether a final status comes before sent in a
// timeline.
func finalBeforeSent(statuses []string) bool {
	for _, st := range statuses {
		switch st {
		case "sent":
			return false
		case "delivered", "undelivered", "failed":
			return true
		}
	}
	return false
}

// outcome is what must not depend on which process got which callback when.
type outcome struct {
	Status    string
	ErrorCode string
	Events    int
}

func summarize(m apiMessage) outcome {
	return outcome{Status: m.Status, ErrorCode: m.ErrorCode, Events: len(m.Events)}
}

// sharedPlan is the callbacks of a set of messages: the distinct ones, each
// delivered one to three times, in a shuffled order, and the outcome the
// rules give whatever the order. Conflicting final statuses all carry
// distinct RawDlrDoneDate values, so the carrier's time, not the arrival,
// decides between them. Half of the messages get a final callback before
// their sent, half after.
type sharedPlan struct {
	sids       []string
	callbacks  map[string][]callback
	deliveries []callback
	want       map[string]outcome
}

var finals = []struct{ status, errorCode string }{
	{"delivered", ""},
	{"undelivered", "30003"},
	{"failed", "30008"},
}

func newSharedPlan(rng *rand.Rand, messages int) *sharedPlan {
	p := &sharedPlan{callbacks: map[string][]callback{}, want: map[string]outcome{}}
	base := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	for i := range messages {
		sid := fmt.Sprintf("SMe2eshared%04d", i)
		p.sids = append(p.sids, sid)
		cbs := []callback{{Sid: sid, Status: "sent"}}
		if rng.IntN(2) == 0 {
			cbs = append(cbs, callback{Sid: sid, Status: "queued"})
		}
		// One to three finals, at distinct carrier minutes.
		minutes := rng.Perm(len(finals))
		n := 1 + rng.IntN(len(finals))
		want := outcome{Status: "sent"}
		latest := -1
		for _, k := range rng.Perm(len(finals))[:n] {
			f := finals[k]
			done := base.Add(time.Duration(minutes[k]) * time.Minute).Format("0601021504")
			cbs = append(cbs, callback{Sid: sid, Status: f.status, ErrorCode: f.errorCode, DoneDate: done})
			if minutes[k] > latest {
				latest = minutes[k]
				want.Status, want.ErrorCode = f.status, f.errorCode
			}
		}
		want.Events = len(cbs)
		p.want[sid] = want
		p.callbacks[sid] = cbs
		for _, c := range cbs {
			for range 1 + rng.IntN(3) {
				p.deliveries = append(p.deliveries, c)
			}
		}
	}
	rng.Shuffle(len(p.deliveries), func(i, j int) { p.deliveries[i], p.deliveries[j] = p.deliveries[j], p.deliveries[i] })

	// Every other message gets its first final callback before its sent, the
	// others after: swapping the two keeps the order a shuffle.
	for i, sid := range p.sids {
		sent, final := -1, -1
		for j, c := range p.deliveries {
			switch {
			case c.Sid != sid || c.Status == "queued":
			case c.Status == "sent" && sent < 0:
				sent = j
			case c.Status != "sent" && final < 0:
				final = j
			}
		}
		if finalFirst := i%2 == 0; (final < sent) != finalFirst {
			p.deliveries[sent], p.deliveries[final] = p.deliveries[final], p.deliveries[sent]
		}
	}
	return p
}

func (p *sharedPlan) distinct() int {
	n := 0
	for _, cbs := range p.callbacks {
		n += len(cbs)
	}
	return n
}
