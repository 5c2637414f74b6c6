package smstrack_test

import (
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// step is one event of a rule case: a status, an error code, its arrival
// (seconds after t0) and the carrier's own time (seconds after t0; 0 = none).
type step struct {
	status  smstrack.Status
	err     string
	arrive  int
	carrier int
	applied bool
}

func ev(s step) smstrack.Event {
	e := smstrack.Event{Status: s.status, ErrorCode: s.err, ReceivedAt: t0.Add(time.Duration(s.arrive) * time.Second)}
	if s.carrier != 0 {
		e.ProviderTime = t0.Add(time.Duration(s.carrier) * time.Second)
	}
	return e
}

func TestApplyRules(t *testing.T) {
	S := func(st smstrack.Status, arrive int, applied bool) step {
		return step{status: st, arrive: arrive, applied: applied}
	}
	cases := []struct {
		name       string
		steps      []step
		wantStatus smstrack.Status
		wantErr    string
	}{
		{"forward through every stage", []step{S("accepted", 1, true), S("queued", 2, true), S("sending", 3, true), S("sent", 4, true), S("delivered", 5, true), S("read", 6, true)}, "read", ""},
		{"late sent after delivered is kept out of the status", []step{S("queued", 1, true), S("delivered", 2, true), S("sent", 3, false)}, "delivered", ""},
		{"late queued after sent", []step{S("sent", 1, true), S("queued", 2, false)}, "sent", ""},
		{"same status twice changes nothing", []step{S("sent", 1, true), S("sent", 2, false)}, "sent", ""},
		{"repeat adds a missing error code", []step{S("undelivered", 1, true), {status: "undelivered", err: "30003", arrive: 2, applied: true}}, "undelivered", "30003"},
		{"delivered then read", []step{S("delivered", 1, true), S("read", 2, true)}, "read", ""},
		{"read is never replaced", []step{S("read", 1, true), S("delivered", 2, false), S("undelivered", 3, false)}, "read", ""},
		{"conflicting finals without carrier times: later arrival wins", []step{{status: "undelivered", err: "30003", arrive: 1, applied: true}, S("delivered", 2, true)}, "delivered", ""},
		{"conflicting finals: carrier time decides against arrival", []step{{status: "delivered", arrive: 1, carrier: 50, applied: true}, {status: "undelivered", err: "30005", arrive: 2, carrier: 40, applied: false}}, "delivered", ""},
		{"conflicting finals: later carrier time wins", []step{{status: "undelivered", err: "30005", arrive: 1, carrier: 40, applied: true}, {status: "delivered", arrive: 2, carrier: 50, applied: true}}, "delivered", ""},
		{"one carrier time missing: arrival decides", []step{{status: "delivered", arrive: 1, carrier: 50, applied: true}, {status: "failed", err: "30008", arrive: 2, applied: true}}, "failed", "30008"},
		{"canceled before sending", []step{S("scheduled", 1, true), S("canceled", 2, true)}, "canceled", ""},
		{"canceled after sent is ignored", []step{S("sent", 1, true), S("canceled", 2, false)}, "sent", ""},
		{"partially delivered then delivered", []step{S("sent", 1, true), S("partially_delivered", 2, true), S("delivered", 3, true)}, "delivered", ""},
		{"inbound receiving then received", []step{S("receiving", 1, true), S("received", 2, true)}, "received", ""},
		{"event without status carries facts only", []step{S("queued", 1, true), S("", 2, false)}, "queued", ""},
		{"delivered clears the error of an earlier failure", []step{{status: "undelivered", err: "30003", arrive: 1, applied: true}, S("delivered", 2, true)}, "delivered", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var st smstrack.State
			for i, s := range tc.steps {
				var applied bool
				st, applied = smstrack.Apply(st, ev(s))
				if applied != s.applied {
					t.Errorf("step %d (%s): applied = %v, want %v", i, s.status, applied, s.applied)
				}
			}
			if st.Status != tc.wantStatus || st.ErrorCode != tc.wantErr {
				t.Errorf("got %s/%q, want %s/%q", st.Status, st.ErrorCode, tc.wantStatus, tc.wantErr)
			}
		})
	}
}

func TestStageTimesKeepFirstAndNeverRunBackwards(t *testing.T) {
	var st smstrack.State
	for _, s := range []step{
		{status: "sent", arrive: 5},
		{status: "sent", arrive: 3}, // an earlier report of the same stage wins
		{status: "delivered", arrive: 9},
		{status: "queued", arrive: 20},    // late: clamped to before sent
		{status: "delivered", arrive: 12}, // later duplicate stage: first time kept
	} {
		st, _ = smstrack.Apply(st, ev(s))
	}
	at := func(s smstrack.Status) int { return int(st.Stages.At(s).Sub(t0) / time.Second) }
	if got := at("sent"); got != 3 {
		t.Errorf("sent_at = %d, want 3", got)
	}
	if got := at("delivered"); got != 9 {
		t.Errorf("delivered_at = %d, want 9", got)
	}
	if got := at("queued"); got != 3 {
		t.Errorf("queued_at = %d, want 3 (clamped to sent_at)", got)
	}
	if !st.Stages.At(smstrack.StatusRead).IsZero() {
		t.Errorf("read_at set without a read event")
	}
}

// TestApplyOrderIndependentForDistinctStages checks the promise behind
// "rules of meaning, not of arrival": any arrival order of one forward path
// ends in the same status.
func TestApplyOrderIndependentForDistinctStages(t *testing.T) {
	path := []smstrack.Status{"accepted", "queued", "sending", "sent", "delivered"}
	perms := [][]int{{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 4, 0, 3, 1}, {1, 0, 4, 2, 3}, {3, 1, 4, 0, 2}}
	for _, p := range perms {
		var st smstrack.State
		for i, idx := range p {
			st, _ = smstrack.Apply(st, ev(step{status: path[idx], arrive: i + 1}))
		}
		if st.Status != smstrack.StatusDelivered {
			t.Errorf("order %v: status %s, want delivered", p, st.Status)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for _, s := range smstrack.Statuses {
		got, err := smstrack.ParseStatus(" " + string(s) + " ")
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := smstrack.ParseStatus("deliverd"); smstrack.ErrorCode(err) != smstrack.EINVALID {
		t.Errorf("unknown word: err %v, want invalid", err)
	}
	if got, _ := smstrack.ParseStatus("DELIVERED"); got != smstrack.StatusDelivered {
		t.Errorf("case: got %q", got)
	}
}

func TestMergeFacts(t *testing.T) {
	body := "hi"
	report := "report body"
	m := &smstrack.Message{}
	// A receipt creates the message from what it carries.
	smstrack.Merge(m, smstrack.Facts{From: "+1", To: "+2", Body: &body}, smstrack.SourceWebhook, t0.Add(5*time.Second))
	if m.From != "+1" || *m.Body != "hi" || !m.CreatedAt.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("callback facts: %+v", m)
	}
	// Another callback does not overwrite known facts but an earlier arrival moves created_at back.
	smstrack.Merge(m, smstrack.Facts{From: "+9"}, smstrack.SourceWebhook, t0.Add(2*time.Second))
	if m.From != "+1" || !m.CreatedAt.Equal(t0.Add(2*time.Second)) {
		t.Errorf("second callback: from %q created %v", m.From, m.CreatedAt)
	}
	// The app's report is authoritative.
	smstrack.Merge(m, smstrack.Facts{From: "+3", Body: &report, CreatedAt: t0, Tags: map[string]string{"campaign": "a"}}, smstrack.SourceAPI, t0.Add(9*time.Second))
	if m.From != "+3" || *m.Body != report || !m.CreatedAt.Equal(t0) || m.Tags["campaign"] != "a" || !m.Reported {
		t.Errorf("report: %+v", m)
	}
	// After the report, callbacks neither overwrite facts nor move created_at.
	smstrack.Merge(m, smstrack.Facts{Tags: map[string]string{"campaign": "b"}}, smstrack.SourceWebhook, t0.Add(-time.Hour))
	if m.Tags["campaign"] != "a" || !m.CreatedAt.Equal(t0) {
		t.Errorf("callback after report changed it: tags %v created %v", m.Tags, m.CreatedAt)
	}
}

func TestDedupeKey(t *testing.T) {
	mk := func(status smstrack.Status, payload string) string {
		in := &smstrack.EventInput{Key: smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: "SM1"},
			Event: smstrack.Event{Status: status, Payload: []byte(payload)}}
		in.ComputeDedupeKey()
		return in.DedupeKey
	}
	if mk("sent", `{"a":1}`) != mk("sent", `{"a":1}`) {
		t.Error("same callback gave different keys")
	}
	if mk("sent", `{"a":1}`) == mk("delivered", `{"a":1}`) {
		t.Error("different statuses share a key")
	}
	if mk("sent", `{"a":1}`) == mk("sent", `{"a":2}`) {
		t.Error("different payloads share a key")
	}
}

func TestExplainErrorUnknown(t *testing.T) {
	info := smstrack.ExplainError("nosuchprovider", "99999")
	if info == nil || info.Category != smstrack.CategoryUnknown || info.Code != "99999" {
		t.Errorf("unknown code: %+v", info)
	}
	if smstrack.ExplainError("twilio", "") != nil {
		t.Error("empty code explained")
	}
}

func TestApplyParts(t *testing.T) {
	part := func(id string, idx, count int, st smstrack.Status, code string, arrive int) smstrack.Event {
		return smstrack.Event{Status: st, ErrorCode: code, ReceivedAt: t0.Add(time.Duration(arrive) * time.Second),
			Part: smstrack.PartRef{ID: id, Index: idx, Count: count}}
	}
	cases := []struct {
		name   string
		events []smstrack.Event
		want   smstrack.Status
		code   string
	}{
		{"all parts delivered", []smstrack.Event{part("a", 1, 2, "delivered", "", 1), part("b", 2, 2, "delivered", "", 2)}, "delivered", ""},
		{"one of two delivered", []smstrack.Event{part("a", 1, 2, "delivered", "", 1)}, "partially_delivered", ""},
		{"any part failed fails the message", []smstrack.Event{part("a", 1, 2, "delivered", "", 1), part("b", 2, 2, "failed", "30008", 2)}, "failed", "30008"},
		{"undelivered part", []smstrack.Event{part("a", 1, 2, "undelivered", "30003", 1), part("b", 2, 2, "delivered", "", 2)}, "undelivered", "30003"},
		{"parts in progress take the earliest stage", []smstrack.Event{part("a", 1, 3, "sent", "", 1), part("b", 2, 3, "queued", "", 2)}, "sent", ""},
		{"late part sent after its delivered changes nothing", []smstrack.Event{part("a", 1, 1, "delivered", "", 1), part("a", 1, 1, "sent", "", 2)}, "delivered", ""},
		{"count unknown: the parts seen decide", []smstrack.Event{part("a", 0, 0, "delivered", "", 1), part("b", 0, 0, "delivered", "", 2)}, "delivered", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var st smstrack.State
			for _, e := range tc.events {
				st, _ = smstrack.Apply(st, e)
			}
			if st.Status != tc.want || st.ErrorCode != tc.code {
				t.Errorf("got %s/%q, want %s/%q (parts %+v)", st.Status, st.ErrorCode, tc.want, tc.code, st.Parts)
			}
		})
	}
}
