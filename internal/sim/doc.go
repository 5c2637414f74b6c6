// Package sim simulates Twilio's Messages API and the carriers behind it:
// it accepts sends, answers Message resources, and plays each message's
// life out as signed status callbacks over real HTTP, with realistic
// delivery rates, latencies, error codes, duplicates and reorderings.
//
// It is a test double and a demo source. It owns no storage and imports
// nothing of smstrack's ingestion: it talks to smstrack only over HTTP,
// the way Twilio does, so what it exercises is the real path.
package sim
