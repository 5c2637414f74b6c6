package web

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/benchdata"
)

// The data pages' benchmarks run on bench_test.go's database of 1,000,000
// messages, through the real guard and templates:
//
//	go test ./internal/web -run '^$' -bench 'Page(Overview|Messages|Message|Conversation|Errors|Alerts|Routing|Links)' -benchtime 100x
//
// The overview, errors, routing and links pages read the rollups: the
// cached database is rolled up when it is made; one made before that was
// so is drained here, once per process, before timing.

// rolled drains the rollup queue of the benchmark database once.
var rolled = sync.OnceValue(func() error {
	db, err := benchDB()
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := db.RollUp(context.Background())
	if n > 0 {
		fmt.Fprintf(os.Stderr, "web bench: rolled up %d queued changes in %s\n", n, time.Since(start).Round(time.Second))
	}
	return err
})

// benchData times a page that reads the rollups, with them current.
func benchData(b *testing.B, path string) {
	if err := rolled(); err != nil {
		b.Fatal(err)
	}
	benchCPU(b, path)
}

// benchCPU times a page as benchPage does and reports the CPU time the
// process spent per request besides (cpu-ms/op): on a machine shared with
// other work, elapsed time includes waiting for a core, CPU time does not.
func benchCPU(b *testing.B, path string) {
	if _, err := bench(); err != nil { // set up before measuring
		b.Fatal(err)
	}
	before := cpuTime()
	benchPage(b, path)
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkPageOverview(b *testing.B)       { benchData(b, "/") }
func BenchmarkPageOverview30Days(b *testing.B) { benchData(b, "/?range=30d") }
func BenchmarkPageOverviewHour(b *testing.B)   { benchData(b, "/?range=1h") }
func BenchmarkPageOverviewData(b *testing.B)   { benchData(b, "/console/data/overview?range=7d") }
func BenchmarkPageOverviewSender(b *testing.B) {
	benchData(b, "/?range=7d&sender=%2B14155550105")
}

func BenchmarkPageMessages(b *testing.B) { benchCPU(b, "/messages") }
func BenchmarkPageMessagesFiltered(b *testing.B) {
	benchCPU(b, "/messages?status=undelivered&error_code=30003&direction=outbound")
}
func BenchmarkPageMessagesByNumber(b *testing.B) {
	benchCPU(b, "/messages?to="+benchdata.Recipient(4242))
}

// A common word fills a page at once; a word no body has reads the whole
// block of searchScan messages, the worst case.
func BenchmarkPageMessagesSearch(b *testing.B)     { benchCPU(b, "/messages?q=Thursday") }
func BenchmarkPageMessagesSearchMiss(b *testing.B) { benchCPU(b, "/messages?q=no+body+says+this") }
func BenchmarkPageMessage(b *testing.B) {
	db, err := benchDB()
	if err != nil {
		b.Fatal(err)
	}
	newest, _, err := db.ListMessages(context.Background(), smstrack.MessageFilter{Limit: 1})
	if err != nil || len(newest) == 0 {
		b.Fatalf("no message to show: %v", err)
	}
	benchCPU(b, "/messages/"+strconv.FormatInt(newest[0].ID/2, 10))
}
func BenchmarkPageConversations(b *testing.B) { benchCPU(b, "/conversations") }
func BenchmarkPageConversation(b *testing.B) {
	db, err := benchDB()
	if err != nil {
		b.Fatal(err)
	}
	list, _, err := db.ListConversations(context.Background(), smstrack.ConversationFilter{Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	if len(list) == 0 {
		b.Skip("the benchmark database has no conversations (loaded without them)")
	}
	benchCPU(b, "/conversations/"+strconv.FormatInt(list[0].ID, 10))
}
func BenchmarkPageErrors(b *testing.B)  { benchData(b, "/errors?range=7d") }
func BenchmarkPageAlerts(b *testing.B)  { benchCPU(b, "/alerts") }
func BenchmarkPageRouting(b *testing.B) { benchData(b, "/routing?to=%2B12000000037&days=30") }
func BenchmarkPageLinks(b *testing.B)   { benchData(b, "/links?range=7d") }
