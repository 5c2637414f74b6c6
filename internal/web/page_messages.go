package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/phone"
)

func init() {
	page("GET /messages", viewer, (*Server).messagesPage)
	page("GET /messages.csv", viewer, (*Server).messagesCSV)
}

// searchScan bounds a text search: the body is matched with
// LIKE '%text%', which no index serves, so each page reads at most this
// many of the newest messages matching the other filters (an index range)
// and looks for the text in them. A word found nowhere then costs what a
// common one does; "Older" goes on through the next ones.
const searchScan = 10_000

// messageParams are the filters of the messages page and its CSV export.
var messageParams = []string{"q", "status", "direction", "from", "to", "error_code", "encoding", "tag",
	"created_after", "created_before", "provider", "country", "carrier", "cursor"}

// messageForm is the filter form as typed, shown back in the form.
type messageForm struct {
	Q, Status, Direction, From, To, ErrorCode, Encoding, Tag string
	CreatedAfter, CreatedBefore, Provider, Country, Carrier  string
}

// more reports whether a filter of the folded part of the form is set, so
// it opens.
func (f messageForm) More() bool {
	return f.Provider != "" || f.Country != "" || f.Carrier != "" || f.Tag != "" || f.Encoding != ""
}

// messagesData is what the messages page shows.
type messagesData struct {
	Form     messageForm
	Statuses []smstrack.Status
	Messages []*smstrack.Message
	// Scan is how many messages a text search reads per page; 0 without one.
	Scan    int
	Next    string // the URL of the next (older) page; "" at the end
	First   string // the URL of the first page, when not on it
	Export  string // the URL of the CSV export of the filtered list
	Filters bool   // a filter is set
}

// messageFilter reads the page's filters. Numbers are matched in the E.164
// form they are stored in, whatever form they were typed in; a text search
// reads searchScan messages a page.
func (s *Server) messageFilter(q url.Values) (smstrack.MessageFilter, messageForm, error) {
	form := messageForm{Q: q.Get("q"), Status: q.Get("status"), Direction: q.Get("direction"), From: q.Get("from"),
		To: q.Get("to"), ErrorCode: q.Get("error_code"), Encoding: q.Get("encoding"), Tag: q.Get("tag"),
		CreatedAfter: q.Get("created_after"), CreatedBefore: q.Get("created_before"), Provider: q.Get("provider"),
		Country: q.Get("country"), Carrier: q.Get("carrier")}
	var f smstrack.MessageFilter
	if err := checkParams(q, messageParams...); err != nil {
		return f, form, err
	}
	trim := strings.TrimSpace
	if v := trim(form.Status); v != "" {
		st, err := smstrack.ParseStatus(v)
		if err != nil {
			return f, form, smstrack.FieldError("status", "unknown status %q", v)
		}
		f.Status = st
	}
	d, err := smstrack.ParseDirection(form.Direction)
	if err != nil {
		return f, form, smstrack.FieldError("direction", "direction must be outbound or inbound")
	}
	f.Direction = d
	f.From = phone.Normalize(trim(form.From), s.opts.DefaultRegion)
	f.To = phone.Normalize(trim(form.To), s.opts.DefaultRegion)
	f.ErrorCode, f.Provider, f.Carrier = trim(form.ErrorCode), trim(form.Provider), trim(form.Carrier)
	f.Country = strings.ToUpper(trim(form.Country))
	f.Query = trim(form.Q)
	switch strings.ToUpper(strings.ReplaceAll(trim(form.Encoding), "_", "-")) {
	case "":
	case "GSM-7", "GSM7":
		f.Encoding = "GSM-7"
	case "UCS-2", "UCS2":
		f.Encoding = "UCS-2"
	default:
		return f, form, smstrack.FieldError("encoding", "encoding must be GSM-7 or UCS-2")
	}
	if v := trim(form.Tag); v != "" {
		k, val, ok := strings.Cut(v, ":")
		if !ok {
			k, val, ok = strings.Cut(v, "=")
		}
		if !ok || strings.TrimSpace(k) == "" {
			return f, form, smstrack.FieldError("tag", "tag must be key:value, such as campaign:spring")
		}
		f.Tags = map[string]string{strings.TrimSpace(k): strings.TrimSpace(val)}
	}
	for _, d := range []struct {
		field string
		typed *string
		t     *time.Time
	}{{"created_after", &form.CreatedAfter, &f.CreatedAfter}, {"created_before", &form.CreatedBefore, &f.CreatedBefore}} {
		if strings.TrimSpace(*d.typed) != "" {
			t, err := parseWhen(d.field, *d.typed)
			if err != nil {
				return f, form, err
			}
			*d.t, *d.typed = t, t.Format(localTimeLayout)
		}
	}
	if !f.CreatedAfter.IsZero() && !f.CreatedBefore.IsZero() && !f.CreatedAfter.Before(f.CreatedBefore) {
		return f, form, smstrack.FieldError("created_after", "the start date must be before the end date")
	}
	if f.Query != "" {
		f.ScanLimit = searchScan
	}
	f.Cursor = q.Get("cursor")
	return f, form, nil
}

func (s *Server) messagesPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, form, err := s.messageFilter(q)
	d := messagesData{Form: form, Statuses: smstrack.Statuses[:], Scan: f.ScanLimit}
	filters := slices.Clone(q["cursor"])
	q.Del("cursor")
	d.Filters = len(pageURL("", q)) > 0
	d.Export = pageURL("/messages.csv", q)
	if len(filters) > 0 {
		d.First = pageURL("/messages", q)
	}
	if s.answered(w, r, "messages", "Messages", err, d) {
		return
	}
	list, next, err := s.store.ListMessages(r.Context(), f)
	if s.answered(w, r, "messages", "Messages", err, d) {
		return
	}
	d.Messages = list
	if next != "" {
		d.Next = withParam("/messages", q, "cursor", next)
	}
	s.render(w, r, http.StatusOK, "messages", view{Title: "Messages", Data: d})
}
