package health

import "math"

// binomialUpperTail is P(X >= k) for X ~ Binomial(n, p), summed exactly
// from the probability mass function in log space. The terms fall away
// geometrically on either side of the mode, so the sum stops once they
// no longer count; it costs a few hundred terms even for large n.
func binomialUpperTail(k, n int64, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n || p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	if float64(k) > float64(n)*p {
		return sumPMF(k, n, p, +1)
	}
	// At or below the mean: one minus the lower tail, summed downward.
	return math.Max(0, 1-sumPMF(k-1, n, p, -1))
}

// sumPMF adds the binomial probabilities from j = start outward in the
// direction step (+1 up to n, -1 down to 0) until the terms vanish.
func sumPMF(start, n int64, p float64, step int64) float64 {
	logp, logq := math.Log(p), math.Log1p(-p)
	term := math.Exp(logChoose(n, start) + float64(start)*logp + float64(n-start)*logq)
	if term == 0 {
		return 0 // so far in the tail that every term underflows
	}
	sum := 0.0
	for j := start; j >= 0 && j <= n; j += step {
		sum += term
		if term < sum*1e-17 || (term == 0 && sum > 0) {
			break
		}
		// The ratio of neighbouring terms, so each costs a multiplication.
		if step > 0 {
			term *= float64(n-j) / float64(j+1) * p / (1 - p)
		} else if j > 0 {
			term *= float64(j) / float64(n-j+1) * (1 - p) / p
		}
	}
	return math.Min(1, sum)
}

func logChoose(n, k int64) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// normalUpperTail is P(Z >= z) for a standard normal Z.
func normalUpperTail(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// twoProportionZ is the pooled two-proportion z statistic of a recent
// share x/n against a baseline share xb/nb: positive when the recent share
// is higher. It is 0 when either sample is empty or both shares are 0 or 1.
func twoProportionZ(x, n, xb, nb int64) float64 {
	if n == 0 || nb == 0 {
		return 0
	}
	pooled := float64(x+xb) / float64(n+nb)
	se := math.Sqrt(pooled * (1 - pooled) * (1/float64(n) + 1/float64(nb)))
	if se == 0 {
		return 0
	}
	return (float64(x)/float64(n) - float64(xb)/float64(nb)) / se
}

// RiseTest tests whether the share x/n of a recent window is higher than
// the share xb/nb of the baseline. The p-value is the larger of two
// one-sided tails: the exact binomial tail at the baseline's share (exact
// however small the counts) and the two-proportion z-test's (which counts
// the baseline's own uncertainty). Both must agree for it to be small.
func RiseTest(x, n, xb, nb int64) (z, p float64) {
	z = twoProportionZ(x, n, xb, nb)
	pb := 0.0
	if nb > 0 {
		pb = float64(xb) / float64(nb)
	}
	p = math.Max(binomialUpperTail(x, n, pb), normalUpperTail(z))
	if pb == 0 && x > 0 {
		// A share never seen in the baseline: the exact tail at 0 would be
		// 0 for any count, so judge by the z-test alone, with the baseline
		// given one event (the rule of three's spirit: absence is not zero).
		p = math.Max(binomialUpperTail(x, n, 1/float64(nb+1)), normalUpperTail(z))
	}
	return z, p
}
