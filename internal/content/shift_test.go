package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShiftTablesAreWellFormed(t *testing.T) {
	for _, tt := range []struct {
		name  string
		table string
	}{
		{"default", defaultAlphabet},
		{"turkish locking", turkishLocking},
		{"portuguese locking", portugueseLocking},
	} {
		if n := utf8.RuneCountInString(tt.table); n != 128 {
			t.Errorf("%s table has %d characters, want 128", tt.name, n)
		}
	}
	// The default tables must agree with the alphabet Analyze uses.
	for _, r := range defaultAlphabet {
		if r != '\x1b' && gsmSeptets(r) != 1 {
			t.Errorf("default alphabet %U: gsmSeptets = %d, want 1", r, gsmSeptets(r))
		}
	}
	for _, r := range defaultExtension {
		if gsmSeptets(r) != 2 {
			t.Errorf("default extension %U: gsmSeptets = %d, want 2", r, gsmSeptets(r))
		}
	}
}

func TestShiftTableAdvice(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		want     []string // languages advised, in order
		segments int      // segments of the first advice
		saved    int
	}{
		{"gsm body needs no advice", "Hello", nil, 0, 0},
		{"emoji fit no table", "Hi 👋", nil, 0, 0},
		{"turkish", "Güneşli günler, İstanbul'da buluşalım", []string{"tr"}, 1, 0},
		{"turkish long", strings.Repeat("Şişli ığdır ", 13), []string{"tr"}, 2, 1},
		// Portuguese locks á and ó into one septet each; Spanish spends two.
		{"spanish accents", strings.Repeat("acción rápida ", 10), []string{"pt", "es"}, 1, 2},
		{"short spanish", "¿Qué tal? Sí.", []string{"es", "pt"}, 1, 0},
		{"portuguese", strings.Repeat("não há ação ", 10), []string{"pt"}, 1, 1},
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
			if got[0].Segments != tt.segments {
				t.Errorf("segments = %d, want %d", got[0].Segments, tt.segments)
			}
			if got[0].SegmentsSaved != tt.saved {
				t.Errorf("segments saved = %d, want %d (UCS-2 takes %d)", got[0].SegmentsSaved, tt.saved, Analyze(tt.body).Segments)
			}
		})
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
			_, got, ok := shiftSegments(strings.Repeat("a", tt.septets), defaultAlphabet, defaultExtension, tt.ies)
			if !ok || got != tt.segments {
				t.Errorf("segments = %d (ok %v), want %d", got, ok, tt.segments)
			}
		})
	}
}
