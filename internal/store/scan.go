package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// messageColumns are the columns of a message row in the order scanMessage
// reads them; the per-stage times follow in smstrack.Statuses order.
var messageColumns = func() []string {
	cols := []string{"id", "provider", "account", "provider_id", "service_id", "direction",
		"from_number", "to_number", "body", "media", "status", "error_code", "segments",
		"encoding", "price", "price_unit", "tags", "created_at", "updated_at", "reported",
		"decided_at", "decided_provider_time", "country", "characters", "non_gsm", "sentiment",
		"sentiment_label", "keyword", "body_hash", "body_policy", "parts", "part_count", "mcc", "mnc",
		"carrier", "number_type", "conversation_id", "reply_to", "response_time_ms", "recipient_opted_out"}
	for _, s := range smstrack.Statuses {
		cols = append(cols, stageColumn(s))
	}
	return cols
}()

// stageColumn names the column holding the first time status s was reached.
func stageColumn(s smstrack.Status) string { return string(s) + "_at" }

var messageColumnList = strings.Join(messageColumns, ", ")

// prefixed returns the message columns qualified by a table alias.
func prefixedColumns(alias string) string {
	out := make([]string, len(messageColumns))
	for i, c := range messageColumns {
		out[i] = alias + "." + c
	}
	return strings.Join(out, ", ")
}

type scanner interface{ Scan(dest ...any) error }

// scanMessage reads a row of messageColumns.
func scanMessage(row scanner) (*smstrack.Message, error) {
	var (
		m                     smstrack.Message
		body                  sql.NullString
		media, tags           string
		status, direction     string
		created, updated      int64
		reported              int64
		decided, providerTime sql.NullInt64
		nonGSM, parts         string
		responseMs            sql.NullInt64
		optedOut              int64
		sentiment             sql.NullFloat64
		stages                [len(smstrack.Statuses)]sql.NullInt64
	)
	dest := []any{&m.ID, &m.Provider, &m.Account, &m.ProviderID, &m.ServiceID, &direction,
		&m.From, &m.To, &body, &media, &status, &m.ErrorCode, &m.Segments,
		&m.Encoding, &m.Price, &m.PriceUnit, &tags, &created, &updated, &reported,
		&decided, &providerTime, &m.Country, &m.Content.Characters, &nonGSM, &sentiment,
		&m.Content.SentimentLabel, &m.Content.Keyword, &m.Content.BodyHash, &m.Content.BodyPolicy,
		&parts, &m.State.PartCount, &m.Network.MCC, &m.Network.MNC, &m.Network.Carrier, &m.Network.NumberType,
		&m.ConversationID, &m.ReplyTo, &responseMs, &optedOut}
	for i := range stages {
		dest = append(dest, &stages[i])
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	m.Direction = smstrack.Direction(direction)
	m.Status = smstrack.Status(status)
	if body.Valid {
		m.Body = &body.String
	}
	if media != "" {
		if err := json.Unmarshal([]byte(media), &m.Media); err != nil {
			return nil, fmt.Errorf("store: message %d media: %w", m.ID, err)
		}
	}
	if tags != "" {
		if err := json.Unmarshal([]byte(tags), &m.Tags); err != nil {
			return nil, fmt.Errorf("store: message %d tags: %w", m.ID, err)
		}
	}
	if nonGSM != "" {
		if err := json.Unmarshal([]byte(nonGSM), &m.Content.NonGSM); err != nil {
			return nil, fmt.Errorf("store: message %d non_gsm: %w", m.ID, err)
		}
	}
	if sentiment.Valid {
		m.Content.Sentiment = &sentiment.Float64
	}
	if responseMs.Valid {
		d := time.Duration(responseMs.Int64) * time.Millisecond
		m.ResponseTime = &d
	}
	m.RecipientOptedOut = optedOut != 0
	m.CreatedAt = fromMicros(created)
	m.UpdatedAt = fromMicros(updated)
	m.Reported = reported != 0
	m.State.Status = m.Status
	m.State.ErrorCode = m.ErrorCode
	m.State.DecidedAt = fromNullMicros(decided)
	m.State.ProviderTime = fromNullMicros(providerTime)
	if parts != "" {
		if err := json.Unmarshal([]byte(parts), &m.State.Parts); err != nil {
			return nil, fmt.Errorf("store: message %d parts: %w", m.ID, err)
		}
	}
	for i, v := range stages {
		m.State.Stages[i] = fromNullMicros(v)
	}
	return &m, nil
}

// messageValues returns the values of m in messageColumns order, without id.
func messageValues(m *smstrack.Message) []any {
	var body, sentiment, responseMs any
	if m.ResponseTime != nil {
		responseMs = m.ResponseTime.Milliseconds()
	}
	if m.Body != nil {
		body = cleanText(*m.Body)
	}
	if m.Content.Sentiment != nil {
		sentiment = *m.Content.Sentiment
	}
	vals := []any{cleanText(m.Provider), cleanText(m.Account), cleanText(m.ProviderID), cleanText(m.ServiceID), string(m.Direction),
		cleanText(m.From), cleanText(m.To), body, jsonText(m.Media), string(m.State.Status), m.State.ErrorCode, m.Segments,
		m.Encoding, m.Price, m.PriceUnit, jsonText(m.Tags), m.CreatedAt.UnixMicro(), m.UpdatedAt.UnixMicro(),
		boolInt(m.Reported), nullMicros(m.State.DecidedAt), nullMicros(m.State.ProviderTime),
		cleanText(m.Country), m.Content.Characters, jsonText(m.Content.NonGSM), sentiment,
		m.Content.SentimentLabel, m.Content.Keyword, m.Content.BodyHash, m.Content.BodyPolicy,
		jsonText(m.State.Parts), m.State.PartCount, cleanText(m.Network.MCC), cleanText(m.Network.MNC),
		cleanText(m.Network.Carrier), cleanText(m.Network.NumberType),
		m.ConversationID, m.ReplyTo, responseMs, boolInt(m.RecipientOptedOut)}
	for _, t := range m.State.Stages {
		vals = append(vals, nullMicros(t))
	}
	return vals
}

// jsonText encodes media and tags; empty collections are stored as "".
func jsonText(v any) string {
	switch v := v.(type) {
	case []smstrack.Media:
		if len(v) == 0 {
			return ""
		}
	case map[string]string:
		if len(v) == 0 {
			return ""
		}
	case []string:
		if len(v) == 0 {
			return ""
		}
	case map[string]smstrack.PartState:
		if len(v) == 0 {
			return ""
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "" // media and tags are plain strings: marshalling cannot fail
	}
	return cleanText(string(b))
}

// cleanText makes s storable identically on both databases: PostgreSQL
// text refuses NUL bytes and invalid UTF-8, so both stores replace them
// with U+FFFD rather than fail an event that is otherwise fine.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func fromNullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

func nullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}
