package api_test

import (
	"fmt"
	"testing"

	"github.com/smstrack/smstrack/internal/testdb"
)

func TestAnalyze(t *testing.T) {
	e := newEnv(t, testdb.DSN(t, "sqlite"))
	code, r := e.do(t, "POST", "/api/v1/analyze", `{"body":"Don’t miss out — 50% off!","to":"+447700900123"}`)
	if code != 200 || r["encoding"] != "UCS-2" || r["segments"].(float64) != 1 {
		t.Fatalf("analyze: %d %v", code, r)
	}
	if n := len(r["non_gsm_characters"].([]any)); n != 2 {
		t.Errorf("non-GSM characters = %d, want 2 (’ and —)", n)
	}
	smart := r["smart_encoding"].(map[string]any)
	if smart["encoding"] != "GSM-7" || len(smart["replacements"].([]any)) == 0 {
		t.Errorf("smart advice: %v", smart)
	}
	cost, _ := r["cost"].(map[string]any)
	if cost == nil || cost["country"] != "GB" || cost["total"].(float64) != 0.04 {
		t.Errorf("cost: %v", r["cost"])
	}
	code, r = e.do(t, "POST", "/api/v1/analyze", `{"body":"Don’t miss out — 50% off!","smart_encoding":true}`)
	if code != 200 || r["encoding"] != "GSM-7" || r["smart_encoding_applied"] != true {
		t.Errorf("smart applied: %d %v", code, r)
	}
	for _, bad := range []string{`{}`, `{"text":"x"}`, `{"body":1}`, `nope`} {
		if code, r := e.do(t, "POST", "/api/v1/analyze", bad); code != 400 || r["error"] == "" {
			t.Errorf("analyze %s: %d %v, want 400", bad, code, r)
		}
	}
}

func TestContentInsights(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		bodies := []string{
			"I love the new delivery tracking, great service",
			"Great service, love it",
			"This is terrible, the delivery tracking never works",
			"STOP",
			"stop",
			"Your delivery tracking code is 123456",
		}
		for i, b := range bodies {
			report := fmt.Sprintf(`{"provider":"twilio","account":"AC1","provider_id":"SM%d","direction":"inbound","status":"received","from":"+447700900%03d","body":%q,"tags":{"campaign":"c1"}}`, i, i, b)
			if code, r := e.do(t, "POST", "/api/v1/messages", report); code != 201 {
				t.Fatalf("report: %d %v", code, r)
			}
		}
		code, r := e.do(t, "GET", "/api/v1/insights/content?tag=campaign:c1", "")
		if code != 200 {
			t.Fatalf("insights: %d %v", code, r)
		}
		if r["messages"].(float64) != 6 || r["opt_outs"].(float64) != 2 {
			t.Errorf("counts: messages %v opt_outs %v", r["messages"], r["opt_outs"])
		}
		s := r["sentiment"].(map[string]any)
		if s["positive"].(float64) < 2 || s["negative"].(float64) < 1 {
			t.Errorf("sentiment: %v", s)
		}
		if r["encodings"].(map[string]any)["GSM-7"].(float64) != 6 {
			t.Errorf("encodings: %v", r["encodings"])
		}
		found := false
		for _, p := range r["phrases"].([]any) {
			if p.(map[string]any)["term"] == "delivery tracking" {
				found = true
			}
		}
		if !found {
			t.Errorf("phrase 'delivery tracking' not among %v", r["phrases"])
		}
		for _, k := range r["keywords"].([]any) {
			if term := k.(map[string]any)["term"].(string); term == "123456" || term == "the" || term == "is" {
				t.Errorf("keyword %q should not appear", term)
			}
		}
		if code, r := e.do(t, "GET", "/api/v1/insights/content?status=nope", ""); code != 400 {
			t.Errorf("bad filter: %d %v", code, r)
		}
	})
}
