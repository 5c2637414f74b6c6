// Package aws turns AWS End User Messaging SMS events, delivered by an
// Amazon SNS topic to an HTTP(S) subscription, into smstrack events. It
// verifies SNS message signatures (fetching the signing certificate only
// from SNS itself), confirms the subscription, and maps the SMS event
// types (TEXT_DELIVERED, TEXT_BLOCKED, ...) and two-way inbound messages.
//
// It owns nothing beyond that: events go to an smstrack.Ingester, refused
// requests to a webhook.Rejector. It must not talk to a database nor import
// another provider. Its only outgoing requests are to SNS: the signing
// certificate and the subscription confirmation URL.
package aws

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which AWS messages and error codes are kept.
const Provider = "aws"

// Config is what the AWS webhook needs to know.
type Config struct {
	// TopicARNs are the SNS topics we accept messages from. SNS signs
	// every topic's messages alike, so without this list anyone with an
	// AWS account could publish to us. Empty: AWS is not configured and
	// every request is refused.
	TopicARNs []string
	// Account labels the messages; empty: the AWS account id of the topic.
	Account string
	// SkipVerification accepts messages without checking their signature,
	// for local experiments only. The topic list still applies.
	SkipVerification bool
	// MaxAge refuses messages whose SNS Timestamp is older (24 hours when
	// zero): SNS retries for at most an hour, so an older message is a
	// replay.
	MaxAge time.Duration

	// HTTPClient fetches signing certificates and confirms subscriptions
	// (a client with a 10-second timeout when nil). Tests point it at
	// their own TLS server.
	HTTPClient *http.Client
	// AllowHost says whether a host (with port, as in a URL) may serve
	// certificates and confirmations; nil allows only SNS endpoints,
	// sns.<region>.amazonaws.com[.cn]. For tests only.
	AllowHost func(host string) bool
}

// snsHost matches SNS's regional endpoints, which alone may serve signing
// certificates and subscription URLs.
var snsHost = regexp.MustCompile(`^sns\.[a-z]{2}(-[a-z]+)+-\d+\.amazonaws\.com(\.cn)?$`)

// IsSNSHost reports whether host (optionally with port 443) is an SNS endpoint.
func IsSNSHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ":443")
	return snsHost.MatchString(host)
}

// topicRE is the shape of an SNS topic ARN: arn:<partition>:sns:<region>:<account>:<name>.
var topicRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:(\d{12}):[A-Za-z0-9_.-]{1,256}$`)

// ParseTopicARNs reads the SMSTRACK_AWS_TOPIC_ARNS form: comma-separated
// topic ARNs. Blank input gives none.
func ParseTopicARNs(s string) ([]string, error) {
	var out []string
	for i, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if !topicRE.MatchString(a) {
			return nil, fmt.Errorf("aws topic ARNs: entry %d (%q) is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)", i+1, a)
		}
		out = append(out, a)
	}
	return out, nil
}

// topicAccount is the AWS account id in a topic ARN, or "".
func topicAccount(arn string) string {
	m := topicRE.FindStringSubmatch(arn)
	if m == nil {
		return ""
	}
	return m[2]
}

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
