// Package benchdata makes the message traffic that benchmarks load: a
// realistic mix of outbound messages with their timelines, inbound ones,
// error codes weighted as carriers report them and bodies of several kinds,
// deterministic for a seed. smstrack-bench's query benchmark and the
// console's page benchmarks load the same data. It only generates and
// applies events; where they are stored is the caller's choice.
package benchdata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// Version changes whenever the generated data changes, so a cached
// database from an older generator is not reused.
const Version = 1

// Span is how far back the generated messages' creation times reach.
const Span = 30 * 24 * time.Hour

// Batch is the number of events handed to one ApplyEvents call.
const Batch = 5000

// Recipients is the size of the pool of numbers messages go to, so a number
// has a handful of messages, as in a real account.
const Recipients = 200_000

// Account is the Twilio account every generated message belongs to.
const Account = "AC0123456789abcdef0123456789abcdef"

// Applier commits events; the store implements it.
type Applier interface {
	ApplyEvents(ctx context.Context, events []*smstrack.EventInput) ([]smstrack.EventResult, error)
}

// Fill loads n messages into db through ApplyEvents, in batches of Batch
// events, with workers transactions in flight. Each message carries its
// full timeline: queued, sent and its final status. progress, when not nil,
// hears how many events are committed.
func Fill(ctx context.Context, db Applier, n, workers int, seed uint64, progress func(done int)) error {
	batches := make(chan []*smstrack.EventInput, workers*2)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				if _, err := db.ApplyEvents(ctx, b); err != nil {
					errc <- err
					for range batches { // drain so the producer ends
					}
					return
				}
				mu.Lock()
				done += len(b)
				d := done
				mu.Unlock()
				if progress != nil {
					progress(d)
				}
			}
		}()
	}
	g := newGenerator(seed)
	var batch []*smstrack.EventInput
	for i := 0; i < n && ctx.Err() == nil; i++ {
		batch = append(batch, g.message(i)...)
		if len(batch) >= Batch || i == n-1 {
			select {
			case batches <- batch:
			case err := <-errc:
				close(batches)
				wg.Wait()
				return err
			}
			batch = nil
		}
	}
	close(batches)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
	}
	return ctx.Err()
}

// generator makes realistic messages: outbound ones through queued,
// sent and a final status, a few inbound ones, error codes weighted as
// carriers report them, creation times spread over Span.
type generator struct {
	rng     *rand.Rand
	now     time.Time
	senders []string
	bodies  []string
}

func newGenerator(seed uint64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0xf111)), now: time.Now().UTC().Truncate(time.Second)}
	for i := range 20 {
		g.senders = append(g.senders, fmt.Sprintf("+1415555%04d", 100+i))
	}
	g.bodies = []string{
		"Your verification code is %d. It expires in 10 minutes.",
		"Your order #%d has shipped and will arrive Thursday.",
		"Reminder: your appointment is tomorrow at 10:30. Reply C to confirm or R to reschedule.",
		"Hi! Your table for 2 is ready. Ref %d",
		"Payment of $%d.00 received, thank you.",
		"Ваш код подтверждения: %d",
	}
	return g
}

// Recipient returns the i-th number of the recipients pool.
func Recipient(i int) string {
	return "+1" + strconv.Itoa(2_000_000_000+i*37)
}

// failureCodes are the error codes of failed and undelivered messages,
// repeated by weight.
var failureCodes = []string{"30003", "30003", "30003", "30003", "30005", "30005", "30007", "30007", "30006", "30008", "21610"}

func (g *generator) message(i int) []*smstrack.EventInput {
	rng := g.rng
	created := g.now.Add(-time.Duration(rng.Int64N(int64(Span))))
	sid := fmt.Sprintf("SM%032x", uint64(i)*0x9E3779B97F4A7C15)
	key := smstrack.Key{Provider: twilio.Provider, Account: Account, ProviderID: sid}
	sender := g.senders[rng.IntN(len(g.senders))]
	other := Recipient(rng.IntN(Recipients))
	if rng.Float64() < 0.08 { // inbound
		body := fmt.Sprintf(g.bodies[rng.IntN(3)], rng.IntN(1_000_000))
		facts := smstrack.Facts{Direction: smstrack.Inbound, From: other, To: sender, Body: &body,
			Segments: 1, Encoding: "GSM-7", CreatedAt: created}
		return []*smstrack.EventInput{g.event(key, facts, smstrack.StatusReceived, "", created, time.Time{})}
	}
	facts := smstrack.Facts{Direction: smstrack.Outbound, From: sender, To: other, ServiceID: "MG0123456789abcdef0123456789abcdef",
		Price: "-0.0079", PriceUnit: "USD", Segments: 1, Encoding: "GSM-7", CreatedAt: created}
	if rng.IntN(2) == 0 {
		body := fmt.Sprintf(g.bodies[rng.IntN(len(g.bodies))], rng.IntN(1_000_000))
		facts.Body = &body
		if body[0] >= 0x80 {
			facts.Encoding = "UCS-2"
		}
	}
	sent := created.Add(time.Duration(500+rng.IntN(3000)) * time.Millisecond)
	final := sent.Add(time.Duration(2+rng.IntN(60)) * time.Second)
	evs := []*smstrack.EventInput{g.event(key, facts, smstrack.StatusQueued, "", created, time.Time{})}
	code := failureCodes[rng.IntN(len(failureCodes))]
	switch r := rng.Float64(); {
	case r < 0.88:
		evs = append(evs, g.event(key, facts, smstrack.StatusSent, "", sent, time.Time{}),
			g.event(key, facts, smstrack.StatusDelivered, "", final, final.Truncate(time.Minute)))
	case r < 0.925:
		evs = append(evs, g.event(key, facts, smstrack.StatusSent, "", sent, time.Time{}),
			g.event(key, facts, smstrack.StatusUndelivered, code, final, final.Truncate(time.Minute)))
	case r < 0.96:
		evs = append(evs, g.event(key, facts, smstrack.StatusFailed, code, sent, time.Time{}))
	case r < 0.99:
		evs = append(evs, g.event(key, facts, smstrack.StatusSent, "", sent, time.Time{}))
	}
	return evs
}

// event is one webhook event with the payload Twilio's callback would have.
func (g *generator) event(key smstrack.Key, facts smstrack.Facts, st smstrack.Status, code string, at, providerTime time.Time) *smstrack.EventInput {
	p := make([]byte, 0, 400)
	p = fmt.Appendf(p, `{"AccountSid":%q,"ApiVersion":"2010-04-01","From":%q,"MessageSid":%q,"MessageStatus":%q,"MessagingServiceSid":%q,"SmsSid":%q,"SmsStatus":%q,"To":%q`,
		key.Account, facts.From, key.ProviderID, st, facts.ServiceID, key.ProviderID, st, facts.To)
	if code != "" {
		p = fmt.Appendf(p, `,"ErrorCode":%q`, code)
	}
	if !providerTime.IsZero() {
		p = fmt.Appendf(p, `,"RawDlrDoneDate":%q`, providerTime.Format("0601021504"))
	}
	p = append(p, '}')
	in := &smstrack.EventInput{
		Key:   key,
		Event: smstrack.Event{Status: st, ErrorCode: code, Source: smstrack.SourceWebhook, ReceivedAt: at, ProviderTime: providerTime, Payload: p},
		Facts: facts,
	}
	in.ComputeDedupeKey()
	return in
}
