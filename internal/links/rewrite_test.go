package links

import (
	"fmt"
	"slices"
	"testing"
)

func TestRewrite(t *testing.T) {
	cases := []struct {
		name, body, want string
		urls             []string
	}{
		{"no URL", "Your code is 123456", "Your code is 123456", nil},
		{"empty", "", "", nil},
		{"one", "Track it at https://shop.example/o/42 now", "Track it at <0> now", []string{"https://shop.example/o/42"}},
		{"sentence end", "See https://example.com/a.", "See <0>.", []string{"https://example.com/a"}},
		{"question", "Did you see https://example.com/?q=1?", "Did you see <0>?", []string{"https://example.com/?q=1"}},
		{"comma and exclamation", "Go https://a.example, then https://b.example!", "Go <0>, then <1>!", []string{"https://a.example", "https://b.example"}},
		{"in parentheses", "(details: https://example.com/x)", "(details: <0>)", []string{"https://example.com/x"}},
		{"own parentheses", "https://en.wikipedia.org/wiki/Go_(language) is it", "<0> is it", []string{"https://en.wikipedia.org/wiki/Go_(language)"}},
		{"quoted", `Open "https://example.com/q"`, `Open "<0>"`, []string{"https://example.com/q"}},
		{"several lines", "A: http://a.example/1\nB: https://b.example/2\n", "A: <0>\nB: <1>\n", []string{"http://a.example/1", "https://b.example/2"}},
		{"same URL twice", "https://x.example https://x.example", "<0> <1>", []string{"https://x.example", "https://x.example"}},
		{"upper case scheme", "HTTPS://EXAMPLE.COM/A", "<0>", []string{"HTTPS://EXAMPLE.COM/A"}},
		{"no scheme left alone", "visit example.com or www.example.com", "visit example.com or www.example.com", nil},
		{"other schemes left alone", "ftp://example.com mailto:a@b.example", "ftp://example.com mailto:a@b.example", nil},
		{"credentials refused", "https://user:pw@example.com/", "https://user:pw@example.com/", nil},
		{"bare scheme", "https:// nothing", "https:// nothing", nil},
		{"unicode around", "¡Mira https://example.com/ñ!", "¡Mira <0>!", []string{"https://example.com/ñ"}},
		{"query and fragment", "https://example.com/p?a=1&b=2#top.", "<0>.", []string{"https://example.com/p?a=1&b=2#top"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, urls := Rewrite(c.body, func(i int, u string) string { return fmt.Sprintf("<%d>", i) })
			if got != c.want {
				t.Errorf("body: got %q, want %q", got, c.want)
			}
			if !slices.Equal(urls, c.urls) {
				t.Errorf("urls: got %q, want %q", urls, c.urls)
			}
		})
	}
}

func TestShortURL(t *testing.T) {
	for _, base := range []string{"https://t.example/l", "https://t.example/l/"} {
		if got := ShortURL(base, "abcdefg"); got != "https://t.example/l/abcdefg" {
			t.Errorf("ShortURL(%q): got %q", base, got)
		}
	}
}
