package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/smstrack/smstrack"
)

// Options tune a Worker; zero values take the defaults.
type Options struct {
	Concurrency  int           // deliveries in flight at once; default 16
	Timeout      time.Duration // of one delivery, connection included; default 10 s
	PollInterval time.Duration // between looks at an empty outbox; default 1 s
	// Lease is how long a claim keeps a delivery from other workers; it must
	// outlast Timeout. Default 3 × Timeout.
	Lease time.Duration
	Guard Guard // which addresses may be reached
}

// excerptBytes is how much of an answer an attempt keeps.
const excerptBytes = 512

// maxBatch bounds how many results are recorded in one transaction.
const maxBatch = 256

// Worker delivers due webhooks until its context ends.
type Worker struct {
	store  smstrack.OutboxStore
	log    *slog.Logger
	opts   Options
	client *http.Client
	wake   chan struct{}
}

// NewWorker returns a worker delivering from store.
func NewWorker(store smstrack.OutboxStore, log *slog.Logger, opts Options) *Worker {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 16
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.Lease < opts.Timeout {
		opts.Lease = 3 * opts.Timeout
	}
	dialer := opts.Guard.Dialer()
	dialer.Timeout = opts.Timeout
	transport := &http.Transport{
		Proxy:               nil, // a proxy would connect for us, past the guard
		DialContext:         dialer.DialContext,
		MaxIdleConnsPerHost: opts.Concurrency,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: opts.Timeout,
		ForceAttemptHTTP2:   true,
	}
	client := &http.Client{
		Transport: transport,
		Timeout:   opts.Timeout,
		// A redirect is an answer, not a new destination: following it would
		// sign a message to a URL nobody registered.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Worker{store: store, log: log, opts: opts, client: client, wake: make(chan struct{}, 1)}
}

// Wake tells the worker new events are waiting, sparing it the poll wait.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run claims and delivers due webhooks until ctx ends, then waits for the
// deliveries in flight and records them.
func (w *Worker) Run(ctx context.Context) error {
	slots := make(chan struct{}, w.opts.Concurrency)
	results := make(chan smstrack.AttemptResult, w.opts.Concurrency)
	recorded := make(chan struct{})
	go w.record(results, slots, recorded)
	defer func() {
		for range w.opts.Concurrency { // every slot back: nothing in flight
			slots <- struct{}{}
		}
		close(results)
		<-recorded
	}()
	deliverCtx := context.WithoutCancel(ctx) // a delivery in flight ends by its own timeout
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		n := 1
	fill:
		for n < w.opts.Concurrency {
			select {
			case slots <- struct{}{}:
				n++
			default:
				break fill
			}
		}
		ds, err := w.store.ClaimDue(ctx, n, w.opts.Lease)
		if err != nil && ctx.Err() == nil {
			w.log.Error("webhooks: claim failed", "err", err)
		}
		for range n - len(ds) {
			<-slots
		}
		for _, d := range ds {
			go func() { results <- smstrack.AttemptResult{Delivery: d, Attempt: w.deliver(deliverCtx, d)} }()
		}
		if len(ds) < n {
			t := time.NewTimer(w.opts.PollInterval)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-w.wake:
			case <-t.C:
			}
			t.Stop()
		}
	}
}

// record writes results in batches, freeing a slot for each one written.
func (w *Worker) record(results <-chan smstrack.AttemptResult, slots <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	batch := make([]smstrack.AttemptResult, 0, maxBatch)
	for r := range results {
		batch = append(batch[:0], r)
	drain:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-results:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		// A failed write leaves the deliveries leased: they are tried again
		// when the lease ends, which the receiver's dedupe on webhook-id absorbs.
		if err := w.store.RecordAttempts(context.Background(), batch); err != nil {
			w.log.Error("webhooks: record attempts failed", "err", err, "attempts", len(batch))
		}
		for range batch {
			<-slots
		}
	}
}

// messageID is the webhook-id of an event: the same on every retry and
// replay, so receivers can deduplicate.
func messageID(eventID int64) string { return "evt_" + strconv.FormatInt(eventID, 10) }

// Body is what a delivery posts, the envelope the specification suggests.
type Body struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// deliver makes one attempt and reports it.
func (w *Worker) deliver(ctx context.Context, d smstrack.Delivery) smstrack.DeliveryAttempt {
	start := time.Now()
	a := smstrack.DeliveryAttempt{EventID: d.Event.ID, EndpointID: d.Endpoint.ID, Attempt: d.Attempt, At: start}
	fail := func(err error) smstrack.DeliveryAttempt {
		a.Error, a.LatencyMs = err.Error(), time.Since(start).Milliseconds()
		return a
	}
	body, err := json.Marshal(Body{Type: d.Event.Type, Timestamp: d.Event.CreatedAt.UTC(), Data: d.Event.Payload})
	if err != nil {
		return fail(fmt.Errorf("encode body: %w", err))
	}
	id, ts := messageID(d.Event.ID), start.Unix()
	sig, err := Sign(d.Endpoint.Secret, id, ts, body)
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Endpoint.URL, bytes.NewReader(body))
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "smstrack-webhooks")
	req.Header.Set(HeaderID, id)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, sig)
	resp, err := w.client.Do(req)
	if err != nil {
		return fail(err)
	}
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, excerptBytes))
	io.CopyN(io.Discard, resp.Body, 64<<10) // let the connection be reused
	resp.Body.Close()
	a.Status, a.ResponseExcerpt, a.LatencyMs = resp.StatusCode, string(excerpt), time.Since(start).Milliseconds()
	return a
}
