package web

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
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

// benchData times a data page, with the rollups current.
func benchData(b *testing.B, path string) {
	if err := rolled(); err != nil {
		b.Fatal(err)
	}
	benchPage(b, path)
}

func BenchmarkPageOverview(b *testing.B)       { benchData(b, "/") }
func BenchmarkPageOverview30Days(b *testing.B) { benchData(b, "/?range=30d") }
func BenchmarkPageOverviewHour(b *testing.B)   { benchData(b, "/?range=1h") }
func BenchmarkPageOverviewData(b *testing.B)   { benchData(b, "/console/data/overview?range=7d") }
func BenchmarkPageOverviewSender(b *testing.B) {
	benchData(b, "/?range=7d&sender=%2B14155550105")
}

func BenchmarkPageMessages(b *testing.B) { benchData(b, "/messages") }
func BenchmarkPageMessagesFiltered(b *testing.B) {
	benchData(b, "/messages?status=undelivered&error_code=30003&direction=outbound")
}
func BenchmarkPageMessagesByNumber(b *testing.B) {
	benchData(b, "/messages?to="+benchdata.Recipient(4242))
}

// A common word fills a page at once; a word no body has reads the
// whole search window, the worst case.
func BenchmarkPageMessagesSearch(b *testing.B)     { benchData(b, "/messages?q=Thursday") }
func BenchmarkPageMessagesSearchMiss(b *testing.B) { benchData(b, "/messages?q=no+body+says+this") }
func BenchmarkPageMessage(b *testing.B) {
	db, err := benchDB()
	if err != nil {
		b.Fatal(err)
	}
	newest, _, err := db.ListMessages(context.Background(), smstrack.MessageFilter{Limit: 1})
	if err != nil || len(newest) == 0 {
		b.Fatalf("no message to show: %v", err)
	}
	benchData(b, "/messages/"+strconv.FormatInt(newest[0].ID/2, 10))
}
func BenchmarkPageConversations(b *testing.B) { benchData(b, "/conversations") }
func BenchmarkPageConversation(b *testing.B)  { benchData(b, "/conversations/1000") }
func BenchmarkPageErrors(b *testing.B)        { benchData(b, "/errors?range=7d") }
func BenchmarkPageAlerts(b *testing.B)        { benchData(b, "/alerts") }
func BenchmarkPageRouting(b *testing.B)       { benchData(b, "/routing?to=%2B12000000037&days=30") }
func BenchmarkPageLinks(b *testing.B)         { benchData(b, "/links?range=7d") }
