package smpp

import (
	"reflect"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

func date(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

// TestParseReceipt runs receipts as SMSCs write them: the SMPP 3.4
// appendix B form and the variants seen in the field.
func TestParseReceipt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Receipt
	}{
		{
			name: "SMPP 3.4 appendix B form",
			in:   "id:0123456789 sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:DELIVRD err:000 text:Your code is 1234",
			want: Receipt{ID: "0123456789", Sub: "001", Dlvrd: "001", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "DELIVRD", Err: "000", Text: "Your code is 1234"},
		},
		{
			name: "12-digit dates with seconds",
			in:   "id:7f3a2b sub:001 dlvrd:001 submit date:260314150912 done date:260314153045 stat:DELIVRD err:000 text:",
			want: Receipt{ID: "7f3a2b", Sub: "001", Dlvrd: "001", SubmitDateText: "260314150912", DoneDateText: "260314153045",
				SubmitDate: date(2026, 3, 14, 15, 9, 12), DoneDate: date(2026, 3, 14, 15, 30, 45), Stat: "DELIVRD", Err: "000"},
		},
		{
			name: "14-digit dates",
			in:   "id:1 submit date:20260314150912 done date:20260314153045 stat:UNDELIV err:027",
			want: Receipt{ID: "1", SubmitDateText: "20260314150912", DoneDateText: "20260314153045",
				SubmitDate: date(2026, 3, 14, 15, 9, 12), DoneDate: date(2026, 3, 14, 15, 30, 45), Stat: "UNDELIV", Err: "027"},
		},
		{
			name: "capitalised keys as some SMSCs write them",
			in:   "id:AB12 sub:001 dlvrd:000 Submit date:2603141509 Done date:2603141530 stat:EXPIRED err:000 Text:hello",
			want: Receipt{ID: "AB12", Sub: "001", Dlvrd: "000", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "EXPIRED", Err: "000", Text: "hello"},
		},
		{
			name: "upper-case keys and lower-case state",
			in:   "ID:55 SUB:001 DLVRD:001 SUBMIT DATE:2603141509 DONE DATE:2603141530 STAT:delivrd ERR:0 TEXT:X",
			want: Receipt{ID: "55", Sub: "001", Dlvrd: "001", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "DELIVRD", Err: "0", Text: "X"},
		},
		{
			name: "extra spaces around colons and between fields",
			in:   "  id : 42   sub: 001  dlvrd :001   submit  date : 2603141509  done date:  2603141530   stat :  DELIVRD  err : 000   text :  hi there  ",
			want: Receipt{ID: "42", Sub: "001", Dlvrd: "001", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "DELIVRD", Err: "000", Text: "hi there"},
		},
		{
			name: "underscored date keys",
			in:   "id:9 submit_date:2603141509 done_date:2603141530 stat:DELIVRD",
			want: Receipt{ID: "9", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "DELIVRD"},
		},
		{
			name: "joined date keys",
			in:   "id:9 submitdate:2603141509 donedate:2603141530 stat:DELIVRD",
			want: Receipt{ID: "9", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "DELIVRD"},
		},
		{
			name: "fields in another order",
			in:   "stat:UNDELIV err:001 id:99 done date:2603141530 sub:001 dlvrd:000 submit date:2603141509 text:abc",
			want: Receipt{ID: "99", Sub: "001", Dlvrd: "000", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "UNDELIV", Err: "001", Text: "abc"},
		},
		{
			name: "text not last, followed by fields not seen yet",
			in:   "id:99 text:Hello world stat:DELIVRD err:000",
			want: Receipt{ID: "99", Text: "Hello world", Stat: "DELIVRD", Err: "000"},
		},
		{
			name: "text with colons and key-like words",
			in:   "id:1 sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:DELIVRD err:000 text:Code: 1234 id: x stat:nope err:9",
			want: Receipt{ID: "1", Sub: "001", Dlvrd: "001", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "DELIVRD", Err: "000", Text: "Code: 1234 id: x stat:nope err:9"},
		},
		{
			name: "text with a URL",
			in:   "id:1 stat:DELIVRD err:000 text:See https://ex.am/p?a=b:c",
			want: Receipt{ID: "1", Stat: "DELIVRD", Err: "000", Text: "See https://ex.am/p?a=b:c"},
		},
		{
			name: "missing dates and counts",
			in:   "id:123 stat:DELIVRD err:000",
			want: Receipt{ID: "123", Stat: "DELIVRD", Err: "000"},
		},
		{
			name: "state only, id in a TLV",
			in:   "stat:DELIVRD",
			want: Receipt{Stat: "DELIVRD"},
		},
		{
			name: "id only",
			in:   "id:abc",
			want: Receipt{ID: "abc"},
		},
		{
			name: "empty values",
			in:   "id:1 sub: dlvrd: submit date: done date: stat:ENROUTE err: text:",
			want: Receipt{ID: "1", Stat: "ENROUTE"},
		},
		{
			name: "invalid date kept as text, time zero",
			in:   "id:1 submit date:2613451509 done date:26031415 stat:DELIVRD",
			want: Receipt{ID: "1", SubmitDateText: "2613451509", DoneDateText: "26031415", Stat: "DELIVRD"},
		},
		{
			name: "vendor extra field",
			in:   "id:1 sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:DELIVRD err:000 mccmnc:310260 text:x",
			want: Receipt{ID: "1", Sub: "001", Dlvrd: "001", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "DELIVRD", Err: "000", Text: "x",
				Extra: map[string]string{"mccmnc": "310260"}},
		},
		{
			name: "hex error",
			in:   "id:1 stat:REJECTD err:0x0B",
			want: Receipt{ID: "1", Stat: "REJECTD", Err: "0x0B"},
		},
		{
			name: "long words for states",
			in:   "id:1 stat:DELIVERED err:0",
			want: Receipt{ID: "1", Stat: "DELIVERED", Err: "0"},
		},
		{
			name: "tabs and newlines between fields",
			in:   "id:1\tsub:001\ndlvrd:001\r\nstat:DELIVRD\terr:000",
			want: Receipt{ID: "1", Sub: "001", Dlvrd: "001", Stat: "DELIVRD", Err: "000"},
		},
		{
			name: "repeated field: first wins",
			in:   "id:1 id:2 stat:DELIVRD stat:UNDELIV",
			want: Receipt{ID: "1", Stat: "DELIVRD"},
		},
		{
			name: "garbage between fields ignored",
			in:   "id:1 junk stat:DELIVRD more junk err:000",
			want: Receipt{ID: "1", Stat: "DELIVRD", Err: "000"},
		},
		{
			name: "UUID id",
			in:   "id:16fd2706-8baf-433b-82eb-8c7fada847da sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:DELIVRD err:000 text:",
			want: Receipt{ID: "16fd2706-8baf-433b-82eb-8c7fada847da", Sub: "001", Dlvrd: "001", SubmitDateText: "2603141509", DoneDateText: "2603141530",
				SubmitDate: date(2026, 3, 14, 15, 9, 0), DoneDate: date(2026, 3, 14, 15, 30, 0), Stat: "DELIVRD", Err: "000"},
		},
		{
			name: "state as message_state number",
			in:   "id:5 stat:2 err:0",
			want: Receipt{ID: "5", Stat: "2", Err: "0"},
		},
		{
			name: "UTF-8 text",
			in:   "id:5 stat:DELIVRD err:000 text:Größe: 5€ — ok",
			want: Receipt{ID: "5", Stat: "DELIVRD", Err: "000", Text: "Größe: 5€ — ok"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReceipt(tt.in, nil)
			if err != nil {
				t.Fatalf("ParseReceipt(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("ParseReceipt(%q)\n got %+v\nwant %+v", tt.in, *got, tt.want)
			}
		})
	}
}

func TestParseReceiptRefuses(t *testing.T) {
	for _, in := range []string{"", "   ", "hello world", "ACK/", "NACK/0x0000000b/Invalid Destination Address", "sub:001 dlvrd:001", "text:hello: world"} {
		r, err := ParseReceipt(in, nil)
		if err == nil {
			t.Errorf("ParseReceipt(%q) = %+v, want an error", in, r)
			continue
		}
		if smstrack.ErrorCode(err) != smstrack.EINVALID {
			t.Errorf("ParseReceipt(%q) error %v, want EINVALID", in, err)
		}
	}
}

func TestParseReceiptLocation(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	r, err := ParseReceipt("id:1 done date:2603141530 stat:DELIVRD", cet)
	if err != nil {
		t.Fatal(err)
	}
	if want := date(2026, 3, 14, 14, 30, 0); !r.DoneDate.Equal(want) || r.DoneDate.Location() != time.UTC {
		t.Errorf("done date = %v, want %v in UTC", r.DoneDate, want)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2603141509", date(2026, 3, 14, 15, 9, 0), true},
		{"260314150959", date(2026, 3, 14, 15, 9, 59), true},
		{"20260314150959", date(2026, 3, 14, 15, 9, 59), true},
		{"9912312359", date(1999, 12, 31, 23, 59, 0), true},
		{"0002290000", date(2000, 2, 29, 0, 0, 0), true},
		{"2302291200", time.Time{}, false}, // 2023 had no 29 February
		{"2613011200", time.Time{}, false},
		{"26031415", time.Time{}, false},
		{"2603141509x", time.Time{}, false},
		{" 2603141509", time.Time{}, false},
		{"", time.Time{}, false},
		{"26031415096", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in, nil)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
