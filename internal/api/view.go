package api

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/content"
)

// messageJSON is a message as the API shows it.
type messageJSON struct {
	ID         int64               `json:"id"`
	Provider   string              `json:"provider"`
	Account    string              `json:"account"`
	ProviderID string              `json:"provider_id"`
	ServiceID  string              `json:"service_id"`
	Direction  smstrack.Direction  `json:"direction"`
	From       string              `json:"from"`
	To         string              `json:"to"`
	Body       *string             `json:"body"`
	Media      []smstrack.Media    `json:"media"`
	Status     smstrack.Status     `json:"status"`
	ErrorCode  string              `json:"error_code"`
	Error      *smstrack.ErrorInfo `json:"error"`
	Segments   int                 `json:"segments"`
	Encoding   string              `json:"encoding"`
	Price      string              `json:"price"`
	PriceUnit  string              `json:"price_unit"`
	Country    string              `json:"country"`
	Network    smstrack.Network    `json:"network"`
	Parts      []partJSON          `json:"parts"`
	Tags       map[string]string   `json:"tags"`

	Characters     int      `json:"characters"`
	NonGSM         []string `json:"non_gsm_characters"`
	Sentiment      *float64 `json:"sentiment"`
	SentimentLabel string   `json:"sentiment_label"`
	Keyword        string   `json:"keyword"`
	BodyHash       string   `json:"body_hash,omitempty"`
	BodyPolicy     string   `json:"body_policy"`
	EstimatedCost  *float64 `json:"estimated_cost"`

	ConversationID    int64  `json:"conversation_id"`
	ReplyTo           int64  `json:"reply_to,omitempty"`
	ResponseTimeMs    *int64 `json:"response_time_ms"`
	RecipientOptedOut bool   `json:"recipient_opted_out"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	AcceptedAt           *time.Time `json:"accepted_at"`
	ScheduledAt          *time.Time `json:"scheduled_at"`
	QueuedAt             *time.Time `json:"queued_at"`
	SendingAt            *time.Time `json:"sending_at"`
	SentAt               *time.Time `json:"sent_at"`
	PartiallyDeliveredAt *time.Time `json:"partially_delivered_at"`
	DeliveredAt          *time.Time `json:"delivered_at"`
	UndeliveredAt        *time.Time `json:"undelivered_at"`
	FailedAt             *time.Time `json:"failed_at"`
	ReadAt               *time.Time `json:"read_at"`
	CanceledAt           *time.Time `json:"canceled_at"`
	ReceivingAt          *time.Time `json:"receiving_at"`
	ReceivedAt           *time.Time `json:"received_at"`

	Events          []eventJSON              `json:"events,omitempty"`
	Actions         []smstrack.Action        `json:"actions,omitempty"`
	Converted       *bool                    `json:"converted,omitempty"`
	ConvertedAt     *time.Time               `json:"converted_at,omitempty"`
	TimeToConvertMs *int64                   `json:"time_to_convert_ms,omitempty"`
	MediaArchive    []smstrack.ArchivedMedia `json:"media_archive,omitempty"`
}

// eventJSON is one entry of a message's timeline.
type eventJSON struct {
	ID           int64               `json:"id"`
	Status       smstrack.Status     `json:"status"`
	ErrorCode    string              `json:"error_code"`
	Error        *smstrack.ErrorInfo `json:"error"`
	Source       smstrack.Source     `json:"source"`
	ReceivedAt   time.Time           `json:"received_at"`
	ProviderTime *time.Time          `json:"provider_time"`
	Applied      bool                `json:"applied"`
	Part         *smstrack.PartRef   `json:"part,omitempty"`
	Payload      json.RawMessage     `json:"payload"`
}

// partJSON is one part of a multipart message with per-part receipts.
type partJSON struct {
	ID string `json:"id"`
	smstrack.PartState
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// toMessageJSON renders m; withEvents adds its timeline.
func (s *Server) toMessageJSON(m *smstrack.Message, withEvents bool) messageJSON {
	st := &m.State.Stages
	out := messageJSON{
		ID: m.ID, Provider: m.Provider, Account: m.Account, ProviderID: m.ProviderID, ServiceID: m.ServiceID,
		Direction: m.Direction, From: m.From, To: m.To, Body: m.Body, Media: m.Media,
		Status: m.Status, ErrorCode: m.ErrorCode, Error: smstrack.ExplainError(m.Provider, m.ErrorCode),
		Segments: m.Segments, Encoding: m.Encoding, Price: m.Price, PriceUnit: m.PriceUnit, Country: m.Country, Network: m.Network, Tags: m.Tags,
		Characters: m.Content.Characters, NonGSM: m.Content.NonGSM, Sentiment: m.Content.Sentiment,
		SentimentLabel: m.Content.SentimentLabel, Keyword: m.Content.Keyword, BodyHash: m.Content.BodyHash,
		BodyPolicy: m.Content.BodyPolicy, ConversationID: m.ConversationID, ReplyTo: m.ReplyTo,
		RecipientOptedOut: m.RecipientOptedOut,
		CreatedAt:         m.CreatedAt, UpdatedAt: m.UpdatedAt,

		AcceptedAt:           timePtr(st.At(smstrack.StatusAccepted)),
		ScheduledAt:          timePtr(st.At(smstrack.StatusScheduled)),
		QueuedAt:             timePtr(st.At(smstrack.StatusQueued)),
		SendingAt:            timePtr(st.At(smstrack.StatusSending)),
		SentAt:               timePtr(st.At(smstrack.StatusSent)),
		PartiallyDeliveredAt: timePtr(st.At(smstrack.StatusPartiallyDelivered)),
		DeliveredAt:          timePtr(st.At(smstrack.StatusDelivered)),
		UndeliveredAt:        timePtr(st.At(smstrack.StatusUndelivered)),
		FailedAt:             timePtr(st.At(smstrack.StatusFailed)),
		ReadAt:               timePtr(st.At(smstrack.StatusRead)),
		CanceledAt:           timePtr(st.At(smstrack.StatusCanceled)),
		ReceivingAt:          timePtr(st.At(smstrack.StatusReceiving)),
		ReceivedAt:           timePtr(st.At(smstrack.StatusReceived)),
	}
	if m.ResponseTime != nil {
		ms := m.ResponseTime.Milliseconds()
		out.ResponseTimeMs = &ms
	}
	out.Parts = []partJSON{}
	for id, p := range m.State.Parts {
		out.Parts = append(out.Parts, partJSON{ID: id, PartState: p})
	}
	sort.Slice(out.Parts, func(i, j int) bool {
		a, b := out.Parts[i], out.Parts[j]
		return a.Index < b.Index || (a.Index == b.Index && a.ID < b.ID)
	})
	if out.NonGSM == nil {
		out.NonGSM = []string{}
	}
	if out.BodyPolicy == "" {
		out.BodyPolicy = "keep"
	}
	if price, ok := s.opts.Prices.For(m.Country); ok && m.Direction != smstrack.Inbound && m.Segments > 0 {
		cost := content.Cost(m.Segments, price)
		out.EstimatedCost = &cost
	}
	if out.Media == nil {
		out.Media = []smstrack.Media{}
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	if withEvents {
		out.Events = make([]eventJSON, len(m.Events))
		for i, e := range m.Events {
			var part *smstrack.PartRef
			if e.Part.ID != "" {
				part = &m.Events[i].Part
			}
			out.Events[i] = eventJSON{Part: part, ID: e.ID, Status: e.Status, ErrorCode: e.ErrorCode,
				Error: smstrack.ExplainError(m.Provider, e.ErrorCode), Source: e.Source, ReceivedAt: e.ReceivedAt,
				ProviderTime: timePtr(e.ProviderTime), Applied: e.Applied, Payload: payloadJSON(e.Payload)}
		}
	}
	return out
}

// payloadJSON shows a stored payload as JSON, or as a JSON string when it
// is not JSON, so one odd payload cannot break the answer.
func payloadJSON(p []byte) json.RawMessage {
	if json.Valid(p) {
		return p
	}
	b, _ := json.Marshal(string(p))
	return b
}
