package ingest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
)

func inbound(account, body string) *smstrack.EventInput {
	b := body
	in := &smstrack.EventInput{
		Key:   smstrack.Key{Provider: "twilio", Account: account, ProviderID: "SM1"},
		Event: smstrack.Event{Status: smstrack.StatusReceived, Payload: []byte(`{"Body":` + quote(body) + `,"From":"+447700900123"}`)},
		Facts: smstrack.Facts{Direction: smstrack.Inbound, From: "+447700900123", To: "+14155550100", Body: &b},
	}
	return in
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func TestPrepareAnalysesBody(t *testing.T) {
	p := &Preparer{DefaultRegion: "US"}
	in := inbound("AC1", "STOP")
	p.Prepare(in)
	f := in.Facts
	if f.Encoding != "GSM-7" || f.Segments != 1 || f.Country != "GB" || f.Content.Keyword != "opt_out" || f.Content.Characters != 4 {
		t.Errorf("facts: %+v", f)
	}
	in = inbound("AC1", "I love it “really” 😀")
	p.Prepare(in)
	if in.Facts.Encoding != "UCS-2" || len(in.Facts.Content.NonGSM) != 3 || in.Facts.Content.SentimentLabel != "positive" {
		t.Errorf("unicode body: %+v", in.Facts)
	}
}

var codeRun = regexp.MustCompile(`[0-9]{4,8}`)

func TestPreparePolicies(t *testing.T) {
	pol, err := ParsePolicies("keep", "ACred:redact, AChash:hash")
	if err != nil {
		t.Fatal(err)
	}
	p := &Preparer{Policies: pol}
	body := "Your code is 482913, or mail help@example.com"

	in := inbound("ACred", body)
	p.Prepare(in)
	if in.Facts.Body == nil || codeRun.MatchString(*in.Facts.Body) || strings.Contains(*in.Facts.Body, "help@example.com") {
		t.Errorf("redacted body: %v", in.Facts.Body)
	}
	if strings.Contains(string(in.Payload), "482913") || in.Facts.Content.BodyPolicy != "redact" {
		t.Errorf("redact left the code in the payload: %s", in.Payload)
	}
	if in.Facts.Segments != 1 || in.Facts.Encoding != "GSM-7" {
		t.Errorf("analysis must describe the body as sent: %+v", in.Facts)
	}

	in = inbound("AChash", body)
	p.Prepare(in)
	if in.Facts.Body != nil || len(in.Facts.Content.BodyHash) != 64 || strings.Contains(string(in.Payload), "482913") {
		t.Errorf("hash policy: body %v hash %q payload %s", in.Facts.Body, in.Facts.Content.BodyHash, in.Payload)
	}

	in = inbound("ACother", body)
	p.Prepare(in)
	if in.Facts.Body == nil || *in.Facts.Body != body || !strings.Contains(string(in.Payload), "482913") {
		t.Errorf("keep policy changed the body")
	}

	if _, err := ParsePolicies("shred", ""); err == nil {
		t.Error("unknown policy accepted")
	}
	if _, err := ParsePolicies("keep", "ACx"); err == nil {
		t.Error("entry without policy accepted")
	}
}
