package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/phone"
)

func init() {
	page("GET /conversations", viewer, (*Server).conversationsPage)
	page("GET /conversations/{id}", viewer, (*Server).conversationPage)
}

// conversationsData is what the conversations list shows.
type conversationsData struct {
	Number, OptedOut string // the filters as typed
	Conversations    []smstrack.Conversation
	Next, First      string
	Filters          bool
}

func (s *Server) conversationsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := conversationsData{Number: q.Get("number"), OptedOut: q.Get("opted_out")}
	cursor := q.Get("cursor")
	q.Del("cursor")
	d.Filters = pageURL("", q) != ""
	if cursor != "" {
		d.First = pageURL("/conversations", q)
	}
	f, err := s.conversationFilter(q)
	if s.answered(w, r, "conversations", "Conversations", err, d) {
		return
	}
	f.Cursor = cursor
	list, next, err := s.store.ListConversations(r.Context(), f)
	if s.answered(w, r, "conversations", "Conversations", err, d) {
		return
	}
	d.Conversations = list
	if next != "" {
		d.Next = withParam("/conversations", q, "cursor", next)
	}
	s.render(w, r, http.StatusOK, "conversations", view{Title: "Conversations", Data: d})
}

// conversationFilter reads the list's filters: their number (in any form),
// and whether the pair has opted out.
func (s *Server) conversationFilter(q url.Values) (smstrack.ConversationFilter, error) {
	var f smstrack.ConversationFilter
	if err := checkParams(q, "number", "opted_out", "cursor"); err != nil {
		return f, err
	}
	f.TheirNumber = phone.Normalize(strings.TrimSpace(q.Get("number")), s.opts.DefaultRegion)
	switch q.Get("opted_out") {
	case "":
	case "yes":
		f.OptedOut = new(true)
	case "no":
		f.OptedOut = new(false)
	default:
		return f, smstrack.FieldError("opted_out", "opted_out must be yes or no")
	}
	return f, nil
}

// conversationData is one thread, as a phone shows it.
type conversationData struct {
	C       *smstrack.Conversation
	Items   []bubble
	Limited bool // more messages than the thread shows
	// Sent and Received are the messages page filtered to this pair, one
	// direction each, for what the thread leaves out.
	Sent, Received string
}

// bubble is one message of a thread, with the day heading it starts,
// and what the recipient did with it.
type bubble struct {
	M       *smstrack.Message
	Day     string // set on the first message of each day
	Error   *smstrack.ErrorInfo
	Actions []smstrack.Action
}

func (s *Server) conversationPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	c, err := s.store.GetConversation(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.store.ConversationMessages(ctx, id, maxThread+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := conversationData{C: c,
		Sent:     pageURL("/messages", url.Values{"from": {c.OurNumber}, "to": {c.TheirNumber}}),
		Received: pageURL("/messages", url.Values{"from": {c.TheirNumber}, "to": {c.OurNumber}})}
	if len(msgs) > maxThread {
		msgs, d.Limited = msgs[1:], true
	}
	actions, err := s.store.ConversationActions(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byMessage := map[int64][]smstrack.Action{}
	for _, a := range actions {
		byMessage[a.MessageID] = append(byMessage[a.MessageID], a)
	}
	day := ""
	for _, m := range msgs {
		b := bubble{M: m, Error: smstrack.ExplainError(m.Provider, m.ErrorCode), Actions: byMessage[m.ID]}
		if d := m.CreatedAt.UTC().Format("Monday 2 January 2006"); d != day {
			b.Day, day = d, d
		}
		d.Items = append(d.Items, b)
	}
	s.render(w, r, http.StatusOK, "conversation", view{Title: "Conversation with " + c.TheirNumber, Data: d})
}
