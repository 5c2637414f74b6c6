package content

import (
	"strings"
	"unicode"
)

// KeywordKind is what a compliance keyword asks for: the sender's
// carrier-level handling of an inbound reply.
type KeywordKind string

// The keyword kinds. KeywordNone is the zero value: an ordinary message.
const (
	KeywordNone   KeywordKind = ""
	KeywordOptOut KeywordKind = "opt_out"
	KeywordOptIn  KeywordKind = "opt_in"
	KeywordHelp   KeywordKind = "help"
)

// complianceKeywords are the default English keywords that Twilio acts on
// for long codes and toll-free numbers (its "SMS STOP filtering" and
// Advanced Opt-Out documentation; REVOKE and OPTOUT were added to the
// opt-out list in 2025). Telnyx, Braze and AWS document the same core set.
var complianceKeywords = map[string]KeywordKind{
	"STOP":        KeywordOptOut,
	"STOPALL":     KeywordOptOut,
	"UNSUBSCRIBE": KeywordOptOut,
	"CANCEL":      KeywordOptOut,
	"END":         KeywordOptOut,
	"QUIT":        KeywordOptOut,
	"REVOKE":      KeywordOptOut,
	"OPTOUT":      KeywordOptOut,
	"START":       KeywordOptIn,
	"YES":         KeywordOptIn,
	"UNSTOP":      KeywordOptIn,
	"HELP":        KeywordHelp,
	"INFO":        KeywordHelp,
}

// longestKeyword bounds the work done on long bodies, which cannot match.
const longestKeyword = len("UNSUBSCRIBE")

// ClassifyKeyword reports whether body is a compliance keyword, the way
// carriers and Twilio treat inbound replies: the whole message must be the
// single keyword, in any letter case. Twilio documents that only
// single-word messages trigger it ("STOP" opts out, "STOP PLEASE" and
// "PLEASE CANCEL" do not), so a sentence that merely contains "stop" is
// KeywordNone. Beyond that, we ignore white space, invisible format
// characters (a zero-width space or byte order mark some phones add) and
// punctuation around the word, so "Stop!", " STOP. " and "“stop”" count;
// punctuation inside it does not ("OPT-OUT" is not OPTOUT), nor do emoji.
// Letters must be ASCII: lookalikes such as "ＳＴＯＰ" or a Kelvin sign are
// not folded, because carriers match plain letters.
//
// This mirrors carrier automation only. Under the FCC's 2024 TCPA rule a
// consumer may revoke consent by any reasonable means, so a KeywordNone
// reply can still be an opt-out that a human has to honour.
func ClassifyKeyword(body string) KeywordKind {
	core := strings.TrimFunc(body, isKeywordPadding)
	if len(core) == 0 || len(core) > longestKeyword {
		return KeywordNone
	}
	var buf [longestKeyword]byte
	for i := 0; i < len(core); i++ {
		c := core[i]
		switch {
		case c >= 'A' && c <= 'Z':
			buf[i] = c
		case c >= 'a' && c <= 'z':
			buf[i] = c - ('a' - 'A')
		default:
			return KeywordNone
		}
	}
	return complianceKeywords[string(buf[:len(core)])]
}

// isKeywordPadding reports whether r may surround a keyword without
// changing it: white space, punctuation and invisible format characters.
func isKeywordPadding(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.Is(unicode.Cf, r)
}
