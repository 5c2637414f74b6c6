package smstrack

import "time"

// Merge folds what an event tells about its message into m. The app's own
// report (source api) is authoritative: its non-empty values replace what
// callbacks said. Every other source only fills what is still unknown, so a
// receipt that arrived before the send never overwrites the app's report,
// and the report, arriving later, completes the message the receipt created.
func Merge(m *Message, f Facts, source Source, receivedAt time.Time) {
	authoritative := source == SourceAPI
	setText := func(dst *string, v string) {
		if v != "" && (*dst == "" || authoritative) {
			*dst = v
		}
	}
	setText(&m.ServiceID, f.ServiceID)
	if f.Direction != "" && (m.Direction == "" || authoritative) {
		m.Direction = f.Direction
	}
	setText(&m.From, f.From)
	setText(&m.To, f.To)
	setText(&m.Encoding, f.Encoding)
	setText(&m.Price, f.Price)
	setText(&m.PriceUnit, f.PriceUnit)
	setText(&m.Country, f.Country)
	setText(&m.Network.MCC, f.Network.MCC)
	setText(&m.Network.MNC, f.Network.MNC)
	setText(&m.Network.Carrier, f.Network.Carrier)
	setText(&m.Network.NumberType, f.Network.NumberType)
	// The body and its analysis travel together. Under the "hash" policy
	// the body itself is absent but its analysis and hash are known.
	bodyKnown := m.Body != nil || m.Content.BodyPolicy != ""
	if (f.Body != nil || f.Content.BodyPolicy != "") && (!bodyKnown || authoritative) {
		m.Body = nil
		if f.Body != nil {
			b := *f.Body
			m.Body = &b
		}
		m.Content = f.Content
	}
	if len(f.Media) > 0 && (len(m.Media) == 0 || authoritative) {
		m.Media = append([]Media(nil), f.Media...)
	}
	if f.Segments > 0 && (m.Segments == 0 || authoritative) {
		m.Segments = f.Segments
	}
	for k, v := range f.Tags {
		if _, ok := m.Tags[k]; ok && !authoritative {
			continue
		}
		if m.Tags == nil {
			m.Tags = map[string]string{}
		}
		m.Tags[k] = v
	}
	switch {
	case authoritative && !f.CreatedAt.IsZero():
		m.CreatedAt = f.CreatedAt
	case m.CreatedAt.IsZero() || (!m.Reported && receivedAt.Before(m.CreatedAt)):
		// Without the app's word, a message exists from the first time we heard of it.
		m.CreatedAt = receivedAt
	}
	if authoritative {
		m.Reported = true
	}
}
