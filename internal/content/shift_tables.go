package content

// The tables of 3GPP TS 23.038: the default alphabet and its extension table
// (section 6.2.1) and the national language locking and single shift tables
// of annex A, for all thirteen languages the standard defines. Each table
// lists its 128 septet values in code order; testdata/shift/tables.json holds
// the same tables as extracted from independent implementations, and the
// tests compare the two position by position (see testdata/shift/README.md).

// shiftTable is one table of TS 23.038 in code order: the character each
// septet value stands for, unused where the table defines none.
type shiftTable [128]rune

const (
	// unused marks a septet value with no character; U+0000 is in no table.
	unused rune = 0
	// esc is the escape to the single shift table, at 0x1B of every locking
	// table; it is not a character a message can carry.
	esc rune = 0x1B
)

// shiftLanguage is a national language with its tables; a nil table means
// the language has none of that kind and the default one applies.
type shiftLanguage struct {
	// nli is the national language identifier of section 6.2.1.2.4, the
	// value the shift information elements carry.
	nli             int
	code, name      string
	locking, single *shiftTable
}

// shiftLanguages lists the national languages in identifier order; the
// default alphabet (identifier 0) is not one of them.
var shiftLanguages = []shiftLanguage{
	{nli: 1, code: "tr", name: "Turkish", locking: &turkishLocking, single: &turkishSingle},
	{nli: 2, code: "es", name: "Spanish", single: &spanishSingle},
	{nli: 3, code: "pt", name: "Portuguese", locking: &portugueseLocking, single: &portugueseSingle},
	{nli: 4, code: "bn", name: "Bengali", locking: &bengaliLocking, single: &bengaliSingle},
	{nli: 5, code: "gu", name: "Gujarati", locking: &gujaratiLocking, single: &gujaratiSingle},
	{nli: 6, code: "hi", name: "Hindi", locking: &hindiLocking, single: &hindiSingle},
	{nli: 7, code: "kn", name: "Kannada", locking: &kannadaLocking, single: &kannadaSingle},
	{nli: 8, code: "ml", name: "Malayalam", locking: &malayalamLocking, single: &malayalamSingle},
	{nli: 9, code: "or", name: "Oriya", locking: &oriyaLocking, single: &oriyaSingle},
	{nli: 10, code: "pa", name: "Punjabi", locking: &punjabiLocking, single: &punjabiSingle},
	{nli: 11, code: "ta", name: "Tamil", locking: &tamilLocking, single: &tamilSingle},
	{nli: 12, code: "te", name: "Telugu", locking: &teluguLocking, single: &teluguSingle},
	{nli: 13, code: "ur", name: "Urdu", locking: &urduLocking, single: &urduSingle},
}

// defaultAlphabet is the GSM 7 bit default alphabet (6.2.1).
var defaultAlphabet = shiftTable{
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', // 0x00
	'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', // 0x08
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', // 0x10
	'Σ', 'Θ', 'Ξ', esc, 'Æ', 'æ', 'ß', 'É', // 0x18
	' ', '!', '"', '#', '¤', '%', '&', '\'', // 0x20
	'(', ')', '*', '+', ',', '-', '.', '/', // 0x28
	'0', '1', '2', '3', '4', '5', '6', '7', // 0x30
	'8', '9', ':', ';', '<', '=', '>', '?', // 0x38
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', // 0x40
	'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', // 0x48
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', // 0x50
	'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', // 0x58
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', // 0x60
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', // 0x68
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', // 0x70
	'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', // 0x78
}

// defaultExtension is the default alphabet extension table (6.2.1.1).
var defaultExtension = shiftTable{
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x00
	unused, unused, '\f', unused, unused, unused, unused, unused, // 0x08
	unused, unused, unused, unused, '^', unused, unused, unused, // 0x10
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x18
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x20
	'{', '}', unused, unused, unused, unused, unused, '\\', // 0x28
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x30
	unused, unused, unused, unused, '[', '~', ']', unused, // 0x38
	'|', unused, unused, unused, unused, unused, unused, unused, // 0x40
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x48
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x50
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x58
	unused, unused, unused, unused, unused, '€', unused, unused, // 0x60
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x68
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x70
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x78
}

// turkishLocking is A.3.1: the default alphabet with eight positions changed.
var turkishLocking = shiftTable{
	'@', '£', '$', '¥', '€', 'é', 'ù', 'ı', // 0x00
	'ò', 'Ç', '\n', 'Ğ', 'ğ', '\r', 'Å', 'å', // 0x08
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', // 0x10
	'Σ', 'Θ', 'Ξ', esc, 'Ş', 'ş', 'ß', 'É', // 0x18
	' ', '!', '"', '#', '¤', '%', '&', '\'', // 0x20
	'(', ')', '*', '+', ',', '-', '.', '/', // 0x28
	'0', '1', '2', '3', '4', '5', '6', '7', // 0x30
	'8', '9', ':', ';', '<', '=', '>', '?', // 0x38
	'İ', 'A', 'B', 'C', 'D', 'E', 'F', 'G', // 0x40
	'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', // 0x48
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', // 0x50
	'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', // 0x58
	'ç', 'a', 'b', 'c', 'd', 'e', 'f', 'g', // 0x60
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', // 0x68
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', // 0x70
	'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', // 0x78
}

// turkishSingle is A.2.1.
var turkishSingle = shiftTable{
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x00
	unused, unused, '\f', unused, unused, unused, unused, unused, // 0x08
	unused, unused, unused, unused, '^', unused, unused, unused, // 0x10
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x18
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x20
	'{', '}', unused, unused, unused, unused, unused, '\\', // 0x28
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x30
	unused, unused, unused, unused, '[', '~', ']', unused, // 0x38
	'|', unused, unused, unused, unused, unused, unused, 'Ğ', // 0x40
	unused, 'İ', unused, unused, unused, unused, unused, unused, // 0x48
	unused, unused, unused, 'Ş', unused, unused, unused, unused, // 0x50
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x58
	unused, unused, unused, 'ç', unused, '€', unused, 'ğ', // 0x60
	unused, 'ı', unused, unused, unused, unused, unused, unused, // 0x68
	unused, unused, unused, 'ş', unused, unused, unused, unused, // 0x70
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x78
}

// spanishSingle is A.2.2; Spanish has no locking shift table (A.3.2 is void).
var spanishSingle = shiftTable{
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x00
	unused, 'ç', '\f', unused, unused, unused, unused, unused, // 0x08
	unused, unused, unused, unused, '^', unused, unused, unused, // 0x10
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x18
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x20
	'{', '}', unused, unused, unused, unused, unused, '\\', // 0x28
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x30
	unused, unused, unused, unused, '[', '~', ']', unused, // 0x38
	'|', 'Á', unused, unused, unused, unused, unused, unused, // 0x40
	unused, 'Í', unused, unused, unused, unused, unused, 'Ó', // 0x48
	unused, unused, unused, unused, unused, 'Ú', unused, unused, // 0x50
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x58
	unused, 'á', unused, unused, unused, '€', unused, unused, // 0x60
	unused, 'í', unused, unused, unused, unused, unused, 'ó', // 0x68
	unused, unused, unused, unused, unused, 'ú', unused, unused, // 0x70
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x78
}

// portugueseLocking is A.3.3.
var portugueseLocking = shiftTable{
	'@', '£', '$', '¥', 'ê', 'é', 'ú', 'í', // 0x00
	'ó', 'ç', '\n', 'Ô', 'ô', '\r', 'Á', 'á', // 0x08
	'Δ', '_', 'ª', 'Ç', 'À', '∞', '^', '\\', // 0x10
	'€', 'Ó', '|', esc, 'Â', 'â', 'Ê', 'É', // 0x18
	' ', '!', '"', '#', 'º', '%', '&', '\'', // 0x20
	'(', ')', '*', '+', ',', '-', '.', '/', // 0x28
	'0', '1', '2', '3', '4', '5', '6', '7', // 0x30
	'8', '9', ':', ';', '<', '=', '>', '?', // 0x38
	'Í', 'A', 'B', 'C', 'D', 'E', 'F', 'G', // 0x40
	'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', // 0x48
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', // 0x50
	'X', 'Y', 'Z', 'Ã', 'Õ', 'Ú', 'Ü', '§', // 0x58
	'~', 'a', 'b', 'c', 'd', 'e', 'f', 'g', // 0x60
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', // 0x68
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', // 0x70
	'x', 'y', 'z', 'ã', 'õ', '`', 'ü', 'à', // 0x78
}

// portugueseSingle is A.2.3.
var portugueseSingle = shiftTable{
	unused, unused, unused, unused, unused, 'ê', unused, unused, // 0x00
	unused, 'ç', '\f', 'Ô', 'ô', unused, 'Á', 'á', // 0x08
	unused, unused, 'Φ', 'Γ', '^', 'Ω', 'Π', 'Ψ', // 0x10
	'Σ', 'Θ', unused, unused, unused, unused, unused, 'Ê', // 0x18
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x20
	'{', '}', unused, unused, unused, unused, unused, '\\', // 0x28
	unused, unused, unused, unused, unused, unused, unused, unused, // 0x30
	unused, unused, unused, unused, '[', '~', ']', unused, // 0x38
	'|', 'À', unused, unused, unused, unused, unused, unused, // 0x40
	unused, 'Í', unused, unused, unused, unused, unused, 'Ó', // 0x48
	unused, unused, unused, unused, unused, 'Ú', unused, unused, // 0x50
	unused, unused, unused, 'Ã', 'Õ', unused, unused, unused, // 0x58
	unused, 'Â', unused, unused, unused, '€', unused, unused, // 0x60
	unused, 'í', unused, unused, unused, unused, unused, 'ó', // 0x68
	unused, unused, unused, unused, unused, 'ú', unused, unused, // 0x70
	unused, unused, unused, 'ã', 'õ', unused, unused, 'â', // 0x78
}
