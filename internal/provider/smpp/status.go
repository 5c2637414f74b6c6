package smpp

import (
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
)

// The message states of SMPP (message_state TLV values, and the stat words
// of receipt texts that stand for them).
const (
	StateScheduled     = 0 // SMPP 5.0 only
	StateEnroute       = 1
	StateDelivered     = 2
	StateExpired       = 3
	StateDeleted       = 4
	StateUndeliverable = 5
	StateAccepted      = 6
	StateUnknown       = 7
	StateRejected      = 8
	StateSkipped       = 9 // SMPP 5.0 only
)

// stateWords are the canonical seven-letter stat words of each state.
var stateWords = [...]string{
	StateScheduled: "SCHEDULED", StateEnroute: "ENROUTE", StateDelivered: "DELIVRD",
	StateExpired: "EXPIRED", StateDeleted: "DELETED", StateUndeliverable: "UNDELIV",
	StateAccepted: "ACCEPTD", StateUnknown: "UNKNOWN", StateRejected: "REJECTD",
	StateSkipped: "SKIPPED",
}

// words maps the stat words SMSCs write, canonical and common variants, to
// states. A few words (FAILED, BUFFERED) are not SMPP states but are sent
// by enough SMSCs to be worth knowing; they map to their nearest state.
var words = map[string]int{
	"DELIVRD": StateDelivered, "DELIVERED": StateDelivered, "DELIVRED": StateDelivered, "DELIVR": StateDelivered, "DELIV": StateDelivered,
	"EXPIRED": StateExpired, "EXPIRD": StateExpired,
	"DELETED": StateDeleted, "DELETD": StateDeleted,
	"UNDELIV": StateUndeliverable, "UNDELIVERABLE": StateUndeliverable, "UNDELIVERED": StateUndeliverable, "UNDELIVRD": StateUndeliverable, "UNDELV": StateUndeliverable,
	"ACCEPTD": StateAccepted, "ACCEPTED": StateAccepted,
	"UNKNOWN": StateUnknown, "UNKNOWN_": StateUnknown, "UNKNWN": StateUnknown,
	"REJECTD": StateRejected, "REJECTED": StateRejected, "REJECT": StateRejected,
	"ENROUTE": StateEnroute, "ENROUTED": StateEnroute, "BUFFERED": StateEnroute, "BUFFRED": StateEnroute,
	"SCHEDULED": StateScheduled, "SCHEDLD": StateScheduled,
	"SKIPPED": StateSkipped,
}

// failedWords are not SMPP states, and so have no state number: the SMSC
// says outright that it failed the message.
var failedWords = map[string]bool{"FAILED": true, "FAIL": true, "ERROR": true}

// State reads a stat word (any case, canonical or a common variant, or the
// message_state number written as digits) and returns the state and its
// canonical word. ok is false for a word it does not know.
func State(word string) (state int, canonical string, ok bool) {
	w := strings.ToUpper(strings.TrimSpace(word))
	if n, err := strconv.Atoi(w); err == nil && n >= 0 && n < len(stateWords) && len(w) <= 2 {
		return n, stateWords[n], true
	}
	if st, ok := words[w]; ok {
		return st, stateWords[st], true
	}
	return 0, "", false
}

// StateWord is the canonical stat word of a message_state value, or "".
func StateWord(state int) string {
	if state < 0 || state >= len(stateWords) {
		return ""
	}
	return stateWords[state]
}

// StatusOf maps a message state to an smstrack status. The SMSC holds the
// message in every state that is not final, so those are "sent". A
// receipt proves the message reached the SMSC, so final failures are
// "undelivered" (the network could not deliver), never "failed" (which
// smstrack keeps for messages that never left).
func StatusOf(state int) (smstrack.Status, bool) {
	switch state {
	case StateScheduled, StateEnroute, StateAccepted:
		return smstrack.StatusSent, true
	case StateDelivered:
		return smstrack.StatusDelivered, true
	case StateExpired, StateDeleted, StateUndeliverable, StateUnknown, StateRejected, StateSkipped:
		return smstrack.StatusUndelivered, true
	}
	return "", false
}

// WordStatus maps a stat word to an smstrack status and the canonical word
// ("FAILED" for the failure words that are no SMPP state).
func WordStatus(word string) (status smstrack.Status, canonical string, ok bool) {
	if st, w, ok := State(word); ok {
		s, _ := StatusOf(st)
		return s, w, true
	}
	if failedWords[strings.ToUpper(strings.TrimSpace(word))] {
		return smstrack.StatusFailed, "FAILED", true
	}
	return "", "", false
}
