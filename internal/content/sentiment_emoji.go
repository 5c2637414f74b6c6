package content

import "unicode/utf8"

// emojiValence gives common emoji a valence on the lexicon's -4..4 scale.
// VADER itself swaps each emoji for its English name and scores the words;
// a table of our own is faster, does not hinge on how a name happens to be
// worded ("face with tears of joy" scores "tears"), and covers what people
// actually text. Values are our judgement, kept close to lexicon words of
// similar strength ("good" 1.9, "great" 3.1, "horrible" -2.5). An emoji
// missing here is a neutral token, like an unknown word.
var emojiValence = map[rune]float64{
	// Smiling and laughing faces.
	'😀': 2.0, '😃': 2.2, '😄': 2.3, '😁': 2.2, '😆': 2.0, '😅': 1.0,
	'🤣': 2.4, '😂': 2.2, '🙂': 1.3, '🙃': 0.3, '😉': 1.5, '😊': 2.4,
	'😇': 2.1, '🥰': 2.9, '😍': 2.9, '🤩': 2.8, '😘': 2.5, '😗': 1.4,
	'☺': 2.0, '😚': 1.8, '😙': 1.6, '🥲': 0.6, '😋': 1.8, '😛': 1.2,
	'😜': 1.4, '🤪': 1.2, '😝': 1.2, '🤑': 1.0, '🤗': 2.1, '🤭': 0.8,
	'😌': 1.3, '🥳': 2.6, '😎': 1.9, '🤓': 0.8, '😏': 0.3,
	'😺': 1.8, '😸': 2.0, '😹': 2.0, '😻': 2.6,
	// Unhappy, worried, angry and unwell faces.
	'😑': -0.5, '😒': -1.6, '🙄': -1.3, '😬': -0.8, '😔': -1.8, '😪': -1.2,
	'😷': -1.2, '🤒': -1.7, '🤕': -1.8, '🤢': -2.2, '🤮': -2.5, '🥵': -0.8,
	'🥶': -0.8, '😵': -1.5, '😕': -1.2, '😟': -1.7, '🙁': -1.6, '☹': -2.0,
	'😳': -0.6, '🥺': -0.8, '😦': -1.4, '😧': -1.6, '😨': -2.2, '😰': -2.1,
	'😥': -1.6, '😢': -2.2, '😭': -2.4, '😱': -2.1, '😖': -2.0, '😣': -1.8,
	'😞': -2.0, '😓': -1.5, '😩': -2.0, '😫': -2.0, '🥱': -0.6, '😤': -1.9,
	'😡': -2.9, '😠': -2.6, '🤬': -3.1, '😈': -0.5, '👿': -2.3, '💀': -0.5,
	'☠': -2.0, '💩': -1.6, '🤡': -1.0, '😿': -2.0, '😾': -2.0,
	// Hearts and kisses; a broken heart is as in VADER's idiom list.
	'❤': 3.0, '🧡': 2.5, '💛': 2.5, '💚': 2.5, '💙': 2.5, '💜': 2.5,
	'🤍': 2.3, '🤎': 2.3, '🖤': 1.5, '💕': 2.8, '💞': 2.7, '💓': 2.6,
	'💗': 2.7, '💖': 2.8, '💘': 2.5, '💝': 2.5, '💋': 1.9, '💔': -2.9,
	// Hands and marks.
	'👍': 1.9, '👎': -1.9, '👏': 2.0, '🙌': 2.2, '🙏': 1.5, '🤝': 1.4,
	'👌': 1.6, '✌': 1.3, '🤞': 1.2, '💪': 1.6, '🖕': -3.0, '💯': 2.0,
	'✅': 1.2, '❌': -1.2, '⚠': -1.0, '🚫': -1.2, '🆘': -1.8, '💢': -1.8,
	// Celebration and praise.
	'🎉': 2.5, '🎊': 2.3, '🥂': 1.8, '🍾': 1.8, '🎁': 1.8, '🏆': 2.2,
	'🥇': 2.0, '🌟': 2.0, '⭐': 1.6, '✨': 1.6, '🔥': 1.5, '🌈': 1.7,
	'☀': 1.2, '🌹': 1.7, '💐': 1.8,
}

// isEmojiBase reports whether r starts an emoji token: it is in the table,
// or in the blocks where emoji pictographs live. Keeping emoji apart from
// the words they touch ("thanks😀") lets both be scored.
func isEmojiBase(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, // pictographs, emoticons, flags
		r >= 0x2600 && r <= 0x27BF, // miscellaneous symbols, dingbats
		r >= 0x2B00 && r <= 0x2BFF: // arrows and stars such as ⭐
		return true
	}
	_, ok := emojiValence[r]
	return ok
}

// isEmojiModifier reports whether r only modifies the emoji before it:
// variation selectors, skin tones, the keycap mark and tag characters.
func isEmojiModifier(r rune) bool {
	return r == 0xFE0F || r == 0xFE0E || r == 0x20E3 ||
		(r >= 0x1F3FB && r <= 0x1F3FF) ||
		(r >= 0xE0020 && r <= 0xE007F)
}

// emojiEnd returns the end of the emoji sequence that starts at s[i]: the
// base, its modifiers, and whatever a zero-width joiner glues on ("❤️‍🔥"),
// so a sequence is one token, scored by its first emoji.
func emojiEnd(s string, i int) int {
	base, n := utf8.DecodeRuneInString(s[i:])
	i += n
	// A flag is a pair of regional indicator letters.
	if base >= 0x1F1E6 && base <= 0x1F1FF {
		if r, m := utf8.DecodeRuneInString(s[i:]); r >= 0x1F1E6 && r <= 0x1F1FF {
			i += m
		}
	}
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isEmojiModifier(r):
			i += n
		case r == 0x200D:
			next, m := utf8.DecodeRuneInString(s[i+n:])
			if !isEmojiBase(next) {
				return i
			}
			i += n + m
		default:
			return i
		}
	}
	return i
}
