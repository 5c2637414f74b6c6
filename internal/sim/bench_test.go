package sim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkNetwork measures what the network itself costs per message:
// the create over HTTP and its callbacks, posted to a receiver that only
// reads them, at 1000× speed, from 64 clients.
//
//	go test ./internal/sim -run '^$' -bench Network -benchtime 20000x -cpu 64
func BenchmarkNetwork(b *testing.B) {
	var posted atomic.Int64
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		posted.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	n := New(Config{Accounts: map[string]string{testAccount: testToken}, Speed: 1000, Seed: 1, Degradations: []Degradation{}})
	api := httptest.NewServer(n)
	defer api.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var next atomic.Int64
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			form := url.Values{"To": {"+1415555" + strconv.FormatInt(1000+i%9000, 10)}, "From": {"+14155550100"},
				"Body": {"Your code is 123456"}, "StatusCallback": {receiver.URL + "/status"}}
			req, _ := http.NewRequest(http.MethodPost, api.URL+"/2010-04-01/Accounts/"+testAccount+"/Messages.json", strings.NewReader(form.Encode()))
			req.SetBasicAuth(testAccount, testToken)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	n.Wait()
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/msg")
	b.ReportMetric(float64(posted.Load())/float64(b.N), "callbacks/msg")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
