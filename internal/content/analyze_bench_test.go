package content

import (
	"strings"
	"testing"
)

// body160 is a typical single-segment GSM-7 message of exactly 160 septets.
var body160 = func() string {
	s := strings.Repeat("Your order #1042 has shipped! Track it at example.com/t/8f3k. ", 3)
	return s[:160]
}()

func BenchmarkAnalyze160(b *testing.B) {
	if n := Analyze(body160).Characters; n != 160 {
		b.Fatalf("benchmark body has %d characters, want 160", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		Analyze(body160)
	}
}

func BenchmarkAnalyzeUCS2(b *testing.B) {
	body := strings.Repeat("Привет 👋🏽 мир, ", 10)
	b.ReportAllocs()
	for b.Loop() {
		Analyze(body)
	}
}

func BenchmarkAnalyzeMultipartGSM(b *testing.B) {
	body := strings.Repeat(body160, 4)
	b.ReportAllocs()
	for b.Loop() {
		Analyze(body)
	}
}
