package insight

import "strings"

// CostMicros reads a provider's decimal price text ("-0.0079", "0.05") as
// millionths of its unit, sign dropped (Twilio reports charges as negative
// prices), exactly: no floating point, digits past the sixth decimal
// rounded half up. Anything that is not a plain decimal costs 0.
func CostMicros(price string) int64 {
	s := strings.TrimSpace(price)
	s = strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(whole) > 12 {
		return 0
	}
	var n int64
	for _, c := range whole {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	for i := range 7 {
		d := int64(0)
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return 0
			}
			d = int64(c - '0')
		}
		if i == 6 {
			if d >= 5 {
				n++
			}
			break
		}
		n = n*10 + d
	}
	for i := 7; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0
		}
	}
	return n
}
