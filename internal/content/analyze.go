package content

import "unicode/utf8"

// Analysis is how a message body encodes and splits into SMS segments.
type Analysis struct {
	// Encoding is EncodingGSM7 or EncodingUCS2.
	Encoding string `json:"encoding"`
	// Segments is how many SMS segments the body is sent as; an empty
	// body is one segment, as in the reference calculator.
	Segments int `json:"segments"`
	// Characters counts septets for GSM-7 (an extension character counts
	// twice) and grapheme clusters for UCS-2, as the reference does.
	Characters int `json:"characters"`
	// MessageSizeBits is the size of the text alone, without the user
	// data headers of a concatenated message.
	MessageSizeBits int `json:"message_size_bits"`
	// TotalSizeBits adds the user data headers to MessageSizeBits.
	TotalSizeBits int `json:"total_size_bits"`
	// UnicodeScalars is the number of code points in the body.
	UnicodeScalars int `json:"unicode_scalars"`
	// NonGSMCharacters lists, in order, every character that has no
	// GSM-7 form and so forces UCS-2.
	NonGSMCharacters []NonGSMChar `json:"non_gsm_characters"`
	// SegmentsWithoutNonGSM is how many segments the body would take if
	// the NonGSMCharacters were removed.
	SegmentsWithoutNonGSM int `json:"segments_without_non_gsm"`
	// Remaining is how many more single-unit characters (septets or
	// UTF-16 code units) fit in the last segment before another starts.
	Remaining int `json:"remaining"`
	// Parts are the segments themselves, in order; their texts
	// concatenate to the body.
	Parts []Part `json:"parts"`
}

// NonGSMChar is one occurrence of a character that forces UCS-2.
type NonGSMChar struct {
	// Char is the grapheme cluster as it appears in the body.
	Char string `json:"char"`
	// Index is its position counted in characters (grapheme clusters).
	Index int `json:"index"`
	// Offset is its byte offset in the body.
	Offset int `json:"offset"`
}

// Part is one SMS segment of a message.
type Part struct {
	// Text is the slice of the body carried by this segment.
	Text string `json:"text"`
	// Start and End are byte offsets of Text in the body.
	Start int `json:"start"`
	End   int `json:"end"`
	// SizeBits is the size of Text in the segment, header excluded.
	SizeBits int `json:"size_bits"`
}

// Analyze reports the encoding and segmentation of body exactly as Twilio's
// calculator (sms-segments-calculator 1.3.0) does. Bytes that are not UTF-8,
// which a JavaScript string cannot hold and the reference so never sees, are
// each taken as U+FFFD: a non-GSM character of one UTF-16 unit.
func Analyze(body string) Analysis {
	if septets, scalars, ok := gsmOnly(body); ok {
		return analyzeGSM(body, septets, scalars)
	}
	return analyzeUCS2(body)
}

// gsmOnly reports whether every code point of body has a GSM-7 form, with
// the septet and code point counts. Such a body is GSM-7 and each of its
// code points is a character of its own: no GSM character joins a
// grapheme cluster with another (CR LF is split back by the reference).
func gsmOnly(body string) (septets, scalars int, ok bool) {
	for i := 0; i < len(body); {
		c := body[i]
		if c < utf8.RuneSelf {
			n := gsmASCII[c]
			if n == 0 {
				return 0, 0, false
			}
			septets += int(n)
			scalars++
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(body[i:])
		n := gsmSeptets(r)
		if n == 0 || r == utf8.RuneError {
			return 0, 0, false
		}
		septets += n
		scalars++
		i += w
	}
	return septets, scalars, true
}

func analyzeGSM(body string, septets, scalars int) Analysis {
	a := Analysis{
		Encoding:        EncodingGSM7,
		Characters:      septets,
		MessageSizeBits: septets * septetBits,
		UnicodeScalars:  scalars,
	}
	if septets*septetBits <= segmentBits {
		a.Segments = 1
		a.SegmentsWithoutNonGSM = 1
		a.TotalSizeBits = a.MessageSizeBits
		a.Remaining = (segmentBits - a.MessageSizeBits) / septetBits
		a.Parts = []Part{{Text: body, Start: 0, End: len(body), SizeBits: a.MessageSizeBits}}
		return a
	}
	var sp splitter
	sp.init(body, septets/153+2)
	for i, r := range body {
		sp.add(i, gsmSeptets(r)*septetBits)
	}
	a.finish(&sp, septetBits)
	a.SegmentsWithoutNonGSM = a.Segments
	return a
}

func analyzeUCS2(body string) Analysis {
	a := Analysis{Encoding: EncodingUCS2}
	var sp splitter
	sp.init(body, len(body)/134+2)
	// GSM-7 septets of what remains once the non-GSM characters are
	// removed, packed the way analyzeGSM would pack them.
	var gsmTotal, gsmParts, gsmFill int
	it := newGraphemeIter(body)
	for {
		start, end, units, first, ok := it.next()
		if !ok {
			break
		}
		septets := 0
		if units == 1 && end-start == utf8.RuneLen(first) && first != utf8.RuneError {
			septets = gsmSeptets(first)
		}
		if septets == 0 {
			if a.NonGSMCharacters == nil {
				// Skip the smallest growth steps: UCS-2 text is
				// usually mostly non-GSM.
				a.NonGSMCharacters = make([]NonGSMChar, 0, 16)
			}
			a.NonGSMCharacters = append(a.NonGSMCharacters, NonGSMChar{Char: body[start:end], Index: a.Characters, Offset: start})
		} else {
			gsmTotal += septets
			if gsmParts == 0 || gsmFill+septets > 153 {
				gsmParts++
				gsmFill = 0
			}
			gsmFill += septets
		}
		a.Characters++
		a.MessageSizeBits += units * ucs2Bits
		sp.add(start, units*ucs2Bits)
	}
	a.UnicodeScalars = utf8.RuneCountInString(body)
	a.finish(&sp, ucs2Bits)
	a.SegmentsWithoutNonGSM = gsmParts
	if gsmTotal <= 160 {
		a.SegmentsWithoutNonGSM = 1
	}
	return a
}

// finish fills the segment fields of a from a completed splitter.
func (a *Analysis) finish(sp *splitter, unitBits int) {
	a.Segments = len(sp.starts)
	a.TotalSizeBits = a.MessageSizeBits
	if a.Segments > 1 {
		a.TotalSizeBits += a.Segments * udhBits
	}
	a.Remaining = max(0, segmentBits-sp.curBits) / unitBits
	a.Parts = make([]Part, a.Segments)
	for i, s := range sp.starts {
		end := len(sp.body)
		if i+1 < len(sp.starts) {
			end = sp.starts[i+1]
		}
		a.Parts[i] = Part{Text: sp.body[s:end], Start: s, End: end, SizeBits: sp.textBits[i]}
	}
}

// SegmentTexts returns the text of each segment, in order.
func (a Analysis) SegmentTexts() []string {
	texts := make([]string, len(a.Parts))
	for i, p := range a.Parts {
		texts[i] = p.Text
	}
	return texts
}
