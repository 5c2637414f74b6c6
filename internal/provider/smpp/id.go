package smpp

import (
	"math/big"
	"strings"
)

// IDForms are the spellings of one SMSC message id. SMSCs disagree with
// themselves: many answer submit_sm with a hexadecimal id and write the
// same id in decimal in the receipt text, or the other way round. A caller
// matching a receipt to a submission compares its id with each form,
// ignoring case.
type IDForms struct {
	Raw     string // as written, trimmed
	Decimal string // the id read as hexadecimal, written in decimal; "" when it is not hexadecimal
	Hex     string // the id read as decimal, written in lower-case hexadecimal; "" when it is not decimal
}

// maxIDDigits bounds the numbers we convert; SMPP ids are at most 64 octets.
const maxIDDigits = 64

// NormalizeID returns the forms of an SMSC message id.
func NormalizeID(id string) IDForms {
	f := IDForms{Raw: strings.TrimSpace(id)}
	s := f.Raw
	if s == "" || len(s) > maxIDDigits {
		return f
	}
	if allIn(s, isDigit) {
		if n, ok := new(big.Int).SetString(s, 10); ok {
			f.Hex = n.Text(16)
		}
	}
	if allIn(s, isHexDigit) {
		if n, ok := new(big.Int).SetString(s, 16); ok {
			f.Decimal = n.Text(10)
		}
	}
	return f
}

// Matches reports whether other is one of the id's forms (case ignored,
// leading zeros of numbers ignored).
func (f IDForms) Matches(other string) bool {
	o := NormalizeID(other)
	if o.Raw == "" || f.Raw == "" {
		return false
	}
	if strings.EqualFold(f.Raw, o.Raw) {
		return true
	}
	// Both decimal: equal values. Hex of one equals the other's hex text.
	eq := func(a, b string) bool { return a != "" && b != "" && strings.EqualFold(a, b) }
	return eq(f.Hex, o.Hex) || eq(f.Decimal, o.Decimal) ||
		eq(f.Hex, strings.TrimLeft(strings.ToLower(o.Raw), "0")) ||
		eq(o.Hex, strings.TrimLeft(strings.ToLower(f.Raw), "0"))
}

func allIn(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
