package content

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestRedact(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		want  string
		kinds []string
	}{
		{"nothing", "See you at 5pm", "See you at 5pm", nil},
		{"empty", "", "", nil},
		{"short numbers stay", "Gate 12, row 3, $12.99", "Gate 12, row 3, $12.99", nil},
		{"code", "Your code is 482913", "Your code is [code]", []string{RedactionCode}},
		{"four digits", "PIN 0000.", "PIN [code].", []string{RedactionCode}},
		{"eight digits", "12345678", "[code]", []string{RedactionCode}},
		{"code with dash", "Code: 123-456", "Code: [code]", []string{RedactionCode}},
		{"code with space", "Code: 123 456 expires", "Code: [code] expires", []string{RedactionCode}},
		{"G- prefix", "G-482913 is your Google verification code", "G-[code] is your Google verification code", []string{RedactionCode}},
		{"two codes", "old 1111 new 2222", "old [code] new [code]", []string{RedactionCode, RedactionCode}},
		{"card", "card 4111 1111 1111 1111 ok", "card [card] ok", []string{RedactionCard}},
		{"card with dashes", "4111-1111-1111-1111", "[card]", []string{RedactionCard}},
		{"card unbroken", "5500005555555559", "[card]", []string{RedactionCard}},
		{"amex grouping", "3782 822463 10005", "[card]", []string{RedactionCard}},
		{"16 digits failing Luhn", "4111 1111 1111 1112", "[number]", []string{RedactionNumber}},
		{"phone number", "call 555-123-4567", "call [number]", []string{RedactionNumber}},
		{"long id", "order 1234567890123456789012", "order [number]", []string{RedactionNumber}},
		{"year", "since 2024", "since [code]", []string{RedactionCode}},
		{"lone digit does not group", "sizes 8 10", "sizes 8 10", nil},
		// Over-redaction is the price of catching "12 34" codes.
		{"pairs group", "sizes 8 10 12", "sizes 8 [code]", []string{RedactionCode}},
		{"commas do not join", "sizes 8, 10, 12", "sizes 8, 10, 12", nil},
		{"lone digit then code", "1 2345", "1 [code]", []string{RedactionCode}},
		{"dot does not join", "v1.22.333", "v1.22.333", nil},
		{"arabic-indic", "رمزك ٤٨٢٩١٣", "رمزك [code]", []string{RedactionCode}},
		{"full-width", "コード１２３４５６", "コード[code]", []string{RedactionCode}},
		{"devanagari", "कोड ४८२९", "कोड [code]", []string{RedactionCode}},
		{"mixed scripts", "1２3٤", "[code]", []string{RedactionCode}},
		{"zero-width space inside", "12\u200b34", "[code]", []string{RedactionCode}},
		{"keycaps", "1️⃣2️⃣3️⃣4️⃣", "[code]️⃣", []string{RedactionCode}},
		{"email", "mail bob.smith+x@example.co.uk.", "mail [email].", []string{RedactionEmail}},
		{"email with digits", "a1234@b.io", "[email]", []string{RedactionEmail}},
		{"not an email", "meet @ 5 or @home", "meet @ 5 or @home", nil},
		{"no tld", "user@localhost", "user@localhost", nil},
		{"code next to email", "1234 x@y.com", "[code] [email]", []string{RedactionCode, RedactionEmail}},
		{"two emails", "a@b.co,c@d.co", "[email],[email]", []string{RedactionEmail, RedactionEmail}},
		{"digits in a domain", "visit shop1234.com", "visit shop[code].com", []string{RedactionCode}},
		{"invalid UTF-8 kept", "\xff1234\xfe", "\xff[code]\xfe", []string{RedactionCode}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, spans := Redact(c.body)
			if got != c.want {
				t.Errorf("Redact(%q) = %q, want %q", c.body, got, c.want)
			}
			var kinds []string
			for _, s := range spans {
				kinds = append(kinds, s.Kind)
			}
			if !reflect.DeepEqual(kinds, c.kinds) {
				t.Errorf("Redact(%q) kinds = %q, want %q", c.body, kinds, c.kinds)
			}
			checkSpans(t, c.body, got, spans)
		})
	}
}

func TestRedactOffsets(t *testing.T) {
	body := "Hi ana@x.org, code 123 456"
	_, spans := Redact(body)
	want := []Redaction{{RedactionEmail, 3, 12}, {RedactionCode, 19, 26}}
	if !reflect.DeepEqual(spans, want) {
		t.Errorf("Redact(%q) spans = %+v, want %+v", body, spans, want)
	}
	b, err := json.Marshal(spans[0])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"kind":"email","start":3,"end":12}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

// TestRedactNoDigitRuns is the property test: for bodies built from digits
// of many scripts, separators, joiners and text, no run of 4+ digits is
// left, and every kept span of the input is unchanged.
func TestRedactNoDigitRuns(t *testing.T) {
	pieces := []string{"0", "7", "٣", "۵", "８", "४", "𝟗", "-", " ", "  ", ".", "\u200b", "\u0301", "️⃣", "a", "@", "x.co", "é", "\u00a0", "—", "\xff"}
	state := uint64(1)
	next := func() int {
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return int(state % uint64(len(pieces)))
	}
	for range 20000 {
		var b strings.Builder
		for range 1 + next()%3*10 + next() {
			b.WriteString(pieces[next()])
		}
		body := b.String()
		got, spans := Redact(body)
		if n := longestDigitRun(got); n >= 4 {
			t.Fatalf("Redact(%q) = %q: a run of %d digits is left", body, got, n)
		}
		checkSpans(t, body, got, spans)
	}
}

// longestDigitRun is the most decimal digits of any script in s that stand
// together, seen through format characters and combining marks.
func longestDigitRun(s string) int {
	longest, run := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			run++
			longest = max(longest, run)
		case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r):
		default:
			run = 0
		}
	}
	return longest
}

// checkSpans verifies that the spans are in order, inside body, and that
// got is body with each span swapped for its placeholder.
func checkSpans(t *testing.T, body, got string, spans []Redaction) {
	t.Helper()
	var b strings.Builder
	last := 0
	for _, s := range spans {
		if s.Start < last || s.End <= s.Start || s.End > len(body) {
			t.Fatalf("Redact(%q): bad span %+v after offset %d", body, s, last)
		}
		b.WriteString(body[last:s.Start] + "[" + s.Kind + "]")
		last = s.End
	}
	b.WriteString(body[last:])
	if b.String() != got {
		t.Fatalf("Redact(%q) = %q, but its spans give %q", body, got, b.String())
	}
}

func TestDigitValue(t *testing.T) {
	for _, zero := range []rune{'0', '٠', '۰', '०', '০', '０', '𝟎', '𝟘', '𝟶'} {
		for v := range rune(10) {
			if got := digitValue(zero + v); got != byte(v) {
				t.Errorf("digitValue(%q) = %d, want %d", zero+v, got, v)
			}
		}
	}
}

func TestLuhn(t *testing.T) {
	cases := []struct {
		number string
		want   bool
	}{
		{"4111111111111111", true},
		{"4111111111111112", false},
		{"79927398713", true},
		{"378282246310005", true},
		{"0", true},
	}
	for _, c := range cases {
		var d []byte
		for _, r := range c.number {
			d = append(d, byte(r-'0'))
		}
		if got := luhn(d); got != c.want {
			t.Errorf("luhn(%s) = %v, want %v", c.number, got, c.want)
		}
	}
}

func TestBodyHash(t *testing.T) {
	cases := []struct{ body, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, c := range cases {
		if got := BodyHash(c.body); got != c.want {
			t.Errorf("BodyHash(%q) = %s, want %s", c.body, got, c.want)
		}
	}
}
