package api

import (
	"net/url"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

// FuzzParseReport: any body either parses into a valid event or is refused
// with an application error; it never panics.
func FuzzParseReport(f *testing.F) {
	for _, seed := range []string{
		`{"provider":"twilio","account":"AC1","provider_id":"SM1","body":"hi","status":"sent","tags":{"a":"b"}}`,
		`{"provider":"twilio","account":"AC1","provider_id":"SM1","media":[{"url":"https://x.test/a.jpg"}],"created_at":"2026-01-01T00:00:00Z"}`,
		`{"provider":"","account":"AC1","provider_id":"SM1"}`,
		`{"provider":"x","account":"y","provider_id":"z","direction":"inbound","status":"RECEIVED"}`,
		`{"provider":1}`, `[]`, `null`, `{`, `{"provider":"x","account":"y","provider_id":"z"} trailing`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := parseReport(raw, time.Unix(0, 0))
		if err != nil {
			if smstrack.ErrorCode(err) == smstrack.EINTERNAL {
				t.Fatalf("refusal is not an application error: %v", err)
			}
			return
		}
		if in.Provider == "" || in.Account == "" || in.ProviderID == "" || in.DedupeKey == "" {
			t.Fatalf("accepted an incomplete report: %+v", in)
		}
		if in.Status != "" && !in.Status.Valid() {
			t.Fatalf("accepted status %q", in.Status)
		}
	})
}

// FuzzParseFilter: any query string gives a filter or a named error.
func FuzzParseFilter(f *testing.F) {
	for _, seed := range []string{"status=sent&limit=10", "tag=a:b&tag=c=d", "created_after=2026-01-01T00:00:00Z", "limit=-1", "x=y", "encoding=ucs2"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		fl, err := parseFilter(q)
		if err != nil {
			if smstrack.ErrorField(err) == "" {
				t.Fatalf("filter error names no field: %v", err)
			}
			return
		}
		if fl.Limit < 1 || fl.Limit > smstrack.MaxPageSize {
			t.Fatalf("limit %d out of range", fl.Limit)
		}
	})
}
