package provider

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

func TestDecodeObject(t *testing.T) {
	for _, tt := range []struct {
		body, payload string
		ok            bool
	}{
		{body: `{ "a": 1, "b": [1, 2] }`, payload: `{"a":1,"b":[1,2]}`, ok: true},
		{body: `{}`, payload: `{}`, ok: true},
		{body: `null`}, {body: `[]`}, {body: `"s"`}, {body: `{"a":1}{}`}, {body: `{"a":`}, {body: "{\"a\":\"\xff\"}"},
	} {
		obj, payload, err := ObjectJSON([]byte(tt.body))
		if !tt.ok {
			if err == nil || smstrack.ErrorCode(err) != smstrack.EINVALID || obj != nil || payload != nil {
				t.Errorf("ObjectJSON(%q) = %v, %q, %v; want an EINVALID error alone", tt.body, obj, payload, err)
			}
			continue
		}
		if err != nil || string(payload) != tt.payload {
			t.Errorf("ObjectJSON(%q) = %q, %v; want %q", tt.body, payload, err, tt.payload)
		}
	}
}

func TestFieldsAndValues(t *testing.T) {
	obj, err := DecodeObject([]byte(`{"s":" x ","n":1.50,"null":null,"o":{ "k" : [1, 2] },"b":true}`))
	if err != nil {
		t.Fatal(err)
	}
	fields := JSONFields(obj)
	for k, want := range map[string]string{"s": " x ", "n": "1.50", "null": "", "o": `{"k":[1,2]}`, "b": "true"} {
		if got := fields.Get(k); got != want {
			t.Errorf("JSONFields: %s = %q, want %q", k, got, want)
		}
	}
	for raw, want := range map[string]string{`" x "`: "x", ` 12 `: "12", `null`: "", `{}`: "", ``: "", `true`: ""} {
		if got := ScalarText(json.RawMessage(raw)); got != want {
			t.Errorf("ScalarText(%q) = %q, want %q", raw, got, want)
		}
	}
	if _, err := ParseForm([]byte("a=%zz")); smstrack.ErrorCode(err) != smstrack.EINVALID {
		t.Errorf("ParseForm(a=%%zz) error %v, want EINVALID", err)
	}
	if got := FirstTime("", "x", " 2026-03-14T16:09:26+01:00 ", "2027-01-01T00:00:00Z"); !got.Equal(time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)) || got.Location() != time.UTC {
		t.Errorf("FirstTime = %v", got)
	}
	for s, want := range map[string]int{"3": 3, "": 0, "-1": 0, "10001": 0, " 2": 0} {
		if got := Count(s); got != want {
			t.Errorf("Count(%q) = %d, want %d", s, got, want)
		}
	}
	for s, want := range map[string]string{" 30003 ": "30003", "0": "", "": "", "123456789012345678901234567890123": "12345678901234567890123456789012…"} {
		if got := ErrorCode(s); got != want {
			t.Errorf("ErrorCode(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestRequestURL(t *testing.T) {
	r := httptest.NewRequest("POST", "http://10.0.0.5:8080/webhooks/x%20y?b=2&a=1", nil)
	if got, want := RequestURL(r, ""), "http://10.0.0.5:8080/webhooks/x%20y?b=2&a=1"; got != want {
		t.Errorf("RequestURL = %q, want %q", got, want)
	}
	if got, want := RequestURL(r, "https://sms.example.org/"), "https://sms.example.org/webhooks/x%20y?b=2&a=1"; got != want {
		t.Errorf("RequestURL with a public URL = %q, want %q", got, want)
	}
	r = httptest.NewRequest("POST", "https://track.example.com/p", nil)
	if got, want := RequestURL(r, ""), "https://track.example.com/p"; got != want {
		t.Errorf("RequestURL over TLS = %q, want %q", got, want)
	}
}

func TestCatalogs(t *testing.T) {
	info := smstrack.ErrorInfo{Title: "T", Description: "D", Advice: "A",
		Category: smstrack.CategoryExpired, Responsible: smstrack.PartyHandset}
	c := Register("provider-test", NewCatalog(map[string]smstrack.ErrorInfo{"42": info}))
	if got, ok := c.Explain("42"); !ok || got.Code != "42" || got.Title != "T" {
		t.Errorf("Explain(42) = %+v, %v", got, ok)
	}
	if _, ok := c.Explain(" 42"); ok {
		t.Error("Explain matched a code that is not the same")
	}
	if got := smstrack.ExplainError("provider-test", "42"); got == nil || got.Title != "T" {
		t.Errorf("registered catalogue explains 42 as %+v", got)
	}
	f := NewFoldedCatalog(map[string]smstrack.ErrorInfo{"TEXT_X": info})
	if got, ok := f.Explain(" text_x "); !ok || got.Code != " text_x " || got.Category != smstrack.CategoryExpired {
		t.Errorf("folded Explain = %+v, %v", got, ok)
	}
	if _, ok := f.Explain("TEXT_Y"); ok {
		t.Error("folded Explain matched an unknown code")
	}
}

func TestIDs(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, tt := range []struct {
		s               string
		word, printable bool
	}{
		{"AC0123abc_-", true, true}, {long(64), true, true}, {long(65), false, true}, {long(128), false, true},
		{long(129), false, false}, {"", false, false}, {"+4915112345678", false, true}, {"a b", false, false},
		{"a\x7f", false, false}, {"é", false, false},
	} {
		if got := WordID(tt.s); got != tt.word {
			t.Errorf("WordID(%q) = %v", tt.s, got)
		}
		if got := PrintableID(tt.s); got != tt.printable {
			t.Errorf("PrintableID(%q) = %v", tt.s, got)
		}
	}
}
