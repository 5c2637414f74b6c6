package content

import (
	"strings"
	"testing"
)

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "Hello, World!", "don’t check-in 4.99", "https://www.x.co/a", "a@b.co", "x.", "'-'",
		"http://", "www.", "\xff\xfe", "a\u0301b", "१२३", "e.g.", "(http://a.co:8080/x)", "..", "@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, tok := range Tokenize(text) {
			if tok == "" || strings.ContainsFunc(tok, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }) {
				t.Fatalf("Tokenize(%q) gave token %q", text, tok)
			}
		}
		var c Corpus
		c.Add(text)
		for _, k := range Keywords([]string{text}, &c, 0) {
			if k.Count < 1 || k.Docs != 1 || k.Score <= 0 {
				t.Fatalf("Keywords(%q) gave %+v", text, k)
			}
		}
	})
}
