package e2e

import (
	"strings"
	"testing"
	"time"
)

// loadTime bounds how long the load runs before the server is stopped.
const loadTime = 1500 * time.Millisecond

// TestCrashLosesNothingAcknowledged kills the server with SIGKILL in the
// middle of a load of callbacks: after a restart on the same data, every
// callback it had answered 2xx must be there.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServer(t, db)
		l := startLoad(s, "crash", 32, 100)
		acks, _ := l.stopAfter(t, loadTime, s.kill)
		if code := s.cmd.ProcessState.ExitCode(); code != -1 {
			t.Errorf("exit code after SIGKILL = %d, want -1 (killed by a signal)", code)
		}

		restarted := startServer(t, db)
		checkHealthy(t, restarted)
		checkAcknowledged(t, restarted, acks)
	})
}

// TestGracefulShutdown sends SIGTERM in the middle of a load of callbacks:
// the requests already accepted must finish and be stored, and the process
// must exit 0.
func TestGracefulShutdown(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServer(t, db)
		l := startLoad(s, "term", 32, 100)
		code := -2
		acks, refusals := l.stopAfter(t, loadTime, func() { code = s.terminate(t, 45*time.Second) })
		if code != 0 {
			t.Errorf("exit code after SIGTERM = %d, want 0", code)
		}
		// A request the server took must finish, not be answered with an error.
		for i, r := range refusals {
			if i == 10 {
				t.Errorf("… and %d more", len(refusals)-i)
				break
			}
			t.Errorf("answered while shutting down: %s", r)
		}
		if logs := s.logs.String(); !strings.Contains(logs, `msg=stopped`) {
			t.Errorf("no msg=stopped in the log after SIGTERM:\n%s", s.logs.tail(4<<10))
		}

		restarted := startServer(t, db)
		checkAcknowledged(t, restarted, acks)
	})
}
