package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/phone"
)

// conversationJSON is a conversation as the API shows it.
type conversationJSON struct {
	smstrack.Conversation
	LastMessage *messageJSON  `json:"last_message,omitempty"`
	Messages    []messageJSON `json:"messages,omitempty"`
}

var conversationParams = map[string]bool{"provider": true, "account": true, "our_number": true, "their_number": true,
	"opted_out": true, "limit": true, "cursor": true}

// listConversations answers the conversations matching the filters, most
// recently active first, each with its last message.
func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) {
	f, err := s.conversationFilter(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	list, next, err := s.store.ListConversations(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]conversationJSON, len(list))
	for i, c := range list {
		out[i].Conversation = c
		last, err := s.store.ConversationMessages(r.Context(), c.ID, 1)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(last) == 1 {
			m := s.toMessageJSON(last[0], false)
			out[i].LastMessage = &m
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversations": out, "next_cursor": next})
}

// maxConversationMessages bounds one conversation's answer.
const maxConversationMessages = 1000

// getConversation answers a conversation with its newest messages (limit,
// default 200) in the order they were sent, each with its status.
func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "conversation")
	if !ok {
		return
	}
	limit, err := intParam(r, "limit", 200)
	if err == nil && (limit < 1 || limit > maxConversationMessages) {
		err = smstrack.FieldError("limit", "limit must be between 1 and %d", maxConversationMessages)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	c, err := s.store.GetConversation(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.store.ConversationMessages(r.Context(), id, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actions, err := s.store.ConversationActions(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byMessage := map[int64][]smstrack.Action{}
	for _, a := range actions {
		byMessage[a.MessageID] = append(byMessage[a.MessageID], a)
	}
	out := conversationJSON{Conversation: *c, Messages: make([]messageJSON, len(msgs))}
	for i, m := range msgs {
		out.Messages[i] = s.toMessageJSON(m, false)
		out.Messages[i].Actions = byMessage[m.ID]
	}
	writeJSON(w, http.StatusOK, out)
}

// conversationFilter reads conversation filters; numbers in any format.
func (s *Server) conversationFilter(q url.Values) (smstrack.ConversationFilter, error) {
	var f smstrack.ConversationFilter
	if err := checkParams(q, conversationParams); err != nil {
		return f, err
	}
	f.Provider, f.Account, f.Cursor = q.Get("provider"), q.Get("account"), q.Get("cursor")
	f.OurNumber = phone.Normalize(q.Get("our_number"), s.opts.DefaultRegion)
	f.TheirNumber = phone.Normalize(q.Get("their_number"), s.opts.DefaultRegion)
	if v := q.Get("opted_out"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, smstrack.FieldError("opted_out", "opted_out must be true or false")
		}
		f.OptedOut = &b
	}
	var err error
	f.Limit, err = pageLimit(q)
	return f, err
}
