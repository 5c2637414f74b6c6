package insight

import "math"

// Z95 is the normal quantile of a two-sided 95% interval.
const Z95 = 1.959963984540054

// Wilson returns the Wilson score interval of a proportion: successes out
// of n trials, at normal quantile z (Z95 for 95%). Unlike the textbook
// p ± z·sqrt(p(1-p)/n) it stays inside [0, 1] and is honest for small n and
// for proportions near 0 or 1, which delivery rates are. ok is false when
// n is zero: nothing was observed.
func Wilson(successes, n int64, z float64) (lo, hi float64, ok bool) {
	if n <= 0 {
		return 0, 0, false
	}
	successes = max(0, min(successes, n))
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = max(0, centre-half), min(1, centre+half)
	// Exact ends: no failure (success) observed leaves no doubt on that side.
	if successes == n {
		hi = 1
	}
	if successes == 0 {
		lo = 0
	}
	return lo, hi, true
}
