package content

import "testing"

// chat160 is a 160-character conversational message with sentiment words,
// a booster, a negation, "but", emphasis and an emoji.
var chat160 = func() string {
	s := "Thanks so much for the quick delivery!! The driver was really friendly but the box was not in great shape. Still, very happy overall 😊 see you next week ok"
	for len([]rune(s)) < 160 {
		s += "."
	}
	return string([]rune(s)[:160])
}()

func BenchmarkSentiment160(b *testing.B) {
	Sentiment(chat160) // load the lexicon outside the timing
	b.ReportAllocs()
	for b.Loop() {
		Sentiment(chat160)
	}
}
