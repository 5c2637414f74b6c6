package aws

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Path is the one URL of the SNS subscription: confirmations and
// notifications alike.
const Path = "/webhooks/aws"

// Handler serves an SNS HTTP(S) subscription carrying SMS events.
type Handler struct {
	cfg Config
	ver *verifier
	cb  provider.Callbacks
}

// NewHandler returns a Handler that verifies SNS messages by cfg, hands
// events to ing and records refused requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 24 * time.Hour
	}
	cb := provider.NewCallbacks("aws", ing, rej, log)
	cb.IDKey, cb.StoredKey = "message_id", "id"
	if cfg.SkipVerification {
		cb.Unverified = "accepting an SNS message without checking its signature (SkipVerification is on)"
	}
	return &Handler{cfg: cfg, ver: newVerifier(cfg.HTTPClient, cfg.AllowHost), cb: cb}
}

// Register adds the AWS route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+Path, h.serve)
}

// maxSkew is how far in the future an SNS Timestamp may be.
const maxSkew = 15 * time.Minute

// serve runs one SNS message: authenticate, then confirm, note or store
// it, answering 200 only once that is done.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	h.cb.Serve(w, r, h.read, provider.Text("OK\n"))
}

// read authenticates an SNS message and returns the SMS event it carries:
// none for a subscription's confirmation or end, or an event that is not
// an SMS one, which are acknowledged without storing anything.
func (h *Handler) read(c *provider.Call) ([]*smstrack.EventInput, error) {
	if len(h.cfg.TopicARNs) == 0 {
		return nil, &smstrack.Error{Code: smstrack.EFORBIDDEN,
			Message: "AWS is not configured here (set SMSTRACK_AWS_TOPIC_ARNS)"}
	}
	env, err := ParseEnvelope(c.Body)
	if err != nil {
		return nil, err
	}
	c.LogWith("sns_type", env.Type, "sns_message_id", env.MessageId, "topic", env.TopicArn)
	ctx := c.Request.Context()
	if err := h.authenticate(ctx, env, c.ReceivedAt); err != nil {
		if smstrack.ErrorCode(err) == smstrack.EUNAVAILABLE {
			c.Log().Error("aws: cannot verify the SNS message", "err", err)
			return nil, provider.Fail(http.StatusServiceUnavailable, err)
		}
		return nil, err
	}

	switch env.Type {
	case TypeSubscriptionConfirmation:
		if err := h.ver.confirm(ctx, env.SubscribeURL); err != nil {
			if smstrack.ErrorCode(err) == smstrack.EFORBIDDEN {
				return nil, err
			}
			c.Log().Error("aws: confirming the SNS subscription", "err", err)
			return nil, provider.Fail(http.StatusBadGateway, err)
		}
		c.Log().Info("aws: SNS subscription confirmed")
		return nil, nil
	case TypeUnsubscribeConfirmation:
		// Nothing to do: the subscription is gone, and re-subscribing is
		// the operator's decision, not ours.
		c.Log().Warn("aws: SNS subscription removed; no more SMS events will arrive from this topic")
		return nil, nil
	}

	account := h.cfg.Account
	if account == "" {
		account = topicAccount(env.TopicArn)
	}
	meta := map[string]string{"MessageId": env.MessageId, "TopicArn": env.TopicArn, "Timestamp": env.Timestamp}
	if env.Subject != nil {
		meta["Subject"] = *env.Subject
	}
	ev, err := ParseMessage([]byte(env.Message), account, meta, c.ReceivedAt)
	if errors.Is(err, ErrIgnored) {
		c.Log().Debug("aws: not an SMS event; acknowledged and not stored")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []*smstrack.EventInput{ev}, nil
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
