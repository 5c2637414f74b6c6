package importer

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// csvColumns maps the column names of Twilio's message log exports, folded
// (lower case, letters and digits only), to the Message resource field
// each carries. The console writes From, To, Body, Status, SentDate,
// ApiVersion, NumSegments, ErrorCode, AccountSid, Sid, Direction, Price,
// PriceUnit (newer exports add NumMedia and MessagingServiceSid); the
// other spellings are those of the REST API's JSON and of hand-made or
// older exports.
var csvColumns = map[string]string{
	"from":                "from",
	"to":                  "to",
	"body":                "body",
	"status":              "status",
	"messagestatus":       "status",
	"smsstatus":           "status",
	"sentdate":            "date_sent",
	"datesent":            "date_sent",
	"datecreated":         "date_created",
	"createddate":         "date_created",
	"dateupdated":         "date_updated",
	"updateddate":         "date_updated",
	"apiversion":          "api_version",
	"numsegments":         "num_segments",
	"segments":            "num_segments",
	"messagesegments":     "num_segments",
	"nummedia":            "num_media",
	"errorcode":           "error_code",
	"errormessage":        "error_message",
	"accountsid":          "account_sid",
	"account":             "account_sid",
	"sid":                 "sid",
	"messagesid":          "sid",
	"smssid":              "sid",
	"smsmessagesid":       "sid",
	"direction":           "direction",
	"price":               "price",
	"priceunit":           "price_unit",
	"messagingservicesid": "messaging_service_sid",
}

// foldColumn folds a column name for csvColumns.
func foldColumn(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CSVHeader is the header of a Twilio message log CSV: which column
// carries which field.
type CSVHeader struct {
	names  []string // as written, trimmed, for the payload
	fields []string // Message resource field per column, "" when unknown
	// Account is used for rows without an AccountSid column (or with a
	// blank one).
	Account string
}

// ParseCSVHeader reads a header row. It refuses a header without the
// message sid or the status, one naming the same field twice, and one
// without AccountSid when account is empty.
func ParseCSVHeader(rec []string, account string) (*CSVHeader, error) {
	h := &CSVHeader{Account: strings.TrimSpace(account)}
	seen := map[string]string{}
	names := map[string]bool{}
	for i, name := range rec {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF") // a byte order mark from spreadsheet tools
		}
		name = strings.TrimSpace(name)
		if !utf8.ValidString(name) {
			return nil, fmt.Errorf("header: column %d is not UTF-8", i+1)
		}
		if names[name] {
			return nil, fmt.Errorf("header: column %q appears twice", name)
		}
		names[name] = true
		field := csvColumns[foldColumn(name)]
		if prev, dup := seen[field]; dup && field != "" {
			return nil, fmt.Errorf("header: columns %q and %q both give %s", prev, name, field)
		}
		if field != "" {
			seen[field] = name
		}
		h.names = append(h.names, name)
		h.fields = append(h.fields, field)
	}
	var missing []string
	if _, ok := seen["sid"]; !ok {
		missing = append(missing, "Sid")
	}
	if _, ok := seen["status"]; !ok {
		missing = append(missing, "Status")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("header: no %s column (columns: %s)", strings.Join(missing, " or "), strings.Join(h.names, ", "))
	}
	if _, ok := seen["account_sid"]; !ok && h.Account == "" {
		return nil, errors.New("header: no AccountSid column; name the account with --account AC...")
	}
	return h, nil
}

// Row turns one data row into an event of source import. The payload is
// the row itself as a JSON object by column name, so the same row always
// dedupes against itself, wherever it sits in the file.
func (h *CSVHeader) Row(rec []string, now time.Time) (*smstrack.EventInput, error) {
	if len(rec) != len(h.names) {
		return nil, fmt.Errorf("%d fields, the header has %d", len(rec), len(h.names))
	}
	row := make(map[string]string, len(rec))
	res := &twilio.MessageResource{Fields: make(map[string]string, len(rec)+1)}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("column %s is not UTF-8", h.names[i])
		}
		row[h.names[i]] = v
		f := h.fields[i]
		switch {
		case f == "":
		case f == "body":
			res.Fields[f] = v // a blank body is a known empty one, as in the API
		case strings.TrimSpace(v) != "" && !strings.EqualFold(strings.TrimSpace(v), "null"):
			res.Fields[f] = v
		}
	}
	if strings.TrimSpace(res.Fields["account_sid"]) == "" && h.Account != "" {
		res.Fields["account_sid"] = h.Account
	}
	payload, err := json.Marshal(row) // sorted keys: deterministic
	if err != nil {
		return nil, fmt.Errorf("encoding row: %w", err)
	}
	res.Payload = payload
	ev, err := twilio.ResourceEvent(res, smstrack.SourceImport, now)
	if err != nil {
		return nil, csvFieldError(err, h)
	}
	return ev, nil
}

// csvFieldError names the column, not the API field, in a row's error.
func csvFieldError(err error, h *CSVHeader) error {
	var e *smstrack.Error
	if !errors.As(err, &e) || e.Field == "" {
		return err
	}
	for i, f := range h.fields {
		if f == e.Field {
			return smstrack.FieldError(h.names[i], "%s", e.Message)
		}
	}
	return err
}

// TwilioCSV parses a Twilio message log CSV export.
type TwilioCSV struct {
	r      *csv.Reader
	header *CSVHeader
	now    time.Time
	n      int
	bad    int // malformed records in a row
}

// NewTwilioCSV reads the header of a Twilio message log CSV; account is
// the AccountSid for rows that carry none. Rows are dated no later than now.
func NewTwilioCSV(r io.Reader, account string, now time.Time) (*TwilioCSV, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row, so one short row is one rejection
	cr.ReuseRecord = true
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty file: no header row")
	} else if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	h, err := ParseCSVHeader(rec, account)
	if err != nil {
		return nil, err
	}
	return &TwilioCSV{r: cr, header: h, now: now}, nil
}

// maxBadRecords ends an import whose CSV is broken beyond single rows.
const maxBadRecords = 1000

// Next reads the next row.
func (p *TwilioCSV) Next() (Row, error) {
	for {
		rec, err := p.r.Read()
		if err == io.EOF {
			return Row{}, io.EOF
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			// The reader resumes at the next line: one malformed row is one
			// rejection, but a file that is no CSV at all ends the import.
			if p.bad++; p.bad > maxBadRecords {
				return Row{}, fmt.Errorf("more than %d malformed CSV records in a row; is this a CSV file? last: %w", maxBadRecords, err)
			}
			p.n++
			return Row{N: p.n, Line: perr.StartLine, Err: fmt.Errorf("malformed CSV: %v", perr.Err)}, nil
		} else if err != nil {
			return Row{}, err
		}
		p.bad = 0
		line, _ := p.r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line, as some tools leave at the end
		}
		p.n++
		ev, err := p.header.Row(rec, p.now)
		if err != nil {
			return Row{N: p.n, Line: line, Err: err}, nil
		}
		return Row{N: p.n, Line: line, Events: []*smstrack.EventInput{ev}}, nil
	}
}
