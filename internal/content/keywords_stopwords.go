package content

import "strings"

// stopWords are English words too common to say what a message is about:
// articles, pronouns, auxiliaries, prepositions, conjunctions, common
// adverbs, their contractions (as Tokenize spells them, with a straight
// apostrophe, and without it, as people text them), and the shorthand of
// text messages ("u", "ur", "im"). Written for this package rather than
// taken from a published list, so it carries no licence of its own; it is
// deliberately short, because a TF-IDF weight already sinks words that
// every message uses. Negations ("not", "no") are kept out of keywords
// too: alone they say nothing about a topic.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		a an the
		i me my mine myself we us our ours ourselves you your yours yourself
		yourselves he him his himself she her hers herself it its itself they
		them their theirs themselves
		this that these those there here
		what which who whom whose when where why how
		am is are was were be been being have has had having do does did doing
		will would shall should can could may might must ought
		and but or nor so yet if then than because as until while although
		though unless whether
		of at by for with about against between into through during before
		after above below to from up down in out on off over under again
		further once onto upon within without via per
		all any both each few more most other some such only own same too very
		just also even still now well really quite rather much many lot lots
		not no
		get got getting go going gone went come came make made let
		say said see ok okay oh yeah yes hey hi hello
		one
		i'm im i've ive i'll ill i'd id you're youre you've youve you'll youll
		you'd youd he's hes she's shes it's its we're were we've weve we'll
		we'd they're theyre they've theyve they'll theyll they'd theyd that's
		thats there's theres what's whats who's whos here's heres let's lets
		isn't isnt aren't arent wasn't wasnt weren't werent hasn't hasnt
		haven't havent hadn't hadnt doesn't doesnt don't dont didn't didnt
		won't wont wouldn't wouldnt shan't shouldn't shouldnt can't cant
		cannot couldn't couldnt mustn't mightn't
		u ur r ya yo im pls plz ok k kk
	`) {
		m[w] = true
	}
	return m
}()
