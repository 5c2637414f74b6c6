package content

import (
	"testing"
	"unicode/utf8"
)

func FuzzAnalyze(f *testing.F) {
	seeds := []string{
		"", "a", "Hello World", "€{}", "a\r\nb", "\r\n\r\n", "😀", "👨‍👩‍👧‍👦", "🇺🇸🇬", "e\u0301\u0301",
		"🏴󠁧󠁢󠁥󠁮󠁧󠁿", "\xff\xfe", "a\xc3", "ु", "\u0600a", "😀\U0001F3FB", "\u200d\u200d",
		string(make([]byte, 200)),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	for _, c := range []struct {
		unit string
		n    int
	}{{"a", 161}, {"{", 81}, {"я", 71}, {"😀", 40}, {"e\u0301", 40}} {
		body := ""
		for range c.n {
			body += c.unit
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		a := Analyze(body)
		if a.Segments < 1 {
			t.Fatalf("segments = %d, want at least 1", a.Segments)
		}
		if a.Encoding != EncodingGSM7 && a.Encoding != EncodingUCS2 {
			t.Fatalf("encoding = %q", a.Encoding)
		}
		checkParts(t, body, a)
		if utf8.ValidString(body) && a.UnicodeScalars != utf8.RuneCountInString(body) {
			t.Errorf("unicode scalars = %d, want %d", a.UnicodeScalars, utf8.RuneCountInString(body))
		}
		if a.Encoding == EncodingGSM7 && len(a.NonGSMCharacters) > 0 {
			t.Errorf("GSM-7 body lists non-GSM characters %+v", a.NonGSMCharacters)
		}
		if a.SegmentsWithoutNonGSM < 1 || (a.Encoding == EncodingGSM7 && a.SegmentsWithoutNonGSM != a.Segments) {
			t.Errorf("segments without non-GSM = %d (segments %d, %s)", a.SegmentsWithoutNonGSM, a.Segments, a.Encoding)
		}
		text, _ := SmartEncode(body)
		Analyze(text)
		ShiftTableAdvice(body)
	})
}
