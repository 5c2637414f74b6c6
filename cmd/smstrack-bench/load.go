package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what one timed run measured from the client's side.
type loadResult struct {
	sent, acked, failed int64 // requests written, answered 2xx, answered otherwise or lost
	statuses            map[int]int64
	connErrors          int64
	elapsed             time.Duration
	latencies           []time.Duration // of acknowledged requests, sorted
	firstError          string
}

// perSecond is the rate of acknowledged requests.
func (r *loadResult) perSecond() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.acked) / r.elapsed.Seconds()
}

// percentile returns the p-th percentile latency (0 < p <= 100).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// drive writes requests to addr from conns keep-alive connections, each
// taking the next unsent request, until all are sent or duration has passed.
// It speaks HTTP/1.1 on raw connections so the client, which shares the
// machine's cores with the server, spends as little CPU as it can.
func drive(addr string, requests [][]byte, conns int, duration time.Duration) *loadResult {
	var (
		next     atomic.Int64
		stop     atomic.Bool
		mu       sync.Mutex
		res      = &loadResult{statuses: map[int]int64{}}
		wg       sync.WaitGroup
		timer    = time.AfterFunc(duration, func() { stop.Store(true) })
		start    = time.Now()
		lats     = make([][]time.Duration, conns)
		perConn  = len(requests)/conns + 1
		errOnce  sync.Once
		noteFail = func(err error) {
			errOnce.Do(func() { res.firstError = err.Error() })
		}
	)
	defer timer.Stop()
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, perConn)
			statuses := map[int]int64{}
			var sent, acked, failed, connErrors int64
			var conn net.Conn
			var br *bufio.Reader
			defer func() {
				if conn != nil {
					conn.Close()
				}
			}()
			for !stop.Load() {
				i := next.Add(1) - 1
				if i >= int64(len(requests)) {
					break
				}
				if conn == nil {
					var err error
					conn, err = net.Dial("tcp", addr)
					if err != nil {
						connErrors++
						failed++
						noteFail(err)
						time.Sleep(10 * time.Millisecond)
						continue
					}
					br = bufio.NewReaderSize(conn, 4096)
				}
				t0 := time.Now()
				sent++
				_, err := conn.Write(requests[i])
				var status int
				var keep bool
				if err == nil {
					status, keep, err = readResponse(br)
				}
				d := time.Since(t0)
				if err != nil {
					connErrors++
					failed++
					noteFail(err)
					conn.Close()
					conn = nil
					continue
				}
				statuses[status]++
				if status >= 200 && status < 300 {
					acked++
					lat = append(lat, d)
				} else {
					failed++
					noteFail(fmt.Errorf("HTTP %d", status))
				}
				if !keep {
					conn.Close()
					conn = nil
				}
			}
			lats[c] = lat
			mu.Lock()
			res.sent += sent
			res.acked += acked
			res.failed += failed
			res.connErrors += connErrors
			for k, v := range statuses {
				res.statuses[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	for _, l := range lats {
		res.latencies = append(res.latencies, l...)
	}
	slices.Sort(res.latencies)
	return res
}

var errMalformed = errors.New("malformed HTTP response")

// readResponse reads one HTTP/1.1 response and discards its body. It
// handles what net/http servers send: Content-Length, chunked bodies and
// Connection: close.
func readResponse(br *bufio.Reader) (status int, keepAlive bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	// "HTTP/1.1 204 No Content"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, errMalformed
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, errMalformed
	}
	length, chunked, keepAlive := int64(-1), false, true
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		if len(line) <= 2 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, false, errMalformed
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			length, err = strconv.ParseInt(string(value), 10, 64)
			if err != nil {
				return 0, false, errMalformed
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keepAlive = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case status == 204 || status == 304 || (status >= 100 && status < 200):
	case chunked:
		for {
			line, err = br.ReadSlice('\n')
			if err != nil {
				return 0, false, err
			}
			size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(line, []byte(";"), 2)[0])), 16, 64)
			if err != nil {
				return 0, false, errMalformed
			}
			if _, err := br.Discard(int(size) + 2); err != nil { // the data and its CRLF
				return 0, false, err
			}
			if size == 0 {
				break
			}
		}
	case length >= 0:
		if _, err := io.CopyN(io.Discard, br, length); err != nil {
			return 0, false, err
		}
	default:
		return status, false, nil // body runs to the end of the connection
	}
	return status, keepAlive, nil
}
