package content

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redaction kinds; the placeholder that replaces a span is its kind in
// brackets, "[code]" for RedactionCode.
const (
	// RedactionCode is a one-time code: 4 to 8 digits, possibly split by
	// single spaces or dashes ("123-456").
	RedactionCode = "code"
	// RedactionCard is 13 to 19 digits, possibly grouped, that pass the
	// Luhn check, as payment card numbers do.
	RedactionCard = "card"
	// RedactionNumber is any other number with 4 or more digits: phone
	// and account numbers, long IDs. Redacted so that no run of 4+ digits
	// survives, whatever it was.
	RedactionNumber = "number"
	// RedactionEmail is an e-mail address.
	RedactionEmail = "email"
)

// Redaction is one span of a body that Redact replaced.
type Redaction struct {
	// Kind is RedactionCode, RedactionCard, RedactionNumber or
	// RedactionEmail.
	Kind string `json:"kind"`
	// Start and End are byte offsets of the span in the original body,
	// not in the redacted text.
	Start int `json:"start"`
	End   int `json:"end"`
}

// Redact replaces one-time codes, card numbers, other long numbers and
// e-mail addresses in body with placeholders ("[code]", "[card]",
// "[number]", "[email]") and lists what it replaced, in order.
//
// The guarantee, which the tests hold it to: the result contains no run of
// four or more digits, counting every Unicode decimal digit (Arabic-Indic,
// Devanagari, full-width and so on, not only ASCII) and looking through
// the invisible characters that could hide a run from a naive check
// (format characters such as a zero-width space, and combining marks, so a
// keycap "1️⃣2️⃣3️⃣4️⃣" is a run of four). To keep that promise without
// guessing what a number means, every group of 4+ digits is replaced:
// years, prices without a decimal point and postcodes go too. Digit runs
// of two or more joined by one space or dash form a group ("123 456",
// "4111-1111-1111-1111"), so split codes and cards are caught whole; a
// dot does not join, so "12.99" stays. A body with nothing to redact is
// returned as is, with a nil list.
func Redact(body string) (string, []Redaction) {
	var spans []Redaction
	emails := findEmails(body)
	for i := 0; i < len(body); {
		if len(emails) > 0 && i == emails[0].Start {
			spans = append(spans, emails[0])
			i = emails[0].End
			emails = emails[1:]
			continue
		}
		r, n := utf8.DecodeRuneInString(body[i:])
		if !unicode.IsDigit(r) {
			i += n
			continue
		}
		limit := len(body)
		if len(emails) > 0 {
			limit = emails[0].Start
		}
		end, kind := digitGroup(body[:limit], i)
		if kind != "" {
			spans = append(spans, Redaction{Kind: kind, Start: i, End: end})
		}
		i = end
	}
	if len(spans) == 0 {
		return body, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	last := 0
	for _, s := range spans {
		b.WriteString(body[last:s.Start])
		b.WriteByte('[')
		b.WriteString(s.Kind)
		b.WriteByte(']')
		last = s.End
	}
	b.WriteString(body[last:])
	return b.String(), spans
}

// BodyHash is the hex SHA-256 of body, for keeping proof of what was sent
// (or matching duplicates) without keeping the text.
func BodyHash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// digitGroup reads the group of digits that starts at s[start] and returns
// its end and how to redact it ("" to keep it).
func digitGroup(s string, start int) (end int, kind string) {
	var buf [maxCardDigits + 1]byte // digit values for the Luhn check, as far as a card goes
	end, total, vals := digitRun(s, start, buf[:0])
	// A run of two or more digits, one separator and another such run
	// continue the group; a lone digit neither starts nor extends one, so
	// "size 8 10" is not read as a code.
	for total >= 2 && end < len(s) {
		sep, w := utf8.DecodeRuneInString(s[end:])
		if !isDigitSeparator(sep) {
			break
		}
		if r, _ := utf8.DecodeRuneInString(s[end+w:]); !unicode.IsDigit(r) {
			break
		}
		kept := len(vals)
		runEnd, n, more := digitRun(s, end+w, vals)
		if n < 2 {
			vals = more[:kept]
			break
		}
		vals = more
		end, total = runEnd, total+n
	}
	switch {
	case total >= 13 && total <= maxCardDigits && luhn(vals):
		return end, RedactionCard
	case total >= 4 && total <= 8:
		return end, RedactionCode
	case total >= 4:
		return end, RedactionNumber
	}
	return end, ""
}

// maxCardDigits is the longest payment card number (ISO/IEC 7812).
const maxCardDigits = 19

// digitRun reads the digits from s[i], looking through invisible joiners
// between them. It appends their values to vals while there is room and
// returns the end of the last digit, how many it read and vals.
func digitRun(s string, i int, vals []byte) (end, count int, _ []byte) {
	end = i
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsDigit(r):
			if len(vals) < cap(vals) {
				vals = append(vals, digitValue(r))
			}
			count++
			i += n
			end = i
		case isDigitJoiner(r):
			i += n
		default:
			return end, count, vals
		}
	}
	return end, count, vals
}

// isDigitJoiner reports whether r is invisible or attaches to the digit
// before it, so that digits on both sides read as one run.
func isDigitJoiner(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)
}

// isDigitSeparator reports whether r may split the digits of one code or
// card: spaces (including no-break and thin ones) and dashes.
func isDigitSeparator(r rune) bool {
	switch r {
	case ' ', '-', '\u00A0', '\u2009', '\u202F', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// digitValue is the value 0-9 of decimal digit r in any script. Unicode
// lays out every set of decimal digits as ten consecutive code points from
// zero, some sets back to back, so the value is the distance from the
// start of the block modulo ten.
func digitValue(r rune) byte {
	if r >= '0' && r <= '9' {
		return byte(r - '0')
	}
	z := r
	for unicode.IsDigit(z - 1) {
		z--
	}
	return byte((r - z) % 10)
}

// luhn reports whether digits pass the Luhn checksum of card numbers.
func luhn(digits []byte) bool {
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i])
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// findEmails returns the e-mail addresses in s, in order: a local part of
// letters, digits and ._%+- then "@" then a domain of at least two labels
// whose last is two or more letters. Letters and digits may be of any
// script, for internationalised addresses.
func findEmails(s string) []Redaction {
	var found []Redaction
	prevEnd := 0
	for off := 0; ; {
		at := strings.IndexByte(s[off:], '@')
		if at < 0 {
			return found
		}
		at += off
		off = at + 1
		start := at
		for start > prevEnd {
			r, n := utf8.DecodeLastRuneInString(s[prevEnd:start])
			if !isLocalPartRune(r) {
				break
			}
			start -= n
		}
		for start < at && s[start] == '.' {
			start++
		}
		if start == at {
			continue
		}
		end, ok := domainEnd(s, at+1)
		if !ok {
			continue
		}
		found = append(found, Redaction{Kind: RedactionEmail, Start: start, End: end})
		prevEnd, off = end, end
	}
}

// domainEnd returns the end of the domain that starts at s[i] and whether
// it is one.
func domainEnd(s string, i int) (int, bool) {
	end := i
	for end < len(s) {
		r, n := utf8.DecodeRuneInString(s[end:])
		if r != '.' && r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		end += n
	}
	// A sentence's full stop or a dash after the address is not part of it.
	for end > i && (s[end-1] == '.' || s[end-1] == '-') {
		end--
	}
	domain := s[i:end]
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || strings.Contains(domain, "..") || domain[0] == '.' {
		return 0, false
	}
	tld := domain[dot+1:]
	if utf8.RuneCountInString(tld) < 2 {
		return 0, false
	}
	for _, r := range tld {
		if !unicode.IsLetter(r) {
			return 0, false
		}
	}
	return end, true
}

// isLocalPartRune reports whether r may appear in the local part of an
// address as people write them.
func isLocalPartRune(r rune) bool {
	switch r {
	case '.', '_', '%', '+', '-':
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
