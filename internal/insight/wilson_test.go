package insight

import (
	"math"
	"testing"
)

func TestWilson(t *testing.T) {
	// Reference values computed from the formula by hand (Wilson 1927).
	cases := []struct {
		k, n   int64
		lo, hi float64
	}{
		{90, 100, 0.8256, 0.9448},
		{0, 10, 0, 0.2775},
		{10, 10, 0.7225, 1},
		{1, 2, 0.0945, 0.9055},
	}
	for _, c := range cases {
		lo, hi, ok := Wilson(c.k, c.n, Z95)
		if !ok || math.Abs(lo-c.lo) > 5e-4 || math.Abs(hi-c.hi) > 5e-4 {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", c.k, c.n, lo, hi, c.lo, c.hi)
		}
	}
	if _, _, ok := Wilson(0, 0, Z95); ok {
		t.Error("Wilson(0, 0) answered")
	}
	// Property: the interval holds the observed rate, stays in [0, 1] and
	// narrows as n grows at the same rate.
	prev := 1.0
	for n := int64(1); n <= 1<<20; n *= 4 {
		k := n * 3 / 4
		lo, hi, _ := Wilson(k, n, Z95)
		p := float64(k) / float64(n)
		if lo < 0 || hi > 1 || lo > p || hi < p || hi-lo > prev {
			t.Fatalf("n=%d: [%v, %v] around %v (previous width %v)", n, lo, hi, p, prev)
		}
		prev = hi - lo
	}
}

func TestTwoProportionZ(t *testing.T) {
	// 60/100 against 50/100: pooled 0.55, se = sqrt(.55*.45*.02) = 0.07036.
	if z := TwoProportionZ(60, 100, 50, 100); math.Abs(z-1.4213) > 1e-3 {
		t.Errorf("z = %v, want 1.4213", z)
	}
	if z := TwoProportionZ(5, 10, 0, 0); z != 0 {
		t.Errorf("empty baseline: z = %v", z)
	}
	if z := TwoProportionZ(10, 10, 10, 10); z != 0 {
		t.Errorf("no variance: z = %v", z)
	}
	// Antisymmetric, and larger samples make the same gap more significant.
	if a, b := TwoProportionZ(30, 100, 20, 100), TwoProportionZ(20, 100, 30, 100); a != -b {
		t.Errorf("not antisymmetric: %v %v", a, b)
	}
	if small, large := TwoProportionZ(3, 10, 2, 10), TwoProportionZ(300, 1000, 200, 1000); small >= large {
		t.Errorf("z(10) = %v should be below z(1000) = %v", small, large)
	}
}
