package health

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteUpperTail sums every term of the tail directly.
func bruteUpperTail(k, n int64, p float64) float64 {
	sum := 0.0
	for j := k; j <= n; j++ {
		sum += math.Exp(logChoose(n, j) + float64(j)*math.Log(p) + float64(n-j)*math.Log1p(-p))
	}
	return sum
}

func TestBinomialUpperTail(t *testing.T) {
	// P(X >= 3) for Binomial(10, 0.1), by hand: 1 - 0.9^10 - 10*0.1*0.9^9 - 45*0.01*0.9^8.
	want := 1 - math.Pow(0.9, 10) - math.Pow(0.9, 9) - 0.45*math.Pow(0.9, 8)
	if got := binomialUpperTail(3, 10, 0.1); math.Abs(got-want) > 1e-12 {
		t.Errorf("P(X>=3 | 10, 0.1) = %v, want %v", got, want)
	}
	for _, c := range []struct {
		k, n int64
		p    float64
		want float64
	}{{0, 10, 0.5, 1}, {11, 10, 0.5, 0}, {1, 10, 0, 0}, {10, 10, 1, 1}, {5, 10, 0.5, 0.623046875}} {
		if got := binomialUpperTail(c.k, c.n, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("P(X>=%d | %d, %v) = %v, want %v", c.k, c.n, c.p, got, c.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		n := int64(1 + r.IntN(3000))
		k := int64(r.IntN(int(n) + 2))
		p := r.Float64()
		got, want := binomialUpperTail(k, n, p), bruteUpperTail(k, n, p)
		if math.Abs(got-want) > 1e-9*math.Max(1, want) && math.Abs(got-want) > 1e-12 {
			t.Errorf("P(X>=%d | %d, %v) = %v, brute force %v", k, n, p, got, want)
		}
	}
	// Far tails stay finite and fast.
	if got := binomialUpperTail(900_000, 1_000_000, 0.02); got != 0 {
		t.Errorf("far tail = %v, want 0", got)
	}
}

func TestRiseTest(t *testing.T) {
	// 20% failures where the baseline had 2%: overwhelming.
	if _, p := RiseTest(200, 1000, 2000, 100_000); p > 1e-50 {
		t.Errorf("large rise: p = %v", p)
	}
	// The baseline's own share: nothing to see.
	if _, p := RiseTest(20, 1000, 2000, 100_000); p < 0.3 {
		t.Errorf("no rise: p = %v", p)
	}
	// A fall is not a rise.
	if z, p := RiseTest(5, 1000, 2000, 100_000); p < 0.9 || z >= 0 {
		t.Errorf("fall: z = %v, p = %v", z, p)
	}
	// A small baseline is uncertain itself: the z-test keeps the p-value
	// above what the exact tail at the baseline's share alone would say.
	exact := binomialUpperTail(30, 1000, 0.02)
	if _, p := RiseTest(30, 1000, 4, 200); p <= exact {
		t.Errorf("small baseline: p = %v, exact tail alone %v", p, exact)
	}
	// A category never seen before is not infinitely significant.
	if _, p := RiseTest(1, 100, 0, 100_000); p < 1e-4 {
		t.Errorf("one error in a new category: p = %v", p)
	}
}
