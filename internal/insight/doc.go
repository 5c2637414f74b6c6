// Package insight holds the pure pieces of smstrack's statistics: the
// mergeable latency sketch, the Wilson interval of a rate, time buckets, and
// the shape of a rollup query and its answer. It does no I/O: the store
// keeps and merges rollup cells, the API turns figures into JSON.
package insight
