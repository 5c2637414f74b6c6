package content

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestAnalyzeBoundaries(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		encoding   string
		segments   int
		characters int
	}{
		{"empty is one segment", "", EncodingGSM7, 1, 0},
		{"gsm 160", strings.Repeat("a", 160), EncodingGSM7, 1, 160},
		{"gsm 161", strings.Repeat("a", 161), EncodingGSM7, 2, 161},
		{"gsm 306", strings.Repeat("a", 306), EncodingGSM7, 2, 306},
		{"gsm 307", strings.Repeat("a", 307), EncodingGSM7, 3, 307},
		{"gsm 459", strings.Repeat("a", 459), EncodingGSM7, 3, 459},
		{"gsm 460", strings.Repeat("a", 460), EncodingGSM7, 4, 460},
		{"extension costs two", strings.Repeat("€", 80), EncodingGSM7, 1, 160},
		{"extension over 160", strings.Repeat("€", 81), EncodingGSM7, 2, 162},
		{"ucs2 70", strings.Repeat("я", 70), EncodingUCS2, 1, 70},
		{"ucs2 71", strings.Repeat("я", 71), EncodingUCS2, 2, 71},
		{"ucs2 134", strings.Repeat("я", 134), EncodingUCS2, 2, 134},
		{"ucs2 135", strings.Repeat("я", 135), EncodingUCS2, 3, 135},
		{"one non-gsm char makes 160 ascii three segments", strings.Repeat("a", 159) + "я", EncodingUCS2, 3, 160},
		{"emoji are two code units", strings.Repeat("😀", 35), EncodingUCS2, 1, 35},
		{"emoji 36 overflow", strings.Repeat("😀", 36), EncodingUCS2, 2, 36},
		{"family is one character", "👨‍👩‍👧‍👦", EncodingUCS2, 1, 1},
		{"crlf counts twice in gsm", "a\r\nb", EncodingGSM7, 1, 4},
		{"crlf counts twice in ucs2", "я\r\nb", EncodingUCS2, 1, 4},
		{"backtick is not gsm", "`", EncodingUCS2, 1, 1},
		{"combining accent forces ucs2", "e\u0301", EncodingUCS2, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze(tt.body)
			if got.Encoding != tt.encoding {
				t.Errorf("encoding = %s, want %s", got.Encoding, tt.encoding)
			}
			if got.Segments != tt.segments {
				t.Errorf("segments = %d, want %d", got.Segments, tt.segments)
			}
			if got.Characters != tt.characters {
				t.Errorf("characters = %d, want %d", got.Characters, tt.characters)
			}
			checkParts(t, tt.body, got)
		})
	}
}

func TestAnalyzeNeverSplitsUnits(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantFirst string // the text of the first segment
	}{
		// 152 septets then an escape pair: the pair moves whole to part 2.
		{"escape pair", strings.Repeat("a", 152) + "{" + strings.Repeat("b", 10), strings.Repeat("a", 152)},
		// 66 units then a surrogate pair: the pair moves whole to part 2.
		{"surrogate pair", strings.Repeat("я", 66) + "😀" + strings.Repeat("я", 10), strings.Repeat("я", 66)},
		// A flag (two regional indicators) is one grapheme and moves whole.
		{"grapheme", strings.Repeat("я", 65) + "🇺🇸" + strings.Repeat("я", 10), strings.Repeat("я", 65)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze(tt.body)
			if len(got.Parts) < 2 {
				t.Fatalf("segments = %d, want at least 2", len(got.Parts))
			}
			if got.Parts[0].Text != tt.wantFirst {
				t.Errorf("first segment = %q, want %q", got.Parts[0].Text, tt.wantFirst)
			}
			checkParts(t, tt.body, got)
		})
	}
}

func TestAnalyzeNonGSM(t *testing.T) {
	got := Analyze("Hi “Sam” 👋🏽")
	want := []NonGSMChar{
		{Char: "“", Index: 3, Offset: 3},
		{Char: "”", Index: 7, Offset: 9},
		{Char: "👋🏽", Index: 9, Offset: 13},
	}
	if len(got.NonGSMCharacters) != len(want) {
		t.Fatalf("non-GSM characters = %+v, want %+v", got.NonGSMCharacters, want)
	}
	for i := range want {
		if got.NonGSMCharacters[i] != want[i] {
			t.Errorf("non-GSM character %d = %+v, want %+v", i, got.NonGSMCharacters[i], want[i])
		}
	}
}

func TestSegmentsWithoutNonGSM(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"gsm body keeps its count", strings.Repeat("a", 200), 2},
		{"one emoji in 150 ascii", strings.Repeat("a", 150) + "😀", 1},
		{"only non-gsm is an empty message", "😀😀", 1},
		{"still long without the emoji", strings.Repeat("a", 200) + "😀", 2},
		{"escape fits in 160", strings.Repeat("a", 158) + "{" + "😀", 1},
		{"escape tips over 160", strings.Repeat("a", 159) + "{" + "😀", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Analyze(tt.body).SegmentsWithoutNonGSM; got != tt.want {
				t.Errorf("SegmentsWithoutNonGSM = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSegmentsWithoutNonGSMMatchesStrippedBody(t *testing.T) {
	for _, c := range loadGolden(t).Cases {
		a := Analyze(c.Text)
		var stripped strings.Builder
		last := 0
		for _, n := range a.NonGSMCharacters {
			stripped.WriteString(c.Text[last:n.Offset])
			last = n.Offset + len(n.Char)
		}
		stripped.WriteString(c.Text[last:])
		if want := Analyze(stripped.String()).Segments; a.SegmentsWithoutNonGSM != want {
			t.Errorf("%s: SegmentsWithoutNonGSM = %d, want %d (segments of the stripped body)", c.Name, a.SegmentsWithoutNonGSM, want)
		}
	}
}

func TestAnalyzeRemaining(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"empty gsm", "", 160},
		{"gsm 150", strings.Repeat("a", 150), 10},
		{"gsm second part", strings.Repeat("a", 161), 153 - 8},
		{"ucs2 60", strings.Repeat("я", 60), 10},
		{"ucs2 second part", strings.Repeat("я", 71), 67 - 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Analyze(tt.body).Remaining; got != tt.want {
				t.Errorf("Remaining = %d, want %d", got, tt.want)
			}
		})
	}
}

// checkParts verifies that the parts tile the body and add up to the totals.
func checkParts(t *testing.T, body string, a Analysis) {
	t.Helper()
	if len(a.Parts) != a.Segments {
		t.Fatalf("parts = %d, want %d (segments)", len(a.Parts), a.Segments)
	}
	var rebuilt strings.Builder
	bits, at := 0, 0
	for i, p := range a.Parts {
		if p.Start != at || body[p.Start:p.End] != p.Text {
			t.Errorf("part %d spans [%d,%d) %q, want to start at %d", i, p.Start, p.End, p.Text, at)
		}
		at = p.End
		rebuilt.WriteString(p.Text)
		bits += p.SizeBits
	}
	if rebuilt.String() != body {
		t.Errorf("parts rebuild %q, want %q", rebuilt.String(), body)
	}
	if bits != a.MessageSizeBits {
		t.Errorf("parts hold %d bits, want %d (message size)", bits, a.MessageSizeBits)
	}
}

func TestAnalyzeInvalidUTF8(t *testing.T) {
	got := Analyze("ok\xffok")
	if got.Encoding != EncodingUCS2 || got.Characters != 5 || got.MessageSizeBits != 5*16 {
		t.Errorf("analysis = %+v, want UCS-2, 5 characters, 80 bits", got)
	}
	if len(got.NonGSMCharacters) != 1 || got.NonGSMCharacters[0].Char != "\xff" {
		t.Errorf("non-GSM characters = %+v, want the invalid byte", got.NonGSMCharacters)
	}
	checkParts(t, "ok\xffok", got)
}

func TestSegmentTexts(t *testing.T) {
	body := strings.Repeat("a", 153) + strings.Repeat("b", 8)
	got := Analyze(body).SegmentTexts()
	want := []string{strings.Repeat("a", 153), strings.Repeat("b", 8)}
	if !slices.Equal(got, want) {
		t.Errorf("SegmentTexts = %q, want %q", got, want)
	}
}

func TestAnalysisJSON(t *testing.T) {
	data, err := json.Marshal(Analyze("Hi 👋"))
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	for _, key := range []string{"encoding", "segments", "characters", "message_size_bits", "non_gsm_characters", "segments_without_non_gsm", "parts"} {
		if _, ok := fields[key]; !ok {
			t.Errorf("JSON %s has no %q field", data, key)
		}
	}
}
