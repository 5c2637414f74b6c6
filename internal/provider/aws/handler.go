package aws

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Path is the one URL of the SNS subscription: confirmations and
// notifications alike.
const Path = "/webhooks/aws"

// Handler serves an SNS HTTP(S) subscription carrying SMS events.
type Handler struct {
	cfg Config
	ver *verifier
	ing smstrack.Ingester
	rej *webhook.Rejector
	log *slog.Logger
	now func() time.Time
}

// NewHandler returns a Handler that verifies SNS messages by cfg, hands
// events to ing and records refused requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 24 * time.Hour
	}
	return &Handler{cfg: cfg, ver: newVerifier(cfg.HTTPClient, cfg.AllowHost), ing: ing, rej: rej, log: log, now: time.Now}
}

// Register adds the AWS route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+Path, h.serve)
}

// maxSkew is how far in the future an SNS Timestamp may be.
const maxSkew = 15 * time.Minute

// serve runs one SNS message: read, authenticate, then confirm, note or
// store it, answering 200 only once that is done.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	receivedAt := h.now().UTC()
	log := h.log.With("path", r.URL.Path, "remote_addr", r.RemoteAddr)
	if h.cfg.SkipVerification {
		log.Warn("aws: accepting an SNS message without checking its signature (SkipVerification is on)")
	}
	body, err := webhook.ReadBody(r, webhook.MaxBody)
	if err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	if len(h.cfg.TopicARNs) == 0 {
		h.refuse(w, r, log, body, &smstrack.Error{Code: smstrack.EFORBIDDEN,
			Message: "AWS is not configured here (set SMSTRACK_AWS_TOPIC_ARNS)"})
		return
	}
	env, err := ParseEnvelope(body)
	if err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	log = log.With("sns_type", env.Type, "sns_message_id", env.MessageId, "topic", env.TopicArn)
	if err := h.authenticate(r.Context(), env, receivedAt); err != nil {
		if smstrack.ErrorCode(err) == smstrack.EUNAVAILABLE {
			log.Error("aws: cannot verify the SNS message", "err", err)
			webhook.WriteError(w, http.StatusServiceUnavailable, err)
			return
		}
		h.refuse(w, r, log, body, err)
		return
	}

	switch env.Type {
	case TypeSubscriptionConfirmation:
		if err := h.ver.confirm(r.Context(), env.SubscribeURL); err != nil {
			if smstrack.ErrorCode(err) == smstrack.EFORBIDDEN {
				h.refuse(w, r, log, body, err)
				return
			}
			log.Error("aws: confirming the SNS subscription", "err", err)
			webhook.WriteError(w, http.StatusBadGateway, err)
			return
		}
		log.Info("aws: SNS subscription confirmed")
		h.ok(w)
		return
	case TypeUnsubscribeConfirmation:
		// Nothing to do: the subscription is gone, and re-subscribing is
		// the operator's decision, not ours.
		log.Warn("aws: SNS subscription removed; no more SMS events will arrive from this topic")
		h.ok(w)
		return
	}

	account := h.cfg.Account
	if account == "" {
		account = topicAccount(env.TopicArn)
	}
	meta := map[string]string{"MessageId": env.MessageId, "TopicArn": env.TopicArn, "Timestamp": env.Timestamp}
	if env.Subject != nil {
		meta["Subject"] = *env.Subject
	}
	ev, err := ParseMessage([]byte(env.Message), account, meta, receivedAt)
	if errors.Is(err, ErrIgnored) {
		log.Debug("aws: not an SMS event; acknowledged and not stored")
		h.ok(w)
		return
	}
	if err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	res, err := h.ing.Ingest(r.Context(), ev)
	if err != nil {
		status := webhook.StatusFor(err)
		if errors.Is(err, context.Canceled) || r.Context().Err() != nil {
			status = http.StatusServiceUnavailable
		}
		log.Error("aws: storing event", "message_id", ev.ProviderID, "status", ev.Status, "err", err)
		webhook.WriteError(w, status, err)
		return
	}
	log.Debug("aws: event stored", "message_id", ev.ProviderID, "status", ev.Status,
		"id", res.MessageID, "duplicate", res.Duplicate, "applied", res.Applied)
	h.ok(w)
}

func (h *Handler) ok(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "OK\n")
}

// authenticate checks the topic, the age and, unless verification is off,
// the signature of an SNS message.
func (h *Handler) authenticate(ctx context.Context, env *Envelope, now time.Time) error {
	if !slices.Contains(h.cfg.TopicARNs, env.TopicArn) {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: "TopicArn",
			Message: "SNS topic " + shorten(env.TopicArn, 200) + " is not configured here (SMSTRACK_AWS_TOPIC_ARNS)"}
	}
	ts, err := time.Parse(time.RFC3339Nano, env.Timestamp)
	if err != nil {
		return smstrack.FieldError("Timestamp", "malformed Timestamp %q", shorten(env.Timestamp, 40))
	}
	if now.Sub(ts) > h.cfg.MaxAge || ts.Sub(now) > maxSkew {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: "Timestamp",
			Message: "SNS message timestamp " + env.Timestamp + " is outside the accepted window (a replay, or a wrong clock)"}
	}
	if h.cfg.SkipVerification {
		return nil
	}
	return h.ver.Verify(ctx, env)
}

// refuse answers a request we will not store and keeps a record of it.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte, err error) {
	status := webhook.StatusFor(err)
	log.Info("aws: request refused", "status", status, "reason", smstrack.ErrorMessage(err), "field", smstrack.ErrorField(err))
	h.rej.Record(r, body, err)
	webhook.WriteError(w, status, err)
}
