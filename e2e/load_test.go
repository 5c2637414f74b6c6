package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadStatuses are the callbacks each message of a load gets, in order.
var loadStatuses = []string{"queued", "sent", "delivered"}

// load sends signed status callbacks to a server from many goroutines, each
// working through its own messages, and records every callback answered 2xx:
// those the server promised to keep.
type load struct {
	s        *server
	max      int64         // callbacks the load sends at most
	half     chan struct{} // closed when half of max are acknowledged
	stop     chan struct{} // closed to end the load
	stopping atomic.Bool   // set before the server is stopped: failures are expected from then on
	wg       sync.WaitGroup
	acked    atomic.Int64

	mu         sync.Mutex
	acks       map[string][]string // MessageSid -> statuses answered 2xx
	afterStop  int                 // acknowledgements that came after stopping began
	unexpected []string            // failures before stopping
	refusals   []string            // non-2xx answers while stopping
	cut        []string            // transport errors while stopping
}

// startLoad starts workers goroutines, each sending the callbacks of
// messages messages named after prefix.
func startLoad(s *server, prefix string, workers, messages int) *load {
	l := &load{s: s, max: int64(workers * messages * len(loadStatuses)),
		half: make(chan struct{}), stop: make(chan struct{}), acks: map[string][]string{}}
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for j := range messages {
				sid := fmt.Sprintf("SM%s%02dx%05d", prefix, w, j)
				for _, st := range loadStatuses {
					select {
					case <-l.stop:
						return
					default:
					}
					if !l.send(callback{Sid: sid, Status: st}) {
						return
					}
				}
			}
		}()
	}
	return l
}

// send posts one callback and reports whether the worker should go on.
func (l *load) send(c callback) bool {
	res, err := l.s.sendCallback(c)
	stopping := l.stopping.Load()
	if err == nil && res.status/100 == 2 {
		l.mu.Lock()
		l.acks[c.Sid] = append(l.acks[c.Sid], c.Status)
		if stopping {
			l.afterStop++
		}
		l.mu.Unlock()
		if l.acked.Add(1) == l.max/2 {
			close(l.half)
		}
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if stopping {
		// The server is going away: this one was not acknowledged. A
		// connection it refused or cut is expected; an answer is noted.
		if err == nil {
			l.refusals = append(l.refusals, fmt.Sprintf("%s %s: status %d (%s)", c.Sid, c.Status, res.status, res.body))
		} else {
			l.cut = append(l.cut, err.Error())
		}
		return false
	}
	if err != nil {
		l.unexpected = append(l.unexpected, fmt.Sprintf("%s %s: %v", c.Sid, c.Status, err))
	} else {
		l.unexpected = append(l.unexpected, fmt.Sprintf("%s %s: status %d (%s)", c.Sid, c.Status, res.status, res.body))
	}
	return false
}

// stopAfter lets the load run for d, or until half of it is acknowledged,
// then calls stopServer in the middle of it and ends the load. It returns
// the acknowledged callbacks and the answers other than 2xx that came
// while the server stopped.
func (l *load) stopAfter(t *testing.T, d time.Duration, stopServer func()) (acks map[string][]string, refusals []string) {
	t.Helper()
	timer := time.NewTimer(d)
	select {
	case <-timer.C:
	case <-l.half:
		timer.Stop()
	}
	l.stopping.Store(true)
	acked := l.acked.Load()
	stopServer()
	close(l.stop)
	l.wg.Wait()

	l.mu.Lock()
	defer l.mu.Unlock()
	for i, u := range l.unexpected {
		if i == 10 {
			t.Errorf("… and %d more failures", len(l.unexpected)-i)
			break
		}
		t.Errorf("callback failed before the server was stopped: %s", u)
	}
	t.Logf("%d callbacks acknowledged before the server was stopped, %d more while it stopped, of %d at most; %d cut off",
		acked, l.afterStop, l.max, len(l.cut))
	if len(l.cut) > 0 {
		t.Logf("first cut off: %s", l.cut[0])
	}
	if acked < int64(len(loadStatuses)) {
		t.Fatalf("only %d callbacks acknowledged in %v: the load never got going", acked, d)
	}
	return l.acks, l.refusals
}

// checkAcknowledged requires every acknowledged callback to be in its
// message's timeline on s, and each message's status to agree with its
// timeline.
func checkAcknowledged(t *testing.T, s *server, acks map[string][]string) {
	t.Helper()
	sids := make([]string, 0, len(acks))
	for sid := range acks {
		sids = append(sids, sid)
	}
	sort.Strings(sids)
	var (
		mu       sync.Mutex
		problems []string
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	report := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(sids) {
					return
				}
				sid := sids[i]
				m, ok, err := s.lookupMessage("twilio", sid)
				switch {
				case err != nil:
					report("%s: %v", sid, err)
					continue
				case !ok:
					report("%s: acknowledged %v, but no message is stored", sid, acks[sid])
					continue
				}
				got := m.statuses()
				for _, st := range acks[sid] {
					if !slices.Contains(got, st) {
						report("%s: acknowledged %s, but the timeline is %v", sid, st, got)
					}
				}
				if want := highest(got); m.Status != want {
					report("%s: status %s, but its timeline %v says %s", sid, m.Status, got, want)
				}
			}
		}()
	}
	wg.Wait()
	sort.Strings(problems)
	for i, p := range problems {
		if i == 20 {
			t.Errorf("… and %d more", len(problems)-i)
			break
		}
		t.Error(p)
	}
	if len(problems) == 0 {
		n := 0
		for _, sts := range acks {
			n += len(sts)
		}
		t.Logf("all %d acknowledged callbacks of %d messages are stored", n, len(acks))
	}
}

// highest is the latest of loadStatuses in statuses, the status the
// message must have.
func highest(statuses []string) string {
	best := -1
	for _, st := range statuses {
		best = max(best, slices.Index(loadStatuses, st))
	}
	if best < 0 {
		return ""
	}
	return loadStatuses[best]
}

// checkHealthy requires the server to answer its health check.
func checkHealthy(t *testing.T, s *server) {
	t.Helper()
	var got map[string]string
	s.mustCall(t, http.MethodGet, "/healthz", nil, &got, http.StatusOK)
	if got["status"] != "ok" {
		t.Fatalf("GET /healthz = %v, want status ok", got)
	}
}
