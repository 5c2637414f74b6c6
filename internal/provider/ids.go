package provider

import (
	"fmt"
	"strings"
)

// WordID reports whether s is an id of letters, digits, '-' and '_', at
// most 64 bytes: the form of the ids of Twilio, Vonage and Plivo, loose
// enough for a simulator's readable ids, tight enough for an index.
func WordID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// PrintableID reports whether s is an id of printable ASCII without spaces,
// at most 128 bytes: ids and numbers used in keys by providers whose ids
// take more forms (UUIDs, batch ids, phone numbers).
func PrintableID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// Accounts describes a setting listing accounts as id:token pairs, for the
// messages about it.
type Accounts struct {
	Setting string            // how messages name the setting: "twilio accounts"
	Form    string            // one pair: "AccountSid:AuthToken"
	ID      string            // what an id is called when repeated: "account"
	IsID    func(string) bool // whether the text before ':' can be an id
	NotID   string            // what the text before ':' should look like: "an AccountSid (AC...)"
}

// Parse reads comma-separated id:token pairs into a map. Blank input gives
// an empty map. Errors never repeat a token: a pair written the wrong way
// round is caught by IsID and reported without quoting it.
func (a Accounts) Parse(s string) (map[string]string, error) {
	accounts := map[string]string{}
	for i, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, token, ok := strings.Cut(pair, ":")
		id, token = strings.TrimSpace(id), strings.TrimSpace(token)
		switch {
		case !ok || id == "" || token == "":
			return nil, fmt.Errorf("%s: entry %d: want %s", a.Setting, i+1, a.Form)
		case !a.IsID(id):
			return nil, fmt.Errorf("%s: entry %d: the part before ':' does not look like %s", a.Setting, i+1, a.NotID)
		}
		if prev, dup := accounts[id]; dup && prev != token {
			return nil, fmt.Errorf("%s: %s %s is listed twice with different tokens", a.Setting, a.ID, id)
		}
		accounts[id] = token
	}
	return accounts, nil
}
