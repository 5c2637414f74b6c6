package webhook

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// mapJSON is the reference: encoding/json over the map the payload stands for.
func mapJSON(fields url.Values) string {
	merged := map[string][]string{}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		name := strings.ToValidUTF8(k, "\uFFFD")
		merged[name] = append(merged[name], fields[k]...)
	}
	m := map[string]any{}
	for k, v := range merged {
		if len(v) == 1 {
			m[k] = v[0]
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestFormJSONMatchesEncodingJSON(t *testing.T) {
	cases := []url.Values{
		{},
		{"MessageSid": {"SM1"}, "MessageStatus": {"delivered"}},
		{"Body": {"<b>&\"quoted\"\\ \n\r\t\b\f \x01 \u2028\u2029 é 😀"}},
		{"MediaUrl": {"a", "b", "a"}},
		{"bad\xffname": {"x"}, "bad\xfename": {"y"}, "ok": {"bad\xffvalue"}},
		{"empty": {""}, "none": {}},
	}
	for _, f := range cases {
		if got, want := string(FormJSON(f)), mapJSON(f); got != want {
			t.Errorf("FormJSON(%q)\n got  %s\n want %s", f, got, want)
		}
	}
}

func FuzzFormJSON(f *testing.F) {
	f.Add("a=1&b=2&b=3", "")
	f.Add("Body=%3Cscript%3E%26%22", "x")
	f.Add("%FF=%FE", "\u2028")
	f.Fuzz(func(t *testing.T, query, extra string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		v.Add("extra", extra)
		got := FormJSON(v)
		if want := mapJSON(v); string(got) != want {
			t.Fatalf("FormJSON(%q)\n got  %s\n want %s", v, got, want)
		}
		if !json.Valid(got) {
			t.Fatalf("invalid JSON %s", got)
		}
	})
}

func BenchmarkFormJSON(b *testing.B) {
	v, _ := url.ParseQuery("SmsSid=SM1234567890abcdef1234567890abcdef&SmsStatus=delivered&MessageStatus=delivered&To=%2B15558675310&MessagingServiceSid=MG1234567890abcdef1234567890abcdef&MessageSid=SM1234567890abcdef1234567890abcdef&AccountSid=AC1234567890abcdef1234567890abcdef&From=%2B15017122661&ApiVersion=2010-04-01")
	for b.Loop() {
		FormJSON(v)
	}
}

func TestFormJSONWithout(t *testing.T) {
	f := url.Values{"token": {"secret"}, "sig": {"x"}, "id": {"1"}}
	if got := string(FormJSONWithout(f, "token", "sig")); got != `{"id":"1"}` {
		t.Errorf("got %s", got)
	}
	if len(f) != 3 {
		t.Error("FormJSONWithout changed its input")
	}
}
