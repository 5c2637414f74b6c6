package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/phone"
)

// maxReportBody bounds a message report; a body is at most 1600 characters.
const maxReportBody = 1 << 20

// messageReport is the body of POST /api/v1/messages: the app telling us
// about a message it sent (or received).
type messageReport struct {
	Provider   string            `json:"provider"`
	Account    string            `json:"account"`
	ProviderID string            `json:"provider_id"`
	ServiceID  string            `json:"service_id"`
	Direction  string            `json:"direction"`
	From       string            `json:"from"`
	To         string            `json:"to"`
	Body       *string           `json:"body"`
	Media      []smstrack.Media  `json:"media"`
	Status     string            `json:"status"`
	ErrorCode  string            `json:"error_code"`
	Price      string            `json:"price"`
	PriceUnit  string            `json:"price_unit"`
	CreatedAt  *time.Time        `json:"created_at"`
	Tags       map[string]string `json:"tags"`
}

// reportMessage records the app's report of a send. It is idempotent on
// provider + account + provider_id and merges with callbacks that came first.
func (s *Server) reportMessage(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxReportBody+1))
	if err != nil {
		writeError(w, smstrack.Errorf(smstrack.EINVALID, "could not read the request body"))
		return
	}
	if len(raw) > maxReportBody {
		writeError(w, smstrack.Errorf(smstrack.ETOOLARGE, "request body is larger than %d bytes", maxReportBody))
		return
	}
	in, err := parseReport(raw, time.Now().UTC())
	if err != nil {
		writeError(w, err)
		return
	}
	res, err := s.ingest.Ingest(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.store.GetMessage(r.Context(), res.MessageID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if !res.Duplicate {
		status = http.StatusCreated
	}
	writeJSON(w, status, s.toMessageJSON(m, true))
}

// parseReport validates a report and turns it into an event.
func parseReport(raw []byte, now time.Time) (*smstrack.EventInput, error) {
	var rep messageReport
	if err := decodeStrict(raw, &rep); err != nil {
		return nil, err
	}
	for field, v := range map[string]string{"provider": rep.Provider, "account": rep.Account, "provider_id": rep.ProviderID} {
		if strings.TrimSpace(v) == "" {
			return nil, smstrack.FieldError(field, "%s is required", field)
		}
	}
	var status smstrack.Status
	if rep.Status != "" {
		st, err := smstrack.ParseStatus(rep.Status)
		if err != nil {
			return nil, smstrack.FieldError("status", "unknown status %q", rep.Status)
		}
		status = st
	}
	dir, err := smstrack.ParseDirection(rep.Direction)
	if err != nil {
		return nil, smstrack.FieldError("direction", "direction must be outbound or inbound")
	}
	if dir == "" {
		dir = smstrack.Outbound
	}
	for i, m := range rep.Media {
		if u, err := url.Parse(m.URL); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, smstrack.FieldError("media["+strconv.Itoa(i)+"].url", "media url must be an absolute URL")
		}
	}
	var created time.Time
	if rep.CreatedAt != nil {
		created = rep.CreatedAt.UTC()
	}
	var payload bytes.Buffer
	if err := json.Compact(&payload, raw); err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "request body is not valid JSON")
	}
	in := &smstrack.EventInput{
		Key: smstrack.Key{Provider: strings.TrimSpace(rep.Provider), Account: strings.TrimSpace(rep.Account), ProviderID: strings.TrimSpace(rep.ProviderID)},
		Event: smstrack.Event{Status: status, ErrorCode: rep.ErrorCode, Source: smstrack.SourceAPI,
			ReceivedAt: now, Payload: payload.Bytes()},
		Facts: smstrack.Facts{ServiceID: rep.ServiceID, Direction: dir, From: rep.From, To: rep.To, Body: rep.Body,
			Media: rep.Media, Price: rep.Price, PriceUnit: rep.PriceUnit, Tags: rep.Tags, CreatedAt: created},
	}
	in.ComputeDedupeKey()
	return in, nil
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "message")
	if !ok {
		return
	}
	m, err := s.store.GetMessage(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := s.toMessageJSON(m, true)
	if err := s.addActions(r.Context(), &out, m); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(m.Media) > 0 {
		if out.MediaArchive, err = s.store.ArchivedMedia(r.Context(), id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// listFilterParams are the query parameters GET /api/v1/messages accepts;
// any other is refused so a typo never silently widens a search.
var listFilterParams = map[string]bool{"status": true, "direction": true, "from": true, "to": true,
	"provider": true, "provider_id": true, "error_code": true, "encoding": true, "tag": true, "country": true, "carrier": true,
	"created_after": true, "created_before": true, "q": true, "limit": true, "cursor": true}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	f, err := s.filter(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	list, next, err := s.store.ListMessages(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]messageJSON, len(list))
	for i, m := range list {
		out[i] = s.toMessageJSON(m, false)
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out, "next_cursor": next})
}

var emptyFilter smstrack.MessageFilter

// filter reads the message filters, with numbers in the E.164 form they are
// stored in, whatever form the caller wrote them in.
func (s *Server) filter(q url.Values) (smstrack.MessageFilter, error) {
	f, err := parseFilter(q)
	f.From = phone.Normalize(f.From, s.opts.DefaultRegion)
	f.To = phone.Normalize(f.To, s.opts.DefaultRegion)
	return f, err
}

// parseFilter reads message filters from query parameters.
func parseFilter(q url.Values) (smstrack.MessageFilter, error) {
	var f smstrack.MessageFilter
	if err := checkParams(q, listFilterParams); err != nil {
		return f, err
	}
	if v := q.Get("status"); v != "" {
		st, err := smstrack.ParseStatus(v)
		if err != nil {
			return f, smstrack.FieldError("status", "unknown status %q", v)
		}
		f.Status = st
	}
	if v := q.Get("direction"); v != "" {
		d, err := smstrack.ParseDirection(v)
		if err != nil {
			return f, smstrack.FieldError("direction", "direction must be outbound or inbound")
		}
		f.Direction = d
	}
	f.From, f.To, f.Provider = q.Get("from"), q.Get("to"), q.Get("provider")
	f.ProviderID, f.ErrorCode, f.Query, f.Cursor = q.Get("provider_id"), q.Get("error_code"), q.Get("q"), q.Get("cursor")
	f.Country, f.Carrier = strings.ToUpper(q.Get("country")), q.Get("carrier")
	if v := q.Get("encoding"); v != "" {
		switch strings.ToUpper(strings.ReplaceAll(v, "_", "-")) {
		case "GSM-7", "GSM7":
			f.Encoding = "GSM-7"
		case "UCS-2", "UCS2":
			f.Encoding = "UCS-2"
		default:
			return f, smstrack.FieldError("encoding", "encoding must be GSM-7 or UCS-2")
		}
	}
	for _, t := range q["tag"] {
		k, v, ok := strings.Cut(t, ":")
		if !ok {
			k, v, ok = strings.Cut(t, "=")
		}
		if !ok || k == "" {
			return f, smstrack.FieldError("tag", "tag must be key:value")
		}
		if f.Tags == nil {
			f.Tags = map[string]string{}
		}
		f.Tags[k] = v
	}
	for name, dst := range map[string]*time.Time{"created_after": &f.CreatedAfter, "created_before": &f.CreatedBefore} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return f, smstrack.FieldError(name, "%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z", name)
			}
			*dst = t
		}
	}
	var err error
	f.Limit, err = pageLimit(q)
	return f, err
}

// addActions adds what the recipient did to a message's detail, and whether
// and how fast it converted.
func (s *Server) addActions(ctx context.Context, out *messageJSON, m *smstrack.Message) error {
	acts, err := s.store.ListActions(ctx, m.ID)
	if err != nil {
		return err
	}
	out.Actions = acts
	first, converted := smstrack.FirstConversion(acts)
	out.Converted = &converted
	if converted {
		at := first.At
		ms := first.At.Sub(m.CreatedAt).Milliseconds()
		out.ConvertedAt, out.TimeToConvertMs = &at, &ms
	}
	return nil
}
