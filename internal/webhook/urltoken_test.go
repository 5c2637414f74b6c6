package webhook

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
)

func TestURLToken(t *testing.T) {
	tok := URLToken{Param: "token", Secret: "s3cret-token-value", Provider: "Kannel", Setting: "SMSTRACK_KANNEL_TOKEN", Where: "the dlr-url"}
	cases := []struct {
		fields url.Values
		ok     bool
		field  string
	}{
		{url.Values{"token": {"s3cret-token-value"}}, true, ""},
		{url.Values{"token": {"wrong"}}, false, "token"},
		{url.Values{}, false, "token"},
	}
	for _, tc := range cases {
		err := tok.Check(tc.fields)
		if (err == nil) != tc.ok || smstrack.ErrorField(err) != tc.field {
			t.Errorf("Check(%v) = %v, want ok=%v field %q", tc.fields, err, tc.ok, tc.field)
		}
		if err != nil && smstrack.ErrorCode(err) != smstrack.EFORBIDDEN {
			t.Errorf("Check(%v): code %s, want forbidden", tc.fields, smstrack.ErrorCode(err))
		}
	}
	if err := (URLToken{Provider: "Jasmin", Setting: "SMSTRACK_JASMIN_TOKEN"}).Check(url.Values{"token": {"x"}}); err == nil || !strings.Contains(err.Error(), "SMSTRACK_JASMIN_TOKEN") {
		t.Errorf("unconfigured: %v", err)
	}
	if got := string(tok.Redact(nil, url.Values{"token": {"s3cret"}, "id": {"1"}})); got != "id=1" {
		t.Errorf("Redact kept %q", got)
	}
	if got := string(tok.Redact([]byte("a=1&token=x"), url.Values{"token": {"x"}, "a": {"1"}})); strings.Contains(got, "token") {
		t.Errorf("Redact kept the token: %q", got)
	}
	if TokenEqual("", "") || TokenEqual("a", "") || !TokenEqual("same", "same") || TokenEqual("same", "Same") {
		t.Error("TokenEqual")
	}
}

func TestQueryAndForm(t *testing.T) {
	r := httptest.NewRequest("POST", "/x?token=t&a=1", strings.NewReader("b=2&a=3"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	f, err := QueryAndForm(r, r.URL.RawQuery, []byte("b=2&a=3"))
	if err != nil || f.Get("b") != "2" || len(f["a"]) != 2 || f.Get("token") != "t" {
		t.Errorf("merged %v, %v", f, err)
	}
	r.Header.Set("Content-Type", "application/json")
	if _, err := QueryAndForm(r, "", []byte("{}")); smstrack.ErrorField(err) != "Content-Type" {
		t.Errorf("JSON body: %v", err)
	}
	if _, err := QueryAndForm(r, "a=%zz", nil); smstrack.ErrorCode(err) != smstrack.EINVALID {
		t.Errorf("bad query: %v", err)
	}
}
