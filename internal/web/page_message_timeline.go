package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
)

// Delays past which a step of a message's journey is called slow, and the
// part of the chain it points at. They are deliberately generous: a
// finding should mean something is off, not that a carrier took a second.
const (
	// slowToSend: from creation (or queueing) to "sent" is the provider's
	// part; messages normally leave within seconds.
	slowToSend = time.Minute
	// slowReceipt: from "sent" to the carrier's final receipt; most
	// receipts come within seconds to a minute.
	slowReceipt = 5 * time.Minute
	// lateCallback: between the carrier's own time on a receipt and its
	// arrival here, the provider's callbacks are waiting.
	lateCallback = 5 * time.Minute
	// noReceipt: a message sent this long ago without a final status has
	// probably lost its receipt.
	noReceipt = time.Hour
)

// step is one event of a message's timeline as the details page shows it.
type step struct {
	smstrack.Event
	Error *smstrack.ErrorInfo
	// Since is the time since the previous event (zero for the first),
	// SinceCreated since the message was created.
	Since, SinceCreated time.Duration
	// Lag is how long after the provider's own time the event arrived;
	// zero when the event has no provider time.
	Lag time.Duration
	// Slow names the part of the chain a slow gap before this step points
	// at (provider, carrier); "" when the gap is ordinary.
	Slow    smstrack.Party
	Payload string // indented JSON, or the raw text when it is not JSON
}

// timeline turns a message's events into steps, oldest first.
func timeline(m *smstrack.Message) []step {
	out := make([]step, len(m.Events))
	for i, e := range m.Events {
		st := step{Event: e, Error: smstrack.ExplainError(m.Provider, e.ErrorCode), Payload: indentPayload(e.Payload)}
		if !m.CreatedAt.IsZero() {
			st.SinceCreated = e.ReceivedAt.Sub(m.CreatedAt)
		}
		if i > 0 {
			st.Since = e.ReceivedAt.Sub(m.Events[i-1].ReceivedAt)
		}
		if !e.ProviderTime.IsZero() {
			st.Lag = e.ReceivedAt.Sub(e.ProviderTime)
		}
		if i > 0 && e.Applied {
			st.Slow = slowGap(m.Events[i-1].Status, e.Status, st.Since)
		}
		out[i] = st
	}
	return out
}

// slowGap says whose part a gap between two statuses was, when it is slow.
func slowGap(prev, next smstrack.Status, gap time.Duration) smstrack.Party {
	switch {
	case next == smstrack.StatusSent && prev.Stage() < smstrack.StatusSent.Stage() && gap > slowToSend:
		return smstrack.PartyProvider
	case next.Final() && prev == smstrack.StatusSent && gap > slowReceipt:
		return smstrack.PartyCarrier
	}
	return ""
}

// indentPayload shows a stored payload for reading.
func indentPayload(p []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, p, "", "  ") == nil {
		return b.String()
	}
	return string(p)
}

// finding is one thing the details page concludes about a message: what
// went wrong or slowly, which part of the chain was responsible, and what
// to do about it.
type finding struct {
	Severity string // bad or warn, the badge class
	Party    smstrack.Party
	Title    string
	Text     string
	Advice   string
	Category smstrack.ErrorCategory // for errors
}

// diagnose explains a failure or a delay from the message and its steps.
func diagnose(m *smstrack.Message, steps []step, now time.Time) []finding {
	var out []finding
	if info := smstrack.ExplainError(m.Provider, m.ErrorCode); info != nil {
		out = append(out, finding{Severity: "bad", Party: info.Responsible, Title: info.Title, Text: info.Description,
			Advice: info.Advice, Category: info.Category})
	}
	if m.RecipientOptedOut {
		out = append(out, finding{Severity: "bad", Party: smstrack.PartyApplication, Title: "Sent to a recipient who had opted out",
			Text:   "The recipient had replied with an opt-out keyword (or the provider reported them opted out) before this message was sent.",
			Advice: "Stop sending to opted-out numbers until they opt in again (START): carriers refuse the messages, and sending breaks consent rules."})
	}
	if m.Direction == smstrack.Inbound {
		return out
	}
	st := &m.State.Stages
	start := m.CreatedAt
	for _, s := range []smstrack.Status{smstrack.StatusQueued, smstrack.StatusAccepted} {
		if t := st.At(s); !t.IsZero() && (start.IsZero() || t.Before(start)) {
			start = t
		}
	}
	sent := st.At(smstrack.StatusSent)
	if !sent.IsZero() && !start.IsZero() && sent.Sub(start) > slowToSend {
		out = append(out, finding{Severity: "warn", Party: smstrack.PartyProvider, Title: "Slow to leave the provider",
			Text: fmt.Sprintf("The provider held the message %s before handing it to the carrier.", formatDuration(sent.Sub(start))),
			Advice: "A queue at the provider: the sending rate was probably above what the account or sender may send per second. " +
				"Spread sends out, add senders (a Messaging Service pools them), or ask the provider for more throughput."})
	}
	final := finalAt(m)
	switch {
	case !sent.IsZero() && !final.IsZero() && final.Sub(sent) > slowReceipt:
		party, text := smstrack.PartyCarrier, "The carrier's final receipt came %s after the message was sent."
		if m.Status == smstrack.StatusDelivered || m.Status == smstrack.StatusRead {
			party, text = smstrack.PartyHandset, "The message reached the handset %s after it was sent."
		}
		out = append(out, finding{Severity: "warn", Party: party, Title: "Slow delivery",
			Text: fmt.Sprintf(text, formatDuration(final.Sub(sent))),
			Advice: "Usually the phone was switched off or out of coverage and the carrier kept retrying; sometimes the carrier's receipts are slow. " +
				"If it keeps happening for one carrier, compare its routes on the Routing page."})
	case !sent.IsZero() && final.IsZero() && now.Sub(sent) > noReceipt:
		out = append(out, finding{Severity: "warn", Party: smstrack.PartyCarrier, Title: "No delivery receipt",
			Text: fmt.Sprintf("Sent %s ago, and no final receipt has arrived.", formatDuration(now.Sub(sent))),
			Advice: "Some carriers and destinations send no delivery receipts, and providers drop callbacks now and then. " +
				"Check the message in the provider's console, or reconcile with `smstrack sync`."})
	}
	for _, s := range steps {
		if s.Applied && s.Status.Final() && s.Lag > lateCallback {
			out = append(out, finding{Severity: "warn", Party: smstrack.PartyProvider, Title: "Receipt reported late",
				Text: fmt.Sprintf("The %s receipt reached smstrack %s after the carrier's own time on it.", s.Status, formatDuration(s.Lag)),
				Advice: "The provider's status callbacks were delayed or retried: check that the callback URL answers quickly, " +
					"and the provider's status page."})
			break
		}
	}
	return out
}

// finalAt is when the message reached its final status; zero while it has none.
func finalAt(m *smstrack.Message) time.Time {
	if !m.Status.Final() {
		return time.Time{}
	}
	if t := m.State.Stages.At(smstrack.StatusDelivered); m.Status == smstrack.StatusRead && !t.IsZero() {
		return t // the receipt, not the reading
	}
	return m.State.Stages.At(m.Status)
}
