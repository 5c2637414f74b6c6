package content

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// standardTable is one table of testdata/shift/tables.json: 128 entries, each
// a code point as "U+0981" or null where the table defines no character.
type standardTable []*string

// loadStandardTables reads the tables extracted from independent
// implementations of TS 23.038, keyed by national language identifier.
func loadStandardTables(t *testing.T) map[int]struct{ locking, single standardTable } {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "shift", "tables.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Tables []struct {
			NLI      int           `json:"nli"`
			Language string        `json:"language"`
			Locking  standardTable `json:"locking"`
			Single   standardTable `json:"single"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("tables.json: %v", err)
	}
	out := make(map[int]struct{ locking, single standardTable })
	for _, tab := range file.Tables {
		out[tab.NLI] = struct{ locking, single standardTable }{tab.Locking, tab.Single}
	}
	return out
}

func (s standardTable) rune(t *testing.T, pos int) rune {
	t.Helper()
	if s[pos] == nil {
		return unused
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(*s[pos], "U+"), 16, 32)
	if err != nil {
		t.Fatalf("position 0x%02X: %v", pos, err)
	}
	return rune(v)
}

func TestShiftTablesMatchStandard(t *testing.T) {
	std := loadStandardTables(t)
	if len(std) != 14 {
		t.Fatalf("tables.json has %d languages, want 14 (default and 13 national)", len(std))
	}
	check := func(t *testing.T, ours *shiftTable, want standardTable) {
		t.Helper()
		if ours == nil || want == nil {
			if (ours == nil) != (want == nil) {
				t.Fatalf("table present here %v, in the standard %v", ours != nil, want != nil)
			}
			return
		}
		if len(want) != 128 {
			t.Fatalf("standard table has %d entries, want 128", len(want))
		}
		for pos, got := range ours {
			if w := want.rune(t, pos); got != w {
				t.Errorf("position 0x%02X = %U, want %U", pos, got, w)
			}
		}
	}
	t.Run("default", func(t *testing.T) {
		t.Run("locking", func(t *testing.T) { check(t, &defaultAlphabet, std[0].locking) })
		t.Run("single", func(t *testing.T) { check(t, &defaultExtension, std[0].single) })
	})
	for _, lang := range shiftLanguages {
		t.Run(lang.name, func(t *testing.T) {
			want, ok := std[lang.nli]
			if !ok {
				t.Fatalf("no standard tables for identifier %d", lang.nli)
			}
			t.Run("locking", func(t *testing.T) { check(t, lang.locking, want.locking) })
			t.Run("single", func(t *testing.T) { check(t, lang.single, want.single) })
		})
	}
}

func TestShiftTablesAreWellFormed(t *testing.T) {
	if len(shiftLanguages) != 13 {
		t.Errorf("%d national languages, want the 13 of annex A", len(shiftLanguages))
	}
	for i, lang := range shiftLanguages {
		t.Run(lang.name, func(t *testing.T) {
			if lang.nli != i+1 {
				t.Errorf("identifier = %d, want %d (annex A order)", lang.nli, i+1)
			}
			if lang.single == nil {
				t.Fatal("no single shift table; every language of annex A has one")
			}
			if n := len(lang.single); n != 128 {
				t.Errorf("single shift table has %d positions, want 128", n)
			}
			if lang.single[0x1B] != unused {
				t.Errorf("single shift 0x1B = %U, want unused (reserved)", lang.single[0x1B])
			}
			if lang.locking == nil {
				if lang.code != "es" {
					t.Error("no locking table; only Spanish has none")
				}
				return
			}
			if n := len(lang.locking); n != 128 {
				t.Errorf("locking table has %d positions, want 128", n)
			}
			defined := 0
			for pos, r := range lang.locking {
				if (r == esc) != (pos == 0x1B) {
					t.Errorf("locking 0x%02X = %U: the escape belongs at 0x1B only", pos, r)
				}
				if r != unused {
					defined++
				}
			}
			// The Indian tables leave positions undefined, Tamil (which has
			// fewest letters) 25 of them; none leaves more.
			if defined < 103 {
				t.Errorf("locking table defines %d positions, want at least 103", defined)
			}
		})
	}
	// The default tables must agree with the alphabet Analyze uses.
	for _, r := range defaultAlphabet {
		if r != esc && gsmSeptets(r) != 1 {
			t.Errorf("default alphabet %U: gsmSeptets = %d, want 1", r, gsmSeptets(r))
		}
	}
	for _, r := range defaultExtension {
		if r != unused && gsmSeptets(r) != 2 {
			t.Errorf("default extension %U: gsmSeptets = %d, want 2", r, gsmSeptets(r))
		}
	}
}

func TestShiftTablePositions(t *testing.T) {
	// Well-known characters at the positions the standard's tables give them.
	tests := []struct {
		table *shiftTable
		name  string
		pos   int
		want  rune
	}{
		{&defaultAlphabet, "default @", 0x00, '@'},
		{&defaultExtension, "default €", 0x65, '€'},
		{&turkishLocking, "Turkish dotless i", 0x07, 'ı'},
		{&turkishSingle, "Turkish G breve", 0x47, 'Ğ'},
		{&spanishSingle, "Spanish c cedilla", 0x09, 'ç'},
		{&portugueseLocking, "Portuguese ordinal", 0x24, 'º'},
		{&bengaliLocking, "Bengali KA", 0x15, 'ক'},
		{&gujaratiLocking, "Gujarati KA", 0x15, 'ક'},
		{&hindiLocking, "Hindi candrabindu", 0x00, 'ँ'},
		{&hindiLocking, "Hindi KA", 0x15, 'क'},
		{&hindiSingle, "Hindi danda", 0x19, '।'},
		{&kannadaLocking, "Kannada KA", 0x15, 'ಕ'},
		{&kannadaLocking, "Kannada PA as printed", 0x24, 'ಪ'},
		{&malayalamLocking, "Malayalam KA", 0x15, 'ക'},
		{&oriyaLocking, "Oriya KA", 0x15, 'କ'},
		{&punjabiLocking, "Punjabi KA", 0x15, 'ਕ'},
		{&tamilLocking, "Tamil KA", 0x15, 'க'},
		{&teluguLocking, "Telugu KA", 0x15, 'క'},
		{&teluguSingle, "Telugu has no €", 0x65, unused},
		{&urduLocking, "Urdu alef", 0x00, 'ا'},
		{&urduSingle, "Urdu full stop", 0x3F, '۔'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.table[tt.pos]; got != tt.want {
				t.Errorf("position 0x%02X = %U, want %U", tt.pos, got, tt.want)
			}
		})
	}
	// Every Indian locking table swaps the default's parentheses and keeps the
	// Latin small letters; every single shift table but Telugu's has €.
	for _, lang := range shiftLanguages[3:] {
		if lang.locking[0x28] != ')' || lang.locking[0x29] != '(' || lang.locking[0x61] != 'a' {
			t.Errorf("%s locking: 0x28 %q 0x29 %q 0x61 %q", lang.name, lang.locking[0x28], lang.locking[0x29], lang.locking[0x61])
		}
		if hasEuro := lang.single[0x65] == '€'; hasEuro != (lang.code != "te") {
			t.Errorf("%s single shift 0x65 = %U", lang.name, lang.single[0x65])
		}
	}
}

func TestShiftTableAdvice(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		want     []string // languages advised, in order
		locking  bool     // tables of the first advice
		single   bool
		segments int // segments of the first advice
		saved    int
	}{
		{"gsm body needs no advice", "Hello", nil, false, false, 0, 0},
		{"gsm body with extension", "Price: 5€ [net]", nil, false, false, 0, 0},
		{"empty body", "", nil, false, false, 0, 0},
		{"emoji fit no table", "Hi 👋", nil, false, false, 0, 0},
		{"chinese fits no table", "你好，明天见", nil, false, false, 0, 0},
		{"escape is no character", "Ş\x1b", nil, false, false, 0, 0},
		{"invalid utf-8", "Ş\xff", nil, false, false, 0, 0},
		{"two scripts fit no one language", "नमस्ते வணக்கம்", nil, false, false, 0, 0},
		// On a tie the single shift is advised: it changes no basic character.
		{"turkish", "Güneşli günler, İstanbul'da buluşalım", []string{"tr"}, false, true, 1, 0},
		{"turkish long", strings.Repeat("Şişli ığdır ", 13), []string{"tr"}, false, true, 2, 1},
		// Portuguese locks á and ó into one septet each; Spanish spends two.
		{"spanish accents", strings.Repeat("acción rápida ", 10), []string{"pt", "es"}, true, false, 1, 2},
		{"short spanish", "¿Qué tal? Sí.", []string{"es", "pt"}, false, true, 1, 0},
		{"portuguese", strings.Repeat("não há ação ", 10), []string{"pt"}, true, false, 1, 1},
		// The danda is in the Hindi single shift table.
		{"hindi", "नमस्ते! आपका ऑर्डर कल तक पहुँच जाएगा। धन्यवाद", []string{"hi"}, true, true, 1, 0},
		{"hindi long", strings.Repeat("आपका ऑर्डर कल तक पहुँच जाएगा। ", 6), []string{"hi"}, true, true, 2, 1},
		{"bengali", "আপনার অর্ডার আগামীকাল পৌঁছে যাবে. ধন্যবাদ", []string{"bn"}, true, false, 1, 0},
		// The Bengali tables have Bengali digits where the others have the danda.
		{"bengali danda fits no table", "আপনার অর্ডার আগামীকাল পৌঁছে যাবে।", nil, false, false, 0, 0},
		{"gujarati", "તમારો ઓર્ડર કાલે પહોંચી જશે. આભાર", []string{"gu"}, true, false, 1, 0},
		{"kannada", "ನಿಮ್ಮ ಪಾರ್ಸೆಲ್ ನಾಳೆ ಬರುತ್ತದೆ. ಧನ್ಯವಾದಗಳು", []string{"kn"}, true, false, 1, 0},
		// DDA (U+0CA1) is printed as PA at 0x24 (see kannadaLocking).
		{"kannada DDA fits no table", "ನಿಮ್ಮ ಆರ್ಡರ್ ನಾಳೆ ಬರುತ್ತದೆ", nil, false, false, 0, 0},
		{"malayalam", "നിങ്ങളുടെ ഓർഡർ നാളെ എത്തും. നന്ദി", []string{"ml"}, true, true, 1, 0},
		{"oriya", "ଆପଣଙ୍କ ଅର୍ଡର କାଲି ପହଞ୍ଚିବ। ଧନ୍ୟବାଦ", []string{"or"}, true, true, 1, 0},
		{"punjabi", "ਤੁਹਾਡਾ ਆਰਡਰ ਕੱਲ੍ਹ ਪਹੁੰਚ ਜਾਵੇਗਾ। ਧੰਨਵਾਦ", []string{"pa"}, true, true, 1, 0},
		{"tamil", "உங்கள் பார்சல் நாளை வரும். நன்றி", []string{"ta"}, true, false, 1, 0},
		{"tamil long", strings.Repeat("உங்கள் பார்சல் நாளை வரும். ", 5), []string{"ta"}, true, false, 1, 2},
		{"telugu", "మీ ఆర్డర్ రేపు చేరుతుంది. ధన్యవాదాలు", []string{"te"}, true, false, 1, 0},
		{"urdu", "آپ کا پارسل کل پہنچے گا۔ شکریہ", []string{"ur"}, true, true, 1, 0},
		// Latin capitals are in every Indian single shift table, € in the
		// default extension that a locking shift alone keeps.
		{"hindi with code and price", "OTP 4821: आपका कोड है, कीमत 5€", []string{"hi"}, true, true, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ShiftTableAdvice(tt.body)
			var langs []string
			for _, a := range got {
				langs = append(langs, a.Language)
			}
			if strings.Join(langs, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("advised languages = %v, want %v (advice %+v)", langs, tt.want, got)
			}
			if len(got) == 0 {
				return
			}
			first := got[0]
			if first.LockingShift != tt.locking || first.SingleShift != tt.single {
				t.Errorf("tables: locking %v single %v, want %v %v", first.LockingShift, first.SingleShift, tt.locking, tt.single)
			}
			if first.Segments != tt.segments {
				t.Errorf("segments = %d, want %d (%d septets)", first.Segments, tt.segments, first.Septets)
			}
			if first.SegmentsSaved != tt.saved {
				t.Errorf("segments saved = %d, want %d (UCS-2 takes %d)", first.SegmentsSaved, tt.saved, Analyze(tt.body).Segments)
			}
		})
	}
}

func TestShiftTableAdviceSeptets(t *testing.T) {
	// Hindi locking and single shift: one septet for each letter, sign and
	// space, two for the danda; Hindi has no precomposed letters to split.
	body := "नमस्ते। धन्यवाद"
	got := ShiftTableAdvice(body)
	if len(got) != 1 {
		t.Fatalf("advice = %+v, want Hindi only", got)
	}
	if want := len([]rune(body)) + 1; got[0].Septets != want {
		t.Errorf("septets = %d, want %d", got[0].Septets, want)
	}
}

func TestShiftSegmentsCapacity(t *testing.T) {
	// One shift indicator leaves 155 septets in a single segment and 149
	// per part; two leave 152 and 146.
	tests := []struct {
		name     string
		septets  int
		ies      int
		segments int
	}{
		{"one IE, 155 fit", 155, 1, 1},
		{"one IE, 156 split", 156, 1, 2},
		{"one IE, 298 in two", 298, 1, 2},
		{"one IE, 299 in three", 299, 1, 3},
		{"two IEs, 152 fit", 152, 2, 1},
		{"two IEs, 153 split", 153, 2, 2},
		{"two IEs, 292 in two", 292, 2, 2},
		{"two IEs, 293 in three", 293, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, ok := shiftSegments(strings.Repeat("a", tt.septets), 1, 1, tt.ies)
			if !ok || got != tt.segments {
				t.Errorf("segments = %d (ok %v), want %d", got, ok, tt.segments)
			}
		})
	}
}

func TestShiftSegmentsKeepsEscapesWhole(t *testing.T) {
	// A two-septet character that would straddle a part boundary moves to
	// the next part: 148 single septets then 'Ğ' (Turkish single shift).
	body := strings.Repeat("a", 148) + "Ğ" + strings.Repeat("a", 149)
	septets, segments, ok := shiftSegments(body, 1, 1<<1, 1)
	if !ok || septets != 299 || segments != 3 {
		t.Errorf("septets %d segments %d (ok %v), want 299 in 3", septets, segments, ok)
	}
}

// hindiBody300 is a realistic 300-character Hindi message.
var hindiBody300 = func() string {
	s := strings.Repeat("आपका ऑर्डर कल तक पहुँच जाएगा। धन्यवाद! ", 10)
	return string([]rune(s)[:300])
}()

func BenchmarkShiftTableAdvice(b *testing.B) {
	for _, bb := range []struct{ name, body string }{
		{"hindi-300", hindiBody300},
		{"emoji", strings.Repeat("Hi 👋 ", 50)},
		{"turkish-300", string([]rune(strings.Repeat("Güneşli günler, İstanbul'da buluşalım. ", 10))[:300])},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ShiftTableAdvice(bb.body)
			}
		})
	}
}

func ExampleShiftTableAdvice() {
	for _, a := range ShiftTableAdvice("नमस्ते! आपका ऑर्डर कल तक पहुँच जाएगा।") {
		fmt.Println(a.LanguageName, a.LockingShift, a.SingleShift, a.Septets, a.Segments)
	}
	// Output: Hindi true true 38 1
}
