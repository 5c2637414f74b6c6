package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// Bounds of a rejected request's record. The body is kept so an operator can
// see what a provider sent, not to archive it.
const (
	RejectedBodyLimit   = 4 << 10
	rejectedFieldLimit  = 512
	rejectTimeout       = 5 * time.Second
	maxPendingRejection = 16
)

// Rejector records requests a webhook refused as malformed, so an operator
// can see what a provider sent. Recording is best effort and never holds up
// the answer: records are written in the background, a bounded number at a
// time, and dropped (with a log line) when the recorder falls behind, so a
// flood of garbage cannot tie up handlers or memory.
//
// A nil *Rejector records nothing, so handlers need no checks.
type Rejector struct {
	rec     smstrack.RejectedRecorder
	log     *slog.Logger
	slots   chan struct{}
	pending sync.WaitGroup
	now     func() time.Time
	observe func(*http.Request, error) // see Observe
}

// NewRejector returns a Rejector writing to rec and logging its failures to
// log (slog.Default when nil).
func NewRejector(rec smstrack.RejectedRecorder, log *slog.Logger) *Rejector {
	if log == nil {
		log = slog.Default()
	}
	return &Rejector{
		rec:   rec,
		log:   log,
		slots: make(chan struct{}, maxPendingRejection),
		now:   time.Now,
	}
}

// Observe has fn told of every refused request, for metrics, before it is
// recorded; fn must not block. Set it before serving.
func (rj *Rejector) Observe(fn func(r *http.Request, err error)) { rj.observe = fn }

// Record keeps a refused request: its method, path, content type, the reason
// and field taken from err, the start of its body and the remote address.
// It returns at once; the write happens in the background.
func (rj *Rejector) Record(r *http.Request, body []byte, err error) {
	if rj != nil && rj.observe != nil {
		rj.observe(r, err)
	}
	if rj == nil || rj.rec == nil {
		return
	}
	rr := rj.build(r, body, err)
	select {
	case rj.slots <- struct{}{}:
	default:
		rj.log.Warn("webhook: rejected request not recorded: recorder busy",
			"path", rr.Path, "reason", rr.Reason)
		return
	}
	// The request's own context ends with the answer, which is about to be
	// written; keep its values but not its cancellation.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), rejectTimeout)
	rj.pending.Add(1)
	go func() {
		defer func() {
			cancel()
			<-rj.slots
			rj.pending.Done()
		}()
		if err := rj.rec.RecordRejected(ctx, rr); err != nil {
			rj.log.Warn("webhook: recording rejected request", "path", rr.Path, "reason", rr.Reason, "err", err)
		}
	}()
}

// Wait blocks until every record in flight is written or has failed. The
// server calls it on shutdown; tests call it before looking at the recorder.
func (rj *Rejector) Wait() {
	if rj != nil {
		rj.pending.Wait()
	}
}

// build copies what the record needs out of the request, so nothing of the
// request or its body buffer is used after the handler returns.
func (rj *Rejector) build(r *http.Request, body []byte, err error) smstrack.RejectedRequest {
	reason := smstrack.ErrorMessage(err)
	if reason == "" {
		reason = "rejected"
	}
	return smstrack.RejectedRequest{
		ReceivedAt:  rj.now().UTC(),
		Method:      clean(r.Method, rejectedFieldLimit),
		Path:        clean(r.URL.Path, rejectedFieldLimit),
		ContentType: clean(r.Header.Get("Content-Type"), rejectedFieldLimit),
		Reason:      clean(reason, rejectedFieldLimit),
		Field:       clean(smstrack.ErrorField(err), rejectedFieldLimit),
		Body:        clean(string(body), RejectedBodyLimit),
		RemoteAddr:  clean(r.RemoteAddr, rejectedFieldLimit),
	}
}

// clean makes s safe to store and show: valid UTF-8 without NUL bytes (which
// PostgreSQL text refuses), cut to at most limit bytes on a rune boundary.
func clean(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// Refuse answers a request that will not be stored, by the status its error
// calls for, logs it under the provider's name and keeps a record of it.
func (rj *Rejector) Refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, provider string, body []byte, err error) {
	status := StatusFor(err)
	log.Info(provider+": request refused", "status", status, "reason", smstrack.ErrorMessage(err), "field", smstrack.ErrorField(err))
	rj.Record(r, body, err)
	WriteError(w, status, err)
}
