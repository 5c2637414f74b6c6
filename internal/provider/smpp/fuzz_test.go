package smpp

import (
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

var receiptSeeds = []string{
	"id:0123456789 sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:DELIVRD err:000 text:Your code is 1234",
	"id:7f3a2b sub:001 dlvrd:001 submit date:260314150912 done date:260314153045 stat:UNDELIV err:027 text:",
	"stat:UNDELIV err:001 id:99 done date:2603141530 text:abc: def id:x",
	"ID : 1  STAT : delivered", "id:", ":", "text:", "id:1 text:a stat:b text:c", "submit date:done date:",
	"\x00id:\xff stat:DELIVRD", "id:1 stat:2", "id:1 stat:99", "id:1\tsub:\n", "id:" + strings.Repeat("9", 80),
}

func FuzzParseReceipt(f *testing.F) {
	for _, s := range receiptSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceipt(s, nil)
		if err != nil {
			if r != nil || smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Fatalf("ParseReceipt(%q) = %+v, %v", s, r, err)
			}
			return
		}
		if r.ID == "" && r.Stat == "" {
			t.Fatalf("ParseReceipt(%q) accepted a receipt without id and stat", s)
		}
		for _, v := range []string{r.ID, r.Stat, r.Err, r.Sub, r.Dlvrd} {
			if strings.ContainsAny(v, " \t\r\n") {
				t.Fatalf("single-word field %q holds a space (from %q)", v, s)
			}
		}
		for _, d := range []time.Time{r.SubmitDate, r.DoneDate} {
			if !d.IsZero() && d.Location() != time.UTC {
				t.Fatalf("date %v not in UTC", d)
			}
		}
		if !strings.Contains(s, r.Text) {
			t.Fatalf("text %q is not part of %q", r.Text, s)
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range receiptSeeds {
		f.Add(s, "", 0, []byte(nil))
	}
	f.Add("", "75BCD15", 5, []byte{3, 0, 27})
	f.Add("stat:DELIVRD", "x", 0, []byte{3})
	f.Add("id:1 stat:DELIVRD", "", 2, []byte{3, 0, 0})
	f.Fuzz(func(t *testing.T, text, receipted string, state int, nec []byte) {
		rep, err := Decode(text, TLVs{ReceiptedMessageID: receipted, MessageState: state, NetworkErrorCode: nec}, nil)
		if err != nil {
			if rep != nil || smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Fatalf("Decode = %+v, %v", rep, err)
			}
			return
		}
		if !rep.Status.Valid() || rep.State == "" || rep.ID.Raw == "" {
			t.Fatalf("Decode = %+v", rep)
		}
		final := rep.Status == smstrack.StatusUndelivered || rep.Status == smstrack.StatusFailed
		if final && rep.ErrorCode == "" {
			t.Fatalf("failure %q without an error code", rep.Status)
		}
		if rep.Status == smstrack.StatusDelivered && rep.ErrorCode == rep.State {
			t.Fatalf("delivered with its state as error code")
		}
	})
}

func FuzzNormalizeID(f *testing.F) {
	for _, s := range []string{"12345", "0A1B2C", "abc", "", "0", "000", "16fd2706-8baf", strings.Repeat("f", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		forms := NormalizeID(s)
		if forms.Raw != "" && !forms.Matches(s) {
			t.Fatalf("%q does not match itself", s)
		}
		if forms.Hex != "" && !forms.Matches(forms.Hex) {
			t.Fatalf("%q does not match its hex form %q", s, forms.Hex)
		}
		if forms.Decimal != "" && len(forms.Decimal) <= maxIDDigits {
			// The decimal form of a hex id matches the hex id as seen
			// from the other side.
			if !NormalizeID(forms.Decimal).Matches(s) {
				t.Fatalf("decimal form %q of %q does not match it", forms.Decimal, s)
			}
		}
	})
}
