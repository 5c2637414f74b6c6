package content

// Encoding names, spelt as the reference calculator and carrier tools spell them.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// Sizes of the SMS user data, in bits, as the reference calculator counts
// them: 140 octets per segment, of which a concatenated message spends six
// on its user data header (UDHL plus the 16-bit-reference concatenation IE).
const (
	segmentBits = 140 * 8
	udhBits     = 6 * 8
	septetBits  = 7
	ucs2Bits    = 16
)

// gsmASCII gives, for each ASCII byte, how many septets it costs in the GSM
// 03.38 default alphabet: 1 for the basic table, 2 for the extension table
// (escape plus code), 0 when it has no GSM-7 form (backtick and most C0
// controls). Form feed is an extension character; ESC itself is not a
// character a message can carry.
var gsmASCII = func() [128]uint8 {
	var t [128]uint8
	for c := ' '; c <= '~'; c++ {
		t[c] = 1
	}
	t['`'] = 0
	t['\n'] = 1
	t['\r'] = 1
	for _, c := range "\f^{}\\[~]|" {
		t[c] = 2
	}
	return t
}()

// gsmSeptets reports how many septets r costs in the GSM-7 default alphabet
// and its extension table, or 0 when r has no GSM-7 form.
func gsmSeptets(r rune) int {
	if r < 0x80 {
		if r < 0 {
			return 0
		}
		return int(gsmASCII[r])
	}
	switch r {
	// Latin-1 letters and signs of the basic table.
	case '¡', '£', '¤', '¥', '§', '¿', 'Ä', 'Å', 'Æ', 'Ç', 'É', 'Ñ', 'Ö', 'Ø', 'Ü', 'ß',
		'à', 'ä', 'å', 'æ', 'è', 'é', 'ì', 'ñ', 'ò', 'ö', 'ø', 'ù', 'ü':
		return 1
	// Greek capitals that differ from Latin ones.
	case 'Γ', 'Δ', 'Θ', 'Λ', 'Ξ', 'Π', 'Σ', 'Φ', 'Ψ', 'Ω':
		return 1
	case '€':
		return 2
	}
	return 0
}

// GSMSeptets reports how many septets r costs in GSM-7: 1 in the basic
// table, 2 in the extension table, 0 when it has no GSM-7 form. The
// console's content inspector marks each character of a body by it.
func GSMSeptets(r rune) int { return gsmSeptets(r) }
