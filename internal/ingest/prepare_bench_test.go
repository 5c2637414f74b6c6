package ingest

import (
	"testing"

	"github.com/smstrack/smstrack"
)

// BenchmarkPrepareStatusCallback is the preparation cost every status
// callback pays (it carries numbers, no body).
func BenchmarkPrepareStatusCallback(b *testing.B) {
	p := &Preparer{DefaultRegion: "US"}
	for b.Loop() {
		ev := &smstrack.EventInput{Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+14155550100", To: "+447700900123"}}
		p.Prepare(ev)
	}
}

// BenchmarkPrepareInbound160 is the cost for a message carrying a
// 160-character body: segments, sentiment and keyword analysis.
func BenchmarkPrepareInbound160(b *testing.B) {
	p := &Preparer{DefaultRegion: "US"}
	body := "Hi Sam, your table for 4 at Luigi's is confirmed for Friday 8pm. Reply YES to keep it or call us on the number below if plans change. Thanks!!"
	for len(body) < 160 {
		body += "."
	}
	for b.Loop() {
		b := body
		ev := &smstrack.EventInput{Facts: smstrack.Facts{Direction: smstrack.Inbound, From: "+447700900123", To: "+14155550100", Body: &b}}
		p.Prepare(ev)
	}
}
