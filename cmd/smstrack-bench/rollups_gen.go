package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
)

// rollupFillVersion changes whenever the generated history changes, so a
// cached database from an older generator is not reused.
const rollupFillVersion = 1

// rollupSpan is how far back the generated history reaches.
const rollupSpan = 90 * 24 * time.Hour

// carrierMix is one network of a country: its share of the country's
// traffic, how often it delivers, and how slow its receipts are.
type carrierMix struct {
	name     string
	share    float64
	delivery float64 // probability an attempted message is delivered
	slowness float64 // factor on the median receipt latency
}

// countryMix is one destination country of the generated traffic.
type countryMix struct {
	code, dial string
	share      float64
	carriers   []carrierMix
}

// rollupCountries are the destinations, weighted roughly as an
// international sender's traffic is: a few large markets and a long tail.
// Carrier figures are invented but plausible: most deliver 90-97%, a few
// are poor or slow, so grouping by carrier shows something.
var rollupCountries = []countryMix{
	{"US", "1", 0.34, []carrierMix{{"T-Mobile", 0.40, 0.95, 1}, {"Verizon", 0.35, 0.96, 0.8}, {"AT&T", 0.25, 0.94, 1.1}}},
	{"GB", "44", 0.10, []carrierMix{{"EE", 0.35, 0.96, 0.9}, {"Vodafone UK", 0.25, 0.95, 1}, {"O2 UK", 0.25, 0.95, 1}, {"Three UK", 0.15, 0.92, 1.3}}},
	{"IN", "91", 0.08, []carrierMix{{"Jio", 0.45, 0.88, 1.6}, {"Airtel", 0.35, 0.90, 1.4}, {"Vi", 0.20, 0.84, 2.0}}},
	{"DE", "49", 0.06, []carrierMix{{"Telekom", 0.40, 0.97, 0.8}, {"Vodafone DE", 0.35, 0.96, 0.9}, {"O2 DE", 0.25, 0.95, 1}}},
	{"BR", "55", 0.06, []carrierMix{{"Vivo", 0.35, 0.91, 1.3}, {"Claro", 0.35, 0.90, 1.4}, {"TIM", 0.30, 0.89, 1.5}}},
	{"FR", "33", 0.05, []carrierMix{{"Orange", 0.40, 0.96, 0.9}, {"SFR", 0.25, 0.95, 1}, {"Bouygues", 0.20, 0.95, 1}, {"Free", 0.15, 0.93, 1.2}}},
	{"MX", "52", 0.04, []carrierMix{{"Telcel", 0.65, 0.92, 1.2}, {"AT&T MX", 0.35, 0.90, 1.3}}},
	{"CA", "1", 0.04, []carrierMix{{"Rogers", 0.35, 0.96, 0.9}, {"Bell", 0.35, 0.96, 0.9}, {"Telus", 0.30, 0.95, 1}}},
	{"ES", "34", 0.03, []carrierMix{{"Movistar", 0.40, 0.96, 1}, {"Vodafone ES", 0.30, 0.95, 1}, {"Orange ES", 0.30, 0.95, 1}}},
	{"IT", "39", 0.03, []carrierMix{{"TIM IT", 0.35, 0.95, 1}, {"Vodafone IT", 0.35, 0.95, 1}, {"WindTre", 0.30, 0.94, 1.1}}},
	{"AU", "61", 0.03, []carrierMix{{"Telstra", 0.45, 0.97, 0.8}, {"Optus", 0.35, 0.96, 0.9}, {"Vodafone AU", 0.20, 0.95, 1}}},
	{"NG", "234", 0.02, []carrierMix{{"MTN NG", 0.50, 0.85, 2.2}, {"Airtel NG", 0.30, 0.83, 2.4}, {"Glo", 0.20, 0.74, 3.0}}},
	{"PH", "63", 0.02, []carrierMix{{"Globe", 0.50, 0.90, 1.5}, {"Smart", 0.50, 0.89, 1.6}}},
	{"ID", "62", 0.02, []carrierMix{{"Telkomsel", 0.55, 0.90, 1.5}, {"Indosat", 0.45, 0.87, 1.8}}},
	{"ZA", "27", 0.015, []carrierMix{{"Vodacom", 0.50, 0.93, 1.2}, {"MTN ZA", 0.50, 0.92, 1.3}}},
	{"NL", "31", 0.015, []carrierMix{{"KPN", 0.45, 0.97, 0.8}, {"VodafoneZiggo", 0.30, 0.96, 0.9}, {"Odido", 0.25, 0.96, 0.9}}},
	{"PL", "48", 0.015, []carrierMix{{"Orange PL", 0.35, 0.95, 1}, {"Play", 0.35, 0.95, 1}, {"Plus", 0.30, 0.94, 1.1}}},
	{"TR", "90", 0.015, []carrierMix{{"Turkcell", 0.50, 0.92, 1.2}, {"Vodafone TR", 0.30, 0.91, 1.3}, {"Turk Telekom", 0.20, 0.90, 1.3}}},
	{"JP", "81", 0.01, []carrierMix{{"NTT Docomo", 0.45, 0.97, 0.8}, {"SoftBank", 0.30, 0.96, 0.9}, {"au", 0.25, 0.96, 0.9}}},
	{"SE", "46", 0.01, []carrierMix{{"Telia", 0.45, 0.97, 0.8}, {"Tele2", 0.30, 0.96, 0.9}, {"Tre", 0.25, 0.96, 0.9}}},
	{"AR", "54", 0.01, []carrierMix{{"Personal", 0.40, 0.90, 1.4}, {"Claro AR", 0.35, 0.90, 1.4}, {"Movistar AR", 0.25, 0.89, 1.5}}},
	{"EG", "20", 0.01, []carrierMix{{"Vodafone EG", 0.45, 0.88, 1.8}, {"Orange EG", 0.30, 0.87, 1.9}, {"Etisalat EG", 0.25, 0.86, 2.0}}},
	{"AE", "971", 0.01, []carrierMix{{"Etisalat", 0.55, 0.94, 1.1}, {"du", 0.45, 0.93, 1.2}}},
	{"SG", "65", 0.01, []carrierMix{{"Singtel", 0.45, 0.97, 0.8}, {"StarHub", 0.30, 0.96, 0.9}, {"M1", 0.25, 0.96, 0.9}}},
	{"KE", "254", 0.01, []carrierMix{{"Safaricom", 0.70, 0.90, 1.6}, {"Airtel KE", 0.30, 0.86, 2.0}}},
}

// rollupAccount is one provider account of the generated traffic, with its
// own sending numbers and error codes.
type rollupAccount struct {
	provider, account string
	share             float64
	senders           []string
	errors            []string // failure codes, repeated by weight
	price             string
}

var rollupAccounts = func() []rollupAccount {
	senders := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = prefix + strconv.Itoa(100+i)
		}
		return out
	}
	return []rollupAccount{
		{"twilio", "AC00000000000000000000000000000001", 0.70, senders("+1415555", 12),
			[]string{"30003", "30003", "30003", "30005", "30005", "30006", "30007", "30008", "21610", "21614"}, "-0.0079"},
		{"twilio", "AC00000000000000000000000000000002", 0.20, senders("+4477009", 5),
			[]string{"30003", "30003", "30005", "30007", "30008", "21610"}, "-0.0400"},
		{"plivo", "MA0000000000000000PL", 0.10, senders("+1312555", 3),
			[]string{"200", "200", "450", "900", "20", "30"}, "0.0065"},
	}
}()

// campaigns are the tag values of outbound messages: OTPs convert often
// and fast, marketing seldom and late.
var campaigns = []string{"otp", "otp", "otp", "otp", "login-alert", "order-update", "order-update", "promo-spring", "promo-autumn", "newsletter"}

// rollupGenerator makes the history of n messages between start and end,
// in creation order.
type rollupGenerator struct {
	rng        *rand.Rand
	start, end time.Time
	n          int
}

func newRollupGenerator(seed uint64, end time.Time, n int) *rollupGenerator {
	return &rollupGenerator{rng: rand.New(rand.NewPCG(seed, 0x7011)), start: end.Add(-rollupSpan), end: end, n: n}
}

// pick returns an index by weight.
func pick[T any](rng *rand.Rand, list []T, weight func(T) float64) int {
	r := rng.Float64()
	for i, v := range list {
		r -= weight(v)
		if r <= 0 {
			return i
		}
	}
	return len(list) - 1
}

// lognormal draws a duration with the given median and spread.
func lognormal(rng *rand.Rand, median time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(median) * math.Exp(rng.NormFloat64()*sigma))
}

// message returns message i with its timeline and actions.
func (g *rollupGenerator) message(i int) *store.BulkMessage {
	rng := g.rng
	span := g.end.Sub(g.start)
	created := g.start.Add(time.Duration((float64(i) + rng.Float64()) / float64(g.n) * float64(span))).Truncate(time.Microsecond)
	acct := rollupAccounts[pick(rng, rollupAccounts, func(a rollupAccount) float64 { return a.share })]
	country := rollupCountries[pick(rng, rollupCountries, func(c countryMix) float64 { return c.share })]
	carrier := country.carriers[pick(rng, country.carriers, func(c carrierMix) float64 { return c.share })]
	our := acct.senders[rng.IntN(len(acct.senders))]
	their := "+" + country.dial + strconv.Itoa(200_000_000+rng.IntN(700_000_000))
	m := &smstrack.Message{
		Provider: acct.provider, Account: acct.account, ProviderID: fmt.Sprintf("SM%032x", uint64(i+1)*0x9E3779B97F4A7C15),
		Direction: smstrack.Outbound, From: our, To: their, Encoding: "GSM-7", Segments: 1, Country: country.code,
		Network: smstrack.Network{Carrier: carrier.name, NumberType: "mobile"}, CreatedAt: created, Reported: true,
		Content: smstrack.Content{Characters: 60 + rng.IntN(100)},
	}
	b := &store.BulkMessage{Message: m}
	stage := func(s smstrack.Status, at time.Time, code string) {
		at = at.Truncate(time.Microsecond)
		m.State.Stages[s.Index()] = at
		m.State.Status, m.State.ErrorCode, m.State.DecidedAt = s, code, at
		m.UpdatedAt = at
		payload := fmt.Appendf(nil, `{"MessageStatus":%q,"ErrorCode":%q}`, s, code)
		m.Events = append(m.Events, smstrack.Event{Status: s, ErrorCode: code, Source: smstrack.SourceWebhook,
			ReceivedAt: at, Payload: payload, Applied: true})
	}
	if rng.Float64() < 0.08 { // inbound: replies, and a few STOPs
		m.Direction, m.From, m.To = smstrack.Inbound, their, our
		m.Reported = false
		if rng.Float64() < 0.04 {
			m.Content.Keyword = "opt_out"
		}
		stage(smstrack.StatusReceived, created, "")
		m.Status, m.ErrorCode = m.State.Status, m.State.ErrorCode
		return b
	}
	m.Price, m.PriceUnit = acct.price, "USD"
	if rng.IntN(5) == 0 {
		m.Segments = 2 + rng.IntN(3)
	}
	campaign := ""
	if rng.Float64() < 0.6 {
		campaign = campaigns[rng.IntN(len(campaigns))]
		m.Tags = map[string]string{"campaign": campaign}
	}
	queued := created.Add(time.Duration(50+rng.IntN(250)) * time.Millisecond)
	stage(smstrack.StatusQueued, queued, "")
	code := acct.errors[rng.IntN(len(acct.errors))]
	switch r := rng.Float64(); {
	case r < 0.035: // refused before it left
		stage(smstrack.StatusFailed, queued.Add(lognormal(rng, 400*time.Millisecond, 0.5)), code)
	case r < 0.045: // still queued
	default:
		sent := queued.Add(lognormal(rng, 600*time.Millisecond, 0.6))
		stage(smstrack.StatusSent, sent, "")
		switch d := rng.Float64(); {
		case d < 0.03: // no receipt yet
		case d < 0.03+0.97*carrier.delivery:
			at := sent.Add(min(lognormal(rng, time.Duration(2500*carrier.slowness)*time.Millisecond, 0.9), 6*time.Hour))
			stage(smstrack.StatusDelivered, at, "")
			b.Actions = conversion(rng, campaign, at)
			if rng.Float64() < 0.03 {
				rt := lognormal(rng, 3*time.Minute, 1.2)
				m.ResponseTime = &rt
			}
		default:
			stage(smstrack.StatusUndelivered, sent.Add(lognormal(rng, 30*time.Second, 1)), code)
		}
	}
	m.Status, m.ErrorCode = m.State.Status, m.State.ErrorCode
	return b
}

// conversion returns what the recipient of a delivered message did: OTPs
// are mostly confirmed within seconds, others now and then clicked later.
func conversion(rng *rand.Rand, campaign string, delivered time.Time) []smstrack.Action {
	var typ smstrack.ActionType
	var after time.Duration
	switch {
	case campaign == "otp" && rng.Float64() < 0.7:
		typ, after = smstrack.ActionConfirmed, lognormal(rng, 20*time.Second, 0.7)
	case campaign != "otp" && campaign != "" && rng.Float64() < 0.04:
		typ, after = smstrack.ActionClicked, lognormal(rng, 15*time.Minute, 1.3)
	default:
		return nil
	}
	at := delivered.Add(after).Truncate(time.Microsecond)
	return []smstrack.Action{{Type: typ, At: at, Source: "api", CreatedAt: at}}
}
