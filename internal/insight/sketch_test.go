package insight

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/quick"
)

// exactQuantile is the value of nearest rank ceil(q*n) of sorted values,
// the rank Quantile answers for.
func exactQuantile(sorted []float64, q float64) float64 {
	return sorted[max(int(math.Ceil(q*float64(len(sorted))))-1, 0)]
}

// TestQuantileRelativeError checks the sketch's promise on many random
// distributions: every quantile within RelativeAccuracy of the exact one.
func TestQuantileRelativeError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(3000)
		values := make([]float64, n)
		var s Sketch
		for i := range values {
			switch trial % 3 {
			case 0:
				values[i] = 1 + rng.ExpFloat64()*5000 // receipts: seconds
			case 1:
				values[i] = max(1, math.Exp(rng.NormFloat64()*2+8)) // log-normal, wide; under 1 counts as 1
			default:
				values[i] = float64(1 + rng.IntN(100)) // small integers
			}
			s.Add(values[i])
		}
		slices.Sort(values)
		for _, q := range []float64{0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1} {
			got, ok := s.Quantile(q)
			want := exactQuantile(values, q)
			if !ok || math.Abs(got-want) > RelativeAccuracy*want*(1+1e-9) {
				t.Fatalf("trial %d n=%d q=%v: got %v, want %v ± %v%%", trial, n, q, got, want, RelativeAccuracy*100)
			}
		}
		if s.Count() != int64(n) {
			t.Fatalf("count %d, want %d", s.Count(), n)
		}
	}
}

func TestQuantileEdges(t *testing.T) {
	var s Sketch
	if _, ok := s.Quantile(0.5); ok {
		t.Error("empty sketch answered a quantile")
	}
	s.Add(0)
	s.Add(-5)
	s.Add(math.NaN())
	if v, _ := s.Quantile(1); math.Abs(v-1) > RelativeAccuracy {
		t.Errorf("values under 1 count as 1: got %v", v)
	}
	s.Add(1e15)
	if v, _ := s.Quantile(1); math.Abs(v-MaxValue) > RelativeAccuracy*MaxValue {
		t.Errorf("huge values count as MaxValue: got %v", v)
	}
}

// TestMergeSubtractProperties: merging is commutative and associative,
// subtracting undoes merging, and the encoding round-trips, for any
// collections of values.
func TestMergeSubtractProperties(t *testing.T) {
	build := func(vs []uint32) *Sketch {
		s := &Sketch{}
		for _, v := range vs {
			s.Add(float64(v % 10_000_000))
		}
		return s
	}
	prop := func(a, b, c []uint32) bool {
		sa, sb, sc := build(a), build(b), build(c)
		ab := &Sketch{}
		ab.Merge(sa)
		ab.Merge(sb)
		ba := &Sketch{}
		ba.Merge(sb)
		ba.Merge(sa)
		if !ab.Equal(ba) || ab.Count() != int64(len(a)+len(b)) {
			return false
		}
		left, right := &Sketch{}, &Sketch{}
		left.Merge(ab)
		left.Merge(sc)
		bc := &Sketch{}
		bc.Merge(sb)
		bc.Merge(sc)
		right.Merge(sa)
		right.Merge(bc)
		if !left.Equal(right) {
			return false
		}
		left.Subtract(sc)
		left.Subtract(sb)
		if !left.Equal(sa) || left.Count() != int64(len(a)) || left.Negative() {
			return false
		}
		var decoded Sketch
		if err := decoded.MergeEncoded(ab.Encode(), 1); err != nil || !decoded.Equal(ab) {
			return false
		}
		if err := decoded.MergeEncoded(sb.Encode(), -1); err != nil || !decoded.Equal(sa) {
			return false
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 300}); err != nil {
		t.Error(err)
	}
}

func TestMergeEncodedRejectsGarbage(t *testing.T) {
	var s Sketch
	for _, b := range [][]byte{{9, 1, 1}, {sketchFormat, 0x80}, {sketchFormat, 1}, {sketchFormat, 0xff, 0xff, 0xff, 0x7f, 2}} {
		if err := s.MergeEncoded(b, 1); err == nil {
			t.Errorf("%v: accepted", b)
		}
	}
	if err := s.MergeEncoded(nil, 1); err != nil || !s.Empty() {
		t.Errorf("nil: %v", err)
	}
}
