package web

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// csvHeader names the columns of the messages export.
var csvHeader = []string{"id", "created_at", "direction", "provider", "account", "provider_id", "from", "to",
	"status", "error_code", "error_title", "segments", "encoding", "price", "price_unit", "country", "carrier",
	"tags", "body"}

// messagesCSV streams the filtered list as CSV, page by page through the
// same cursor as the list, so an export of millions of messages holds one
// page in memory at a time and starts arriving at once.
func (s *Server) messagesCSV(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	q.Del("cursor")
	f, form, err := s.messageFilter(q)
	if s.answered(w, r, "messages", "Messages", err, messagesData{Form: form, Statuses: smstrack.Statuses[:]}) {
		return
	}
	f.Limit = smstrack.MaxPageSize
	// The first page is read before anything is written, so a failing
	// query still answers with an error status.
	list, next, err := s.store.ListMessages(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="smstrack-messages-`+s.opts.Now().UTC().Format("20060102T150405Z")+`.csv"`)
	rc := http.NewResponseController(w)
	out := csv.NewWriter(w)
	out.Write(csvHeader)
	for {
		for _, m := range list {
			out.Write(csvRow(m))
		}
		out.Flush()
		if err := out.Error(); err != nil {
			return // the client went away
		}
		rc.Flush()
		if next == "" {
			return
		}
		f.Cursor = next
		if list, next, err = s.store.ListMessages(r.Context(), f); err != nil {
			// The status is sent: the export ends short, and says so
			// in its last line rather than pass for complete.
			s.log.Error("console: CSV export", "err", err)
			out.Write([]string{"# export interrupted: the server log says why"})
			out.Flush()
			return
		}
	}
}

// csvRow is one message as a row of the export.
func csvRow(m *smstrack.Message) []string {
	body, title := "", ""
	if m.Body != nil {
		body = *m.Body
	}
	if info := smstrack.ExplainError(m.Provider, m.ErrorCode); info != nil {
		title = info.Title
	}
	keys := make([]string, 0, len(m.Tags))
	for k := range m.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tags := make([]string, len(keys))
	for i, k := range keys {
		tags[i] = k + ":" + m.Tags[k]
	}
	row := []string{strconv.FormatInt(m.ID, 10), m.CreatedAt.UTC().Format(time.RFC3339Nano), string(m.Direction),
		m.Provider, m.Account, m.ProviderID, m.From, m.To, string(m.Status), m.ErrorCode, title,
		strconv.Itoa(m.Segments), m.Encoding, m.Price, m.PriceUnit, m.Country, m.Network.Carrier,
		strings.Join(tags, ";"), body}
	for i, v := range row {
		row[i] = spreadsheetSafe(v)
	}
	return row
}

// plainNumber is a cell a spreadsheet reads as a number, harmlessly:
// phone numbers (+14155550100) and prices (-0.0079).
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// spreadsheetSafe keeps a cell from running as a formula when the export
// is opened in a spreadsheet: text starting with = + - @ or a control
// character gets a leading apostrophe (message bodies are written by
// strangers). Plain numbers stay as they are.
func spreadsheetSafe(v string) string {
	if v == "" || plainNumber.MatchString(v) {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}
