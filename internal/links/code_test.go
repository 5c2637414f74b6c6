package links

import "testing"

func TestNewCodeFormatAndUniqueness(t *testing.T) {
	seen := map[string]bool{}
	for range 100000 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeLength || !ValidCode(c) {
			t.Fatalf("code %q: want %d base62 characters", c, CodeLength)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice", c)
		}
		seen[c] = true
	}
	if CodeBits < 59 || CodeBits > 60 {
		t.Errorf("CodeBits = %.1f, want about 59.5", CodeBits)
	}
}

func TestValidCode(t *testing.T) {
	for code, want := range map[string]bool{
		"abcdefg":      true,
		"ABCdef0123":   true,
		"abcdef":       false, // too short
		"abcdefghijk":  false, // too long
		"abc/efgh":     false,
		"abc%2Fefg":    false,
		"//evil.com":   false,
		"evil.com":     false,
		"abcdefg\n":    false,
		"ábcdefgh":     false,
		"":             false,
		"abc def":      false,
		"..%2f..%2fx1": false,
	} {
		if got := ValidCode(code); got != want {
			t.Errorf("ValidCode(%q) = %v, want %v", code, got, want)
		}
	}
}
