package content

import (
	"math"
	"reflect"
	"testing"
)

func TestTokenize(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"Hello, World!", []string{"hello", "world"}},
		{"Your order #1042 has SHIPPED", []string{"your", "order", "1042", "has", "shipped"}},
		{"Don’t forget: check-in at 10:30", []string{"don't", "forget", "check-in", "at", "10", "30"}},
		{"Only $4.99 for 1,000 texts", []string{"only", "4.99", "for", "1,000", "texts"}},
		{"Track: https://www.Example.com/t/8f3k?x=1 now", []string{"track", "example.com", "now"}},
		{"see example.com/t/8f3k.", []string{"see", "example.com"}},
		{"visit shop.example.org.", []string{"visit", "shop.example.org"}},
		{"(http://a.co:8080/x)", []string{"a.co"}},
		{"mail bob@example.com today", []string{"mail", "today"}},
		{"Привет мир", []string{"привет", "мир"}},
		{"café naïve", []string{"café", "naïve"}},
		{"great😀thanks", []string{"great", "thanks"}},
		{"U.S. e.g. -x- 'quoted'", []string{"u", "s", "e", "g", "x", "quoted"}},
		{"\xffab\xfe", []string{"ab"}},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			if got := Tokenize(c.text); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestCorpus(t *testing.T) {
	var c Corpus
	if c.Docs() != 0 || c.DF("x") != 0 {
		t.Fatalf("zero Corpus: Docs %d, DF %d, want 0, 0", c.Docs(), c.DF("x"))
	}
	c.Add("Flash sale: flash deals today")
	c.Add("Your order shipped")
	c.Add("Flash sale ends tonight, order now")
	cases := []struct {
		term string
		want int
	}{
		{"flash", 2},       // twice in the first message, counted once
		{"flash sale", 2},  // a phrase
		{"flash deals", 1}, // a phrase
		{"sale flash", 0},  // broken by the colon
		{"order", 2},
		{"order shipped", 1},
		{"tonight order", 0}, // broken by the comma
		{"your", 0},          // a stop word
		{"your order", 0},
	}
	for _, tc := range cases {
		if got := c.DF(tc.term); got != tc.want {
			t.Errorf("DF(%q) = %d, want %d", tc.term, got, tc.want)
		}
	}
	if got, want := c.Docs(), 3; got != want {
		t.Errorf("Docs() = %d, want %d", got, want)
	}
}

func TestKeywords(t *testing.T) {
	var corpus Corpus
	background := []string{
		"Your order has shipped. Reply STOP to opt out",
		"Your order was delivered. Reply STOP to opt out",
		"Your verification code is 482913",
		"Appointment reminder: tomorrow at 3pm. Reply STOP to opt out",
	}
	set := []string{
		"Flash sale! 50% off winter jackets today. Reply STOP to opt out",
		"Flash sale ends tonight: winter jackets 50% off. Reply STOP to opt out",
	}
	for _, text := range append(background, set...) {
		corpus.Add(text)
	}
	got := Keywords(set, &corpus, 4)
	// Every term of the set that the background lacks scores the same;
	// ties go by term.
	want := []string{"50", "flash", "flash sale", "jackets"}
	var terms []string
	for _, k := range got {
		terms = append(terms, k.Term)
	}
	if !reflect.DeepEqual(terms, want) {
		t.Fatalf("Keywords terms = %q, want %q\n%+v", terms, want, got)
	}
	k := got[2]
	idf := math.Log(7.0/3.0) + 1
	if k.Count != 2 || k.Docs != 2 || !k.Phrase || math.Abs(k.Score-2*idf) > 1e-12 {
		t.Errorf("Keywords[2] = %+v, want count 2, docs 2, phrase, score %v", k, 2*idf)
	}
	for _, k := range Keywords(set, &corpus, 0) {
		if k.Term == "reply" && k.Score >= got[len(got)-1].Score {
			t.Errorf("%q scored %v, want below the set's own terms", k.Term, k.Score)
		}
	}
}

func TestKeywordsNilCorpus(t *testing.T) {
	set := []string{"pizza tonight?", "pizza or tacos", "tacos tonight"}
	got := Keywords(set, nil, 0)
	// Each word appears in two of the three messages: equal scores, so the
	// order is by term. The phrases are in one message each.
	word := 2 * (math.Log(4.0/3.0) + 1)
	phrase := 1 * (math.Log(4.0/2.0) + 1)
	want := []Keyword{
		{Term: "pizza", Score: word, Count: 2, Docs: 2},
		{Term: "tacos", Score: word, Count: 2, Docs: 2},
		{Term: "tonight", Score: word, Count: 2, Docs: 2},
		{Term: "pizza tonight", Score: phrase, Count: 1, Docs: 1, Phrase: true},
		{Term: "tacos tonight", Score: phrase, Count: 1, Docs: 1, Phrase: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Keywords = %+v\nwant %+v", got, want)
	}
}

func TestKeywordsSkipsCodesAndStopWords(t *testing.T) {
	set := []string{"Your code is 482913", "Your code is 551200", "call 555-0100 or 2024"}
	for _, k := range Keywords(set, nil, 0) {
		if stopWords[k.Term] || longestDigitRun(k.Term) >= 4 || len(k.Term) < 2 {
			t.Errorf("Keywords returned %q", k.Term)
		}
	}
}

func TestKeywordsDeterministic(t *testing.T) {
	set := []string{"a b c d alpha beta gamma", "delta epsilon alpha", "gamma delta"}
	first := Keywords(set, nil, 0)
	for range 20 {
		if got := Keywords(set, nil, 0); !reflect.DeepEqual(got, first) {
			t.Fatalf("Keywords changed between runs:\n%+v\n%+v", got, first)
		}
	}
	if got := Keywords(nil, nil, 5); len(got) != 0 {
		t.Errorf("Keywords(nil) = %+v, want none", got)
	}
}
