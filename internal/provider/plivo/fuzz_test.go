package plivo

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

var formSeeds = []string{
	statusForm, inboundForm, "", "=", "&&&", "a=%zz", "a=1;b=2",
	"MessageUUID=" + testUUID + "&Status=%00",
	"MessageUUID=" + partUUID + "&ParentMessageUUID=" + testUUID + "&PartInfo=2+of+2&Status=undelivered&ErrorCode=80",
	"MessageUUID=x&ParentMessageUUID=%FF&PartInfo=9999999999+of+1&Status=sent&Units=-1&TotalAmount=NaN&MCC=3100",
	"MessageUUID=x&Media1=a&Media2=&Media3=c&DeliveryReportTime=2024-13-45+99%3A99%3A99.1234567890",
}

// parsed holds for every event any parser returns.
var parsed = providertest.Parsed{Provider: Provider, ValidID: validID}

// checkParsed checks what parsed does, and the part an event names.
func checkParsed(t *testing.T, ev *smstrack.EventInput, err error) {
	t.Helper()
	if !parsed.Check(t, ev, err) {
		return
	}
	if ev.Part.ID != "" && (!validID(ev.Part.ID) || ev.Part.Index > ev.Part.Count || ev.Part.Index < 0) {
		t.Fatalf("part %+v", ev.Part)
	}
}

func FuzzParseStatusCallback(f *testing.F) {
	providertest.FuzzForms(f, formSeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseStatusCallback(fields, testAccount, receivedAt)
		checkParsed(t, ev, err)
	})
}

func FuzzParseInbound(f *testing.F) {
	providertest.FuzzForms(f, formSeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseInbound(fields, testAccount, receivedAt)
		checkParsed(t, ev, err)
		if err == nil && (ev.Status != smstrack.StatusReceived || ev.Facts.Direction != smstrack.Inbound) {
			t.Fatalf("inbound event %s/%s", ev.Status, ev.Facts.Direction)
		}
	})
}

func FuzzVerify(f *testing.F) {
	for _, s := range formSeeds {
		f.Add(s, "https://track.example.com/webhooks/plivo/status?account=MA1", "n", "sig1,sig2")
	}
	f.Add("", "://bad", "", "")
	f.Fuzz(func(t *testing.T, body, rawURL, nonce, header string) {
		fields, err := ParseForm([]byte(body))
		if err != nil {
			return
		}
		for _, m := range []string{http.MethodPost, http.MethodGet} {
			Verify(testToken, m, rawURL, nonce, fields, header)
			if sig := Sign(testToken, m, rawURL, nonce, fields); sig != "" && nonce != "" &&
				!Verify(testToken, m, rawURL, nonce, fields, header+","+sig) {
				t.Fatalf("own signature refused for %s %q", m, rawURL)
			}
		}
		ParseTime(nonce)
		ParsePartInfo(header)
	})
}
