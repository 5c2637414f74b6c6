package phone

import "testing"

func TestCountry(t *testing.T) {
	cases := []struct{ number, region, want string }{
		{"+447700900123", "", "GB"},
		{"+14155550100", "", "US"},
		{"+1 416 555 0100", "", "CA"}, // shares +1 with the US: decided by area code
		{"+33612345678", "", "FR"},
		{"+79161234567", "", "RU"},
		{"+77012345678", "", "KZ"}, // shares +7 with Russia
		{"+4915112345678", "", "DE"},
		{"06 12 34 56 78", "FR", "FR"},
		{"(415) 555-0100", "US", "US"},
		{"MyBrand", "", ""},
		{"", "US", ""},
		{"12345", "", ""},
	}
	for _, tc := range cases {
		for range 2 { // the second call answers from the cache
			if got := Country(tc.number, tc.region); got != tc.want {
				t.Errorf("Country(%q, %q) = %q, want %q", tc.number, tc.region, got, tc.want)
			}
		}
	}
}

func TestE164(t *testing.T) {
	cases := []struct{ number, region, want string }{
		{"+44 7700 900123", "", "+447700900123"},
		{"(415) 555-0100", "US", "+14155550100"},
		{"07700 900123", "GB", "+447700900123"},
		{"not a number", "US", ""},
	}
	for _, tc := range cases {
		got, ok := E164(tc.number, tc.region)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("E164(%q, %q) = %q, %v; want %q", tc.number, tc.region, got, ok, tc.want)
		}
	}
}

func BenchmarkCountryCached(b *testing.B) {
	Country("+447700900123", "")
	for b.Loop() {
		Country("+447700900123", "")
	}
}

func TestLookup(t *testing.T) {
	info, ok := Lookup("+447400123456", "")
	if !ok || info.Country != "GB" || info.NumberType != "mobile" || info.E164 != "+447400123456" {
		t.Errorf("GB mobile: %+v %v", info, ok)
	}
	if info, ok := Lookup("+442079460000", ""); !ok || info.NumberType != "fixed_line" {
		t.Errorf("London landline: %+v %v", info, ok)
	}
	if _, ok := Lookup("hello", "US"); ok {
		t.Error("text looked up as a number")
	}
}

func BenchmarkCountryUncachedPrefixes(b *testing.B) {
	i := 0
	for b.Loop() {
		i++
		Country("+3361234"+string(rune('0'+i%10))+"678"+string(rune('0'+(i/10)%10)), "")
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ number, region, want string }{
		{"+447700900123", "US", "+447700900123"},                 // already E.164: untouched
		{"(415) 555-0100", "US", "+14155550100"},                 // national format
		{"07400 123456", "GB", "+447400123456"},                  // national with trunk prefix
		{"447400123456", "US", "+447400123456"},                  // international digits without +
		{"+44 7400 123456", "US", "+447400123456"},               // spaced
		{"MyBrand", "US", "MyBrand"},                             // alphanumeric sender
		{"12345", "US", "12345"},                                 // short code
		{"whatsapp:+14155550100", "US", "whatsapp:+14155550100"}, // channel address
		{"", "US", ""},
		{"06 12 34 56 78", "FR", "+33612345678"},
		{"+33 6 12 34 56 78", "US", "+33612345678"},
		{"030 1234567", "DE", "+49301234567"},
		{"0049 30 1234567", "DE", "+49301234567"},
		{"98765 43210", "IN", "+919876543210"},
		{"(11) 91234-5678", "BR", "+5511912345678"},
		{"416-555-0100", "CA", "+14165550100"},
	}
	for _, tc := range cases {
		if got := Normalize(tc.number, tc.region); got != tc.want {
			t.Errorf("Normalize(%q, %q) = %q, want %q", tc.number, tc.region, got, tc.want)
		}
	}
}
