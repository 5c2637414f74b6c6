package insight

import (
	"encoding/binary"
	"errors"
	"math"
)

// RelativeAccuracy bounds the error of every quantile a Sketch answers: the
// value returned is within 1% of the true value of that rank.
const RelativeAccuracy = 0.01

// gamma is the ratio between the bounds of consecutive bins. It is fixed
// for every sketch ever written, which is what lets stored sketches from
// any cell, any day, be added to and subtracted from each other exactly.
var (
	gamma    = (1 + RelativeAccuracy) / (1 - RelativeAccuracy)
	logGamma = math.Log(gamma)
)

// MaxValue is the largest value a sketch tells apart (about 115 days in
// milliseconds); larger values count in the last bin.
const MaxValue = 1e10

// maxBin is the bin of MaxValue.
var maxBin = binOf(MaxValue)

// Sketch is a mergeable histogram of non-negative values (latencies in
// milliseconds) in the manner of DDSketch: logarithmic bins of fixed ratio
// gamma, so any quantile is answered within RelativeAccuracy. Two sketches
// merge by adding their bin counts and un-merge by subtracting them, both
// exactly, which is what keeps rollups exact under late and repeated
// updates. Values under 1 count as 1. The zero value is an empty sketch.
type Sketch struct {
	bins []int64 // count of bin offset+i at index i
	off  int
	n    int64
}

// binOf is the bin holding value v: the k with gamma^(k-1) < v <= gamma^k.
func binOf(v float64) int {
	if !(v > 1) { // also NaN
		return 0
	}
	if v > MaxValue {
		v = MaxValue
	}
	return int(math.Ceil(math.Log(v) / logGamma))
}

// binValue is the value reported for bin k: the point within
// RelativeAccuracy of every value of the bin.
func binValue(k int) float64 {
	return 2 * math.Pow(gamma, float64(k)) / (gamma + 1)
}

// Add counts one value.
func (s *Sketch) Add(v float64) { s.AddBin(binOf(v), 1) }

// Bin returns the bin a value falls in, for callers that keep bins rather
// than values.
func Bin(v float64) int { return binOf(v) }

// AddBin adds count (which may be negative, to un-merge) to bin k.
func (s *Sketch) AddBin(k int, count int64) {
	if count == 0 {
		return
	}
	k = max(0, min(k, maxBin))
	switch {
	case len(s.bins) == 0:
		s.bins, s.off = make([]int64, 1, 8), k
	case k < s.off: // grow downwards, with room for more
		pad := max(s.off-k, len(s.bins)/2)
		pad = min(pad, s.off)
		grown := make([]int64, pad+len(s.bins), pad+cap(s.bins))
		copy(grown[pad:], s.bins)
		s.bins, s.off = grown, s.off-pad
	case k-s.off >= len(s.bins):
		need := k - s.off + 1
		if need > cap(s.bins) {
			grown := make([]int64, need, max(need, 2*cap(s.bins)))
			copy(grown, s.bins)
			s.bins = grown
		} else {
			s.bins = s.bins[:need]
		}
	}
	s.bins[k-s.off] += count
	s.n += count
}

// Merge adds every bin of o to s.
func (s *Sketch) Merge(o *Sketch) {
	for i, c := range o.bins {
		if c != 0 {
			s.AddBin(o.off+i, c)
		}
	}
}

// Subtract removes every bin of o from s: the inverse of Merge.
func (s *Sketch) Subtract(o *Sketch) {
	for i, c := range o.bins {
		if c != 0 {
			s.AddBin(o.off+i, -c)
		}
	}
}

// Count is the number of values counted.
func (s *Sketch) Count() int64 { return s.n }

// Empty reports whether every bin is zero.
func (s *Sketch) Empty() bool {
	for _, c := range s.bins {
		if c != 0 {
			return false
		}
	}
	return true
}

// Negative reports whether any bin is below zero, which a sketch of real
// values never is.
func (s *Sketch) Negative() bool {
	for _, c := range s.bins {
		if c < 0 {
			return true
		}
	}
	return false
}

// Equal reports whether two sketches have the same bins.
func (s *Sketch) Equal(o *Sketch) bool {
	lo := min(s.off, o.off)
	hi := max(s.off+len(s.bins), o.off+len(o.bins))
	for k := lo; k < hi; k++ {
		if s.bin(k) != o.bin(k) {
			return false
		}
	}
	return true
}

func (s *Sketch) bin(k int) int64 {
	if i := k - s.off; i >= 0 && i < len(s.bins) {
		return s.bins[i]
	}
	return 0
}

// Bins calls fn for every non-zero bin in increasing order.
func (s *Sketch) Bins(fn func(bin int, count int64)) {
	for i, c := range s.bins {
		if c != 0 {
			fn(s.off+i, c)
		}
	}
}

// Quantile returns the value at quantile q in [0, 1] (0.99 for p99), within
// RelativeAccuracy of the value of that rank among the counted values;
// ok is false when the sketch is empty. The rank is the nearest rank,
// ceil(q*n), the definition the exact percentiles elsewhere use.
func (s *Sketch) Quantile(q float64) (v float64, ok bool) {
	if s.n <= 0 {
		return 0, false
	}
	q = max(0, min(q, 1))
	rank := max(int64(math.Ceil(q*float64(s.n))), 1) // 1-based
	var seen int64
	for i, c := range s.bins {
		seen += c
		if seen >= rank {
			return binValue(s.off + i), true
		}
	}
	return binValue(s.off + len(s.bins) - 1), true
}

// sketchFormat is the first byte of an encoded sketch.
const sketchFormat = 1

// Encode returns the sketch's compact form for storage: a format byte, then
// for each non-zero bin the gap from the previous bin and the count, both
// as varints. An empty sketch encodes as nil.
func (s *Sketch) Encode() []byte {
	if s.Empty() {
		return nil
	}
	out := make([]byte, 1, 1+4*len(s.bins))
	out[0] = sketchFormat
	prev := 0
	for i, c := range s.bins {
		if c == 0 {
			continue
		}
		k := s.off + i
		out = binary.AppendUvarint(out, uint64(k-prev))
		out = binary.AppendVarint(out, c)
		prev = k
	}
	return out
}

// errBadSketch reports stored bytes that are not an encoded sketch.
var errBadSketch = errors.New("insight: malformed sketch")

// MergeEncoded adds an encoded sketch to s (sign -1 subtracts it) without
// decoding it into a sketch of its own: the hot path of every query.
func (s *Sketch) MergeEncoded(b []byte, sign int64) error {
	if len(b) == 0 {
		return nil
	}
	if b[0] != sketchFormat {
		return errBadSketch
	}
	b = b[1:]
	k := 0
	for len(b) > 0 {
		gap, n := binary.Uvarint(b)
		if n <= 0 {
			return errBadSketch
		}
		b = b[n:]
		c, m := binary.Varint(b)
		if m <= 0 {
			return errBadSketch
		}
		b = b[m:]
		k += int(gap)
		if k > maxBin {
			return errBadSketch
		}
		s.AddBin(k, sign*c)
	}
	return nil
}
