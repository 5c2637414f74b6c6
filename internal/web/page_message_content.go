package web

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/content"
)

// inspection is the content inspector of the details page: the body
// character by character, split into its segments, with what forced UCS-2
// and what smart encoding or a national shift table would save.
type inspection struct {
	Body     *string // nil when the body is not kept (hash policy, retention)
	Policy   string  // "", hash, redact or removed
	Report   content.Report
	Segments []segmentView
	// NonGSM are the distinct characters that forced UCS-2, from the
	// analysis of the body as sent (kept even when the body is not).
	NonGSM []string
	// Characters is the stored count, for bodies not kept.
	Characters int
}

// segmentView is one SMS segment of the body and its characters.
type segmentView struct {
	N     int
	Bits  int
	Chars []charView
}

// charView is one character of the body as the inspector draws it.
type charView struct {
	Text   string // what is drawn: visible stand-ins for spaces and line breaks
	Title  string // the character's code points, and why it matters
	NonGSM bool   // it has no GSM-7 form, and forced UCS-2
	Ext    bool   // GSM-7 extension character: it costs two septets
	Space  bool   // white space, drawn with a stand-in
}

// inspect runs the content inspector on a message's body; nil for a
// message without one.
func inspect(m *smstrack.Message, prices content.PriceTable) *inspection {
	in := &inspection{Body: m.Body, Policy: m.Content.BodyPolicy, NonGSM: m.Content.NonGSM, Characters: m.Content.Characters}
	if m.Body == nil {
		if m.Content.Characters == 0 && len(m.Content.NonGSM) == 0 {
			return nil
		}
		return in
	}
	opts := content.InspectOptions{Country: m.Country, Prices: prices}
	for _, md := range m.Media {
		opts.Media = append(opts.Media, content.Media{URL: md.URL, ContentType: md.ContentType, Size: md.Size})
	}
	in.Report = content.Inspect(*m.Body, opts)
	in.Segments = segmentChars(*m.Body, in.Report.Analysis)
	return in
}

// segmentChars splits body into the characters of each of its segments.
// A character that forced UCS-2 is the whole grapheme cluster the
// analysis names (an emoji with its modifiers); every other is one code
// point.
func segmentChars(body string, a content.Analysis) []segmentView {
	nonGSM := map[int]string{}
	for _, c := range a.NonGSMCharacters {
		nonGSM[c.Offset] = c.Char
	}
	segs := make([]segmentView, len(a.Parts))
	for i, p := range a.Parts {
		segs[i] = segmentView{N: i + 1, Bits: p.SizeBits}
	}
	part := 0
	for off := 0; off < len(body); {
		for part < len(a.Parts)-1 && off >= a.Parts[part].End {
			part++
		}
		var c charView
		if cluster, ok := nonGSM[off]; ok {
			c = charView{Text: cluster, NonGSM: true, Title: codePoints(cluster) + ": no GSM-7 form, forces UCS-2"}
			off += len(cluster)
		} else {
			r, size := utf8.DecodeRuneInString(body[off:])
			ch := body[off : off+size]
			c = charView{Text: ch, Title: codePoints(ch)}
			switch septets := content.GSMSeptets(r); {
			case septets == 2:
				c.Ext, c.Title = true, c.Title+": GSM-7 extension, two septets"
			case septets == 0 && a.Encoding == content.EncodingGSM7:
				c.Title += ": no GSM-7 form"
			}
			off += size
		}
		switch c.Text {
		case " ":
			c.Text, c.Space = "␣", true
		case "\n":
			c.Text, c.Space = "↵", true
		case "\r":
			c.Text, c.Space = "␍", true
		case "\t":
			c.Text, c.Space = "⇥", true
		}
		if len(segs) > 0 {
			segs[part].Chars = append(segs[part].Chars, c)
		}
	}
	return segs
}

// codePoints names the code points of s: "U+00E9", "U+1F44D U+1F3FD".
func codePoints(s string) string {
	var parts []string
	for _, r := range s {
		parts = append(parts, fmt.Sprintf("U+%04X", r))
	}
	return strings.Join(parts, " ")
}
