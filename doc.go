// Package smstrack is the domain at the centre of the tracker: messages, their
// delivery events, the rules that decide a message's status from those events,
// the error taxonomy, and the Store interface that adapters implement.
//
// It performs no I/O and imports nothing of the application; storage, HTTP and
// provider packages depend on it, never the other way round.
package smstrack
