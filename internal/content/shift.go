package content

import "sort"

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
	fits := shiftFits(body)
	if fits.any() == 0 {
		return nil
	}
	ucs2 := Analyze(body).Segments
	var out []ShiftAdvice
	for _, lang := range shiftLanguages {
		best, ok := bestShift(body, lang, fits)
		if !ok {
			continue
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

// shiftCombos says, as bit sets over national language identifiers, which
// pairs of tables can encode a whole body: the language's locking table
// with the default extension, the default alphabet with the language's
// single shift table, or both of the language's tables.
type shiftCombos struct {
	locking, single, both uint16
}

func (c shiftCombos) any() uint16 { return c.locking | c.single | c.both }

// shiftFits finds in one pass which table pairs can encode body, so that
// only those are then packed into segments; most bodies fit none and stop
// at their first character outside every table.
func shiftFits(body string) shiftCombos {
	c := shiftCombos{
		locking: shiftIndex.hasLocking,
		single:  shiftIndex.hasSingle,
		both:    shiftIndex.hasLocking & shiftIndex.hasSingle,
	}
	for _, r := range body {
		b := shiftIndex.lookup(r)
		locking, single := b.locking, b.single
		if single&1 != 0 {
			locking = ^uint16(0) // in the default extension
		}
		if b.locking&1 != 0 {
			single = ^uint16(0) // in the default alphabet
		}
		c.locking &= locking
		c.single &= single
		c.both &= b.locking | b.single
		if c.any() == 0 {
			break
		}
	}
	return c
}

// bestShift tries each pair of tables that fits and keeps the one with
// fewest segments, then fewest header elements.
func bestShift(body string, lang shiftLanguage, fits shiftCombos) (ShiftAdvice, bool) {
	bit := uint16(1) << lang.nli
	var best ShiftAdvice
	found := false
	for _, try := range []struct {
		locking, single bool
		fits            uint16
	}{
		{false, true, fits.single},
		{true, false, fits.locking},
		{true, true, fits.both},
	} {
		if try.fits&bit == 0 {
			continue
		}
		locking, single := uint16(1), uint16(1) // the default tables
		if try.locking {
			locking = bit
		}
		if try.single {
			single = bit
		}
		septets, segments, ok := shiftSegments(body, locking, single, btoi(try.locking)+btoi(try.single))
		if !ok {
			continue
		}
		if !found || segments < best.Segments {
			best = ShiftAdvice{
				Language: lang.code, LanguageName: lang.name,
				LockingShift: try.locking, SingleShift: try.single,
				Septets: septets, Segments: segments,
			}
			found = true
		}
	}
	return best, found
}

// shiftSegments encodes body with the locking and single shift tables whose
// identifier bits are given (bit 0 for the default tables), reporting its
// septets and segments, or ok=false when a character is in neither table.
func shiftSegments(body string, locking, single uint16, ies int) (septets, segments int, ok bool) {
	singleCap := (140 - 1 - shiftIEOctets*ies) * 8 / 7
	multiCap := (140 - 6 - shiftIEOctets*ies) * 8 / 7
	fill := 0
	segments = 1
	for _, r := range body {
		b := shiftIndex.lookup(r)
		n := 0
		switch {
		case b.locking&locking != 0:
			n = 1
		case b.single&single != 0:
			n = 2
		default:
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

// shiftBits says which tables hold a character: bit n of locking is set
// when the locking table of national language n has it, bit n of single
// when its single shift table has it; bit 0 stands for the default
// alphabet and its extension table.
type shiftBits struct {
	locking, single uint16
}

// shiftTableIndex answers, for any character, which of the tables hold it,
// so advice costs one look-up per character however many languages there
// are.
type shiftTableIndex struct {
	// low covers Latin, Greek, Arabic and the Indian scripts (below
	// U+0E00) directly; high has the few characters above (€, ∞).
	low  [0x0E00]shiftBits
	high map[rune]shiftBits
	// hasLocking and hasSingle have the bits of the languages that define
	// a table of that kind.
	hasLocking, hasSingle uint16
}

var shiftIndex = newShiftTableIndex()

func newShiftTableIndex() *shiftTableIndex {
	x := &shiftTableIndex{high: make(map[rune]shiftBits)}
	add := func(t *shiftTable, bit uint16, single bool) {
		for _, r := range t {
			if r == unused || r == esc {
				continue
			}
			b := x.lookup(r)
			if single {
				b.single |= bit
			} else {
				b.locking |= bit
			}
			if r < rune(len(x.low)) {
				x.low[r] = b
			} else {
				x.high[r] = b
			}
		}
	}
	add(&defaultAlphabet, 1, false)
	add(&defaultExtension, 1, true)
	for _, lang := range shiftLanguages {
		bit := uint16(1) << lang.nli
		if lang.locking != nil {
			add(lang.locking, bit, false)
			x.hasLocking |= bit
		}
		if lang.single != nil {
			add(lang.single, bit, true)
			x.hasSingle |= bit
		}
	}
	return x
}

func (x *shiftTableIndex) lookup(r rune) shiftBits {
	if r >= 0 && r < rune(len(x.low)) {
		return x.low[r]
	}
	return x.high[r]
}
