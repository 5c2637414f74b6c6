package sinch

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{
		deliveredReport, failedReport, fullReport, summaryReport, moText, moBinary,
		`{}`, `[]`, `null`, `{"type":null}`, `{"type":"mo_text","id":"x","body":null}`,
		`{"type":"delivery_report_sms","batch_id":"b","statuses":[{"status":"Delivered","recipients":["1","1"]}]}`,
		`{"type":"recipient_delivery_report_sms","batch_id":"b","recipient":"1","status":"Failed","code":1e999}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		evs, err := ParseCallback([]byte(body), receivedAt, testPlan)
		if !(providertest.Parsed{Provider: Provider, ValidID: validID, Direction: true}).CheckAll(t, evs, err) {
			return
		}
		for _, ev := range evs {
			if ev.Account != testPlan {
				t.Fatalf("bad key %+v", ev.Key)
			}
		}
	})
}

func FuzzVerify(f *testing.F) {
	now := time.Unix(1773500966, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	f.Add(Sign(testSecret, "HmacSHA256", "n", ts, []byte(deliveredReport)), "HmacSHA256", "n", ts, deliveredReport)
	f.Add("", "", "", "", "")
	f.Add("x", "HmacSHA1", "n", "-1", "{}")
	f.Fuzz(func(t *testing.T, sig, alg, nonce, stamp, body string) {
		err := Verify(testSecret, sig, alg, nonce, stamp, []byte(body), now, DefaultTolerance)
		if err != nil && smstrack.ErrorCode(err) != smstrack.EFORBIDDEN {
			t.Fatalf("error %v, want EFORBIDDEN", err)
		}
		alg = strings.TrimSpace(alg)
		if alg == "" {
			alg = "HmacSHA256"
		}
		// Only the secret's own signature over these values passes.
		if err == nil && strings.TrimSpace(sig) != Sign(testSecret, alg, strings.TrimSpace(nonce), strings.TrimSpace(stamp), []byte(body)) {
			t.Fatalf("accepted a signature %q the secret did not make", sig)
		}
	})
}
