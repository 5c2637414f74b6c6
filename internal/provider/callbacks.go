// Package provider holds what the provider packages below it share: the run
// of a callback (read, check, parse, store, answer) and the error catalogue
// type their code tables fill. The HTTP plumbing under it (bounded bodies,
// JSON errors, the rejected-requests log) is internal/webhook's.
//
// It knows no provider's payloads, signatures, statuses or codes; those stay
// in internal/provider/<name>. It must not import a provider package.
package provider

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Callbacks is what a provider's handler holds beside its configuration:
// where events go, where refusals are recorded, the logger and the clock,
// and the few ways providers differ in running a callback.
type Callbacks struct {
	// Provider names the provider in log lines ("sinch: request refused").
	Provider string
	// IDKey is the log key of the provider's message id ("message_sid").
	IDKey string
	// StoredKey is the log key of our message id in "event stored" lines.
	// Each provider keeps the keys it has always logged, so that queries
	// over its logs keep working.
	StoredKey string
	// Unverified, when set, is logged as a warning with every callback:
	// verification is off and the operator should know.
	Unverified string
	// QueryIsBody says a GET's fields are its query, so a refused GET that
	// came without a body is recorded with its query.
	QueryIsBody bool
	// StoreStatus is the status a storing failure answers; webhook.StatusFor
	// when nil. A canceled or timed-out store always answers 503.
	StoreStatus func(error) int

	Ingester smstrack.Ingester
	Rejector *webhook.Rejector // nil records nothing
	Log      *slog.Logger
	Now      func() time.Time
}

// NewCallbacks returns the Callbacks of the named provider, logging the
// provider's message id as "provider_id" and ours as "message"; log is
// slog.Default when nil.
func NewCallbacks(provider string, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) Callbacks {
	if log == nil {
		log = slog.Default()
	}
	return Callbacks{Provider: provider, IDKey: "provider_id", StoredKey: "message",
		Ingester: ing, Rejector: rej, Log: log, Now: time.Now}
}

// Call is one callback in flight, as a provider's read step sees it.
type Call struct {
	Request    *http.Request
	Body       []byte    // the request body, at most webhook.MaxBody bytes
	ReceivedAt time.Time // when it came, in UTC

	base *slog.Logger
	log  *slog.Logger
	kept func() []byte // what a refusal records instead of Body, when set
}

// Log returns the logger for this callback's lines, with its path and
// remote address. It is built on first use: a logger with attributes costs
// allocations that the common, silent path does not need.
func (c *Call) Log() *slog.Logger {
	if c.log == nil {
		c.log = c.base.With("path", c.Request.URL.Path, "remote_addr", c.Request.RemoteAddr)
	}
	return c.log
}

// LogWith adds attributes to every line logged for the callback from now
// on, the refusal included (the account, once it is known).
func (c *Call) LogWith(args ...any) { c.log = c.Log().With(args...) }

// TokenFields reads the fields of a gateway callback that carries a shared
// secret in its URL (Kannel, Jasmin): the query rawQuery and a form body,
// checked for tok. A refusal from then on records the request without the
// token.
func (c *Call) TokenFields(tok webhook.URLToken, rawQuery string) (url.Values, error) {
	fields, err := webhook.QueryAndForm(c.Request, rawQuery, c.Body)
	if err != nil {
		return nil, err
	}
	c.kept = func() []byte { return tok.Redact(c.Body, fields) }
	return fields, tok.Check(fields)
}

// ReadFunc turns a callback into the events to store: it authenticates the
// request and parses it. An error refuses the request (recorded, answered by
// its code), unless it comes from Fail. No events and no error
// acknowledges the callback without storing anything.
type ReadFunc func(c *Call) ([]*smstrack.EventInput, error)

// AnswerFunc answers a callback whose events are all stored; res is the
// last event's result (zero when there was none).
type AnswerFunc func(w http.ResponseWriter, res smstrack.EventResult)

// Serve runs one callback: read the body, have read authenticate and parse
// it, store every event, and only then answer with ok, so the provider
// never hears "ok" for a lost event. Each event is committed before the
// next; a retry after a failure half-way repeats the committed ones, which
// dedupe.
func (cb *Callbacks) Serve(w http.ResponseWriter, r *http.Request, read ReadFunc, ok AnswerFunc) {
	c := &Call{Request: r, ReceivedAt: cb.Now().UTC(), base: cb.Log}
	if cb.Unverified != "" {
		c.Log().Warn(cb.Provider + ": " + cb.Unverified)
	}
	body, err := webhook.ReadBody(r, webhook.MaxBody)
	c.Body = body
	if err != nil {
		cb.refuse(w, c, err)
		return
	}
	events, err := read(c)
	if err != nil {
		var f *failure
		if errors.As(err, &f) {
			webhook.WriteError(w, f.status, f.err)
			return
		}
		cb.refuse(w, c, err)
		return
	}
	var res smstrack.EventResult
	for _, ev := range events {
		if res, err = cb.store(r, c.Log, ev); err != nil {
			webhook.WriteError(w, cb.storeStatus(r, err), err)
			return
		}
	}
	ok(w, res)
}

// refuse answers a request that will not be stored and records it.
func (cb *Callbacks) refuse(w http.ResponseWriter, c *Call, err error) {
	rec := c.Body
	switch {
	case c.kept != nil:
		rec = c.kept()
	case len(rec) == 0 && cb.QueryIsBody && c.Request.Method == http.MethodGet:
		rec = []byte(c.Request.URL.RawQuery)
	}
	cb.Rejector.Refuse(w, c.Request, c.Log(), cb.Provider, rec, err)
}

// store hands one event to the ingester, logging the outcome.
func (cb *Callbacks) store(r *http.Request, log func() *slog.Logger, ev *smstrack.EventInput) (smstrack.EventResult, error) {
	res, err := cb.Ingester.Ingest(r.Context(), ev)
	if err != nil {
		log().Error(cb.Provider+": storing event", cb.IDKey, ev.ProviderID, "status", ev.Status, "err", err)
		return res, err
	}
	if cb.Log.Enabled(r.Context(), slog.LevelDebug) {
		log().Debug(cb.Provider+": event stored", cb.IDKey, ev.ProviderID, "status", ev.Status,
			cb.StoredKey, res.MessageID, "duplicate", res.Duplicate, "applied", res.Applied)
	}
	return res, nil
}

// storeStatus is the status a storing failure answers: 503 when the request
// was canceled or ran out of time (we could not finish; the provider should
// retry), otherwise what StoreStatus or webhook.StatusFor says.
func (cb *Callbacks) storeStatus(r *http.Request, err error) int {
	if r.Context().Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable
	}
	if cb.StoreStatus != nil {
		return cb.StoreStatus(err)
	}
	return webhook.StatusFor(err)
}

// failure is a callback that failed on our side, not the sender's.
type failure struct {
	status int
	err    error
}

func (f *failure) Error() string { return f.err.Error() }
func (f *failure) Unwrap() error { return f.err }

// Fail is what a ReadFunc returns when a callback fails on our side, not
// the sender's (a certificate we could not fetch): Serve answers status
// with err's message and records no refusal. The ReadFunc logs the cause.
func Fail(status int, err error) error { return &failure{status: status, err: err} }

// OK answers a stored callback with an empty 200.
func OK(w http.ResponseWriter, _ smstrack.EventResult) { w.WriteHeader(http.StatusOK) }

// Text returns an AnswerFunc answering 200 with body as plain text, for
// providers that read the answer ("OK", "ACK/Jasmin").
func Text(body string) AnswerFunc {
	return func(w http.ResponseWriter, _ smstrack.EventResult) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, body)
	}
}
