package vonage

import (
	"net/url"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

var formSeeds = []string{
	receiptForm, inboundForm, "", "=", "&&&", "a=%zz", "a=1;b=2",
	"messageId=0B00000127FDBC63&status=%00",
	"messageId=0B00000127FDBC63&status=expired&err-code=0&scts=9913311299",
	"messageId=x&status=delivered&network-code=2341%00&price=1e999&message-timestamp=2018-02-30+25%3A61%3A61",
	"messageId=0A0000000123ABCD1&type=binary&text=x&concat=true&concat-part=99999999999",
	"sig=&timestamp=-1&nonce=%FF&%FF=1",
}

// parsed holds for every event any parser returns.
var parsed = providertest.Parsed{Provider: Provider, ValidID: validID, NoStatus: true, Direction: true}

// checkParsed checks what parsed does, and the network an event names.
func checkParsed(t *testing.T, ev *smstrack.EventInput, err error) {
	t.Helper()
	if !parsed.Check(t, ev, err) {
		return
	}
	if n := ev.Facts.Network; (n.MCC == "") != (n.MNC == "") || len(n.MCC) > 3 {
		t.Fatalf("network %+v", n)
	}
}

func FuzzParseReceipt(f *testing.F) {
	providertest.FuzzForms(f, formSeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseReceipt(fields, testKey, receivedAt)
		checkParsed(t, ev, err)
		if err == nil && ev.Status == smstrack.StatusUndelivered && ev.ErrorCode == "" {
			t.Fatalf("undelivered receipt without an error code: %v", fields)
		}
	})
}

func FuzzParseInbound(f *testing.F) {
	providertest.FuzzForms(f, formSeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseInbound(fields, testKey, receivedAt)
		checkParsed(t, ev, err)
		if err == nil && (ev.Status != smstrack.StatusReceived || ev.Facts.Direction != smstrack.Inbound) {
			t.Fatalf("inbound event %s/%s", ev.Status, ev.Facts.Direction)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"messageId":"0B00000127FDBC63","status":"delivered","api-key":"abcd1234"}`,
		`{"messageId":"0B00000127FDBC63","status":"unknown","err-code":1,"x":{"y":[1,2,null]}}`,
		`{}`, `[]`, `null`, `"s"`, `{"a":1}{}`, `{"a":"\ud800"}`, `{"a":1e999}`, "{\"a\":\"\xff\"}", ` { "a" : "b" } `,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fields, err := ParseJSON([]byte(body))
		if err != nil {
			if smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			return
		}
		ev, err := ParseReceipt(fields, testKey, receivedAt)
		checkParsed(t, ev, err)
	})
}

func FuzzVerify(f *testing.F) {
	for _, s := range formSeeds {
		f.Add(s, "secret", "sha256")
	}
	f.Add("a=1&b=2&timestamp=1461605396&sig=6af838ef94998832dbfc29020b564830", "secret", "md5hash")
	f.Fuzz(func(t *testing.T, body, secret, method string) {
		fields, err := ParseForm([]byte(body))
		if err != nil {
			return
		}
		m, err := ParseMethod(method)
		if err != nil {
			m = Method(method)
		}
		Verify(secret, m, fields)
		Fresh(fields, time.Unix(1461605396, 0), DefaultMaxAge)
		// A signature made over the fields always verifies.
		if secret != "" && err == nil {
			fields.Set(SigParam, Sign(secret, m, fields))
			if !Verify(secret, m, fields) {
				t.Fatalf("own signature of %v refused", fields)
			}
		}
	})
}

func FuzzSplitNetworkCode(f *testing.F) {
	for _, s := range []string{"23410", "310260", "", "2341x", "999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mcc, mnc := SplitNetworkCode(s)
		if mcc != "" && (len(mcc) != 3 || len(mnc) < 2 || len(mnc) > 3) {
			t.Fatalf("SplitNetworkCode(%q) = %q %q", s, mcc, mnc)
		}
		if _, ok := ParseSCTS(s); ok && len(s) != 10 {
			t.Fatalf("ParseSCTS accepted %q", s)
		}
		ParseMessageTimestamp(s)
	})
}
