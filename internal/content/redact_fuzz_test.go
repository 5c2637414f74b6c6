package content

import "testing"

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"", "1234", "12 34", "4111 1111 1111 1111", "a@b.co", "١٢٣٤", "１２３４",
		"1\u200b2\u200b3\u200b4", "1️⃣2️⃣3️⃣4️⃣", "12-34-56-78-90-12", "@@@@", "x@y.z1", "1 2 3 4 5",
		"\xe0\xa5\xa6\xe0\xa5", "a.b@c.d.ee.", "12 x@y.com 34", "9" + string(make([]byte, 3)) + "999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got, spans := Redact(body)
		if n := longestDigitRun(got); n >= 4 {
			t.Fatalf("Redact(%q) = %q: a run of %d digits is left", body, got, n)
		}
		checkSpans(t, body, got, spans)
		if again, more := Redact(got); len(more) != 0 && longestDigitRun(again) >= 4 {
			t.Fatalf("Redact(Redact(%q)) left digits: %q", body, again)
		}
	})
}
