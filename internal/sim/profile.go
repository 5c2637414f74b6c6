package sim

import (
	"hash/fnv"
	"strings"
	"time"
)

// Profile describes how one carrier in one country treats messages.
type Profile struct {
	// Country is the ISO 3166 alpha-2 code; CallingCode is its E.164
	// prefix without "+", used to route a To number to the country.
	Country     string
	CallingCode string
	// Carrier names the network; numbers of a country spread over its
	// carriers by a hash of the number, so a number keeps its carrier.
	Carrier string
	// DeliveryRate is the share of messages that end delivered.
	DeliveryRate float64
	// Sent and Delivered are the log-normal latencies from queued to
	// sent and from sent to the final status.
	Sent, Delivered LogNormal
	// Errors weighs the error codes of messages that do not arrive;
	// nil means DefaultErrors.
	Errors []ErrorWeight
	// PricePerSegment is the price of one segment in USD.
	PricePerSegment float64
}

// LogNormal is a latency distribution with a long tail: its median and
// the standard deviation of its logarithm.
type LogNormal struct {
	Median time.Duration
	Sigma  float64
}

// ErrorWeight is one error code and its relative frequency among the
// messages that fail or go undelivered.
type ErrorWeight struct {
	Code   int
	Weight float64
}

// Degradation is a recurring period during which one carrier delivers
// worse and slower, as carriers do now and then.
type Degradation struct {
	Country, Carrier string
	// Every is the period of the episodes and For their length; Offset
	// shifts the first episode from the network's start. Times are
	// simulated time.
	Every, For, Offset time.Duration
	// DeliveryRate replaces the profile's rate during an episode, and
	// LatencyFactor multiplies its latencies.
	DeliveryRate  float64
	LatencyFactor float64
}

// active reports whether an episode is under way at elapsed simulated
// time since the network started.
func (d Degradation) active(elapsed time.Duration) bool {
	if d.Every <= 0 || d.For <= 0 {
		return false
	}
	e := elapsed - d.Offset
	if e < 0 {
		return false
	}
	return e%d.Every < d.For
}

// failedCodes are the errors Twilio reports as failed (the message never
// left Twilio); the others end undelivered (a carrier refused it).
var failedCodes = map[int]bool{21610: true, 30001: true}

// DefaultErrors is the mix of error codes of messages that do not
// arrive: unreachable handsets and carrier filtering dominate.
var DefaultErrors = []ErrorWeight{
	{30003, 25}, // unreachable destination handset
	{30005, 15}, // unknown destination handset
	{30006, 10}, // landline or unreachable carrier
	{30007, 20}, // carrier filtering
	{30008, 20}, // unknown error
	{21610, 7},  // recipient replied STOP earlier
	{30001, 3},  // queue overflow
}

// DefaultProfiles are the countries and carriers the network knows
// without configuration; other numbers use the "ZZ" profile.
func DefaultProfiles() []Profile {
	fast := LogNormal{Median: 1500 * time.Millisecond, Sigma: 1.0}
	slow := LogNormal{Median: 3 * time.Second, Sigma: 1.2}
	p := func(country, code, carrier string, rate float64, sent, dlr LogNormal, price float64) Profile {
		return Profile{Country: country, CallingCode: code, Carrier: carrier, DeliveryRate: rate,
			Sent: sent, Delivered: dlr, PricePerSegment: price}
	}
	return []Profile{
		p("US", "1", "AT&T", 0.985, fast, slow, 0.0079),
		p("US", "1", "T-Mobile", 0.98, fast, slow, 0.0079),
		p("US", "1", "Verizon", 0.99, fast, slow, 0.0079),
		p("GB", "44", "EE", 0.985, fast, slow, 0.0463),
		p("GB", "44", "Vodafone UK", 0.98, fast, slow, 0.0463),
		p("DE", "49", "Telekom", 0.985, fast, slow, 0.0944),
		p("FR", "33", "Orange", 0.98, fast, slow, 0.0868),
		p("IN", "91", "Jio", 0.97, slow, LogNormal{Median: 5 * time.Second, Sigma: 1.4}, 0.0834),
		p("BR", "55", "Vivo", 0.97, fast, LogNormal{Median: 4 * time.Second, Sigma: 1.3}, 0.0357),
		p("ZZ", "", "Other", 0.97, slow, LogNormal{Median: 5 * time.Second, Sigma: 1.4}, 0.05),
	}
}

// DefaultDegradations makes one US carrier stumble for 20 minutes every
// six hours.
func DefaultDegradations() []Degradation {
	return []Degradation{{Country: "US", Carrier: "T-Mobile", Every: 6 * time.Hour, For: 20 * time.Minute,
		Offset: 2 * time.Hour, DeliveryRate: 0.80, LatencyFactor: 4}}
}

// route finds the profile of a To number: the country by the longest
// calling code that prefixes it, then the carrier by a hash of the
// number. ok is false when no profile, not even a fallback, matches.
func route(profiles []Profile, to string) (Profile, bool) {
	digits := strings.TrimPrefix(to, "+")
	best := -1
	for _, p := range profiles {
		if p.CallingCode != "" && strings.HasPrefix(digits, p.CallingCode) && len(p.CallingCode) > best {
			best = len(p.CallingCode)
		}
	}
	var cands []Profile
	for _, p := range profiles {
		if (best < 0 && p.CallingCode == "") || (best >= 0 && len(p.CallingCode) == best && strings.HasPrefix(digits, p.CallingCode)) {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		return Profile{}, false
	}
	h := fnv.New32a()
	h.Write([]byte(digits))
	return cands[h.Sum32()%uint32(len(cands))], true
}
