package content

import "testing"

func TestClassifyKeyword(t *testing.T) {
	cases := []struct {
		body string
		want KeywordKind
	}{
		{"STOP", KeywordOptOut},
		{"stop", KeywordOptOut},
		{"Stop", KeywordOptOut},
		{"  STOP \n", KeywordOptOut},
		{"STOP.", KeywordOptOut},
		{"Stop!", KeywordOptOut},
		{"stop!!!", KeywordOptOut},
		{"“Stop”", KeywordOptOut},
		{"\ufeffSTOP\u200b", KeywordOptOut},
		{"STOPALL", KeywordOptOut},
		{"unsubscribe", KeywordOptOut},
		{"Cancel", KeywordOptOut},
		{"END", KeywordOptOut},
		{"quit", KeywordOptOut},
		{"REVOKE", KeywordOptOut},
		{"optout", KeywordOptOut},
		{"START", KeywordOptIn},
		{"yes", KeywordOptIn},
		{"Yes!", KeywordOptIn},
		{"UNSTOP", KeywordOptIn},
		{"HELP", KeywordHelp},
		{"info?", KeywordHelp},
		{"", KeywordNone},
		{"   ", KeywordNone},
		{"!!!", KeywordNone},
		{"STOP PLEASE", KeywordNone},
		{"PLEASE CANCEL", KeywordNone},
		{"please stop texting me", KeywordNone},
		{"Don't stop", KeywordNone},
		{"STOP ALL", KeywordNone},
		{"OPT-OUT", KeywordNone},
		{"STOP 😡", KeywordNone},
		{"STOPP", KeywordNone},
		{"ＳＴＯＰ", KeywordNone},
		{"\u212Aelp", KeywordNone}, // Kelvin sign is not K, and not H either
		{"st\u200bop", KeywordNone},
		{"yes please", KeywordNone},
		{"\xffSTOP", KeywordNone},
	}
	for _, c := range cases {
		t.Run(c.body, func(t *testing.T) {
			if got := ClassifyKeyword(c.body); got != c.want {
				t.Errorf("ClassifyKeyword(%q) = %q, want %q", c.body, got, c.want)
			}
		})
	}
}

func BenchmarkClassifyKeyword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ClassifyKeyword(" Stop! ")
		ClassifyKeyword(body160)
	}
}
