package content

import "testing"

// otp160 is a 160-character verification message with a code, a card
// fragment-free reference and an e-mail address.
var otp160 = func() string {
	s := "Your Acme verification code is 482-913. It expires in 10 minutes. Never share it. Questions? Write to help@acme.example or reply HELP. Ref: order 55"
	for len(s) < 160 {
		s += " "
	}
	return s[:160]
}()

func BenchmarkRedact160(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Redact(otp160)
	}
}

func BenchmarkRedactShipping160(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Redact(body160)
	}
}
