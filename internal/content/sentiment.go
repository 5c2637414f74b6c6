package content

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentiment labels, with VADER's customary thresholds on the compound score.
const (
	SentimentPositive = "positive"
	SentimentNeutral  = "neutral"
	SentimentNegative = "negative"
)

// SentimentScore is the sentiment of one message as VADER scores it.
type SentimentScore struct {
	// Compound is the overall sentiment, from -1 (most negative) to +1
	// (most positive), rounded to 4 decimals as VADER prints it.
	Compound float64 `json:"compound"`
	// Positive, Neutral and Negative are the shares of the text that
	// carry each polarity; they sum to 1 (give or take rounding to 3
	// decimals), or are all 0 for a text with no tokens.
	Positive float64 `json:"positive"`
	Neutral  float64 `json:"neutral"`
	Negative float64 `json:"negative"`
	// Label is SentimentPositive when Compound >= 0.05,
	// SentimentNegative when Compound <= -0.05, else SentimentNeutral.
	Label string `json:"label"`
}

// Sentiment scores text with the VADER rules (Hutto & Gilbert, 2014) over
// the VADER lexicon: valence per word, boosters and dampeners, negation up
// to three words back, ALL-CAPS emphasis, "but" shifting weight to what
// follows, and "!"/"?" emphasis. Emoji are scored from a table of our own
// (see emojiValence) rather than from their English names. For texts
// without emoji the result matches the reference Python implementation
// (vaderSentiment 3.3 and later) to the printed precision; the reference's
// one known quirk, a "but" rule that scales by first matching value rather
// than by position, is implemented as intended (by position).
func Sentiment(text string) SentimentScore {
	var buf [48]sentToken
	toks := sentimentTokens(text, buf[:0])
	capDiff := allCapsDifferential(toks)

	var sbuf [48]float64
	sentiments := sbuf[:0]
	for i := range toks {
		t := &toks[i]
		if _, ok := boosters[t.lower]; ok {
			sentiments = append(sentiments, 0)
			continue
		}
		if t.lower == "kind" && i+1 < len(toks) && toks[i+1].lower == "of" {
			sentiments = append(sentiments, 0)
			continue
		}
		sentiments = append(sentiments, tokenValence(toks, i, capDiff))
	}
	butShift(toks, sentiments)
	return scoreValence(sentiments, text)
}

// sentToken is one whitespace-separated token (or emoji) of a text.
type sentToken struct {
	text  string  // as written, punctuation stripped as VADER strips it
	lower string  // lower-cased text, the lexicon key
	upper bool    // ALL CAPS in Python's str.isupper sense
	inLex bool    // a sentiment-bearing token (lexicon word or known emoji)
	value float64 // its valence when inLex
}

// sentimentTokens splits text on white space as VADER does, additionally
// cutting emoji sequences out as tokens of their own.
func sentimentTokens(text string, toks []sentToken) []sentToken {
	lex := vaderLexicon()
	start := -1 // start of the current word, or -1
	flush := func(end int) {
		if start >= 0 {
			toks = append(toks, wordToken(text[start:end], lex))
			start = -1
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				flush(i)
			} else if start < 0 {
				start = i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsSpace(r):
			flush(i)
			i += n
		case isEmojiBase(r):
			flush(i)
			end := emojiEnd(text, i)
			v, ok := emojiValence[r]
			toks = append(toks, sentToken{text: text[i:end], lower: text[i:end], inLex: ok, value: v})
			i = end
		default:
			if start < 0 {
				start = i
			}
			i += n
		}
	}
	flush(len(text))
	return toks
}

// asciiSpace marks the ASCII characters Python's str.split splits on.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true,
	0x1C: true, 0x1D: true, 0x1E: true, 0x1F: true}

// wordToken strips leading and trailing ASCII punctuation from w unless
// that would leave two characters or fewer, which keeps emoticons such as
// ":)" and ":D" whole ("no" and "ok" are stripped all the same, as the
// reference now does), and looks the result up in the lexicon.
func wordToken(w string, lex map[string]float64) sentToken {
	stripped := strings.TrimFunc(w, isASCIIPunct)
	if utf8.RuneCountInString(stripped) > 2 || strings.EqualFold(stripped, "no") || strings.EqualFold(stripped, "ok") {
		w = stripped
	}
	t := sentToken{text: w, lower: strings.ToLower(w), upper: isUpperWord(w)}
	t.value, t.inLex = lex[t.lower]
	return t
}

// isASCIIPunct reports whether r is in Python's string.punctuation.
func isASCIIPunct(r rune) bool {
	return r < utf8.RuneSelf && r > ' ' && r != 0x7F &&
		!(r >= '0' && r <= '9') && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z')
}

// isUpperWord is Python's str.isupper: at least one cased letter and no
// lower- or title-case one.
func isUpperWord(w string) bool {
	cased := false
	for _, r := range w {
		switch {
		case unicode.IsLower(r), unicode.IsTitle(r):
			return false
		case unicode.IsUpper(r):
			cased = true
		}
	}
	return cased
}

// allCapsDifferential reports whether some but not all tokens are in ALL
// CAPS: only then does capitalisation signal emphasis rather than style.
func allCapsDifferential(toks []sentToken) bool {
	n := 0
	for i := range toks {
		if toks[i].upper {
			n++
		}
	}
	return n > 0 && n < len(toks)
}

// tokenValence is the valence of toks[i] after the modifiers around it.
func tokenValence(toks []sentToken, i int, capDiff bool) float64 {
	t := &toks[i]
	if !t.inLex {
		return 0
	}
	v := t.value
	// "no" before a sentiment word negates that word instead of counting
	// as a negative word itself.
	if t.lower == "no" && i+1 < len(toks) && toks[i+1].inLex {
		v = 0
	}
	if (i > 0 && toks[i-1].lower == "no") || (i > 1 && toks[i-2].lower == "no") ||
		(i > 2 && toks[i-3].lower == "no" && (toks[i-1].lower == "or" || toks[i-1].lower == "nor")) {
		v = t.value * negationScalar
	}
	if t.upper && capDiff {
		if v > 0 {
			v += capsIncrement
		} else {
			v -= capsIncrement
		}
	}
	for back := 0; back < 3; back++ {
		if i <= back || toks[i-back-1].inLex {
			continue
		}
		s := boosterScalar(&toks[i-back-1], v, capDiff)
		// Modifiers further away count for less.
		switch back {
		case 1:
			s *= 0.95
		case 2:
			s *= 0.9
		}
		v += s
		v = negationCheck(v, toks, back, i)
		if back == 2 {
			v = idiomCheck(v, toks, i)
		}
	}
	return leastCheck(v, toks, i)
}

// boosterScalar is what modifier w adds to a sentiment word of valence v:
// boosters push away from zero, dampeners toward it, more so in CAPS.
func boosterScalar(w *sentToken, v float64, capDiff bool) float64 {
	s, ok := boosters[w.lower]
	if !ok {
		return 0
	}
	if v < 0 {
		s = -s
	}
	if w.upper && capDiff {
		if v > 0 {
			s += capsIncrement
		} else {
			s -= capsIncrement
		}
	}
	return s
}

// isNegation reports whether w negates what follows it.
func isNegation(w string) bool {
	return negations[w] || strings.Contains(w, "n't")
}

// negationCheck applies a negation found back+1 words before toks[i], with
// the reference's exceptions: "never so/this good" intensifies, and
// "without doubt" does not negate.
func negationCheck(v float64, toks []sentToken, back, i int) float64 {
	w := func(k int) string { return toks[i-k].lower }
	switch back {
	case 0:
		if isNegation(w(1)) {
			v *= negationScalar
		}
	case 1:
		switch {
		case w(2) == "never" && (w(1) == "so" || w(1) == "this"):
			v *= 1.25
		case w(2) == "without" && w(1) == "doubt":
		case isNegation(w(2)):
			v *= negationScalar
		}
	case 2:
		// The reference groups this condition so that "so" or "this"
		// right before the word intensifies whatever comes three words
		// back; kept for identical scores.
		switch {
		case (w(3) == "never" && (w(2) == "so" || w(2) == "this")) || w(1) == "so" || w(1) == "this":
			v *= 1.25
		case w(3) == "without" && (w(2) == "doubt" || w(1) == "doubt"):
		case isNegation(w(3)):
			v *= negationScalar
		}
	}
	return v
}

// idiomCheck replaces v by the value of an idiom around toks[i] and adds
// two-word dampeners ("kind of") in the three words before it.
func idiomCheck(v float64, toks []sentToken, i int) float64 {
	n := len(toks)
	// Windows ending before or at i, in the reference's order of priority:
	// (i-1,i), (i-2..i), (i-2,i-1), (i-3..i-1), (i-3,i-2).
	for _, win := range [...][2]int{{i - 1, i + 1}, {i - 2, i + 1}, {i - 2, i}, {i - 3, i}, {i - 3, i - 1}} {
		if value, ok := idiomValue(toks[win[0]:win[1]]); ok {
			v = value
			break
		}
	}
	if i+1 < n {
		if value, ok := idiomValue(toks[i : i+2]); ok {
			v = value
		}
	}
	if i+2 < n {
		if value, ok := idiomValue(toks[i : i+3]); ok {
			v = value
		}
	}
	for _, win := range [...][2]int{{i - 3, i}, {i - 3, i - 1}, {i - 2, i}} {
		ws := toks[win[0]:win[1]]
		if len(ws) != 2 {
			continue
		}
		for _, p := range boosterPhrases {
			if ws[0].lower == p.words[0] && ws[1].lower == p.words[1] {
				v += p.value
			}
		}
	}
	return v
}

// idiomValue reports the value of the idiom spelled exactly by ws.
func idiomValue(ws []sentToken) (float64, bool) {
outer:
	for _, id := range idioms {
		if len(id.words) != len(ws) {
			continue
		}
		for k, w := range id.words {
			if ws[k].lower != w {
				continue outer
			}
		}
		return id.value, true
	}
	return 0, false
}

// leastCheck negates a word after "least", except in "at least" and "very
// least", which are not negations.
func leastCheck(v float64, toks []sentToken, i int) float64 {
	if i > 0 && !toks[i-1].inLex && toks[i-1].lower == "least" {
		if i == 1 || (toks[i-2].lower != "at" && toks[i-2].lower != "very") {
			v *= negationScalar
		}
	}
	return v
}

// butShift halves the sentiment before the first "but" and raises what
// follows it by half: the clause after "but" is what the writer means.
func butShift(toks []sentToken, sentiments []float64) {
	b := -1
	for i := range toks {
		if toks[i].lower == "but" {
			b = i
			break
		}
	}
	if b < 0 {
		return
	}
	for i := range sentiments {
		switch {
		case i < b:
			sentiments[i] *= 0.5
		case i > b:
			sentiments[i] *= 1.5
		}
	}
}

// scoreValence turns per-token valences into the compound score and the
// polarity shares.
func scoreValence(sentiments []float64, text string) SentimentScore {
	if len(sentiments) == 0 {
		return SentimentScore{Label: SentimentNeutral}
	}
	sum := 0.0
	for _, s := range sentiments {
		sum += s
	}
	emph := punctuationEmphasis(text)
	if sum > 0 {
		sum += emph
	} else if sum < 0 {
		sum -= emph
	}
	compound := sum / math.Sqrt(sum*sum+normalizeAlpha)
	compound = max(-1, min(1, compound))

	pos, neg, neu := 0.0, 0.0, 0.0
	for _, s := range sentiments {
		switch {
		// The ±1 compensates for neutral words, which count 1 each.
		case s > 0:
			pos += s + 1
		case s < 0:
			neg += s - 1
		default:
			neu++
		}
	}
	if pos > -neg {
		pos += emph
	} else if pos < -neg {
		neg -= emph
	}
	total := pos - neg + neu
	score := SentimentScore{
		Compound: round(compound, 1e4),
		Positive: round(math.Abs(pos/total), 1e3),
		Neutral:  round(math.Abs(neu/total), 1e3),
		Negative: round(math.Abs(neg/total), 1e3),
	}
	switch {
	case score.Compound >= 0.05:
		score.Label = SentimentPositive
	case score.Compound <= -0.05:
		score.Label = SentimentNegative
	default:
		score.Label = SentimentNeutral
	}
	return score
}

// punctuationEmphasis is the boost from "!" (up to four count) and from
// repeated "?" in text.
func punctuationEmphasis(text string) float64 {
	ep := min(strings.Count(text, "!"), 4)
	amp := float64(ep) * 0.292
	switch qm := strings.Count(text, "?"); {
	case qm > 3:
		amp += 0.96
	case qm > 1:
		amp += float64(qm) * 0.18
	}
	return amp
}

// round rounds x to the nearest multiple of 1/scale.
func round(x, scale float64) float64 {
	return math.Round(x*scale) / scale
}
