package content

import (
	"encoding/json"
	"math"
	"testing"
)

// vaderExamples are the example sentences of VADER's README with the
// scores it prints for them (vaderSentiment 3.3).
var vaderExamples = []struct {
	text                    string
	compound, pos, neu, neg float64
}{
	{"VADER is smart, handsome, and funny.", 0.8316, 0.746, 0.254, 0},
	{"VADER is smart, handsome, and funny!", 0.8439, 0.752, 0.248, 0},
	{"VADER is very smart, handsome, and funny.", 0.8545, 0.701, 0.299, 0},
	{"VADER is VERY SMART, handsome, and FUNNY.", 0.9227, 0.754, 0.246, 0},
	{"VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342, 0.767, 0.233, 0},
	{"VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.9469, 0.706, 0.294, 0},
	{"VADER is not smart, handsome, nor funny.", -0.7424, 0, 0.354, 0.646},
	{"The book was good.", 0.4404, 0.492, 0.508, 0},
	// The README's shares for this one (0.363 positive) come from an
	// older tokenizer that dropped one-letter words such as "a".
	{"At least it isn't a horrible book.", 0.431, 0.322, 0.678, 0},
	{"The book was only kind of good.", 0.3832, 0.303, 0.697, 0},
	{"The plot was good, but the characters are uncompelling and the dialog is not great.", -0.7042, 0.094, 0.579, 0.327},
	{"Today SUX!", -0.5461, 0, 0.221, 0.779},
	{"Today only kinda sux! But I'll get by, lol", 0.5249, 0.317, 0.556, 0.127},
	{"Make sure you :) or :D today!", 0.8633, 0.706, 0.294, 0},
	{"Not bad at all", 0.431, 0.487, 0.513, 0},
}

func TestSentimentVADERExamples(t *testing.T) {
	for _, c := range vaderExamples {
		t.Run(c.text, func(t *testing.T) {
			got := Sentiment(c.text)
			want := SentimentScore{Compound: c.compound, Positive: c.pos, Neutral: c.neu, Negative: c.neg}
			if !near(got.Compound, want.Compound, 1e-4) || !near(got.Positive, want.Positive, 1e-3) ||
				!near(got.Neutral, want.Neutral, 1e-3) || !near(got.Negative, want.Negative, 1e-3) {
				t.Errorf("Sentiment(%q)\n got %+v\nwant %+v", c.text, got, want)
			}
		})
	}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*1.01 }

func TestSentimentRules(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		wantSign int    // sign of the compound score
		label    string // expected label
	}{
		{"empty", "", 0, SentimentNeutral},
		{"white space only", " \t\n", 0, SentimentNeutral},
		{"no sentiment words", "Your code is at the front desk", 0, SentimentNeutral},
		{"positive word", "Thanks, that was great", 1, SentimentPositive},
		{"negative word", "This is terrible", -1, SentimentNegative},
		{"negation flips", "This is not great", -1, SentimentNegative},
		{"contraction negates", "It wasn't bad", 1, SentimentPositive},
		{"but shifts weight", "The food was great but the service was awful", -1, SentimentNegative},
		{"positive emoji", "see you tomorrow 😀", 1, SentimentPositive},
		{"negative emoji", "see you tomorrow 😡", -1, SentimentNegative},
		{"emoji glued to a word", "thanks😍😍", 1, SentimentPositive},
		{"emoji with skin tone", "👍🏽", 1, SentimentPositive},
		{"negated emoji", "not 😀", -1, SentimentNegative},
		{"emoticon", "ok :(", -1, SentimentNegative},
		{"invalid UTF-8", "good \xff\xfe day", 1, SentimentPositive},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Sentiment(c.text)
			if sign(got.Compound) != c.wantSign || got.Label != c.label {
				t.Errorf("Sentiment(%q) = %+v, want sign %d and label %q", c.text, got, c.wantSign, c.label)
			}
		})
	}
}

// TestSentimentEmphasis checks that each VADER intensity rule moves the
// score the way the reference does.
func TestSentimentEmphasis(t *testing.T) {
	cases := []struct{ weaker, stronger string }{
		{"The service was good", "The service was very good"},
		{"The service was slightly good", "The service was good"},
		{"The service was good", "The service was GOOD"},
		{"The service was good", "The service was good!!!"},
		{"Was it bad", "Was it bad???"},
		{"I like it", "I like it 😍"},
	}
	for _, c := range cases {
		weak, strong := Sentiment(c.weaker).Compound, Sentiment(c.stronger).Compound
		if !(math.Abs(strong) > math.Abs(weak)) {
			t.Errorf("|Sentiment(%q)| = %v, want more than |Sentiment(%q)| = %v", c.stronger, strong, c.weaker, weak)
		}
	}
	if got, want := Sentiment("good!!!!!!!!").Compound, Sentiment("good!!!!").Compound; got != want {
		t.Errorf("Sentiment(good + 8 !) = %v, want %v: emphasis is capped at four", got, want)
	}
}

func TestSentimentSharesSumToOne(t *testing.T) {
	for _, text := range []string{"good", "bad day but great night", "meh", "I love you 😍 but hate this 😡"} {
		s := Sentiment(text)
		if sum := s.Positive + s.Neutral + s.Negative; !near(sum, 1, 2e-3) {
			t.Errorf("Sentiment(%q) shares sum to %v, want 1", text, sum)
		}
		if s.Compound < -1 || s.Compound > 1 {
			t.Errorf("Sentiment(%q).Compound = %v, want within [-1, 1]", text, s.Compound)
		}
	}
}

func TestSentimentJSON(t *testing.T) {
	b, err := json.Marshal(Sentiment("great"))
	if err != nil {
		t.Fatal(err)
	}
	got, want := string(b), `{"compound":0.6249,"positive":1,"neutral":0,"negative":0,"label":"positive"}`
	if got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

func TestEmojiValenceTableIsEmoji(t *testing.T) {
	for r, v := range emojiValence {
		if v == 0 || v < -4 || v > 4 {
			t.Errorf("emojiValence[%q] = %v, want a non-zero valence within [-4, 4]", r, v)
		}
		if isEmojiModifier(r) {
			t.Errorf("emojiValence has modifier %q", r)
		}
	}
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
