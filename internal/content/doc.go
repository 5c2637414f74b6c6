// Package content owns what smstrack knows about a message body: its GSM-7 or
// UCS-2 encoding, how it splits into SMS segments, which characters force
// UCS-2, what smart encoding and national language shift tables would save,
// MMS media checks and segment cost.
//
// Segment answers are defined as "whatever Twilio's open-source calculator
// (npm sms-segments-calculator 1.3.0) says", because that is what operators
// compare our numbers with; testdata/golden.json is produced by that calculator
// and the tests hold this package to it exactly. Everything here is a pure
// function of its arguments: no I/O, no clocks, no globals that change.
package content
