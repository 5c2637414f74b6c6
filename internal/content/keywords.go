package content

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Keyword is a term or two-word phrase that characterises a set of
// messages.
type Keyword struct {
	// Term is the lower-cased word, or two words joined by one space.
	Term string `json:"term"`
	// Score is Count times the term's smoothed inverse document frequency
	// in the corpus: high for terms frequent in the set and rare overall.
	Score float64 `json:"score"`
	// Count is how many times the term occurs in the set.
	Count int `json:"count"`
	// Docs is how many messages of the set contain it.
	Docs int `json:"docs"`
	// Phrase is true for a two-word phrase.
	Phrase bool `json:"phrase"`
}

// Tokenize splits text into lower-cased words and numbers, in order, stop
// words included. The choices, made for text messages:
//
//   - A word is a run of letters, digits and combining marks in any
//     script. An apostrophe between letters stays in the word ("don't",
//     with a curly apostrophe made straight), as does a hyphen between
//     letters ("check-in"); a dot or comma between digits stays in the
//     number ("4.99", "1,000"). Anything else (punctuation, symbols,
//     emoji) separates words and is dropped.
//   - A link becomes its host name, lower-cased and without "www.", as
//     one token ("https://www.Example.com/t/8f3k?x=1" gives "example.com"):
//     the site is what a set of messages has in common, while paths and
//     query strings are per-message noise (and often tracking IDs). A link
//     is a chunk of non-space text that starts with "http://", "https://"
//     or "www.", or whose leading part is a host name (two or more dotted
//     labels, the last all letters) followed by "/" or nothing.
//   - An e-mail address is dropped whole: it is personal data, not a topic.
func Tokenize(text string) []string {
	var out []string
	tokenize(text, func(tok string, _ bool) { out = append(out, tok) })
	return out
}

// tokenize calls emit for each token of text, in order, with brk true when
// the token does not directly follow the previous one (punctuation, a
// link, an e-mail address or a symbol came between), so a phrase must not
// span the two.
func tokenize(text string, emit func(tok string, brk bool)) {
	brk := true
	for chunk := range strings.FieldsSeq(text) {
		if strings.ContainsRune(chunk, '@') && isEmailChunk(chunk) {
			brk = true
			continue
		}
		// Every link has a dotted host; checking for a dot first spares
		// most chunks linkHost's allocations.
		if strings.Contains(chunk, ".") {
			if host, ok := linkHost(chunk); ok {
				emit(host, true)
				brk = true
				continue
			}
		}
		brk = tokenizeChunk(chunk, brk, emit)
	}
}

// tokenizeChunk emits the words of one chunk of non-space text and reports
// whether it ended in something that breaks a phrase.
func tokenizeChunk(chunk string, brk bool, emit func(string, bool)) bool {
	for i := 0; i < len(chunk); {
		r, n := utf8.DecodeRuneInString(chunk[i:])
		if !isWordRune(r) {
			brk = true
			i += n
			continue
		}
		start := i
		i += n
		prev := r
		for i < len(chunk) {
			r, n := utf8.DecodeRuneInString(chunk[i:])
			if isWordRune(r) {
				prev = r
				i += n
				continue
			}
			next, m := utf8.DecodeRuneInString(chunk[i+n:])
			if m == 0 || !joinsWord(prev, r, next) {
				break
			}
			prev = next
			i += n + m
		}
		emit(normalizeWord(chunk[start:i]), brk)
		brk = false
	}
	return brk
}

// isWordRune reports whether r belongs in a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// joinsWord reports whether sep, between prev and next, keeps one word.
func joinsWord(prev, sep, next rune) bool {
	switch sep {
	case '\'', '’', 'ʼ', '-':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case '.', ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}

// normalizeWord lower-cases w and straightens its apostrophes.
func normalizeWord(w string) string {
	w = strings.ToLower(w)
	if strings.ContainsAny(w, "’ʼ") {
		w = strings.NewReplacer("’", "'", "ʼ", "'").Replace(w)
	}
	return w
}

// isEmailChunk reports whether chunk holds an e-mail address.
func isEmailChunk(chunk string) bool {
	return len(findEmails(chunk)) > 0
}

// linkHost returns the host of chunk if chunk is a link.
func linkHost(chunk string) (string, bool) {
	lower := strings.ToLower(strings.TrimLeftFunc(chunk, unicode.IsPunct))
	rest, scheme := strings.CutPrefix(lower, "https://")
	if !scheme {
		rest, scheme = strings.CutPrefix(lower, "http://")
	}
	hostEnd := strings.IndexAny(rest, "/?#")
	slash := hostEnd >= 0
	if !slash {
		hostEnd = len(rest)
	}
	host := rest[:hostEnd]
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i] // a port
	}
	www := strings.HasPrefix(host, "www.")
	if !slash && !scheme && !www {
		// Trailing punctuation of a sentence is not part of a bare host.
		host = strings.TrimRightFunc(host, func(r rune) bool { return unicode.IsPunct(r) })
	}
	if !isHostName(host) {
		return "", false
	}
	return strings.TrimPrefix(host, "www."), true
}

// isHostName reports whether h is two or more dot-separated labels of
// letters, digits and hyphens, the last of two or more letters.
func isHostName(h string) bool {
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 {
		return false
	}
	for _, r := range tld {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// isKeywordTerm reports whether a token may be a keyword: not a stop word,
// at least two characters, and without four digits in a row, so one-time
// codes, phone numbers and other identifiers never surface as keywords.
func isKeywordTerm(tok string) bool {
	if stopWords[tok] || utf8.RuneCountInString(tok) < 2 {
		return false
	}
	run := 0
	for _, r := range tok {
		if unicode.IsDigit(r) {
			if run++; run >= 4 {
				return false
			}
		} else {
			run = 0
		}
	}
	return true
}

// isPhraseWord reports whether a keyword token may be part of a phrase: it
// must hold a letter, and not be a link host.
func isPhraseWord(tok string) bool {
	return strings.IndexFunc(tok, unicode.IsLetter) >= 0 && !strings.Contains(tok, ".")
}

// termCounts calls add for each keyword term and phrase occurrence in text.
// Phrases are two consecutive tokens with nothing but white space between
// them, neither a stop word: "order shipped" in "your order shipped", but
// nothing across "order, shipped" or "order has shipped".
func termCounts(text string, add func(term string, phrase bool)) {
	prev := ""
	tokenize(text, func(tok string, brk bool) {
		if !isKeywordTerm(tok) {
			prev = ""
			return
		}
		add(tok, false)
		if !brk && prev != "" && isPhraseWord(prev) && isPhraseWord(tok) {
			add(prev+" "+tok, true)
		}
		prev = tok
	})
}

// Corpus accumulates document frequencies of keyword terms and phrases:
// the background that Keywords weighs a set of messages against. The zero
// value is an empty corpus ready to use. A Corpus is not safe for
// concurrent use.
type Corpus struct {
	docs int
	df   map[string]int
}

// Add counts text as one more document.
func (c *Corpus) Add(text string) {
	if c.df == nil {
		c.df = map[string]int{}
	}
	c.docs++
	seen := map[string]bool{}
	termCounts(text, func(term string, _ bool) {
		if !seen[term] {
			seen[term] = true
			c.df[term]++
		}
	})
}

// Docs is how many documents have been added.
func (c *Corpus) Docs() int { return c.docs }

// DF is how many documents contain term, a word or two words joined by one
// space as Keyword.Term spells them. Stop words and terms with four digits
// in a row are never counted, so their DF is 0.
func (c *Corpus) DF(term string) int { return c.df[term] }

// Keywords returns the n highest-scoring terms and phrases of the set of
// messages against corpus (all of them when n <= 0), ordered by score,
// highest first, then by term. The score is Count × (ln((1+N)/(1+DF)) + 1),
// N and DF from the corpus: the smoothed IDF never reaches zero, so a term
// in every document still ranks by how often the set uses it. A nil corpus
// means the set itself, which ranks what sets its messages apart from each
// other; a corpus that does not include the set works too (a term missing
// from it counts as rare).
func Keywords(set []string, corpus *Corpus, n int) []Keyword {
	if corpus == nil {
		corpus = &Corpus{}
		for _, text := range set {
			corpus.Add(text)
		}
	}
	stats := map[string]*Keyword{}
	for _, text := range set {
		seen := map[string]bool{}
		termCounts(text, func(term string, phrase bool) {
			k := stats[term]
			if k == nil {
				k = &Keyword{Term: term, Phrase: phrase}
				stats[term] = k
			}
			k.Count++
			if !seen[term] {
				seen[term] = true
				k.Docs++
			}
		})
	}
	out := make([]Keyword, 0, len(stats))
	for _, k := range stats {
		df := corpus.DF(k.Term)
		docs := max(corpus.Docs(), df)
		k.Score = float64(k.Count) * (math.Log(float64(1+docs)/float64(1+df)) + 1)
		out = append(out, *k)
	}
	slices.SortFunc(out, func(a, b Keyword) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Term, b.Term)
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}
