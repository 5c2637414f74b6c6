// Package webhooktest holds test doubles for provider handler tests: an
// Ingester and a RejectedRecorder that keep what they are handed so a test
// can look at it. It must never be imported by product code.
package webhooktest

import (
	"context"
	"sync"

	"github.com/smstrack/smstrack"
)

var (
	_ smstrack.Ingester         = (*Ingester)(nil)
	_ smstrack.RejectedRecorder = (*Rejections)(nil)
)

// Ingester is an smstrack.Ingester that records the events it commits and
// fails with Err, recording nothing, when Err is set. Set Err before the
// handler runs. The zero value is ready to use.
type Ingester struct {
	Err error

	mu  sync.Mutex
	got []*smstrack.EventInput
}

// Ingest records ev and reports it applied, numbering messages and events by
// the order they arrived in, starting at 1.
func (in *Ingester) Ingest(_ context.Context, ev *smstrack.EventInput) (smstrack.EventResult, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.Err != nil {
		return smstrack.EventResult{}, in.Err
	}
	in.got = append(in.got, ev)
	n := int64(len(in.got))
	return smstrack.EventResult{MessageID: n, EventID: n, Applied: true, Status: ev.Status}, nil
}

// Events returns the events committed so far, oldest first.
func (in *Ingester) Events() []*smstrack.EventInput {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]*smstrack.EventInput(nil), in.got...)
}

// Rejections is an smstrack.RejectedRecorder that keeps every refused request
// it is handed. The zero value is ready to use.
type Rejections struct {
	mu  sync.Mutex
	got []smstrack.RejectedRequest
}

// RecordRejected keeps rr; it never fails.
func (r *Rejections) RecordRejected(_ context.Context, rr smstrack.RejectedRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, rr)
	return nil
}

// All returns the refused requests recorded so far, oldest first.
func (r *Rejections) All() []smstrack.RejectedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]smstrack.RejectedRequest(nil), r.got...)
}
