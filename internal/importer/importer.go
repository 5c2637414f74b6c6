// Package importer brings message history into smstrack from files: the
// message log CSV that Twilio's console exports, and smstrack's own message
// JSON, one message a line. Each row becomes events of source import that
// go through the store's ordinary path (dedupe, Merge, the status rules),
// so an import never overrides what the app reported and re-running it
// adds nothing: a row always gives the same payload, hence the same
// dedupe key.
//
// It owns parsing and batching; it must not open a database, print, or
// decide how progress is shown: the command does that.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smstrack/smstrack"
)

// Row is one row of an input file and what it became.
type Row struct {
	N      int // 1-based number of the data row (a CSV header is not a row)
	Line   int // 1-based line of the file where the row starts
	Events []*smstrack.EventInput
	Err    error // why the row was rejected; Events is empty then
}

// Parser reads rows one by one; Next returns io.EOF after the last one. An
// error other than io.EOF ends the import: a row that cannot be read but
// leaves the file readable comes back as a Row with Err instead.
type Parser interface {
	Next() (Row, error)
}

// Rejection is a row refused, with the reason.
type Rejection struct {
	Row    int    `json:"row"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func (r Rejection) String() string {
	return fmt.Sprintf("row %d (line %d): %s", r.Row, r.Line, r.Reason)
}

// Applier commits a batch of events; smstrack.Store.ApplyEvents is one.
type Applier func(ctx context.Context, events []*smstrack.EventInput) ([]smstrack.EventResult, error)

// Stats are running counts, safe to read while an import runs.
type Stats struct {
	Rows       atomic.Int64 // rows read
	Rejected   atomic.Int64 // rows refused
	Events     atomic.Int64 // events committed
	New        atomic.Int64 // of those, events not seen before
	Duplicates atomic.Int64 // of those, events already stored (an earlier import)
}

// Options tune Run.
type Options struct {
	// BatchSize is the number of events committed per transaction; 0
	// means DefaultBatchSize.
	BatchSize int
	// Prepare, when set, completes each event before it is committed, as
	// the server does (country, content analysis, body policies). It runs
	// on Workers goroutines.
	Prepare func(*smstrack.EventInput)
	// Workers is the number of goroutines preparing events; 0 means the
	// number of CPUs.
	Workers int
	// Stats, when set, is kept up to date for a progress display.
	Stats *Stats
	// OnReject, when set, is told of every rejected row, in row order.
	OnReject func(Rejection)
	// KeepRejections bounds the rejections kept in the Summary; 0 means 100.
	KeepRejections int
}

// DefaultBatchSize suits both databases: large enough that a transaction's
// fixed cost vanishes, small enough to stay well inside memory and under
// PostgreSQL's bound-parameter limits per statement (the store chunks).
const DefaultBatchSize = 4000

// Summary is what an import did.
type Summary struct {
	Rows       int           `json:"rows"`
	Accepted   int           `json:"accepted"` // rows whose events were all committed
	Rejected   int           `json:"rejected"`
	Events     int           `json:"events"`
	New        int           `json:"new"`        // events not seen before
	Duplicates int           `json:"duplicates"` // events an earlier import had stored
	Rejections []Rejection   `json:"rejections"` // the first KeepRejections
	Elapsed    time.Duration `json:"elapsed_ns"`
}

// batch is a run of rows on their way to the store.
type batch struct {
	events  []*smstrack.EventInput
	rowOf   []int // index into rows for each event
	rows    []Row // rows in file order, events moved to events
	readErr error
}

// Run reads every row of p and commits their events through apply in
// batches. Parsing, preparing and committing overlap: one goroutine reads,
// Workers prepare, and the caller's goroutine commits, so the database
// never waits for the parser. A store failure of a whole batch is retried
// event by event, so one bad event costs only its own row.
func Run(ctx context.Context, p Parser, apply Applier, opts Options) (Summary, error) {
	start := time.Now()
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.KeepRejections <= 0 {
		opts.KeepRejections = 100
	}
	if opts.Stats == nil {
		opts.Stats = &Stats{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Batches are numbered so the committer can take them in file order
	// even though workers finish out of order: rejections are then
	// reported in row order, and a message's events keep theirs.
	type numbered struct {
		seq int
		b   *batch
	}
	parsed := make(chan numbered, opts.Workers)
	prepared := make(chan numbered, opts.Workers*2)
	go func() {
		defer close(parsed)
		seq := 0
		for {
			b := readBatch(p, opts.BatchSize)
			select {
			case parsed <- numbered{seq, b}:
			case <-ctx.Done():
				return
			}
			seq++
			if b.readErr != nil {
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for nb := range parsed {
				if opts.Prepare != nil {
					for _, ev := range nb.b.events {
						opts.Prepare(ev)
					}
				}
				select {
				case prepared <- nb:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(prepared) }()

	var s Summary
	pending := map[int]*batch{}
	next := 0
	for nb := range prepared {
		pending[nb.seq] = nb.b
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			done, err := commit(ctx, b, apply, opts, &s)
			if err != nil {
				s.Elapsed = time.Since(start)
				return s, err
			}
			if done {
				s.Elapsed = time.Since(start)
				return s, nil
			}
		}
	}
	s.Elapsed = time.Since(start)
	if err := ctx.Err(); err != nil {
		return s, err
	}
	return s, errors.New("importer: input ended without end of file")
}

// readBatch reads rows until it has size events or the input ends.
func readBatch(p Parser, size int) *batch {
	b := &batch{events: make([]*smstrack.EventInput, 0, size)}
	for len(b.events) < size {
		row, err := p.Next()
		if err != nil {
			b.readErr = err
			return b
		}
		for _, ev := range row.Events {
			b.events = append(b.events, ev)
			b.rowOf = append(b.rowOf, len(b.rows))
		}
		row.Events = nil
		b.rows = append(b.rows, row)
	}
	return b
}

// commit applies one batch and counts it; done reports the end of input.
func commit(ctx context.Context, b *batch, apply Applier, opts Options, s *Summary) (done bool, err error) {
	failed := make([]error, len(b.rows)) // store failures by row
	if len(b.events) > 0 {
		results, err := apply(ctx, b.events)
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			results, err = applyOneByOne(ctx, b, apply, failed)
			if err != nil {
				return false, err
			}
		}
		for i, res := range results {
			if failed[b.rowOf[i]] != nil {
				continue
			}
			s.Events++
			opts.Stats.Events.Add(1)
			if res.Duplicate {
				s.Duplicates++
				opts.Stats.Duplicates.Add(1)
			} else {
				s.New++
				opts.Stats.New.Add(1)
			}
		}
	}
	for i, row := range b.rows {
		s.Rows++
		opts.Stats.Rows.Add(1)
		reason := row.Err
		if reason == nil {
			reason = failed[i]
		}
		if reason == nil {
			s.Accepted++
			continue
		}
		rej := Rejection{Row: row.N, Line: row.Line, Reason: reasonText(reason)}
		s.Rejected++
		opts.Stats.Rejected.Add(1)
		if len(s.Rejections) < opts.KeepRejections {
			s.Rejections = append(s.Rejections, rej)
		}
		if opts.OnReject != nil {
			opts.OnReject(rej)
		}
	}
	switch {
	case b.readErr == io.EOF:
		return true, nil
	case b.readErr != nil:
		return false, b.readErr
	}
	return false, nil
}

// maxStoreFailures ends an import whose events keep failing one by one:
// then the database is in trouble, not the rows.
const maxStoreFailures = 20

// applyOneByOne retries a failed batch event by event, noting in failed
// the rows whose events the store refused.
func applyOneByOne(ctx context.Context, b *batch, apply Applier, failed []error) ([]smstrack.EventResult, error) {
	results := make([]smstrack.EventResult, len(b.events))
	streak := 0
	for i, ev := range b.events {
		if failed[b.rowOf[i]] != nil {
			continue
		}
		res, err := apply(ctx, []*smstrack.EventInput{ev})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if streak++; streak >= maxStoreFailures {
				return nil, fmt.Errorf("importer: %d events in a row failed to commit, the last: %w", streak, err)
			}
			failed[b.rowOf[i]] = fmt.Errorf("store refused the event: %w", err)
			continue
		}
		streak = 0
		results[i] = res[0]
	}
	return results, nil
}

// reasonText is the reason of a rejection: an application error's message
// with the field at fault, or the error's text.
func reasonText(err error) string {
	var e *smstrack.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return e.Field + ": " + e.Message
		}
		return e.Message
	}
	return err.Error()
}
