package content

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
	"unicode/utf8"
)

// golden mirrors testdata/golden.json, written by
// tools/segments-reference/generate.js from sms-segments-calculator.
type golden struct {
	Reference  string       `json:"reference"`
	Cases      []goldenCase `json:"cases"`
	SmartProbe []string     `json:"smart_probe"`
	GSM        [][2]int     `json:"gsm_alphabet"`
	Graphemes  []struct {
		Text    string `json:"text"`
		Lengths []int  `json:"lengths"`
	} `json:"graphemes"`
}

type goldenCase struct {
	Name  string        `json:"name"`
	Text  string        `json:"text"`
	Plain goldenResult  `json:"plain"`
	Smart *goldenResult `json:"smart"` // nil when smart encoding changes nothing
}

type goldenResult struct {
	Encoding        string   `json:"encoding"`
	Segments        int      `json:"segments"`
	Characters      int      `json:"characters"`
	MessageSizeBits int      `json:"message_size_bits"`
	TotalSizeBits   int      `json:"total_size_bits"`
	UnicodeScalars  int      `json:"unicode_scalars"`
	NonGSM          []string `json:"non_gsm"`
	SegmentScalars  []int    `json:"segment_scalars"`
	Text            string   `json:"text"`
}

func loadGolden(t testing.TB) golden {
	t.Helper()
	data, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatalf("read golden file: %v", err)
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("decode golden file: %v", err)
	}
	if g.Reference != "sms-segments-calculator@1.3.0" {
		t.Fatalf("golden reference = %q, want sms-segments-calculator@1.3.0", g.Reference)
	}
	return g
}

// compareWithReference reports every field of got that differs from want.
func compareWithReference(t *testing.T, label string, got Analysis, want goldenResult) {
	t.Helper()
	if got.Encoding != want.Encoding {
		t.Errorf("%s: encoding = %s, want %s", label, got.Encoding, want.Encoding)
	}
	if got.Segments != want.Segments {
		t.Errorf("%s: segments = %d, want %d", label, got.Segments, want.Segments)
	}
	if got.Characters != want.Characters {
		t.Errorf("%s: characters = %d, want %d", label, got.Characters, want.Characters)
	}
	if got.MessageSizeBits != want.MessageSizeBits {
		t.Errorf("%s: message size = %d bits, want %d", label, got.MessageSizeBits, want.MessageSizeBits)
	}
	if got.TotalSizeBits != want.TotalSizeBits {
		t.Errorf("%s: total size = %d bits, want %d", label, got.TotalSizeBits, want.TotalSizeBits)
	}
	if got.UnicodeScalars != want.UnicodeScalars {
		t.Errorf("%s: unicode scalars = %d, want %d", label, got.UnicodeScalars, want.UnicodeScalars)
	}
	gotNonGSM := make([]string, 0, len(got.NonGSMCharacters))
	for _, c := range got.NonGSMCharacters {
		gotNonGSM = append(gotNonGSM, c.Char)
	}
	if !slices.Equal(gotNonGSM, want.NonGSM) {
		t.Errorf("%s: non-GSM characters = %q, want %q", label, gotNonGSM, want.NonGSM)
	}
	gotScalars := make([]int, 0, len(got.Parts))
	for _, p := range got.Parts {
		gotScalars = append(gotScalars, utf8.RuneCountInString(p.Text))
	}
	if !slices.Equal(gotScalars, want.SegmentScalars) {
		t.Errorf("%s: code points per segment = %v, want %v", label, gotScalars, want.SegmentScalars)
	}
}

func TestGoldenReference(t *testing.T) {
	g := loadGolden(t)
	if len(g.Cases) < 3000 {
		t.Fatalf("golden file has %d cases, want at least 3000", len(g.Cases))
	}
	for _, c := range g.Cases {
		compareWithReference(t, c.Name, Analyze(c.Text), c.Plain)
	}
}

func TestGoldenSmartEncoding(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Cases {
		// The reference-only table must reproduce the reference exactly.
		text, _ := smartEncode(c.Text, false)
		want := c.Plain
		want.Text = c.Text
		if c.Smart != nil {
			want = *c.Smart
		}
		if text != want.Text {
			t.Errorf("%s: smart text = %q, want %q", c.Name, text, want.Text)
			continue
		}
		compareWithReference(t, c.Name+" (smart)", Analyze(text), want)
	}
}

func TestGoldenSmartProbe(t *testing.T) {
	// Every BMP character the reference replaces, and no other, is in our
	// copy of its table.
	g := loadGolden(t)
	var want []rune
	for _, s := range g.SmartProbe {
		want = append(want, []rune(s)...)
	}
	var got []rune
	for r := range referenceSmart {
		got = append(got, r)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("smart table code points = %U, want %U", got, want)
	}
}

func TestGoldenGraphemes(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Graphemes {
		var got []int
		it := newGraphemeIter(c.Text)
		for {
			start, end, _, _, ok := it.next()
			if !ok {
				break
			}
			got = append(got, utf8.RuneCountInString(c.Text[start:end]))
		}
		if !slices.Equal(got, c.Lengths) {
			t.Errorf("graphemes of %+q: code points per cluster = %v, want %v", c.Text, got, c.Lengths)
		}
	}
}

func TestGoldenGSMAlphabet(t *testing.T) {
	// The golden alphabet is every BMP code point the reference treats as
	// GSM-7; nothing else in the BMP may be.
	g := loadGolden(t)
	want := map[rune]int{}
	for _, e := range g.GSM {
		want[rune(e[0])] = e[1]
	}
	if len(want) != 137 {
		t.Errorf("golden GSM alphabet has %d characters, want 137 (128 basic less ESC, plus 10 extension)", len(want))
	}
	for r := rune(0); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if got := gsmSeptets(r); got != want[r] {
			t.Errorf("gsmSeptets(%U) = %d, want %d", r, got, want[r])
		}
	}
}
