package ingest

import (
	"fmt"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/content"
	"github.com/smstrack/smstrack/internal/phone"
)

// BodyPolicy says what of a message body is written to disk.
type BodyPolicy string

// The body policies. Each applies before anything is written: the body, and
// every copy of it in the raw payload.
const (
	KeepBody   BodyPolicy = "keep"   // the body as sent (default)
	HashBody   BodyPolicy = "hash"   // only its SHA-256
	RedactBody BodyPolicy = "redact" // with one-time codes, card numbers and e-mail addresses masked
)

// Policies maps accounts to their body policy.
type Policies struct {
	Default  BodyPolicy
	Accounts map[string]BodyPolicy
}

// For returns the policy of an account.
func (p Policies) For(account string) BodyPolicy {
	if v, ok := p.Accounts[account]; ok {
		return v
	}
	if p.Default == "" {
		return KeepBody
	}
	return p.Default
}

// ParseBodyPolicy validates a policy word.
func ParseBodyPolicy(s string) (BodyPolicy, error) {
	switch p := BodyPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case KeepBody, HashBody, RedactBody:
		return p, nil
	case "":
		return KeepBody, nil
	}
	return "", fmt.Errorf("unknown body policy %q: use keep, hash or redact", s)
}

// ParsePolicies reads the default policy and "account:policy,..." overrides.
func ParsePolicies(def, perAccount string) (Policies, error) {
	d, err := ParseBodyPolicy(def)
	if err != nil {
		return Policies{}, err
	}
	p := Policies{Default: d, Accounts: map[string]BodyPolicy{}}
	for _, item := range strings.Split(perAccount, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		account, word, ok := strings.Cut(item, ":")
		if !ok || strings.TrimSpace(account) == "" {
			return Policies{}, fmt.Errorf("body policy entry %q: want account:policy", item)
		}
		pol, err := ParseBodyPolicy(word)
		if err != nil {
			return Policies{}, err
		}
		p.Accounts[strings.TrimSpace(account)] = pol
	}
	return p, nil
}

// Preparer completes an event before it is committed: the country of the
// other party's number, the analysis of the body, and the body policy.
type Preparer struct {
	DefaultRegion string // for numbers written without a country code
	Policies      Policies
}

// Prepare completes ev in place. It runs on the request's goroutine, so its
// cost spreads over the cores instead of queueing behind the committer.
func (p *Preparer) Prepare(ev *smstrack.EventInput) {
	f := &ev.Facts
	f.From = phone.Normalize(f.From, p.DefaultRegion)
	f.To = phone.Normalize(f.To, p.DefaultRegion)
	other := f.To
	if f.Direction == smstrack.Inbound {
		other = f.From
	}
	if f.Country == "" {
		f.Country = phone.Country(other, p.DefaultRegion)
	}
	// The full lookup is costly: only events that describe a message (the
	// app's report, an inbound message) pay it, not every status callback.
	if (ev.Source == smstrack.SourceAPI || f.Body != nil) && (f.Network.NumberType == "" || f.Network.Carrier == "") {
		if info, ok := phone.Lookup(other, p.DefaultRegion); ok {
			if f.Network.NumberType == "" {
				f.Network.NumberType = info.NumberType
			}
			if f.Network.Carrier == "" && f.Network.MCC == "" {
				f.Network.Carrier = info.Carrier
			}
		}
	}
	if f.Body == nil {
		return
	}
	body := *f.Body
	a := content.Analyze(body)
	if f.Encoding == "" {
		f.Encoding = a.Encoding
	}
	if f.Segments == 0 {
		f.Segments = a.Segments
	}
	f.Content = analyzeContent(body, a, f.Direction)

	switch p.Policies.For(ev.Account) {
	case HashBody:
		f.Content.BodyHash = content.BodyHash(body)
		f.Content.BodyPolicy = string(HashBody)
		f.Body = nil
		ev.Payload = smstrack.ReplaceInPayload(ev.Payload, body, "[withheld by policy; sha256 "+f.Content.BodyHash+"]")
	case RedactBody:
		redacted, _ := content.Redact(body)
		f.Content.BodyPolicy = string(RedactBody)
		f.Body = &redacted
		ev.Payload = smstrack.ReplaceInPayload(ev.Payload, body, redacted)
	}
}

// analyzeContent is what every stored message carries about its body.
func analyzeContent(body string, a content.Analysis, dir smstrack.Direction) smstrack.Content {
	c := smstrack.Content{Characters: a.Characters}
	seen := map[string]bool{}
	for _, ch := range a.NonGSMCharacters {
		if !seen[ch.Char] {
			seen[ch.Char] = true
			c.NonGSM = append(c.NonGSM, ch.Char)
		}
	}
	s := content.Sentiment(body)
	c.Sentiment, c.SentimentLabel = &s.Compound, s.Label
	if dir == smstrack.Inbound {
		c.Keyword = string(content.ClassifyKeyword(body))
	}
	return c
}
