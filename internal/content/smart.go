package content

import (
	"strings"
	"unicode/utf8"
)

// Replacement reports one character that smart encoding replaced.
type Replacement struct {
	// From is the original character and To what replaced it (possibly
	// nothing, for invisible characters).
	From string `json:"from"`
	To   string `json:"to"`
	// Count is how many times it occurred; Offset is the byte offset of
	// the first occurrence in the original body.
	Count  int `json:"count"`
	Offset int `json:"offset"`
}

// extraSmart extends the reference table with look-alikes it misses. Each
// target is GSM-7, and none changes the meaning of a word: accented letters
// are deliberately left alone (see ShiftTableAdvice for those).
var extraSmart = map[rune]string{
	0x00AD: "",    // soft hyphen: invisible unless a line breaks
	0x180E: "",    // Mongolian vowel separator, used as an invisible space
	0x200E: "",    // left-to-right mark
	0x200F: "",    // right-to-left mark
	0x2061: "",    // invisible function application
	0x2062: "",    // invisible times
	0x2063: "",    // invisible separator
	0x2064: "",    // invisible plus
	0x2011: "-",   // non-breaking hyphen
	0x2012: "-",   // figure dash
	0x2212: "-",   // minus sign
	0xFE58: "-",   // small em dash
	0x2032: "'",   // prime, often typed for feet or minutes
	0x2035: "'",   // reversed prime
	0x2033: "\"",  // double prime
	0x2036: "\"",  // reversed double prime
	0x2024: ".",   // one dot leader
	0x2025: "..",  // two dot leader
	0x2027: "-",   // hyphenation point
	0x00D7: "x",   // multiplication sign
	0x2715: "x",   // multiplication X
	0x00A9: "(c)", // copyright sign
	0x00AE: "(R)", // registered sign
	0x2122: "TM",  // trade mark sign
	0xFF40: "'",   // fullwidth grave accent, like the reference's backtick
	0x2047: "??",  // double question mark
	0x2048: "?!",  // question exclamation mark
	0x2049: "!?",  // exclamation question mark
}

func init() {
	// Fullwidth small letters: the reference covers the capitals only.
	for r := rune(0xFF41); r <= 0xFF5A; r++ {
		extraSmart[r] = string('a' + (r - 0xFF41))
	}
}

// SmartEncode replaces characters that force UCS-2 with GSM-7 look-alikes,
// the way Twilio's Smart Encoding does: curly quotes, dashes, ellipsis,
// unusual spaces, invisible characters, fullwidth ASCII and the like. It
// returns the new body and, in order of first appearance, what it replaced.
func SmartEncode(body string) (string, []Replacement) {
	return smartEncode(body, true)
}

// smartEncode applies the reference table, plus extraSmart when extended is
// set. Replacement is per code point before any grapheme analysis, as in the
// reference, so a combining mark is replaced even when it sits on a letter.
func smartEncode(body string, extended bool) (string, []Replacement) {
	lookup := func(r rune) (string, bool) {
		if to, ok := referenceSmart[r]; ok {
			return to, true
		}
		if extended {
			to, ok := extraSmart[r]
			return to, ok
		}
		return "", false
	}
	// Most bodies need nothing: find the first replacement before
	// allocating anything.
	first := -1
	for i, r := range body {
		if _, ok := lookup(r); ok {
			first = i
			break
		}
	}
	if first < 0 {
		return body, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	var reps []Replacement
	copied := 0 // body[:copied] is already in b
	for i, r := range body[first:] {
		to, ok := lookup(r)
		if !ok {
			continue
		}
		at := first + i
		b.WriteString(body[copied:at])
		b.WriteString(to)
		copied = at + utf8.RuneLen(r)
		from := string(r)
		found := false
		for k := range reps {
			if reps[k].From == from {
				reps[k].Count++
				found = true
				break
			}
		}
		if !found {
			reps = append(reps, Replacement{From: from, To: to, Count: 1, Offset: at})
		}
	}
	b.WriteString(body[copied:])
	return b.String(), reps
}

// SmartReport compares a body with its smart-encoded form.
type SmartReport struct {
	// Text is the smart-encoded body.
	Text         string        `json:"text"`
	Replacements []Replacement `json:"replacements"`
	Original     Analysis      `json:"original"`
	Encoded      Analysis      `json:"encoded"`
	// SegmentsSaved is Original.Segments minus Encoded.Segments; it can
	// be negative when a replacement is longer than what it replaces
	// and the body is already GSM-7.
	SegmentsSaved int `json:"segments_saved"`
}

// AnalyzeSmart analyzes body before and after SmartEncode, to show what smart
// encoding would save.
func AnalyzeSmart(body string) SmartReport {
	text, reps := SmartEncode(body)
	r := SmartReport{Text: text, Replacements: reps, Original: Analyze(body)}
	if reps == nil {
		r.Encoded = r.Original
	} else {
		r.Encoded = Analyze(text)
	}
	r.SegmentsSaved = r.Original.Segments - r.Encoded.Segments
	return r
}
