package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/links"
)

// linkStore returns the store's link side; every store of this module has one.
func (s *Server) linkStore() (links.Store, error) {
	ls, ok := s.store.(links.Store)
	if !ok {
		return nil, smstrack.Errorf(smstrack.EUNAVAILABLE, "this store keeps no links")
	}
	return ls, nil
}

// linkBase is where short links point: the configured base, or this
// server's own /l as the request reached it.
func (s *Server) linkBase(r *http.Request) string {
	if s.opts.LinkBase != "" {
		return strings.TrimRight(s.opts.LinkBase, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + strings.TrimRight(links.RedirectPrefix, "/")
}

type linkJSON struct {
	Code         string  `json:"code"`
	ShortURL     string  `json:"short_url"`
	URL          string  `json:"url"`
	MessageID    int64   `json:"message_id,omitempty"`
	Position     int     `json:"position,omitempty"`
	CreatedAt    string  `json:"created_at"`
	Clicks       *int    `json:"clicks,omitempty"`
	UniqueClicks *int    `json:"unique_clicks,omitempty"`
	Previews     *int    `json:"previews,omitempty"`
	LastClickAt  *string `json:"last_click_at,omitempty"`
}

func toLinkJSON(base string, l links.Link) linkJSON {
	return linkJSON{Code: l.Code, ShortURL: links.ShortURL(base, l.Code), URL: l.URL, MessageID: l.MessageID,
		Position: l.Position, CreatedAt: l.CreatedAt.Format("2006-01-02T15:04:05.000000Z07:00")}
}

func toStatsJSON(base string, st links.Stats) linkJSON {
	out := toLinkJSON(base, st.Link)
	out.Clicks, out.UniqueClicks, out.Previews = &st.Clicks, &st.UniqueClicks, &st.Previews
	if st.LastClickAt != nil {
		v := st.LastClickAt.Format("2006-01-02T15:04:05.000000Z07:00")
		out.LastClickAt = &v
	}
	return out
}

// createLink answers POST /api/v1/links: a short link to one URL.
func (s *Server) createLink(w http.ResponseWriter, r *http.Request) {
	ls, err := s.linkStore()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		writeError(w, smstrack.Errorf(smstrack.EINVALID, "could not read the request body"))
		return
	}
	var in struct {
		URL       string `json:"url"`
		MessageID int64  `json:"message_id"`
	}
	if err := decodeStrict(raw, &in); err != nil {
		writeError(w, err)
		return
	}
	if in.MessageID < 0 {
		writeError(w, smstrack.FieldError("message_id", "message_id must be positive"))
		return
	}
	l, err := links.Create(r.Context(), ls, strings.TrimSpace(in.URL), in.MessageID, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toLinkJSON(s.linkBase(r), *l))
}

// getLink answers GET /api/v1/links/{code}: the link and its counts.
func (s *Server) getLink(w http.ResponseWriter, r *http.Request) {
	ls, err := s.linkStore()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := r.PathValue("code")
	if !links.ValidCode(code) {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "link %q not found", code))
		return
	}
	st, err := ls.LinkStats(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toStatsJSON(s.linkBase(r), *st))
}

// messageLinks answers GET /api/v1/messages/{id}/links.
func (s *Server) messageLinks(w http.ResponseWriter, r *http.Request) {
	ls, err := s.linkStore()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, ok := pathID(w, r, "message")
	if !ok {
		return
	}
	if _, err := s.store.GetMessage(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := ls.MessageLinks(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.linkBase(r)
	out := make([]linkJSON, len(list))
	for i, st := range list {
		out[i] = toStatsJSON(base, st)
	}
	writeJSON(w, http.StatusOK, map[string]any{"links": out})
}

// reportWithLinks is POST /api/v1/messages with "track_links": true: every
// URL of the body becomes a short link of its own, the report goes on with
// the rewritten body, and the answer carries that body for the app to send.
// Without the field the report is handled exactly as before.
func (s *Server) reportWithLinks(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxReportBody+1))
	if err != nil {
		writeError(w, smstrack.Errorf(smstrack.EINVALID, "could not read the request body"))
		return
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil || fields["track_links"] == nil || len(raw) > maxReportBody {
		r.Body = io.NopCloser(bytes.NewReader(raw))
		s.reportMessage(w, r)
		return
	}
	var track bool
	if err := json.Unmarshal(fields["track_links"], &track); err != nil {
		writeError(w, smstrack.FieldError("track_links", "track_links must be true or false"))
		return
	}
	delete(fields, "track_links")
	var body *string
	json.Unmarshal(fields["body"], &body)
	var made []*links.Link
	if track && body != nil {
		ls, err := s.linkStore()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rewritten, list, err := s.trackBody(r, ls, fields, *body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		made = list
		fields["body"], _ = json.Marshal(rewritten)
		body = &rewritten
	}
	raw, _ = json.Marshal(fields)
	r.Body = io.NopCloser(bytes.NewReader(raw))
	rec := &bufferedWriter{header: http.Header{}}
	s.reportMessage(rec, r)
	if rec.status/100 != 2 || len(made) == 0 {
		rec.copyTo(w)
		return
	}
	var answer map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(rec.body.Bytes()))
	dec.UseNumber()
	if err := dec.Decode(&answer); err != nil {
		rec.copyTo(w)
		return
	}
	var id int64
	json.Unmarshal(answer["id"], &id)
	ls, _ := s.linkStore()
	codes := make([]string, len(made))
	for i, l := range made {
		codes[i] = l.Code
	}
	if err := ls.AttachLinks(r.Context(), id, codes); err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.linkBase(r)
	out := make([]linkJSON, len(made))
	for i, l := range made {
		l.MessageID = id
		out[i] = toLinkJSON(base, *l)
	}
	answer["body"], _ = json.Marshal(body)
	answer["links"], _ = json.Marshal(out)
	writeJSON(w, rec.status, answer)
}

// trackBody rewrites body with short links: the message's existing ones when
// the same report comes again (a retry must not change what was sent),
// fresh ones otherwise.
func (s *Server) trackBody(r *http.Request, ls links.Store, fields map[string]json.RawMessage, body string) (string, []*links.Link, error) {
	var key smstrack.Key
	json.Unmarshal(fields["provider"], &key.Provider)
	json.Unmarshal(fields["account"], &key.Account)
	json.Unmarshal(fields["provider_id"], &key.ProviderID)
	key.Provider, key.Account, key.ProviderID = strings.TrimSpace(key.Provider), strings.TrimSpace(key.Account), strings.TrimSpace(key.ProviderID)
	base := s.linkBase(r)
	if m, err := s.store.FindMessage(r.Context(), key); err == nil {
		existing, err := ls.MessageLinks(r.Context(), m.ID)
		if err != nil {
			return "", nil, err
		}
		spans := links.FindURLs(body)
		same := len(existing) > 0 && len(existing) == len(spans)
		for i := 0; same && i < len(spans); i++ {
			same = existing[i].URL == spans[i].URL
		}
		if same {
			out, _ := links.Rewrite(body, func(i int, _ string) string { return links.ShortURL(base, existing[i].Code) })
			list := make([]*links.Link, len(existing))
			for i := range existing {
				list[i] = &existing[i].Link
			}
			return out, list, nil
		}
	}
	return links.TrackBody(r.Context(), ls, base, body)
}

// bufferedWriter holds an answer so reportWithLinks can add to it.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	w.Write(b.body.Bytes())
}
