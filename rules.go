package smstrack

import "time"

// This file holds the rules that decide a message's status from its events.
// They are the heart of the tracker and live here alone; stores apply them
// inside a transaction that holds the message row, so every instance sharing
// a database reaches the same state.
//
// The rules, in order:
//
//  1. An event that repeats the current status changes nothing but may add an
//     error code the status lacked.
//  2. A status of a later stage replaces an earlier one (queued -> sent ->
//     delivered -> read). A status of an earlier stage arriving late (a "sent"
//     after "delivered") is kept in the timeline only.
//  3. canceled replaces only statuses before sending (accepted, scheduled,
//     queued): a message that has left cannot be canceled.
//  4. Final statuses of the same stage (delivered, undelivered, failed,
//     canceled) conflict. The carrier's own event time decides when both
//     events have one (e.g. Twilio's RawDlrDoneDate): the later wins. Without
//     both times, the later arrival wins.
//  5. read (the handset's own word) replaces every other status.
//  6. Each stage keeps the first time it was reached, whether or not the
//     event changed the current status; a stage reported late is never dated
//     after a later stage already reached, so latencies never go negative.
//  7. A receipt for one part of a multipart message first updates that
//     part by rules 1-5; the message then takes the parts' aggregate, again
//     by rules 1-5: any part failed -> failed; else any undelivered ->
//     undelivered; every part delivered (or read) -> delivered; some
//     delivered -> partially_delivered; otherwise the earliest stage among
//     the parts. A part's error code becomes the message's.

// State is how a message's status was decided: the status with its error,
// the times of the deciding event, and the first time each stage was reached.
type State struct {
	Status       Status
	ErrorCode    string
	DecidedAt    time.Time // arrival of the event that set Status
	ProviderTime time.Time // that event's carrier time, zero when it had none
	Stages       StageTimes
	Parts        map[string]PartState // by part id, for per-part receipts
	PartCount    int                  // parts the message has, when a provider said
}

// PartState is the status of one part of a multipart message.
type PartState struct {
	Index        int       `json:"index,omitempty"`
	Status       Status    `json:"status"`
	ErrorCode    string    `json:"error_code,omitempty"`
	DecidedAt    time.Time `json:"decided_at"`
	ProviderTime time.Time `json:"provider_time,omitzero"`
}

// StageTimes holds the first time each status was reached, indexed like
// Statuses; the zero time means never.
type StageTimes [len(Statuses)]time.Time

// At returns when the message first reached status s (zero if never).
func (t *StageTimes) At(s Status) time.Time {
	if i := s.Index(); i >= 0 {
		return t[i]
	}
	return time.Time{}
}

// record notes that s was reached at `at`, keeping the earliest time and
// clamping it to before any later stage already reached (rule 6).
func (t *StageTimes) record(s Status, at time.Time) {
	i := s.Index()
	if i < 0 || at.IsZero() {
		return
	}
	for j, other := range Statuses {
		if other.Stage() > s.Stage() && !t[j].IsZero() && t[j].Before(at) && !earlierBranch(s, other) {
			at = t[j]
		}
	}
	if t[i].IsZero() || at.Before(t[i]) {
		t[i] = at
	}
}

// earlierBranch reports whether stages a and b lie on different paths of a
// message's life (inbound vs outbound, canceled vs sent), where ordering
// their times means nothing.
func earlierBranch(a, b Status) bool {
	inbound := func(s Status) bool { return s == StatusReceiving || s == StatusReceived }
	return inbound(a) != inbound(b) || a == StatusCanceled || b == StatusCanceled
}

// Apply returns the state after event e, and whether e changed the status or
// error code. It never mutates cur.
func Apply(cur State, e Event) (State, bool) {
	if e.Status == "" { // an event that carries only facts, e.g. a report without status
		return cur, false
	}
	if e.Part.ID != "" {
		return applyPart(cur, e)
	}
	next := cur
	next.Stages.record(e.Status, e.ReceivedAt)
	if !replaces(cur, e) {
		if e.Status == cur.Status && cur.ErrorCode == "" && e.ErrorCode != "" {
			next.ErrorCode = e.ErrorCode // rule 1
			return next, true
		}
		return next, false
	}
	next.Status = e.Status
	next.ErrorCode = e.ErrorCode
	next.DecidedAt = e.ReceivedAt
	next.ProviderTime = e.ProviderTime
	return next, true
}

// replaces reports whether event e takes over the current status.
func replaces(cur State, e Event) bool {
	switch {
	case cur.Status == "":
		return true
	case e.Status == cur.Status:
		return false
	case e.Status == StatusRead: // rule 5
		return true
	case e.Status == StatusCanceled: // rule 3
		return cur.Status.Stage() < StatusSending.Stage()
	case cur.Status == StatusRead:
		return false
	case e.Status.Final() && cur.Status.Final(): // rule 4
		if !e.ProviderTime.IsZero() && !cur.ProviderTime.IsZero() {
			return e.ProviderTime.After(cur.ProviderTime)
		}
		return true
	}
	return e.Status.Stage() > cur.Status.Stage() // rule 2
}

// applyPart applies a per-part receipt (rule 7).
func applyPart(cur State, e Event) (State, bool) {
	part := cur.Parts[e.Part.ID]
	ps, partChanged := Apply(State{Status: part.Status, ErrorCode: part.ErrorCode, DecidedAt: part.DecidedAt, ProviderTime: part.ProviderTime},
		Event{Status: e.Status, ErrorCode: e.ErrorCode, ReceivedAt: e.ReceivedAt, ProviderTime: e.ProviderTime})
	if !partChanged {
		return cur, false
	}
	next := cur
	next.Parts = make(map[string]PartState, len(cur.Parts)+1)
	for k, v := range cur.Parts {
		next.Parts[k] = v
	}
	index := part.Index
	if e.Part.Index > 0 {
		index = e.Part.Index
	}
	next.Parts[e.Part.ID] = PartState{Index: index, Status: ps.Status, ErrorCode: ps.ErrorCode, DecidedAt: ps.DecidedAt, ProviderTime: ps.ProviderTime}
	next.PartCount = max(next.PartCount, e.Part.Count, len(next.Parts))
	status, code := aggregateParts(next.Parts, next.PartCount)
	agg := Event{Status: status, ErrorCode: code, ReceivedAt: e.ReceivedAt, ProviderTime: e.ProviderTime}
	next, _ = Apply(next, agg)
	return next, true
}

// aggregateParts is the status a message takes from its parts (rule 7).
func aggregateParts(parts map[string]PartState, count int) (Status, string) {
	var failed, undelivered, delivered int
	var failedCode, undeliveredCode string
	earliest := Status("")
	for _, p := range parts {
		switch p.Status {
		case StatusFailed:
			failed++
			failedCode = p.ErrorCode
		case StatusUndelivered:
			undelivered++
			undeliveredCode = p.ErrorCode
		case StatusDelivered, StatusRead:
			delivered++
		default:
			if earliest == "" || p.Status.Stage() < earliest.Stage() {
				earliest = p.Status
			}
		}
	}
	switch {
	case failed > 0:
		return StatusFailed, failedCode
	case undelivered > 0:
		return StatusUndelivered, undeliveredCode
	case delivered == count:
		return StatusDelivered, ""
	case delivered > 0:
		return StatusPartiallyDelivered, ""
	case earliest == "":
		return StatusSent, "" // parts known only by count: they were at least sent
	}
	return earliest, ""
}
