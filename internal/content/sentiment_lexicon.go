package content

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

// The rule constants and word lists below are those of VADER (Hutto &
// Gilbert, 2014), whose scores operators compare ours with; changing one
// changes every stored score. See data/LICENSE-vader.
const (
	// boosterIncrement and boosterDecrement are what an intensifier
	// ("very") or a dampener ("slightly") adds to the next word's valence.
	boosterIncrement = 0.293
	boosterDecrement = -0.293
	// capsIncrement is the emphasis of a sentiment word in ALL CAPS when
	// the rest of the text is not.
	capsIncrement = 0.733
	// negationScalar flips and damps a negated valence: "not good" is
	// less negative than "bad".
	negationScalar = -0.74
	// normalizeAlpha sets how fast the compound score nears ±1.
	normalizeAlpha = 15
)

//go:embed data/vader_lexicon.txt
var vaderLexiconData string

// vaderLexicon maps a token to its mean valence (-4..4). It is parsed on
// first use, not at init, so binaries that never score sentiment do not pay
// for it.
var vaderLexicon = sync.OnceValue(func() map[string]float64 {
	m := make(map[string]float64, 7600)
	for line := range strings.Lines(vaderLexiconData) {
		token, value, ok := strings.Cut(strings.TrimRight(line, "\r\n"), "\t")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			panic("content: bad line in embedded VADER lexicon: " + line)
		}
		// Later lines win, as in the reference, for the few tokens the
		// lexicon lists twice.
		m[token] = v
	}
	return m
})

// boosters are degree modifiers: words that raise or lower the intensity
// of the sentiment word after them without carrying sentiment themselves.
var boosters = func() map[string]float64 {
	m := map[string]float64{}
	for _, w := range strings.Fields(`absolutely amazingly awfully completely
		considerable considerably decidedly deeply effing enormous enormously
		entirely especially exceptional exceptionally extreme extremely
		fabulously flipping flippin frackin fracking fricking frickin frigging
		friggin fully fuckin fucking fuggin fugging greatly hella highly hugely
		incredible incredibly intensely major majorly more most particularly
		purely quite really remarkably so substantially thoroughly total
		totally tremendous tremendously uber unbelievably unusually utter
		utterly very`) {
		m[w] = boosterIncrement
	}
	for _, w := range strings.Fields(`almost barely hardly kinda kindof kind-of
		less little marginal marginally occasional occasionally partly scarce
		scarcely slight slightly somewhat sorta sortof sort-of`) {
		m[w] = boosterDecrement
	}
	return m
}()

// boosterPhrases are the two-word degree modifiers, matched on tokens.
var boosterPhrases = []struct {
	words [2]string
	value float64
}{
	{[2]string{"just", "enough"}, boosterDecrement},
	{[2]string{"kind", "of"}, boosterDecrement},
	{[2]string{"sort", "of"}, boosterDecrement},
}

// negations are the words that flip the valence of a sentiment word up to
// three words after them. Any word containing "n't" negates as well.
var negations = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`aint arent cannot cant couldnt darent
		didnt doesnt ain't aren't can't couldn't daren't didn't doesn't dont
		hadnt hasnt havent isnt mightnt mustnt neither don't hadn't hasn't
		haven't isn't mightn't mustn't neednt needn't never none nope nor not
		nothing nowhere oughtnt shant shouldnt uhuh wasnt werent oughtn't
		shan't shouldn't uh-uh wasn't weren't without wont wouldnt won't
		wouldn't rarely seldom despite`) {
		m[w] = true
	}
	return m
}()

// idioms are multi-word expressions whose sentiment is not the sum of their
// words; when one ends at or around a sentiment word it replaces that
// word's valence.
var idioms = []struct {
	words []string
	value float64
}{
	{[]string{"the", "shit"}, 3},
	{[]string{"the", "bomb"}, 3},
	{[]string{"bad", "ass"}, 1.5},
	{[]string{"bus", "stop"}, 0},
	{[]string{"yeah", "right"}, -2},
	{[]string{"kiss", "of", "death"}, -1.5},
	{[]string{"to", "die", "for"}, 3},
	{[]string{"beating", "heart"}, 3.1},
	{[]string{"broken", "heart"}, -2.9},
}
