package content

// splitter packs characters into segments with the reference calculator's
// procedure, which matters at the edges: the first segment is filled to the
// full 140 octets; only when a second segment is needed does the first one
// get its 6-octet header, and the characters that no longer fit move over.
// A character is never split, even when it is larger than a segment (a
// grapheme cluster of 71 or more UTF-16 units), in which case the segment
// simply overflows, as it does in the reference.
type splitter struct {
	body     string
	starts   []int // byte offset where each segment begins
	textBits []int // bits of text in each segment
	curBits  int   // bits used in the last segment, header included

	// The characters of the first segment, kept until it is closed so
	// that they can be moved when its header is added.
	first  [segmentBits / septetBits]firstChar
	nFirst int
}

type firstChar struct {
	offset int
	bits   int
}

func (s *splitter) init(body string, capHint int) {
	s.body = body
	s.starts = make([]int, 1, capHint)
	s.textBits = make([]int, 1, capHint)
}

// add appends a character starting at byte offset off and costing bits.
func (s *splitter) add(off, bits int) {
	if segmentBits-s.curBits < bits {
		newStart, newText := off, 0
		if len(s.starts) == 1 {
			// The first segment takes its header now.
			used := s.curBits + udhBits
			for used > segmentBits && s.nFirst > 0 {
				s.nFirst--
				c := s.first[s.nFirst]
				used -= c.bits
				newText += c.bits
				newStart = c.offset
			}
			s.textBits[0] -= newText
		}
		s.starts = append(s.starts, newStart)
		s.textBits = append(s.textBits, newText)
		s.curBits = udhBits + newText
	}
	if len(s.starts) == 1 && s.nFirst < len(s.first) {
		s.first[s.nFirst] = firstChar{offset: off, bits: bits}
		s.nFirst++
	}
	s.curBits += bits
	s.textBits[len(s.textBits)-1] += bits
}
