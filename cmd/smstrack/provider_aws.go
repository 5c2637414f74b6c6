package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/aws"
	"github.com/smstrack/smstrack/internal/webhook"
)

// AWS's settings, documented in docs/providers/aws.md.
const (
	awsTopicsFlag  = "aws-topic-arns"
	awsAccountFlag = "aws-account"
	awsSkipFlag    = "aws-skip-verification"
)

func init() {
	config.AddOptions(
		config.Option{Flag: awsTopicsFlag, Env: "SMSTRACK_AWS_TOPIC_ARNS", Default: "",
			Usage: "SNS topic ARNs whose SMS events are accepted, comma-separated; empty refuses AWS messages"},
		config.Option{Flag: awsAccountFlag, Env: "SMSTRACK_AWS_ACCOUNT", Default: "",
			Usage: "account label of AWS messages; empty: the topic's AWS account id"},
		config.Option{Flag: awsSkipFlag, Env: "SMSTRACK_AWS_SKIP_VERIFICATION", Default: "false",
			Usage: "accept SNS messages without checking signatures (local experiments only)"},
	)
	providerWirings = append(providerWirings, wireAWS)
	providerRoutes = append(providerRoutes, "POST "+aws.Path)
}

// wireAWS mounts the SNS endpoint. It exists even without topics,
// answering 403 "not configured", so a misdirected subscription says what
// is wrong instead of 404.
func wireAWS(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error {
	topics, err := aws.ParseTopicARNs(c.Get(awsTopicsFlag))
	if err != nil {
		return fmt.Errorf("%w (set by --%s or SMSTRACK_AWS_TOPIC_ARNS)", err, awsTopicsFlag)
	}
	skip, err := skipFlag(c, awsSkipFlag, "SMSTRACK_AWS_SKIP_VERIFICATION")
	if err != nil {
		return err
	}
	switch {
	case skip:
		log.Warn("AWS SNS signature verification is OFF: anyone who can reach this server can forge SMS events; use only for local experiments")
	case len(topics) == 0:
		log.Debug("no AWS SNS topics configured (SMSTRACK_AWS_TOPIC_ARNS): AWS messages will be refused with 403")
	}
	aws.NewHandler(aws.Config{TopicARNs: topics, Account: c.Get(awsAccountFlag), SkipVerification: skip}, ing, rej, log).Register(mux)
	return nil
}
