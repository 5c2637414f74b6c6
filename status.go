package smstrack

import (
	"fmt"
	"strings"
)

// Status is a message's normalized delivery status, shared by every provider.
type Status string

// The normalized statuses. Providers map their own words onto these.
const (
	StatusAccepted           Status = "accepted"
	StatusScheduled          Status = "scheduled"
	StatusQueued             Status = "queued"
	StatusSending            Status = "sending"
	StatusSent               Status = "sent"
	StatusPartiallyDelivered Status = "partially_delivered"
	StatusDelivered          Status = "delivered"
	StatusUndelivered        Status = "undelivered"
	StatusFailed             Status = "failed"
	StatusRead               Status = "read"
	StatusCanceled           Status = "canceled"
	StatusReceiving          Status = "receiving"
	StatusReceived           Status = "received"
)

// Statuses lists every normalized status in stage order; its index is the
// status's position in StageTimes.
var Statuses = [...]Status{
	StatusAccepted, StatusScheduled, StatusQueued, StatusSending, StatusSent,
	StatusPartiallyDelivered, StatusDelivered, StatusUndelivered, StatusFailed,
	StatusRead, StatusCanceled, StatusReceiving, StatusReceived,
}

// stage orders statuses along a message's life. A message's current status
// only moves to a status of a higher stage, except where rules.go says so.
var stage = map[Status]int{
	StatusAccepted:           10,
	StatusScheduled:          15,
	StatusQueued:             20,
	StatusSending:            30,
	StatusReceiving:          30,
	StatusSent:               40,
	StatusReceived:           50,
	StatusPartiallyDelivered: 55,
	StatusDelivered:          60,
	StatusUndelivered:        60,
	StatusFailed:             60,
	StatusCanceled:           60,
	StatusRead:               70,
}

// ParseStatus returns the normalized status for s (case and surrounding space
// ignored), or an EINVALID error naming the unknown word.
func ParseStatus(s string) (Status, error) {
	st := Status(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := stage[st]; !ok {
		return "", Errorf(EINVALID, "unknown status %q", s)
	}
	return st, nil
}

// Valid reports whether s is one of the normalized statuses.
func (s Status) Valid() bool { _, ok := stage[s]; return ok }

// Stage is the status's position along a message's life (0 for no status).
func (s Status) Stage() int { return stage[s] }

// Final reports whether the status ends a message's delivery: only the
// documented rules in Apply replace it.
func (s Status) Final() bool {
	switch s {
	case StatusDelivered, StatusUndelivered, StatusFailed, StatusRead, StatusCanceled:
		return true
	}
	return false
}

// Index is the status's position in Statuses, or -1.
func (s Status) Index() int {
	for i, v := range Statuses {
		if v == s {
			return i
		}
	}
	return -1
}

// Direction says whether a message went out from the user's app or came in.
type Direction string

// Message directions.
const (
	Outbound Direction = "outbound"
	Inbound  Direction = "inbound"
)

// ParseDirection accepts "outbound" and "inbound" (and Twilio's "outbound-api"
// style variants), or returns an EINVALID error.
func ParseDirection(s string) (Direction, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch {
	case v == "":
		return "", nil
	case strings.HasPrefix(v, "outbound"):
		return Outbound, nil
	case strings.HasPrefix(v, "inbound"):
		return Inbound, nil
	}
	return "", Errorf(EINVALID, "unknown direction %q", s)
}

// Source says how an event reached us.
type Source string

// Event sources.
const (
	SourceWebhook Source = "webhook"
	SourceAPI     Source = "api"
	SourceSync    Source = "sync"
	SourceImport  Source = "import"
)

// ParseSource validates an event source.
func ParseSource(s string) (Source, error) {
	switch Source(s) {
	case SourceWebhook, SourceAPI, SourceSync, SourceImport:
		return Source(s), nil
	}
	return "", fmt.Errorf("unknown source %q", s)
}
