package content

import (
	"strings"
	"testing"
)

func TestSmartEncode(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
		reps int // distinct characters replaced
	}{
		{"nothing to do", "Hello World", "Hello World", 0},
		{"curly quotes", "It’s “fine”", "It's \"fine\"", 3},
		{"dashes and ellipsis", "wait—what… – ok", "wait-what... - ok", 3},
		// The reference turns a no-break space into two spaces; we agree.
		{"no-break space", "10\u00a0km", "10  km", 1},
		{"zero width", "a\u200bb\ufeffc", "abc", 2},
		{"fullwidth capitals (reference)", "ＡＢＣ", "ABC", 3},
		{"fullwidth small letters (extension)", "ａｂｃ", "abc", 3},
		{"minus sign (extension)", "5 − 3", "5 - 3", 1},
		{"trade mark (extension)", "Brand™", "BrandTM", 1},
		{"emoji stay", "ok 👍", "ok 👍", 0},
		{"invalid bytes stay", "a\xffb’", "a\xffb'", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reps := SmartEncode(tt.body)
			if got != tt.want {
				t.Errorf("SmartEncode(%q) = %q, want %q", tt.body, got, tt.want)
			}
			if len(reps) != tt.reps {
				t.Errorf("replacements = %+v, want %d of them", reps, tt.reps)
			}
		})
	}
}

func TestSmartEncodeReplacementDetails(t *testing.T) {
	_, reps := SmartEncode("“a” “b”")
	want := []Replacement{
		{From: "“", To: "\"", Count: 2, Offset: 0},
		{From: "”", To: "\"", Count: 2, Offset: 4},
	}
	if len(reps) != len(want) {
		t.Fatalf("replacements = %+v, want %+v", reps, want)
	}
	for i := range want {
		if reps[i] != want[i] {
			t.Errorf("replacement %d = %+v, want %+v", i, reps[i], want[i])
		}
	}
}

func TestExtraSmartTargetsAreGSM(t *testing.T) {
	for r, to := range extraSmart {
		if _, dup := referenceSmart[r]; dup {
			t.Errorf("extraSmart repeats reference entry %U", r)
		}
		if gsmSeptets(r) != 0 {
			t.Errorf("extraSmart replaces %U, which is already GSM-7", r)
		}
		if a := Analyze(to); a.Encoding != EncodingGSM7 {
			t.Errorf("extraSmart maps %U to %q, which is %s", r, to, a.Encoding)
		}
	}
}

func TestAnalyzeSmart(t *testing.T) {
	body := strings.Repeat("a", 100) + "“quoted”"
	r := AnalyzeSmart(body)
	if r.Original.Segments != 2 || r.Encoded.Segments != 1 {
		t.Errorf("segments = %d -> %d, want 2 -> 1", r.Original.Segments, r.Encoded.Segments)
	}
	if r.SegmentsSaved != 1 {
		t.Errorf("SegmentsSaved = %d, want 1", r.SegmentsSaved)
	}
	if r.Encoded.Encoding != EncodingGSM7 {
		t.Errorf("encoded encoding = %s, want %s", r.Encoded.Encoding, EncodingGSM7)
	}
}
