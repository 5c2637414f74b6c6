package content

// The character repertoires of 3GPP TS 23.038: the default alphabet and its
// extension table (section 6.2.1) and the national language shift tables of
// annex A. Only which characters a table holds matters for advice, not their
// code positions, so each table is the string of its characters in code
// order; ESC (0x1B) marks the escape position where it appears.
//
// The Indian language tables of annex A (Bengali, Gujarati, Hindi, Kannada,
// Malayalam, Oriya, Punjabi, Tamil, Telugu, Urdu) are not here yet: each is
// a full 128-position locking table plus a single shift table, too much to
// transcribe and check within this change. Turkish, Spanish and Portuguese
// cover the Latin-script languages that have tables.
const (
	defaultAlphabet = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	defaultExtension = "\f^{}\\[~]|€"

	// Turkish locking shift (A.3.1) is the default alphabet with eight
	// positions changed: è→€, ì→ı, Ø→Ğ, ø→ğ, Æ→Ş, æ→ş, ¡→İ, ¿→ç.
	turkishLocking = "@£$¥€éùıòÇ\nĞğ\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bŞşßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"İABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§çabcdefghijklmnopqrstuvwxyzäöñüà"
	// Turkish single shift (A.2.1): the default extension plus Turkish letters.
	turkishSingle = defaultExtension + "ĞİŞçğış"

	// Spanish has a single shift table only (A.2.2).
	spanishSingle = defaultExtension + "çÁÍÓÚáíóú"

	// Portuguese locking shift (A.3.3).
	portugueseLocking = "@£$¥êéúíóç\nÔô\rÁáΔ_ªÇÀ∞^\\€Ó|\x1bÂâÊÉ !\"#º%&'()*+,-./0123456789:;<=>?" +
		"ÍABCDEFGHIJKLMNOPQRSTUVWXYZÃÕÚÜ§~abcdefghijklmnopqrstuvwxyzãõ`üà"
	// Portuguese single shift (A.2.3).
	portugueseSingle = defaultExtension + "êçÔôÁáΦΓΩΠΨΣΘÊÀÍÓÚÃÕÂíóúãõâ"
)

// shiftLanguage is a national language with its tables; an empty table means
// the language has none of that kind and the default one applies.
type shiftLanguage struct {
	code, name      string
	locking, single string
}

var shiftLanguages = []shiftLanguage{
	{code: "tr", name: "Turkish", locking: turkishLocking, single: turkishSingle},
	{code: "es", name: "Spanish", single: spanishSingle},
	{code: "pt", name: "Portuguese", locking: portugueseLocking, single: portugueseSingle},
}
