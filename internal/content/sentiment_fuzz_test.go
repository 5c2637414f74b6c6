package content

import (
	"math"
	"testing"
)

func FuzzSentiment(f *testing.F) {
	for _, c := range vaderExamples {
		f.Add(c.text)
	}
	for _, s := range []string{"", "no", "NO GOOD", "kind of", "at least", "but", "but but", "😀‍", "\u200d😀",
		"🇺🇸🇬", "\xff", "least good", "never so good", "without doubt good", "a b c d e f g bad", "!!!???"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s := Sentiment(text)
		for _, v := range []float64{s.Compound, s.Positive, s.Neutral, s.Negative} {
			if math.IsNaN(v) || v < -1 || v > 1 {
				t.Fatalf("Sentiment(%q) = %+v: a value outside [-1, 1]", text, s)
			}
		}
		if s.Positive < 0 || s.Neutral < 0 || s.Negative < 0 {
			t.Fatalf("Sentiment(%q) = %+v: a negative share", text, s)
		}
		switch s.Label {
		case SentimentPositive, SentimentNeutral, SentimentNegative:
		default:
			t.Fatalf("Sentiment(%q).Label = %q", text, s.Label)
		}
	})
}
