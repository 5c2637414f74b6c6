package routing

import (
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

// group builds the rollup group of one route: sent messages, of which
// delivered, the rest undelivered, converted of the delivered, and
// latencies around latencyMs.
func group(provider, sender string, sent, delivered, converted int64, latencyMs float64) insight.Group {
	g := insight.Group{Key: map[string]string{"provider": provider, "sender": sender, "carrier": "EE"}}
	g.Messages = sent
	g.Status[smstrack.StatusDelivered.Index()] = delivered
	g.Status[smstrack.StatusUndelivered.Index()] = sent - delivered
	g.Converted = converted
	g.DeliveredUnconverted = delivered - converted
	for i := range delivered {
		g.SentToDelivered.Add(latencyMs * (0.5 + float64(i%10)/10))
	}
	return g
}

func TestAdviceRanksAndFlagsFakeReceipts(t *testing.T) {
	dest := Destination{Country: "GB", Carrier: "EE"}
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	a := Advise(dest, now.Add(-7*24*time.Hour), now, []insight.Group{
		group("vonage", "+15550001", 1000, 950, 280, 6000),
		group("sinch", "+15550001", 800, 790, 5, 1000), // receipts say delivered; nobody acts
		group("twilio", "+15550001", 1000, 985, 300, 3000),
		group("plivo", "+15550002", 20, 20, 6, 3000),
	})
	if !a.ConversionsTracked {
		t.Fatal("conversions not tracked")
	}
	var order []string
	for _, c := range a.Routes {
		order = append(order, c.Key["provider"])
	}
	if got := strings.Join(order, ","); got != "twilio,vonage,sinch,plivo" {
		t.Fatalf("routes ranked %s, want twilio,vonage,sinch,plivo", got)
	}
	best, next, suspect, few := a.Routes[0], a.Routes[1], a.Routes[2], a.Routes[3]
	for _, c := range a.Routes {
		t.Log(c.Reason)
	}
	if best.Rank != 1 || next.Rank != 2 || suspect.Rank != 3 || few.Rank != 0 {
		t.Errorf("ranks %d %d %d %d", best.Rank, next.Rank, suspect.Rank, few.Rank)
	}
	if !strings.Contains(best.Reason, "+3.5 points of delivery over the next route") || !strings.Contains(best.Reason, "significant") ||
		!strings.Contains(best.Reason, "n=1000") || !strings.Contains(best.Reason, "p90 latency") {
		t.Errorf("best reason: %s", best.Reason)
	}
	if !suspect.SuspectReceipts || !strings.Contains(suspect.Reason, "fake delivery receipts") || best.SuspectReceipts || next.SuspectReceipts {
		t.Errorf("suspect: %+v", suspect)
	}
	if !strings.Contains(few.Reason, "too few to rank") {
		t.Errorf("few: %s", few.Reason)
	}
	if best.DeliveryCI == nil || best.DeliveryCI[0] >= *best.DeliveryRate || best.DeliveryCI[1] <= *best.DeliveryRate ||
		best.ConversionRate == nil || *best.ConversionRate != 0.3 || best.Latency.N != 985 || best.Settled != 1000 {
		t.Errorf("best figures: %+v", best)
	}
	// Providers are the same as routes here (one sender each but plivo);
	// senders sum the routes.
	if len(a.Providers) != 4 || len(a.Senders) != 2 || a.Senders[0].Key["sender"] != "+15550001" || a.Senders[0].Sent != 2800 {
		t.Errorf("providers %d, senders %+v", len(a.Providers), a.Senders)
	}
}

func TestAdviceWithoutConversionsOrTraffic(t *testing.T) {
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	a := Advise(Destination{Country: "GB"}, now.Add(-time.Hour), now, []insight.Group{
		group("twilio", "+15550001", 500, 490, 0, 3000),
		group("vonage", "+15550001", 500, 440, 0, 3000),
	})
	if a.ConversionsTracked || len(a.Notes) != 1 || a.Routes[0].ConversionRate != nil || a.Routes[0].Key["provider"] != "twilio" {
		t.Errorf("advice: %+v", a)
	}
	if !strings.Contains(a.Routes[1].Reason, "lowest delivery rate of the 2 ranked routes") {
		t.Errorf("last reason: %s", a.Routes[1].Reason)
	}
	empty := Advise(Destination{Country: "FR"}, now.Add(-time.Hour), now, nil)
	if len(empty.Routes) != 0 || len(empty.Notes) != 1 || !strings.Contains(empty.Notes[0], "no outbound messages to FR") {
		t.Errorf("empty: %+v", empty)
	}
}
