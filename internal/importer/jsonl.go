package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// messageLine is smstrack's own message JSON, as GET /api/v1/messages/{id}
// answers it; fields the tracker computes (analysis, stage times, cost)
// are recomputed on import and not read.
type messageLine struct {
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
	Segments   int               `json:"segments"`
	Encoding   string            `json:"encoding"`
	Price      string            `json:"price"`
	PriceUnit  string            `json:"price_unit"`
	Country    string            `json:"country"`
	Network    smstrack.Network  `json:"network"`
	Tags       map[string]string `json:"tags"`
	BodyHash   string            `json:"body_hash"`
	BodyPolicy string            `json:"body_policy"`
	CreatedAt  *time.Time        `json:"created_at"`
	Events     []json.RawMessage `json:"events"`
}

// eventLine is one entry of the timeline in the message JSON.
type eventLine struct {
	Status       string            `json:"status"`
	ErrorCode    string            `json:"error_code"`
	ReceivedAt   *time.Time        `json:"received_at"`
	ProviderTime *time.Time        `json:"provider_time"`
	Part         *smstrack.PartRef `json:"part"`
}

// maxField bounds the key fields, as the store's indexes would suffer.
const maxField = 128

// ParseJSONLine turns one line of message JSON into events of source
// import, dated no later than now. A line with a timeline ("events", as
// GET /api/v1/messages/{id} gives) becomes one event per entry, so the
// stage times survive the move; a line without becomes one event with the
// message's status at its created_at. Every event carries the message's
// facts; Merge lets them fill only what is unknown.
func ParseJSONLine(line []byte, now time.Time) ([]*smstrack.EventInput, error) {
	if !utf8.Valid(line) {
		return nil, errors.New("not UTF-8")
	}
	var m messageLine
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not a message JSON object: %s", shortErr(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	key := smstrack.Key{Provider: strings.TrimSpace(m.Provider), Account: strings.TrimSpace(m.Account), ProviderID: strings.TrimSpace(m.ProviderID)}
	for field, v := range map[string]string{"provider": key.Provider, "account": key.Account, "provider_id": key.ProviderID} {
		switch {
		case v == "":
			return nil, smstrack.FieldError(field, "%s is required", field)
		case len(v) > maxField:
			return nil, smstrack.FieldError(field, "%s is longer than %d bytes", field, maxField)
		}
	}
	status, err := parseStatus(m.Status)
	if err != nil {
		return nil, smstrack.FieldError("status", "%s", smstrack.ErrorMessage(err))
	}
	dir, err := smstrack.ParseDirection(m.Direction)
	if err != nil {
		return nil, smstrack.FieldError("direction", "direction must be outbound or inbound")
	}
	if dir == "" {
		dir = smstrack.Outbound
	}
	for i, md := range m.Media {
		if u, err := url.Parse(md.URL); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, smstrack.FieldError("media["+strconv.Itoa(i)+"].url", "media url must be an absolute URL")
		}
	}
	facts := smstrack.Facts{
		ServiceID: m.ServiceID, Direction: dir, From: m.From, To: m.To, Body: m.Body, Media: m.Media,
		Segments: max(m.Segments, 0), Encoding: m.Encoding, Price: m.Price, PriceUnit: m.PriceUnit,
		Country: m.Country, Network: m.Network, Tags: m.Tags,
	}
	if m.Body == nil && (m.BodyPolicy == "hash" || m.BodyPolicy == "removed") {
		// The body was withheld where it came from; keep it withheld here.
		facts.Content = smstrack.Content{BodyPolicy: m.BodyPolicy, BodyHash: m.BodyHash}
	}
	created := now
	if m.CreatedAt != nil && m.CreatedAt.Before(now) {
		created = m.CreatedAt.UTC()
	}
	facts.CreatedAt = created

	newEvent := func(status smstrack.Status, code string, at time.Time, payload []byte) *smstrack.EventInput {
		ev := &smstrack.EventInput{Key: key, Facts: facts,
			Event: smstrack.Event{Status: status, ErrorCode: strings.TrimSpace(code), Source: smstrack.SourceImport, ReceivedAt: at, Payload: payload}}
		return ev
	}
	var out []*smstrack.EventInput
	if len(m.Events) == 0 {
		var payload bytes.Buffer
		if err := json.Compact(&payload, line); err != nil {
			return nil, fmt.Errorf("not JSON: %s", shortErr(err))
		}
		out = append(out, newEvent(status, m.ErrorCode, created, payload.Bytes()))
	}
	for i, raw := range m.Events {
		var e eventLine
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, smstrack.FieldError("events["+strconv.Itoa(i)+"]", "not an event: %s", shortErr(err))
		}
		st, err := parseStatus(e.Status)
		if err != nil {
			return nil, smstrack.FieldError("events["+strconv.Itoa(i)+"].status", "%s", smstrack.ErrorMessage(err))
		}
		at := created
		if e.ReceivedAt != nil && e.ReceivedAt.Before(now) {
			at = e.ReceivedAt.UTC()
		}
		var payload bytes.Buffer
		if err := json.Compact(&payload, raw); err != nil {
			return nil, smstrack.FieldError("events["+strconv.Itoa(i)+"]", "not JSON: %s", shortErr(err))
		}
		ev := newEvent(st, e.ErrorCode, at, payload.Bytes())
		if e.ProviderTime != nil {
			ev.ProviderTime = e.ProviderTime.UTC()
		}
		if e.Part != nil && strings.TrimSpace(e.Part.ID) != "" {
			ev.Part = smstrack.PartRef{ID: strings.TrimSpace(e.Part.ID), Index: max(e.Part.Index, 0), Count: max(e.Part.Count, 0)}
		}
		out = append(out, ev)
	}
	for _, ev := range out {
		ev.ComputeDedupeKey()
	}
	return out, nil
}

// parseStatus accepts a normalized status or none.
func parseStatus(s string) (smstrack.Status, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	return smstrack.ParseStatus(s)
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// MaxLineBytes bounds one line of message JSON; a longer line is rejected
// without stopping the import.
const MaxLineBytes = 16 << 20

// JSONL parses message JSON, one message a line.
type JSONL struct {
	r    *bufio.Reader
	now  time.Time
	line int
	n    int
}

// NewJSONL reads message JSON lines from r, dated no later than now.
func NewJSONL(r io.Reader, now time.Time) *JSONL {
	return &JSONL{r: bufio.NewReaderSize(r, 1<<20), now: now}
}

// Next reads the next non-blank line.
func (p *JSONL) Next() (Row, error) {
	for {
		line, tooLong, err := readLine(p.r, MaxLineBytes)
		if err == io.EOF && len(line) == 0 && !tooLong {
			return Row{}, io.EOF
		} else if err != nil && err != io.EOF {
			return Row{}, err
		}
		p.line++
		if tooLong {
			p.n++
			return Row{N: p.n, Line: p.line, Err: fmt.Errorf("line longer than %d bytes", MaxLineBytes)}, nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		p.n++
		events, perr := ParseJSONLine(line, p.now)
		if perr != nil {
			return Row{N: p.n, Line: p.line, Err: perr}, nil
		}
		return Row{N: p.n, Line: p.line, Events: events}, nil
	}
}

// readLine reads one line without its end; a line over limit is skipped
// to its end and reported as tooLong.
func readLine(r *bufio.Reader, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > limit {
			tooLong = true
			line = line[:0]
		} else if !tooLong {
			line = append(line, chunk...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil:
			return line, tooLong, err
		}
		return bytes.TrimRight(line, "\r\n"), tooLong, nil
	}
}
