package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	// Relays sign relayed callbacks, by provider; a relay for a provider
	// without one fails (and is retried, then dead) with that reason.
	Relays map[string]RelaySigner
	// OnAttempt, when set, is told of every attempt made, for metrics; it
	// runs on the recording goroutine and must not block.
	OnAttempt func(smstrack.DeliveryAttempt)
}

// RelaySigner signs a relayed callback as its provider signs its own: it
// answers the headers that carry the signature of fields posted to target
// for account, or an error when it cannot (an account it has no key for).
// id is the same on every attempt at one relay, for the app to deduplicate
// by where the provider has such a header.
type RelaySigner func(account, target, id string, fields url.Values) (http.Header, error)

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
		if w.opts.OnAttempt != nil {
			for _, r := range batch {
				w.opts.OnAttempt(r.Attempt)
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
	ctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	defer cancel()
	var (
		req *http.Request
		err error
	)
	if d.IsRelay() {
		req, err = w.relayRequest(ctx, d)
	} else {
		req, err = w.webhookRequest(ctx, d, start)
	}
	if err == nil {
		var resp *http.Response
		if resp, err = w.client.Do(req); err == nil {
			excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, excerptBytes))
			io.CopyN(io.Discard, resp.Body, 64<<10) // let the connection be reused
			resp.Body.Close()
			a.Status, a.ResponseExcerpt = resp.StatusCode, string(excerpt)
		}
	}
	if err != nil {
		a.Error = err.Error()
	}
	a.LatencyMs = time.Since(start).Milliseconds()
	return a
}

// webhookRequest is the request of an event to a registered endpoint,
// signed as the Standard Webhooks specification describes.
func (w *Worker) webhookRequest(ctx context.Context, d smstrack.Delivery, now time.Time) (*http.Request, error) {
	body, err := json.Marshal(Body{Type: d.Event.Type, Timestamp: d.Event.CreatedAt.UTC(), Data: d.Event.Payload})
	if err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	id, ts := messageID(d.Event.ID), now.Unix()
	sig, err := Sign(d.Endpoint.Secret, id, ts, body)
	if err != nil {
		return nil, err
	}
	if d.Endpoint.PreviousSecret != "" {
		// During a rotation's grace period both secrets sign; the
		// specification lets a receiver accept any of the signatures.
		if old, err := Sign(d.Endpoint.PreviousSecret, id, ts, body); err == nil {
			sig += " " + old
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Endpoint.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "smstrack-webhooks")
	req.Header.Set(HeaderID, id)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, sig)
	return req, nil
}

// relayRequest is the request of a relayed callback: its fields as a form
// to the app's URL, signed by the provider's signer.
func (w *Worker) relayRequest(ctx context.Context, d smstrack.Delivery) (*http.Request, error) {
	var rl smstrack.Relay
	if err := json.Unmarshal(d.Event.Payload, &rl); err != nil {
		return nil, fmt.Errorf("read relay: %w", err)
	}
	fields, err := formFields(rl.Fields)
	if err != nil {
		return nil, fmt.Errorf("read relay: %w", err)
	}
	sign := w.opts.Relays[rl.Provider]
	if sign == nil {
		return nil, fmt.Errorf("no relay signer for provider %q", rl.Provider)
	}
	header, err := sign(rl.Account, rl.URL, messageID(d.Event.ID), fields)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rl.URL, strings.NewReader(fields.Encode()))
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "smstrack-relay")
	return req, nil
}

// formFields reads a stored form back: a JSON object whose values are
// strings or arrays of strings.
func formFields(raw json.RawMessage) (url.Values, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	out := make(url.Values, len(m))
	for k, v := range m {
		var one string
		if err := json.Unmarshal(v, &one); err == nil {
			out[k] = []string{one}
			continue
		}
		var many []string
		if err := json.Unmarshal(v, &many); err != nil {
			return nil, fmt.Errorf("field %q is neither a string nor strings", k)
		}
		out[k] = many
	}
	return out, nil
}
