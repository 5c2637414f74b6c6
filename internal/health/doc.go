// Package health watches delivery for degradations: for every provider,
// sender, country, carrier and route it tests a recent window against that
// dimension value's own baseline — a drop of the delivery rate, a rise of
// an error category's share, a rise of the p90 latency — with exact
// binomial and two-proportion tests, a Bonferroni-corrected level across
// every test of an evaluation, and runs of evaluations to open and resolve
// alerts. It reads figures through Source (the store's rollups) and keeps
// alerts through the alert store; it never scans messages itself and knows
// nothing of HTTP.
package health
