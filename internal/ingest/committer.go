// Package ingest owns the path from a parsed provider event to a committed
// row. Concurrent webhook requests hand their events to a Committer, which
// gathers whatever is waiting into one transaction (group commit), so one
// disk sync acknowledges many callbacks. It must not acknowledge anything
// that is not durable: Ingest returns only after the commit.
package ingest

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/smstrack/smstrack"
)

// ErrClosed is returned for events offered after Close began.
var ErrClosed = smstrack.Errorf(smstrack.EUNAVAILABLE, "smstrack is shutting down")

// Options tune a Committer.
type Options struct {
	// MaxBatch bounds the events committed in one transaction.
	MaxBatch int
	// Workers is the number of transactions in flight at once: more
	// overlap one batch's waits (a disk sync, a round trip) with another's
	// work; fewer make larger batches, which cost less per event.
	Workers int
	// Prepare, when set, runs on each event before it is queued (content
	// analysis, for instance), on the caller's goroutine so it spreads
	// over the cores.
	Prepare func(*smstrack.EventInput)
	// OnCommit, when set, is told of each event once it is durable, on the
	// committer's goroutine: it must not block.
	OnCommit func(*smstrack.EventInput, smstrack.EventResult)
	// OnBatch, when set, is told of each transaction tried: its events,
	// how long it took to be durable (or fail), and its error. Same rules.
	OnBatch func(events int, took time.Duration, err error)
}

// Committer commits events in groups. It implements smstrack.Ingester.
type Committer struct {
	store   smstrack.Store
	log     *slog.Logger
	opts    Options
	queue   chan *pending
	mu      sync.RWMutex // guards closed against sends on a closed queue
	closed  bool
	workers sync.WaitGroup
}

type pending struct {
	ev   *smstrack.EventInput
	res  smstrack.EventResult
	err  error
	done chan struct{}
}

var _ smstrack.Ingester = (*Committer)(nil)

// NewCommitter starts the commit workers.
func NewCommitter(store smstrack.Store, log *slog.Logger, opts Options) *Committer {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 512
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	c := &Committer{store: store, log: log, opts: opts, queue: make(chan *pending, opts.MaxBatch*opts.Workers*2)}
	for range opts.Workers {
		c.workers.Add(1)
		go c.run()
	}
	return c
}

// Ingest queues ev and waits until it is committed. If ctx ends first the
// event may still commit; the caller must then not acknowledge it, and the
// provider's retry is absorbed by deduplication.
func (c *Committer) Ingest(ctx context.Context, ev *smstrack.EventInput) (smstrack.EventResult, error) {
	if c.opts.Prepare != nil {
		c.opts.Prepare(ev)
	}
	p := &pending{ev: ev, done: make(chan struct{})}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return smstrack.EventResult{}, ErrClosed
	}
	select {
	case c.queue <- p:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return smstrack.EventResult{}, ctx.Err()
	}
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		return smstrack.EventResult{}, ctx.Err()
	}
}

// Queued is how many events wait for a commit worker, for metrics.
func (c *Committer) Queued() int { return len(c.queue) }

// QueueCap is how many events may wait before Ingest blocks, for metrics.
func (c *Committer) QueueCap() int { return cap(c.queue) }

// Close stops taking events, commits everything already queued and waits
// for the workers to finish.
func (c *Committer) Close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	c.workers.Wait()
}

func (c *Committer) run() {
	defer c.workers.Done()
	batch := make([]*pending, 0, c.opts.MaxBatch)
	events := make([]*smstrack.EventInput, 0, c.opts.MaxBatch)
	for first := range c.queue {
		batch = append(batch[:0], first)
	gather:
		for len(batch) < c.opts.MaxBatch {
			select {
			case p, ok := <-c.queue:
				if !ok {
					break gather
				}
				batch = append(batch, p)
			default:
				break gather
			}
		}
		events = events[:0]
		for _, p := range batch {
			events = append(events, p.ev)
		}
		c.commit(batch, events)
	}
}

// commit applies one batch. If the batch fails as a whole, each event is
// tried alone so one bad event cannot sink the others.
func (c *Committer) commit(batch []*pending, events []*smstrack.EventInput) {
	// The commit must finish even when every waiting request has gone away:
	// its events may already be on their way into the database.
	ctx := context.Background()
	start := time.Now()
	results, err := c.store.ApplyEvents(ctx, events)
	if c.opts.OnBatch != nil {
		c.opts.OnBatch(len(events), time.Since(start), err)
	}
	if err == nil {
		for i, p := range batch {
			p.res = results[i]
			if c.opts.OnCommit != nil {
				c.opts.OnCommit(p.ev, p.res)
			}
			close(p.done)
		}
		return
	}
	if len(batch) > 1 {
		c.log.Warn("group commit failed; retrying events one by one", "events", len(batch), "err", err)
		for i, p := range batch {
			c.commit([]*pending{p}, events[i:i+1])
		}
		return
	}
	c.log.Error("commit failed", "provider", events[0].Provider, "provider_id", events[0].ProviderID, "err", err)
	batch[0].err = errors.Join(smstrack.Errorf(smstrack.EINTERNAL, "could not store the event"), err)
	close(batch[0].done)
}
