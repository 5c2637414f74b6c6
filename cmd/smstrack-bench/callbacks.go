package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// The Twilio account the benchmark signs for; the server is given the same
// pair in SMSTRACK_TWILIO_ACCOUNTS.
const (
	benchAccount = "AC0123456789abcdef0123456789abcdef"
	benchToken   = "f00dfeedc0ffee0123456789abcdef01"
	// benchPublicURL is the address Twilio would call: the server is told
	// it (SMSTRACK_PUBLIC_URL), as it would be behind a TLS proxy, so every
	// signature holds whatever loopback port the server got.
	benchPublicURL = "https://track.example.com"
)

// mix is the shape of the callback stream, as fractions.
type mix struct {
	failed     float64 // messages ending undelivered or failed
	duplicates float64 // requests that repeat an earlier one byte for byte
	outOfOrder float64 // messages whose delivered arrives before sent
}

var defaultMix = mix{failed: 0.05, duplicates: 0.03, outOfOrder: 0.05}

// callbackStats counts what a generated stream holds.
type callbackStats struct {
	messages, requests, duplicates, outOfOrder, failed int
}

// callback is one status callback before it is encoded and signed; a
// duplicate names the index of the request it repeats instead.
type callback struct {
	fields url.Values
	dupOf  int
}

// generateCallbacks builds up to max signed status callback requests,
// ready to write to a connection byte for byte. Messages go in blocks: all
// queued callbacks of a block, then the sent ones, then the final ones, each
// wave in its own random order, as Twilio's arrive for a burst of sends;
// out-of-order messages swap their last two; duplicates repeat a recent
// request later in the stream.
func generateCallbacks(max int, m mix, seed uint64) ([][]byte, callbackStats) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	const block = 2048
	var (
		stream []callback
		st     callbackStats
	)
	senders := make([]string, 16)
	for i := range senders {
		senders[i] = fmt.Sprintf("+1415555%04d", 100+i)
	}
	services := []string{"MG" + hex32(rng), "MG" + hex32(rng)}
	base := time.Now().UTC()
	for len(stream) < max {
		waves := [3][]callback{}
		for range block {
			st.messages++
			sid := "SM" + hex32(rng)
			common := url.Values{
				"AccountSid":          {benchAccount},
				"ApiVersion":          {"2010-04-01"},
				"From":                {senders[rng.IntN(len(senders))]},
				"To":                  {fmt.Sprintf("+1%03d%07d", 200+rng.IntN(700), rng.IntN(10_000_000))},
				"MessageSid":          {sid},
				"SmsSid":              {sid},
				"MessagingServiceSid": {services[rng.IntN(len(services))]},
			}
			with := func(status string, extra ...string) callback {
				f := make(url.Values, len(common)+4)
				for k, v := range common {
					f[k] = v
				}
				f.Set("MessageStatus", status)
				f.Set("SmsStatus", status)
				for i := 0; i+1 < len(extra); i += 2 {
					f.Set(extra[i], extra[i+1])
				}
				return callback{fields: f, dupOf: -1}
			}
			dlr := base.Add(time.Duration(st.messages) * time.Millisecond).Format("0601021504")
			waves[0] = append(waves[0], with("queued"))
			r := rng.Float64()
			switch {
			case r < m.failed*0.4: // failed before leaving Twilio: no "sent"
				st.failed++
				waves[1] = append(waves[1], with("failed", "ErrorCode", errorCodes[rng.IntN(len(errorCodes))]))
			case r < m.failed: // the carrier gave up
				st.failed++
				waves[1] = append(waves[1], with("sent"))
				waves[2] = append(waves[2], with("undelivered", "ErrorCode", errorCodes[rng.IntN(len(errorCodes))], "RawDlrDoneDate", dlr))
			case r < m.failed+m.outOfOrder:
				st.outOfOrder++
				waves[1] = append(waves[1], with("delivered", "RawDlrDoneDate", dlr))
				waves[2] = append(waves[2], with("sent"))
			default:
				waves[1] = append(waves[1], with("sent"))
				waves[2] = append(waves[2], with("delivered", "RawDlrDoneDate", dlr))
			}
		}
		for _, w := range waves {
			rng.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
			for _, c := range w {
				stream = append(stream, c)
				if rng.Float64() < m.duplicates && len(stream) > 1 {
					// A retry of something sent a little earlier.
					k := len(stream) - 1 - (1 + rng.IntN(min(len(stream)-1, 512)))
					if stream[k].dupOf >= 0 {
						k = stream[k].dupOf
					}
					stream = append(stream, callback{dupOf: k})
					st.duplicates++
				}
			}
		}
	}
	stream = stream[:max]
	st.requests, st.duplicates = len(stream), 0
	for _, c := range stream {
		if c.dupOf >= 0 {
			st.duplicates++
		}
	}
	return encodeRequests(stream), st
}

// errorCodes are the delivery failures the stream reports.
var errorCodes = []string{"30003", "30005", "30007"}

// encodeRequests turns callbacks into complete HTTP/1.1 requests with their
// X-Twilio-Signature, on every core, so the timed run only writes bytes.
func encodeRequests(stream []callback) [][]byte {
	out := make([][]byte, len(stream))
	signedURL := benchPublicURL + twilio.StatusPath
	var wg sync.WaitGroup
	workers := runtime.NumCPU()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(stream); i += workers {
				if stream[i].dupOf >= 0 {
					continue // filled below from the original
				}
				body := stream[i].fields.Encode()
				sig := twilio.Sign(benchToken, signedURL, stream[i].fields)
				b := make([]byte, 0, len(body)+320)
				b = append(b, "POST "+twilio.StatusPath+" HTTP/1.1\r\nHost: track.example.com\r\nUser-Agent: TwilioProxy/1.1\r\n"...)
				b = append(b, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "...)
				b = strconv.AppendInt(b, int64(len(body)), 10)
				b = append(b, "\r\nX-Twilio-Signature: "...)
				b = append(b, sig...)
				b = append(b, "\r\n\r\n"...)
				b = append(b, body...)
				out[i] = b
			}
		}()
	}
	wg.Wait()
	for i := range out {
		if out[i] == nil {
			out[i] = out[stream[i].dupOf]
		}
	}
	return out
}

// hex32 returns 32 random lowercase hex digits, the tail of a Twilio SID.
func hex32(rng *rand.Rand) string {
	const digits = "0123456789abcdef"
	var b [32]byte
	for i := range b {
		b[i] = digits[rng.IntN(16)]
	}
	return string(b[:])
}
