package webhooktest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/smstrack/smstrack"
)

func TestIngester(t *testing.T) {
	in := &Ingester{}
	ctx := context.Background()
	for i, s := range []smstrack.Status{smstrack.StatusDelivered, smstrack.StatusReceived} {
		ev := &smstrack.EventInput{}
		ev.Status = s
		res, err := in.Ingest(ctx, ev)
		if err != nil {
			t.Fatalf("Ingest: %v", err)
		}
		want := smstrack.EventResult{MessageID: int64(i + 1), EventID: int64(i + 1), Applied: true, Status: s}
		if res != want {
			t.Errorf("Ingest #%d = %+v, want %+v", i+1, res, want)
		}
	}

	got := in.Events()
	if len(got) != 2 || got[0].Status != smstrack.StatusDelivered || got[1].Status != smstrack.StatusReceived {
		t.Fatalf("Events() = %+v, want delivered then received", got)
	}
	got[0] = nil
	if in.Events()[0] == nil {
		t.Error("Events() shares its slice with the recorder")
	}

	in.Err = errors.New("disk full")
	if res, err := in.Ingest(ctx, &smstrack.EventInput{}); !errors.Is(err, in.Err) || res != (smstrack.EventResult{}) {
		t.Errorf("Ingest with Err set = %+v, %v; want zero result and %v", res, err, in.Err)
	}
	if n := len(in.Events()); n != 2 {
		t.Errorf("%d events after a failed Ingest, want 2", n)
	}
}

func TestRejections(t *testing.T) {
	r := &Rejections{}
	if got := r.All(); len(got) != 0 {
		t.Fatalf("All() on a new recorder = %+v, want none", got)
	}
	for _, reason := range []string{"bad signature", "unknown status"} {
		if err := r.RecordRejected(context.Background(), smstrack.RejectedRequest{Reason: reason}); err != nil {
			t.Fatalf("RecordRejected: %v", err)
		}
	}
	got := r.All()
	if len(got) != 2 || got[0].Reason != "bad signature" || got[1].Reason != "unknown status" {
		t.Fatalf("All() = %+v, want both rejections in order", got)
	}
	got[0].Reason = "changed"
	if r.All()[0].Reason != "bad signature" {
		t.Error("All() shares its slice with the recorder")
	}
}

// Handlers ingest and record from many goroutines at once.
func TestConcurrentUse(t *testing.T) {
	in, r := &Ingester{}, &Rejections{}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			in.Ingest(context.Background(), &smstrack.EventInput{})
			r.RecordRejected(context.Background(), smstrack.RejectedRequest{})
			in.Events()
			r.All()
		})
	}
	wg.Wait()
	if len(in.Events()) != 50 || len(r.All()) != 50 {
		t.Errorf("%d events and %d rejections, want 50 of each", len(in.Events()), len(r.All()))
	}
}
