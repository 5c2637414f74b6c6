package smpp

import (
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func TestWordStatus(t *testing.T) {
	tests := []struct {
		word   string
		status smstrack.Status
		canon  string
	}{
		{"DELIVRD", smstrack.StatusDelivered, "DELIVRD"},
		{"delivrd", smstrack.StatusDelivered, "DELIVRD"},
		{"DELIVERED", smstrack.StatusDelivered, "DELIVRD"},
		{"Delivered", smstrack.StatusDelivered, "DELIVRD"},
		{"EXPIRED", smstrack.StatusUndelivered, "EXPIRED"},
		{"DELETED", smstrack.StatusUndelivered, "DELETED"},
		{"UNDELIV", smstrack.StatusUndelivered, "UNDELIV"},
		{"UNDELIVERABLE", smstrack.StatusUndelivered, "UNDELIV"},
		{"UNDELIVERED", smstrack.StatusUndelivered, "UNDELIV"},
		{"ACCEPTD", smstrack.StatusSent, "ACCEPTD"},
		{"ACCEPTED", smstrack.StatusSent, "ACCEPTD"},
		{"UNKNOWN", smstrack.StatusUndelivered, "UNKNOWN"},
		{"REJECTD", smstrack.StatusUndelivered, "REJECTD"},
		{"REJECTED", smstrack.StatusUndelivered, "REJECTD"},
		{"ENROUTE", smstrack.StatusSent, "ENROUTE"},
		{"BUFFERED", smstrack.StatusSent, "ENROUTE"},
		{"SCHEDULED", smstrack.StatusSent, "SCHEDULED"},
		{"SKIPPED", smstrack.StatusUndelivered, "SKIPPED"},
		{"FAILED", smstrack.StatusFailed, "FAILED"},
		{" 2 ", smstrack.StatusDelivered, "DELIVRD"},
		{"1", smstrack.StatusSent, "ENROUTE"},
		{"5", smstrack.StatusUndelivered, "UNDELIV"},
		{"8", smstrack.StatusUndelivered, "REJECTD"},
		{"9", smstrack.StatusUndelivered, "SKIPPED"},
	}
	for _, tt := range tests {
		st, canon, ok := WordStatus(tt.word)
		if !ok || st != tt.status || canon != tt.canon {
			t.Errorf("WordStatus(%q) = %q, %q, %v; want %q, %q", tt.word, st, canon, ok, tt.status, tt.canon)
		}
	}
	for _, w := range []string{"", "OK", "10", "-1", "DELIVRDX", "002"} {
		if st, _, ok := WordStatus(w); ok {
			t.Errorf("WordStatus(%q) = %q, want unknown", w, st)
		}
	}
}

func TestStatusOfEveryState(t *testing.T) {
	for st := StateScheduled; st <= StateSkipped; st++ {
		s, ok := StatusOf(st)
		if !ok || !s.Valid() {
			t.Errorf("StatusOf(%d) = %q, %v", st, s, ok)
		}
		if StateWord(st) == "" {
			t.Errorf("StateWord(%d) is empty", st)
		}
	}
	if _, ok := StatusOf(10); ok {
		t.Error("StatusOf(10) known")
	}
}

func TestNormalizeID(t *testing.T) {
	tests := []struct {
		in   string
		want IDForms
	}{
		{"12345", IDForms{Raw: "12345", Decimal: "74565", Hex: "3039"}},
		{"0A1B2C", IDForms{Raw: "0A1B2C", Decimal: "662316"}},
		{"7f3a2b", IDForms{Raw: "7f3a2b", Decimal: "8337963"}},
		{" 42 ", IDForms{Raw: "42", Decimal: "66", Hex: "2a"}},
		{"16fd2706-8baf-433b-82eb-8c7fada847da", IDForms{Raw: "16fd2706-8baf-433b-82eb-8c7fada847da"}},
		{"", IDForms{}},
		{"12345678901234567890123456789", IDForms{Raw: "12345678901234567890123456789",
			Decimal: "5907679980460342222050878921467785", Hex: "27e41b3246bec9b16e398115"}},
	}
	for _, tt := range tests {
		if got := NormalizeID(tt.in); got != tt.want {
			t.Errorf("NormalizeID(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestIDMatches(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"12345", "12345", true},
		{"12345", "3039", true},    // receipt decimal, submit_sm_resp hex
		{"3039", "12345", true},    // and the other way
		{"0A1B2C", "662316", true}, // hex with letters, decimal
		{"662316", "0a1b2c", true},
		{"00012345", "12345", true},
		{"ABC", "abc", true},
		{"12345", "12346", false},
		{"x", "", false},
		{"uuid-1", "uuid-2", false},
	}
	for _, tt := range tests {
		if got := NormalizeID(tt.a).Matches(tt.b); got != tt.want {
			t.Errorf("NormalizeID(%q).Matches(%q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNetworkErrorCode(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
		ok   bool
	}{
		{[]byte{3, 0, 27}, "GSM:27", true},
		{[]byte{3, 0x01, 0x00}, "GSM:256", true},
		{[]byte{1, 0, 5}, "ANSI-136-ACCESS:5", true},
		{[]byte{2, 0, 5}, "IS-95-ACCESS:5", true},
		{[]byte{4, 0, 5}, "ANSI-136:5", true},
		{[]byte{5, 0, 5}, "IS-95:5", true},
		{[]byte{6, 0, 5}, "ANSI-41:5", true},
		{[]byte{7, 0, 11}, "SMPP:11", true},
		{[]byte{8, 0xff, 0xff}, "MC:65535", true},
		{[]byte{42, 0, 1}, "NET42:1", true},
		{[]byte{3, 0}, "", false},
		{nil, "", false},
		{[]byte{3, 0, 0, 0}, "", false},
	}
	for _, tt := range tests {
		n, ok := ParseNetworkErrorCode(tt.in)
		if ok != tt.ok || ok && n.String() != tt.want {
			t.Errorf("ParseNetworkErrorCode(%v) = %v, %v; want %q, %v", tt.in, n, ok, tt.want, tt.ok)
		}
	}
}

func TestDecode(t *testing.T) {
	full := "id:0123456789 sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:%s err:%s text:hello"
	receipt := func(stat, err string) string {
		return sprintf(full, stat, err)
	}
	tests := []struct {
		name      string
		text      string
		tlv       TLVs
		status    smstrack.Status
		state     string
		errorCode string
		id        string
		done      time.Time
		wantField string // set for a refusal
	}{
		{name: "delivered", text: receipt("DELIVRD", "000"), status: smstrack.StatusDelivered, state: "DELIVRD", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{name: "undeliverable with err", text: receipt("UNDELIV", "027"), status: smstrack.StatusUndelivered, state: "UNDELIV", errorCode: "027", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{name: "expired without err keeps the state as code", text: receipt("EXPIRED", "000"), status: smstrack.StatusUndelivered, state: "EXPIRED", errorCode: "EXPIRED", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{name: "rejected with hex zero err", text: receipt("REJECTD", "0x00"), status: smstrack.StatusUndelivered, state: "REJECTD", errorCode: "REJECTD", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{name: "enroute", text: receipt("ENROUTE", "000"), status: smstrack.StatusSent, state: "ENROUTE", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{name: "accepted", text: receipt("ACCEPTD", "000"), status: smstrack.StatusSent, state: "ACCEPTD", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{name: "deleted", text: receipt("DELETED", "000"), status: smstrack.StatusUndelivered, state: "DELETED", errorCode: "DELETED", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{name: "unknown state word UNKNOWN", text: receipt("UNKNOWN", "000"), status: smstrack.StatusUndelivered, state: "UNKNOWN", errorCode: "UNKNOWN", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{name: "failed word", text: receipt("FAILED", "000"), status: smstrack.StatusFailed, state: "FAILED", errorCode: "FAILED", id: "0123456789", done: date(2026, 3, 14, 15, 30, 0)},
		{
			name: "TLVs win over the text", text: receipt("DELIVRD", "000"),
			tlv:    TLVs{ReceiptedMessageID: "75BCD15", MessageState: StateUndeliverable, NetworkErrorCode: []byte{3, 0, 27}},
			status: smstrack.StatusUndelivered, state: "UNDELIV", errorCode: "GSM:27", id: "75BCD15", done: date(2026, 3, 14, 15, 30, 0),
		},
		{
			name: "TLVs alone", tlv: TLVs{ReceiptedMessageID: "abc", MessageState: StateDelivered},
			status: smstrack.StatusDelivered, state: "DELIVRD", id: "abc",
		},
		{
			name: "TLVs with a zero network error", tlv: TLVs{ReceiptedMessageID: "abc", MessageState: StateExpired, NetworkErrorCode: []byte{3, 0, 0}},
			status: smstrack.StatusUndelivered, state: "EXPIRED", errorCode: "EXPIRED", id: "abc",
		},
		{
			name: "network error with text state", text: "id:1 stat:UNDELIV err:001", tlv: TLVs{NetworkErrorCode: []byte{3, 0, 1}},
			status: smstrack.StatusUndelivered, state: "UNDELIV", errorCode: "GSM:1", id: "1",
		},
		{name: "no receipt at all", text: "", wantField: "id"},
		{name: "no state", text: "id:1 err:000", wantField: "stat"},
		{name: "unknown state", text: "id:1 stat:EXPLODED", wantField: "stat"},
		{name: "unknown message_state", tlv: TLVs{ReceiptedMessageID: "1", MessageState: 12}, wantField: "message_state"},
		{name: "not a receipt", text: "hello", wantField: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Decode(tt.text, tt.tlv, nil)
			if tt.wantField != "" || tt.status == "" {
				if err == nil {
					t.Fatalf("Decode = %+v, want an error", rep)
				}
				if smstrack.ErrorField(err) != tt.wantField || smstrack.ErrorCode(err) != smstrack.EINVALID {
					t.Errorf("error %v: field %q, want %q (EINVALID)", err, smstrack.ErrorField(err), tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != tt.status || rep.State != tt.state || rep.ErrorCode != tt.errorCode || rep.ID.Raw != tt.id || !rep.DoneDate.Equal(tt.done) {
				t.Errorf("Decode = status %q state %q code %q id %q done %v\nwant status %q state %q code %q id %q done %v",
					rep.Status, rep.State, rep.ErrorCode, rep.ID.Raw, rep.DoneDate, tt.status, tt.state, tt.errorCode, tt.id, tt.done)
			}
		})
	}
}

func TestCommandStatus(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0x0000000B", "ESME_RINVDSTADR"},
		{"0x0000000b", "ESME_RINVDSTADR"},
		{"11", "ESME_RINVDSTADR"},
		{"0x58", "ESME_RTHROTTLED"},
		{"esme_rok", "ESME_ROK"},
		{"ESME_RINVNUMDESTS", "ESME_RINVNUMDESTS"},
		{"0x00000401", "0x00000401"},
	}
	for _, tt := range tests {
		if got, ok := ParseCommandStatus(tt.in); !ok || got != tt.want {
			t.Errorf("ParseCommandStatus(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{"", "x", "0xZZ", "-1", "99999999999"} {
		if got, ok := ParseCommandStatus(in); ok {
			t.Errorf("ParseCommandStatus(%q) = %q, want not ok", in, got)
		}
	}
}

func TestCatalog(t *testing.T) {
	for code, info := range catalog {
		providertest.CheckInfo(t, code, info)
	}
	// Every state kept as a code is explained, and names match any case.
	for _, w := range []string{"EXPIRED", "DELETED", "UNDELIV", "UNKNOWN", "REJECTD", "SKIPPED", "FAILED", "gsm:27", "esme_rinvdstadr"} {
		if info, ok := Catalog.Explain(w); !ok || info.Code != w {
			t.Errorf("Explain(%q) = %+v, %v", w, info, ok)
		}
	}
	if _, ok := Catalog.Explain("027"); ok {
		t.Error("vendor err 027 explained; it means different things on different SMSCs")
	}
	// Every named command status except ESME_ROK that a gateway reports
	// for a refused message should be explained or deliberately not.
	if _, ok := Catalog.Explain(CommandStatusName(0x0B)); !ok {
		t.Error("ESME_RINVDSTADR not explained")
	}
}

func TestFailureCode(t *testing.T) {
	tests := []struct {
		status     smstrack.Status
		state, err string
		want       string
	}{
		{smstrack.StatusDelivered, "DELIVRD", "000", ""},
		{smstrack.StatusDelivered, "DELIVRD", "001", ""},
		{smstrack.StatusUndelivered, "UNDELIV", "027", "027"},
		{smstrack.StatusUndelivered, "EXPIRED", "000", "EXPIRED"},
		{smstrack.StatusUndelivered, "EXPIRED", "", "EXPIRED"},
		{smstrack.StatusFailed, "FAILED", " 0x45 ", "0x45"},
		{smstrack.StatusSent, "ENROUTE", "000", ""},
	}
	for _, tt := range tests {
		if got := FailureCode(tt.status, tt.state, tt.err); got != tt.want {
			t.Errorf("FailureCode(%q, %q, %q) = %q, want %q", tt.status, tt.state, tt.err, got, tt.want)
		}
	}
}
