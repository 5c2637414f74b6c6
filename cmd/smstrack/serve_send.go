package main

import (
	"fmt"
	"sync"

	"github.com/smstrack/smstrack/internal/config"
)

// optSendRecord says when the Twilio-compatible create records a message:
// before it answers the app (durable: a crash never loses an answered
// send's body and tags) or after (the app's send does not wait for
// smstrack's disk).
const optSendRecord = "send-record"

func init() {
	config.AddOptions(config.Option{Flag: optSendRecord, Env: "SMSTRACK_SEND_RECORD", Default: "before-answer",
		Usage: "serve: the Twilio-compatible create records each message before-answer (durable) or after-answer (faster; a crash may lose a just-answered message's body and tags)"})
}

// sendBackground returns the wait group that lets sends record after they
// answer, or nil when they record first.
func sendBackground(c *config.Config, running *sync.WaitGroup) (*sync.WaitGroup, error) {
	switch v := c.Get(optSendRecord); v {
	case "before-answer":
		return nil, nil
	case "after-answer":
		return running, nil
	default:
		return nil, fmt.Errorf("SMSTRACK_SEND_RECORD: %q is neither before-answer nor after-answer", v)
	}
}
