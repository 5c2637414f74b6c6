package content

import (
	"sort"
	"strings"
)

// ShiftAdvice says how a UCS-2 message would travel as GSM-7 using a national
// language shift table of 3GPP TS 23.038. It is advice only: Analyze keeps
// the reference calculator's answer, since not every carrier and handset
// honours shift tables.
type ShiftAdvice struct {
	// Language is the ISO 639-1 code and LanguageName its English name.
	Language     string `json:"language"`
	LanguageName string `json:"language_name"`
	// LockingShift and SingleShift say which national tables are used;
	// a table not used is the default one.
	LockingShift bool `json:"locking_shift"`
	SingleShift  bool `json:"single_shift"`
	// Septets is the encoded length and Segments the segment count,
	// counting the extra header octets the shift indicators take.
	Septets  int `json:"septets"`
	Segments int `json:"segments"`
	// SegmentsSaved compares Segments with the UCS-2 count from Analyze.
	SegmentsSaved int `json:"segments_saved"`
}

// Each shift indicator is a 3-octet information element in the user data
// header, which also needs its 1-octet length when there is no
// concatenation header to share it.
const shiftIEOctets = 3

// ShiftTableAdvice reports, for each national language whose tables can
// encode body in GSM-7, the cheapest way to do it. It returns nil when body
// is already GSM-7 (the default alphabet needs no header) or no language
// fits. Results are ordered by segments, then language code.
func ShiftTableAdvice(body string) []ShiftAdvice {
	if _, _, ok := gsmOnly(body); ok {
		return nil
	}
	ucs2 := 0 // computed lazily: most bodies fit no table
	var out []ShiftAdvice
	for _, lang := range shiftLanguages {
		best, ok := bestShift(body, lang)
		if !ok {
			continue
		}
		if ucs2 == 0 {
			ucs2 = Analyze(body).Segments
		}
		best.SegmentsSaved = ucs2 - best.Segments
		out = append(out, best)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Segments != out[j].Segments {
			return out[i].Segments < out[j].Segments
		}
		return out[i].Language < out[j].Language
	})
	return out
}

// bestShift tries each combination of the language's tables and keeps the
// one with fewest segments, then fewest header elements.
func bestShift(body string, lang shiftLanguage) (ShiftAdvice, bool) {
	var best ShiftAdvice
	found := false
	for _, useLocking := range []bool{false, true} {
		for _, useSingle := range []bool{false, true} {
			if (useLocking && lang.locking == "") || (useSingle && lang.single == "") || (!useLocking && !useSingle) {
				continue
			}
			locking, single := defaultAlphabet, defaultExtension
			if useLocking {
				locking = lang.locking
			}
			if useSingle {
				single = lang.single
			}
			septets, segments, ok := shiftSegments(body, locking, single, btoi(useLocking)+btoi(useSingle))
			if !ok {
				continue
			}
			if !found || segments < best.Segments {
				best = ShiftAdvice{
					Language: lang.code, LanguageName: lang.name,
					LockingShift: useLocking, SingleShift: useSingle,
					Septets: septets, Segments: segments,
				}
				found = true
			}
		}
	}
	return best, found
}

// shiftSegments encodes body with the given tables, reporting its septets and
// segments, or ok=false when a character is in neither table.
func shiftSegments(body, locking, single string, ies int) (septets, segments int, ok bool) {
	singleCap := (140 - 1 - shiftIEOctets*ies) * 8 / 7
	multiCap := (140 - 6 - shiftIEOctets*ies) * 8 / 7
	fill := 0
	segments = 1
	for _, r := range body {
		n := 0
		switch {
		case r == '\x1b':
			// ESC is the escape to the single shift table, not a character.
		case strings.ContainsRune(locking, r):
			n = 1
		case strings.ContainsRune(single, r):
			n = 2
		}
		if n == 0 {
			return 0, 0, false
		}
		septets += n
		// Pack for the concatenated case as we go; it is only used
		// when the whole body does not fit one segment.
		if fill+n > multiCap {
			segments++
			fill = 0
		}
		fill += n
	}
	if septets <= singleCap {
		segments = 1
	}
	return septets, segments, true
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
