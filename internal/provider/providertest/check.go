package providertest

import (
	"bytes"
	"encoding/json"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// categories and parties are smstrack's taxonomy, which every catalogue
// entry must use.
var (
	categories = map[smstrack.ErrorCategory]bool{
		smstrack.CategoryHandsetUnreachable: true, smstrack.CategoryNotMobileOrInvalid: true,
		smstrack.CategoryBlockedOrOptedOut: true, smstrack.CategoryContentFiltered: true,
		smstrack.CategoryRateLimited: true, smstrack.CategorySenderRegistration: true,
		smstrack.CategoryAccountOrBilling: true, smstrack.CategoryExpired: true, smstrack.CategoryUnknown: true,
	}
	parties = map[smstrack.Party]bool{
		smstrack.PartyApplication: true, smstrack.PartyProvider: true, smstrack.PartyCarrier: true,
		smstrack.PartyHandset: true, smstrack.PartyUnknown: true,
	}
)

// CheckInfo fails t unless info explains code completely, in smstrack's
// categories and parties.
func CheckInfo(t testing.TB, code string, info smstrack.ErrorInfo) {
	t.Helper()
	switch {
	case info.Code != code:
		t.Errorf("%s: explained as code %q", code, info.Code)
	case info.Title == "":
		t.Errorf("%s: no title", code)
	case info.Description == "" || info.Advice == "":
		t.Errorf("%s: description %q, advice %q: want both", code, info.Description, info.Advice)
	}
	if !categories[info.Category] {
		t.Errorf("%s: category %q is not one of smstrack's", code, info.Category)
	}
	if !parties[info.Responsible] {
		t.Errorf("%s: party %q is not one of smstrack's", code, info.Responsible)
	}
}

// CheckCatalog fails t unless catalog, of size entries and registered for
// provider, explains every one of codes completely and holds no others.
func CheckCatalog(t testing.TB, provider string, catalog smstrack.ErrorCatalog, size int, codes []string) {
	t.Helper()
	for _, code := range codes {
		info, ok := catalog.Explain(code)
		if !ok {
			t.Errorf("%s: not in the catalogue", code)
			continue
		}
		if got := smstrack.ExplainError(provider, code); got == nil || *got != info {
			t.Errorf("%s: explained as %+v, want the catalogue's %+v", code, got, info)
		}
		CheckInfo(t, code, info)
	}
	if size != len(codes) {
		t.Errorf("catalogue has %d codes, test lists %d: keep them in step", size, len(codes))
	}
}

// CheckUnknown fails t unless each of codes is explained for provider as
// an unknown error, which still shows rather than vanishes.
func CheckUnknown(t testing.TB, provider string, codes ...string) {
	t.Helper()
	for _, code := range codes {
		info := smstrack.ExplainError(provider, code)
		if info == nil {
			t.Fatalf("ExplainError(%q) = nil, want an unknown-category explanation", code)
		}
		if info.Category != smstrack.CategoryUnknown || info.Responsible != smstrack.PartyUnknown || info.Code != code {
			t.Errorf("ExplainError(%q) = %+v, want category and party unknown", code, info)
		}
	}
}

// CheckCategories fails t unless each code is explained in its category:
// spot checks that the categories say what the codes mean.
func CheckCategories(t testing.TB, provider string, want map[string]smstrack.ErrorCategory) {
	t.Helper()
	for code, category := range want {
		if got := smstrack.ExplainError(provider, code).Category; got != category {
			t.Errorf("%s: %s, want %s", code, got, category)
		}
	}
}

// Parsed is what holds for every event a provider's parsers return.
type Parsed struct {
	Provider  string
	ValidID   func(string) bool // the account and message id; nil for any non-empty one
	NoStatus  bool              // an event may carry no status
	Direction bool              // every event says whether it is inbound or outbound
	Secret    string            // a parameter name that must never reach a payload ("token")
}

// Check fails t unless a parser's answer holds: an error comes alone and
// says EINVALID; an event has the provider's key, a valid status, the
// webhook source, a dedupe key and a payload of valid JSON text. It
// reports whether there is an event to check further.
func (p Parsed) Check(t testing.TB, ev *smstrack.EventInput, err error) bool {
	t.Helper()
	if err != nil {
		if ev != nil {
			t.Fatalf("event %+v returned with error %v", ev, err)
		}
		if smstrack.ErrorCode(err) != smstrack.EINVALID {
			t.Fatalf("error %v has code %q, want EINVALID", err, smstrack.ErrorCode(err))
		}
		return false
	}
	valid := p.ValidID
	if valid == nil {
		valid = func(s string) bool { return s != "" }
	}
	if ev.Provider != p.Provider || !valid(ev.Account) || !valid(ev.ProviderID) {
		t.Fatalf("bad key %+v", ev.Key)
	}
	if !ev.Status.Valid() && !(p.NoStatus && ev.Status == "") {
		t.Fatalf("invalid status %q", ev.Status)
	}
	if ev.Source != smstrack.SourceWebhook || ev.DedupeKey == "" {
		t.Fatalf("source %q, dedupe key %q", ev.Source, ev.DedupeKey)
	}
	if !json.Valid(ev.Payload) || !utf8.Valid(ev.Payload) {
		t.Fatalf("payload %q is not valid JSON text", ev.Payload)
	}
	if p.Secret != "" && bytes.Contains(ev.Payload, []byte(`"`+p.Secret+`"`)) {
		t.Fatalf("payload %q keeps %s", ev.Payload, p.Secret)
	}
	if p.Direction && ev.Facts.Direction != smstrack.Inbound && ev.Facts.Direction != smstrack.Outbound {
		t.Fatalf("direction %q", ev.Facts.Direction)
	}
	return true
}

// CheckAll is Check for a parser of several events: an error comes alone
// and says EINVALID; otherwise there is at least one event and each holds.
// It reports whether there are events to check further.
func (p Parsed) CheckAll(t testing.TB, evs []*smstrack.EventInput, err error) bool {
	t.Helper()
	if err != nil {
		if evs != nil {
			t.Fatalf("events %v returned with error %v", evs, err)
		}
		if smstrack.ErrorCode(err) != smstrack.EINVALID {
			t.Fatalf("error %v has code %q, want EINVALID", err, smstrack.ErrorCode(err))
		}
		return false
	}
	if len(evs) == 0 {
		t.Fatal("no events and no error")
	}
	for _, ev := range evs {
		p.Check(t, ev, nil)
	}
	return true
}

// CheckInbound is Check for a parser of inbound messages: an event must
// be a received, inbound one.
func (p Parsed) CheckInbound(t testing.TB, ev *smstrack.EventInput, err error) {
	t.Helper()
	if p.Check(t, ev, err) && (ev.Status != smstrack.StatusReceived || ev.Facts.Direction != smstrack.Inbound) {
		t.Fatalf("inbound event %s/%s", ev.Status, ev.Facts.Direction)
	}
}

// FuzzForms fuzzes with seeds as form bodies (or queries), handing check
// the fields of every one that decodes.
func FuzzForms(f *testing.F, seeds []string, check func(t *testing.T, fields url.Values)) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fields, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		check(t, fields)
	})
}

// CheckRefused fails t unless a parser refused its input, answering got
// and err, with an EINVALID error naming field.
func CheckRefused(t testing.TB, got any, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("parsed as %+v, want an error", got)
	}
	if smstrack.ErrorCode(err) != smstrack.EINVALID || smstrack.ErrorField(err) != field {
		t.Errorf("error %v (field %q), want EINVALID on %q", err, smstrack.ErrorField(err), field)
	}
}

// Parses checks a parser's answer in a case table where wantField names
// the field an input must be refused on ("" for none): refused with an
// EINVALID error naming it, or else parsed without error. It reports
// whether there is a result to check further.
func Parses(t testing.TB, err error, wantField string) bool {
	t.Helper()
	if wantField != "" {
		if err == nil || smstrack.ErrorCode(err) != smstrack.EINVALID || smstrack.ErrorField(err) != wantField {
			t.Fatalf("err = %v, want EINVALID on field %s", err, wantField)
		}
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}
