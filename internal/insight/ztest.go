package insight

import "math"

// TwoProportionZ is the z statistic of the difference between two rates,
// k1/n1 (recent) and k2/n2 (baseline), with the pooled standard error: how
// many standard errors apart they are. Beyond ±Z95 the difference is
// unlikely to be noise. It is 0 when either side is empty or the pooled
// rate is 0 or 1 (nothing varies).
func TwoProportionZ(k1, n1, k2, n2 int64) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 0
	}
	p1, p2 := float64(k1)/float64(n1), float64(k2)/float64(n2)
	p := float64(k1+k2) / float64(n1+n2)
	se := math.Sqrt(p * (1 - p) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0
	}
	return (p1 - p2) / se
}
