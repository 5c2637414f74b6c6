package content

import "math"

// Cost is the price of sending segments at pricePerSegment, rounded to a
// millionth of the currency unit so sums of many messages stay stable.
// Negative inputs cost nothing.
func Cost(segments int, pricePerSegment float64) float64 {
	if segments <= 0 || pricePerSegment <= 0 {
		return 0
	}
	return math.Round(float64(segments)*pricePerSegment*1e6) / 1e6
}

// MessageCost is the price of sending body as SMS at pricePerSegment.
func MessageCost(body string, pricePerSegment float64) float64 {
	return Cost(Analyze(body).Segments, pricePerSegment)
}
