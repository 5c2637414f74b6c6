package content

import (
	"sort"
	"unicode/utf8"
)

// gbProp is a grapheme cluster break property value (UAX #29, Unicode 10).
type gbProp uint8

// The Unicode 10 property values, including the emoji ones that later
// Unicode versions dropped; the reference splitter still uses them.
const (
	propOther gbProp = iota
	propCR
	propLF
	propControl
	propExtend
	propRegionalIndicator
	propSpacingMark
	propL
	propV
	propT
	propLV
	propLVT
	propPrepend
	propEBase
	propEModifier
	propZWJ
	propGlueAfterZWJ
	propEBaseGAZ
)

// propRange assigns one property to the code points lo through hi.
type propRange struct {
	lo, hi rune
	prop   gbProp
}

// bmpProps is a direct lookup for the Basic Multilingual Plane, where nearly
// every message lives; 64 KiB buys a table access instead of a binary search.
var bmpProps = func() *[0x10000]gbProp {
	var t [0x10000]gbProp
	for _, r := range graphemeRanges {
		if r.lo > 0xFFFF {
			break
		}
		for c := r.lo; c <= r.hi && c <= 0xFFFF; c++ {
			t[c] = r.prop
		}
	}
	return &t
}()

// propertyOf returns the grapheme break property of r.
func propertyOf(r rune) gbProp {
	if r >= 0 && r <= 0xFFFF {
		return bmpProps[r]
	}
	i := sort.Search(len(graphemeRanges), func(i int) bool { return graphemeRanges[i].hi >= r })
	if i < len(graphemeRanges) && graphemeRanges[i].lo <= r {
		return graphemeRanges[i].prop
	}
	return propOther
}

// cluster is the state of the grapheme cluster being built. The reference
// splitter (grapheme-splitter 1.0.4) decides each break by looking at the
// cluster's first property, every property after it and the next one; its
// answers differ from today's Unicode rules in places (for example a flag
// followed by two combining marks splits after the first mark), so this
// keeps just enough summary of that history to give the same answers.
type cluster struct {
	start     gbProp
	prev      gbProp // the last property in the cluster
	prev2     gbProp // the one before prev, when have2
	have2     bool
	midLen    int  // properties after the first
	midExtend bool // all of them are Extend
	hasExtend bool // Extend appears anywhere in the cluster
	leadRI    int  // regional indicators directly after the first property
	riAfter   bool // a regional indicator follows a non-indicator after the first property
}

func (c *cluster) reset(p gbProp) {
	*c = cluster{start: p, prev: p, midExtend: true, hasExtend: p == propExtend}
}

func isEBase(p gbProp) bool { return p == propEBase || p == propEBaseGAZ }

func isControlLike(p gbProp) bool { return p == propControl || p == propCR || p == propLF }

// breaksBefore reports whether a cluster boundary falls before a code point of
// property next.
func (c *cluster) breaksBefore(next gbProp) bool {
	// An emoji modifier after marks that do not follow an emoji base.
	if next == propEModifier && c.midLen > 0 && c.midExtend && c.start != propExtend && !isEBase(c.start) {
		return true
	}
	// Regional indicators: the reference ends a cluster that started with
	// indicators once anything else has been attached to them.
	if next == propRegionalIndicator {
		if c.midLen == 0 && c.start != propPrepend && c.start != propRegionalIndicator {
			return true
		}
	} else if c.leadRI > 0 && !c.riAfter && c.midLen > c.leadRI && c.prev != propPrepend {
		return true
	}
	switch {
	case c.prev == propCR && next == propLF:
		// The reference keeps CR LF together and then splits the pair
		// again, so it is two characters.
		return true
	case isControlLike(c.prev), isControlLike(next):
		return true
	case c.prev == propL && (next == propL || next == propV || next == propLV || next == propLVT):
		return false
	case (c.prev == propLV || c.prev == propV) && (next == propV || next == propT):
		return false
	case (c.prev == propLVT || c.prev == propT) && next == propT:
		return false
	case next == propExtend || next == propZWJ || next == propSpacingMark:
		return false
	case c.prev == propPrepend:
		return false
	}
	if next == propEModifier {
		if c.hasExtend {
			if c.prev == propExtend && c.have2 && isEBase(c.prev2) {
				return false
			}
		} else if isEBase(c.prev) {
			return false
		}
	}
	if c.prev == propZWJ && (next == propGlueAfterZWJ || next == propEBaseGAZ) {
		return false
	}
	if c.leadRI > 0 || c.riAfter {
		return true
	}
	if c.prev == propRegionalIndicator && next == propRegionalIndicator {
		return false
	}
	return true
}

// extend adds a code point of property p to the cluster.
func (c *cluster) extend(p gbProp) {
	if p == propRegionalIndicator {
		if c.midLen == c.leadRI {
			c.leadRI++
		} else {
			c.riAfter = true
		}
	}
	c.midLen++
	c.midExtend = c.midExtend && p == propExtend
	c.hasExtend = c.hasExtend || p == propExtend
	c.prev2, c.have2, c.prev = c.prev, true, p
}

// graphemeIter walks a string one grapheme cluster at a time, as the
// reference calculator splits it.
type graphemeIter struct {
	s     string
	pos   int // byte offset of the next cluster
	r     rune
	width int
	c     cluster
}

func newGraphemeIter(s string) graphemeIter {
	g := graphemeIter{s: s}
	if len(s) > 0 {
		g.r, g.width = utf8.DecodeRuneInString(s)
	}
	return g
}

// next returns the byte range of the next cluster, its length in UTF-16 code
// units and its first rune, or ok=false at the end of the string.
func (g *graphemeIter) next() (start, end, units int, first rune, ok bool) {
	if g.pos >= len(g.s) {
		return 0, 0, 0, 0, false
	}
	start, first = g.pos, g.r
	g.c.reset(propertyOf(g.r))
	units = utf16Len(g.r)
	i := g.pos + g.width
	for i < len(g.s) {
		r, w := utf8.DecodeRuneInString(g.s[i:])
		p := propertyOf(r)
		if g.c.breaksBefore(p) {
			g.pos, g.r, g.width = i, r, w
			return start, i, units, first, true
		}
		g.c.extend(p)
		units += utf16Len(r)
		i += w
	}
	g.pos = len(g.s)
	return start, len(g.s), units, first, true
}

// utf16Len is the number of UTF-16 code units r takes; invalid UTF-8 bytes
// decode to U+FFFD and count as one.
func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
