// Package smpp reads SMPP delivery receipts as SMSCs really write them: the
// free-form "id:... stat:... err:..." text of a deliver_sm short message and
// the receipt TLVs (receipted_message_id, message_state, network_error_code),
// and maps them to smstrack statuses and error codes. It also knows the SMPP
// command statuses (ESME_*) that gateways pass on for refused submissions.
//
// It is shared by the gateways that relay SMPP receipts over HTTP (Kannel,
// Jasmin) and is meant to serve an SMPP listener later. It parses values
// only: it owns no network connection, no HTTP and no storage.
package smpp

import (
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// Receipt is a delivery receipt's text, field by field. Fields the SMSC left
// out are empty (times zero); nothing is invented.
type Receipt struct {
	ID             string // the message id as the SMSC wrote it
	Sub            string // messages submitted, as written (e.g. "001")
	Dlvrd          string // messages delivered, as written
	SubmitDateText string // as written: YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss
	DoneDateText   string
	SubmitDate     time.Time // zero when absent or not a date
	DoneDate       time.Time
	Stat           string            // the state word, upper-cased (e.g. "DELIVRD")
	Err            string            // the error field as written (e.g. "000")
	Text           string            // the start of the message, as written
	Extra          map[string]string // other "key:value" fields, by lower-cased key
}

// field names a receipt field and the spellings SMSCs use for its key,
// lower-cased with runs of spaces, underscores and dashes removed.
type field int

const (
	fieldNone field = iota
	fieldID
	fieldSub
	fieldDlvrd
	fieldSubmitDate
	fieldDoneDate
	fieldStat
	fieldErr
	fieldText
)

var keys = map[string]field{
	"id": fieldID, "msgid": fieldID, "messageid": fieldID,
	"sub":   fieldSub,
	"dlvrd": fieldDlvrd, "dlvr": fieldDlvrd, "delivered": fieldDlvrd,
	"submitdate": fieldSubmitDate, "subdate": fieldSubmitDate, "submitted": fieldSubmitDate,
	"donedate": fieldDoneDate, "done": fieldDoneDate,
	"stat": fieldStat, "state": fieldStat, "status": fieldStat,
	"err": fieldErr, "error": fieldErr,
	"text": fieldText, "txt": fieldText,
}

// maxReceipt bounds the text we look at: a receipt fits in one short
// message (254 octets, or a little more in message_payload).
const maxReceipt = 4 << 10

// key is one "name:" found in the text: where it starts, where its value
// starts, and which field it names (fieldNone for an unknown name).
type key struct {
	start, value int
	name         string
	f            field
}

// ParseReceipt reads a delivery receipt text. It tolerates what SMSCs
// send: keys in any case and order, extra or missing spaces, missing
// fields, 10-, 12- or 14-digit dates, unknown extra fields and colons in
// the text. Dates are read in loc (UTC when nil): receipts carry no zone,
// and SMSCs write their local time or UTC as they please.
//
// It returns an EINVALID error when the text has neither an id nor a
// state, since then it is not a receipt at all.
func ParseReceipt(s string, loc *time.Location) (*Receipt, error) {
	if loc == nil {
		loc = time.UTC
	}
	if len(s) > maxReceipt {
		s = s[:maxReceipt]
	}
	found := findKeys(s)
	r := &Receipt{}
	seen := map[field]bool{}
	for i := 0; i < len(found); i++ {
		k := found[i]
		end := len(s)
		if k.f == fieldText {
			// The text is the message itself and may hold anything, even
			// "stat:" or "id:". It runs to the end unless a field not seen
			// before follows it: then the SMSC put the text elsewhere than
			// last, and that field ends it.
			j := i + 1
			for ; j < len(found); j++ {
				if f := found[j].f; f != fieldNone && f != fieldText && !seen[f] {
					break
				}
			}
			if j < len(found) {
				end = found[j].start
			}
			if !seen[fieldText] {
				r.Text = strings.TrimSpace(s[k.value:end])
			}
			seen[fieldText] = true
			i = j - 1
			continue
		}
		if i+1 < len(found) {
			end = found[i+1].start
		}
		v := strings.TrimSpace(s[k.value:end])
		if k.f == fieldNone {
			if r.Extra == nil {
				r.Extra = map[string]string{}
			}
			if _, dup := r.Extra[k.name]; !dup {
				r.Extra[k.name] = v
			}
			continue
		}
		if seen[k.f] {
			continue // the first spelling wins; a repeat is noise
		}
		seen[k.f] = true
		// Single-word fields: anything after the first word is noise
		// some SMSCs leave between fields.
		word := v
		if i := strings.IndexAny(word, " \t\r\n"); i >= 0 {
			word = word[:i]
		}
		switch k.f {
		case fieldID:
			r.ID = word
		case fieldSub:
			r.Sub = word
		case fieldDlvrd:
			r.Dlvrd = word
		case fieldSubmitDate:
			r.SubmitDateText = word
			r.SubmitDate, _ = ParseDate(word, loc)
		case fieldDoneDate:
			r.DoneDateText = word
			r.DoneDate, _ = ParseDate(word, loc)
		case fieldStat:
			r.Stat = strings.ToUpper(word)
		case fieldErr:
			r.Err = word
		}
	}
	if r.ID == "" && r.Stat == "" {
		return nil, smstrack.Errorf(smstrack.EINVALID, "not a delivery receipt: no id and no stat")
	}
	return r, nil
}

// findKeys finds every "name:" that starts a field: a name of letters (and,
// for the two dates, "submit date" / "done date" with any spacing) at the
// start of the text or after a space, followed by optional spaces and a
// colon. Names are returned lower-cased and without separators.
func findKeys(s string) []key {
	var out []key
	for i := 0; i < len(s); i++ {
		if i > 0 && !isSpace(s[i-1]) {
			continue
		}
		if !isLetter(s[i]) {
			continue
		}
		j := i
		for j < len(s) && (isLetter(s[j]) || isDigit(s[j]) || s[j] == '_' || s[j] == '-') {
			j++
		}
		name := normalizeKey(s[i:j])
		// "submit date" and "done date": a second word "date".
		if name == "submit" || name == "done" {
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '_') {
				k++
			}
			if k+4 <= len(s) && strings.EqualFold(s[k:k+4], "date") {
				name += "date"
				j = k + 4
			}
		}
		k := j
		for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
			k++
		}
		if k >= len(s) || s[k] != ':' || len(name) > 32 {
			continue
		}
		out = append(out, key{start: i, value: k + 1, name: name, f: keys[name]})
		i = k
	}
	return out
}

func normalizeKey(s string) string {
	s = strings.ToLower(s)
	if strings.ContainsAny(s, "_-") {
		s = strings.NewReplacer("_", "", "-", "").Replace(s)
	}
	return s
}

func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// ParseDate reads a receipt date: YYMMDDhhmm (SMPP 3.4), YYMMDDhhmmss (what
// many SMSCs send) or YYYYMMDDhhmmss, in loc. ok is false for anything else,
// including impossible dates: a bad date must not cost the receipt.
func ParseDate(s string, loc *time.Location) (t time.Time, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return time.Time{}, false
		}
	}
	var layout string
	switch len(s) {
	case 10:
		layout = "0601021504"
	case 12:
		layout = "060102150405"
	case 14:
		layout = "20060102150405"
	default:
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}
