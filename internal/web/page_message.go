package web

import (
	"net/http"
	"sort"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/content"
	"github.com/smstrack/smstrack/internal/links"
)

func init() {
	page("GET /messages/{id}", viewer, (*Server).messagePage)
}

// maxThread bounds the messages of a conversation read to find replies.
const maxThread = 200

// messageData is everything the details page shows of one message.
type messageData struct {
	M        *smstrack.Message
	Error    *smstrack.ErrorInfo
	Cost     *float64 // estimated from SMSTRACK_PRICES, when priced
	Tags     []tag
	Parts    []partRow
	Steps    []step
	Findings []finding
	Content  *inspection

	Archived     []smstrack.ArchivedMedia
	Actions      []smstrack.Action
	Converted    bool
	Links        []links.Stats
	Replies      []*smstrack.Message // inbound answers to this outbound message
	Conversation *smstrack.Conversation
}

// tag is one key:value tag, for templates that list them in order.
type tag struct{ Key, Value string }

// sortedTags lists tags by key.
func sortedTags(m map[string]string) []tag {
	out := make([]tag, 0, len(m))
	for k, v := range m {
		out = append(out, tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// partRow is one part of a multipart message with a receipt of its own.
type partRow struct {
	ID string
	smstrack.PartState
}

func (s *Server) messagePage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	m, err := s.store.GetMessage(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := messageData{M: m, Error: smstrack.ExplainError(m.Provider, m.ErrorCode), Tags: sortedTags(m.Tags)}
	if price, ok := s.opts.Prices.For(m.Country); ok && m.Direction != smstrack.Inbound && m.Segments > 0 {
		cost := content.Cost(m.Segments, price)
		d.Cost = &cost
	}
	for id, p := range m.State.Parts {
		d.Parts = append(d.Parts, partRow{ID: id, PartState: p})
	}
	sort.Slice(d.Parts, func(i, j int) bool {
		a, b := d.Parts[i], d.Parts[j]
		return a.Index < b.Index || (a.Index == b.Index && a.ID < b.ID)
	})
	d.Steps = timeline(m)
	d.Findings = diagnose(m, d.Steps, s.opts.Now())
	d.Content = inspect(m, s.opts.Prices)

	if len(m.Media) > 0 {
		if d.Archived, err = s.store.ArchivedMedia(ctx, m.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.Actions, err = s.store.ListActions(ctx, m.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	_, d.Converted = smstrack.FirstConversion(d.Actions)
	if ls, ok := s.store.(links.Store); ok {
		if d.Links, err = ls.MessageLinks(ctx, m.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if m.ConversationID != 0 {
		if d.Conversation, err = s.store.GetConversation(ctx, m.ConversationID); err != nil && smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		if m.Direction == smstrack.Outbound {
			thread, err := s.store.ConversationMessages(ctx, m.ConversationID, maxThread)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			for _, o := range thread {
				if o.ReplyTo == m.ID {
					d.Replies = append(d.Replies, o)
				}
			}
		}
	}
	s.render(w, r, http.StatusOK, "message", view{Title: "Message " + m.ProviderID, Data: d})
}
