// Package phone answers questions about phone numbers — which country a
// number belongs to, its E.164 form — through github.com/nyaruka/phonenumbers
// (Google's libphonenumber metadata), cached for the ingest hot path.
package phone

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// countryCacheLimit bounds the prefix cache; past it lookups are computed
// every time, which is only slower.
const countryCacheLimit = 200_000

// countryPrefixDigits is how many leading digits decide a number's country:
// the country code plus, where a code is shared (+1, +7, +44...), the area
// or operator code. Seven covers every shared code of the plan.
const countryPrefixDigits = 7

var (
	countryCache sync.Map // prefix -> region
	cacheSize    atomic.Int64
)

// Country returns the ISO 3166 alpha-2 region of number, or "" when it is not
// a phone number (an alphanumeric sender, a short code). Numbers without a
// leading + are read in defaultRegion.
func Country(number, defaultRegion string) string {
	number = strings.TrimSpace(number)
	if number == "" {
		return ""
	}
	key := ""
	if digits, ok := e164Digits(number); ok && len(digits) >= countryPrefixDigits+2 {
		// Most country codes belong to one region: the code alone answers.
		if region, ok := soleRegion(digits); ok {
			return region
		}
		key = digits[:countryPrefixDigits]
		if v, ok := countryCache.Load(key); ok {
			return v.(string)
		}
	}
	region := lookupCountry(number, defaultRegion)
	if key != "" && cacheSize.Load() < countryCacheLimit {
		if _, loaded := countryCache.LoadOrStore(key, region); !loaded {
			cacheSize.Add(1)
		}
	}
	return region
}

// soleRegion returns the region of a number's country code when the code
// belongs to exactly one region. Country codes are prefix-free, so the
// first 1, 2 or 3 digits that form one are the code.
func soleRegion(digits string) (string, bool) {
	for n := 1; n <= 3 && n < len(digits); n++ {
		cc := 0
		for _, d := range digits[:n] {
			cc = cc*10 + int(d-'0')
		}
		regions := phonenumbers.GetRegionCodesForCountryCode(cc)
		if len(regions) == 0 {
			continue
		}
		if len(regions) == 1 && regions[0] != "001" {
			return regions[0], true
		}
		return "", false // shared (+1, +7, +44...): the next digits decide
	}
	return "", false
}

func lookupCountry(number, defaultRegion string) string {
	n, err := phonenumbers.Parse(number, strings.ToUpper(defaultRegion))
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return ""
	}
	if region := phonenumbers.GetRegionCodeForNumber(n); region != "" {
		return region
	}
	// Numbers in ranges the metadata does not list as valid (test and drama
	// ranges, new allocations) still belong to their country code's main region.
	if region := phonenumbers.GetRegionCodeForCountryCode(int(n.GetCountryCode())); region != "ZZ" {
		return region
	}
	return ""
}

// e164Digits returns the digits of a number written as +digits (spaces,
// dashes, dots and parentheses allowed), the only form whose prefix alone
// decides the country.
func e164Digits(number string) (string, bool) {
	if !strings.HasPrefix(number, "+") {
		return "", false
	}
	var b strings.Builder
	for _, r := range number[1:] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	return b.String(), true
}

// E164 returns number in E.164 form (+14155550100), reading numbers without
// a country code in defaultRegion, or "" and false when it is not a valid
// phone number.
func E164(number, defaultRegion string) (string, bool) {
	n, err := phonenumbers.Parse(strings.TrimSpace(number), strings.ToUpper(defaultRegion))
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

// numberTypes names libphonenumber's number types the way smstrack shows them.
var numberTypes = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "fixed_line",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium_rate",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.PERSONAL_NUMBER:      "personal_number",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "uan",
	phonenumbers.VOICEMAIL:            "voicemail",
}

// Info is what the number itself tells about its line.
type Info struct {
	E164       string
	Country    string
	NumberType string // "" when unknown
	Carrier    string // the carrier the range was allocated to; a ported number may have moved
}

// lookupCacheLimit bounds the cache of full lookups; past it they are
// computed every time, which is only slower.
const lookupCacheLimit = 100_000

var (
	lookupCache     sync.Map // lookupKey -> lookupResult
	lookupCacheSize atomic.Int64
)

type lookupKey struct{ number, region string }

type lookupResult struct {
	info Info
	ok   bool
}

// Lookup parses number fully. It costs tens of microseconds, so the ingest
// path calls it only for events that describe a message (reports, inbound
// messages), not for every status callback; and answers are cached, since
// the same recipients come back (every message sent through smstrack pays
// one lookup).
func Lookup(number, defaultRegion string) (Info, bool) {
	key := lookupKey{number, defaultRegion}
	if v, ok := lookupCache.Load(key); ok {
		r := v.(lookupResult)
		return r.info, r.ok
	}
	info, ok := lookup(number, defaultRegion)
	if lookupCacheSize.Load() < lookupCacheLimit {
		if _, loaded := lookupCache.LoadOrStore(key, lookupResult{info, ok}); !loaded {
			lookupCacheSize.Add(1)
		}
	}
	return info, ok
}

func lookup(number, defaultRegion string) (Info, bool) {
	n, err := phonenumbers.Parse(strings.TrimSpace(number), strings.ToUpper(defaultRegion))
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return Info{}, false
	}
	info := Info{E164: phonenumbers.Format(n, phonenumbers.E164), Country: Country(number, defaultRegion)}
	info.NumberType = numberTypes[phonenumbers.GetNumberType(n)]
	if c, err := phonenumbers.GetCarrierForNumber(n, "en"); err == nil {
		info.Carrier = c
	}
	return info, true
}

// Normalize returns number in E.164 form when it is a phone number, and
// unchanged otherwise (alphanumeric senders, short codes, channel addresses
// such as "whatsapp:+1..."). A number already in E.164 form is returned as
// it is without parsing, which keeps the ingest path cheap. Digits without
// a "+" are read in defaultRegion first and, if that is not a valid
// number, as international digits: providers such as Vonage write
// "447700900123".
func Normalize(number, defaultRegion string) string {
	n := strings.TrimSpace(number)
	if isE164(n) || n == "" {
		return n
	}
	if !looksLikePhone(n) {
		return number
	}
	region := strings.ToUpper(defaultRegion)
	if p, err := phonenumbers.Parse(n, region); err == nil && phonenumbers.IsValidNumber(p) {
		return phonenumbers.Format(p, phonenumbers.E164)
	}
	if !strings.HasPrefix(n, "+") {
		if p, err := phonenumbers.Parse("+"+n, ""); err == nil && phonenumbers.IsValidNumber(p) {
			return phonenumbers.Format(p, phonenumbers.E164)
		}
	}
	if p, err := phonenumbers.Parse(n, region); err == nil && phonenumbers.IsPossibleNumber(p) {
		return phonenumbers.Format(p, phonenumbers.E164)
	}
	return number
}

// isE164 reports a "+" followed by 8 to 15 digits.
func isE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// looksLikePhone accepts what a written phone number may hold, with at least
// seven digits: shorter strings are short codes, kept as they are.
func looksLikePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 7
}
