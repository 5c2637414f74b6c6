package twilio

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

// memStore is a SyncStore in memory that applies the domain's own Merge and
// Apply, enough to see what a sync changes without a database.
type memStore struct {
	mu     sync.Mutex
	msgs   map[smstrack.Key]*smstrack.Message
	seen   map[string]bool
	nextID int64
}

func newMemStore() *memStore {
	return &memStore{msgs: map[smstrack.Key]*smstrack.Message{}, seen: map[string]bool{}}
}

func (s *memStore) FindMessage(_ context.Context, key smstrack.Key) (*smstrack.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.msgs[key]
	if !ok {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "not found")
	}
	c := *m
	return &c, nil
}

func (s *memStore) ApplyEvents(_ context.Context, events []*smstrack.EventInput) ([]smstrack.EventResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]smstrack.EventResult, len(events))
	for i, ev := range events {
		m, ok := s.msgs[ev.Key]
		if !ok {
			s.nextID++
			m = &smstrack.Message{ID: s.nextID, Provider: ev.Provider, Account: ev.Account, ProviderID: ev.ProviderID}
			s.msgs[ev.Key] = m
		}
		out[i].MessageID = m.ID
		dk := ev.Provider + "/" + ev.Account + "/" + ev.ProviderID + "/" + ev.DedupeKey
		if s.seen[dk] {
			out[i].Duplicate, out[i].Status = true, m.Status
			continue
		}
		s.seen[dk] = true
		smstrack.Merge(m, ev.Facts, ev.Source, ev.ReceivedAt)
		m.State, out[i].Applied = smstrack.Apply(m.State, ev.Event)
		m.Status, m.ErrorCode = m.State.Status, m.State.ErrorCode
		out[i].Status = m.Status
	}
	return out, nil
}

func TestResourceEvent(t *testing.T) {
	now := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)
	page, _ := decodePage(t, "page0.json")
	delivered := page[0]
	cases := []struct {
		name    string
		edit    func(f map[string]string)
		check   func(t *testing.T, ev *smstrack.EventInput)
		wantErr string // field named by the error
	}{
		{name: "delivered outbound", check: func(t *testing.T, ev *smstrack.EventInput) {
			want := smstrack.Key{Provider: Provider, Account: testAccount, ProviderID: "SM00000000000000000000000000000001"}
			if ev.Key != want {
				t.Errorf("key %+v, want %+v", ev.Key, want)
			}
			at := time.Date(2025, 3, 4, 10, 15, 2, 0, time.UTC)
			if ev.Status != smstrack.StatusDelivered || ev.Source != smstrack.SourceSync || !ev.ReceivedAt.Equal(at) || !ev.ProviderTime.Equal(at) {
				t.Errorf("event %s %s received %v provider %v", ev.Status, ev.Source, ev.ReceivedAt, ev.ProviderTime)
			}
			f := ev.Facts
			if f.Body == nil || *f.Body != "Your code is 123456" || f.From != "+14155550100" || f.To != "+14155550199" ||
				f.Direction != smstrack.Outbound || f.Segments != 1 || f.Price != "-0.00790" || f.PriceUnit != "USD" ||
				f.ServiceID != "MG0123456789abcdef0123456789abcdef" || !f.CreatedAt.Equal(at) {
				t.Errorf("facts %+v", f)
			}
			if ev.ErrorCode != "" || ev.DedupeKey == "" || !strings.Contains(string(ev.Payload), `"uri":`) {
				t.Errorf("error %q dedupe %q payload %s", ev.ErrorCode, ev.DedupeKey, ev.Payload)
			}
		}},
		{name: "error code as a number", edit: func(f map[string]string) { f["status"], f["error_code"] = "undelivered", "30003" },
			check: func(t *testing.T, ev *smstrack.EventInput) {
				if ev.Status != smstrack.StatusUndelivered || ev.ErrorCode != "30003" {
					t.Errorf("got %s %q", ev.Status, ev.ErrorCode)
				}
			}},
		{name: "inbound", edit: func(f map[string]string) { f["status"], f["direction"] = "received", "inbound" },
			check: func(t *testing.T, ev *smstrack.EventInput) {
				if ev.Facts.Direction != smstrack.Inbound {
					t.Errorf("direction %q", ev.Facts.Direction)
				}
			}},
		{name: "no direction, received", edit: func(f map[string]string) { f["status"] = "received"; delete(f, "direction") },
			check: func(t *testing.T, ev *smstrack.EventInput) {
				if ev.Facts.Direction != smstrack.Inbound {
					t.Errorf("direction %q", ev.Facts.Direction)
				}
			}},
		{name: "no body field: body unknown", edit: func(f map[string]string) { delete(f, "body") },
			check: func(t *testing.T, ev *smstrack.EventInput) {
				if ev.Facts.Body != nil {
					t.Errorf("body %q, want unknown", *ev.Facts.Body)
				}
			}},
		{name: "empty body is known", edit: func(f map[string]string) { f["body"] = "" },
			check: func(t *testing.T, ev *smstrack.EventInput) {
				if ev.Facts.Body == nil || *ev.Facts.Body != "" {
					t.Errorf("body %v, want known empty", ev.Facts.Body)
				}
			}},
		{name: "queued, never sent: dated at creation", edit: func(f map[string]string) {
			f["status"] = "queued"
			delete(f, "date_sent")
			delete(f, "date_updated")
		}, check: func(t *testing.T, ev *smstrack.EventInput) {
			if !ev.ProviderTime.IsZero() || !ev.ReceivedAt.Equal(time.Date(2025, 3, 4, 10, 15, 2, 0, time.UTC)) {
				t.Errorf("provider time %v received %v", ev.ProviderTime, ev.ReceivedAt)
			}
		}},
		{name: "future time clamped to now", edit: func(f map[string]string) { f["date_updated"] = "Wed, 01 Jan 2031 00:00:00 +0000" },
			check: func(t *testing.T, ev *smstrack.EventInput) {
				if !ev.ReceivedAt.Equal(now) {
					t.Errorf("received %v, want now", ev.ReceivedAt)
				}
			}},
		{name: "every status word", check: func(t *testing.T, _ *smstrack.EventInput) {
			for word, want := range statuses {
				m := &MessageResource{Fields: map[string]string{"sid": testSID, "account_sid": testAccount, "status": strings.ToUpper(word)}}
				ev, err := ResourceEvent(m, smstrack.SourceImport, now)
				if err != nil || ev.Status != want || ev.Source != smstrack.SourceImport {
					t.Errorf("%s: %v %v", word, ev, err)
				}
			}
		}},
		{name: "missing sid", edit: func(f map[string]string) { delete(f, "sid") }, wantErr: "sid"},
		{name: "malformed sid", edit: func(f map[string]string) { f["sid"] = "SM/../x" }, wantErr: "sid"},
		{name: "missing account", edit: func(f map[string]string) { f["account_sid"] = " " }, wantErr: "account_sid"},
		{name: "missing status", edit: func(f map[string]string) { delete(f, "status") }, wantErr: "status"},
		{name: "unknown status", edit: func(f map[string]string) { f["status"] = "teleported" }, wantErr: "status"},
		{name: "unknown direction", edit: func(f map[string]string) { f["direction"] = "sideways" }, wantErr: "direction"},
		{name: "bad time", edit: func(f map[string]string) { f["date_sent"] = "yesterday" }, wantErr: "date_sent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := &MessageResource{Fields: map[string]string{}, Payload: delivered.Payload}
			for k, v := range delivered.Fields {
				m.Fields[k] = v
			}
			if tc.edit != nil {
				tc.edit(m.Fields)
			}
			ev, err := ResourceEvent(m, smstrack.SourceSync, now)
			if tc.wantErr != "" {
				if err == nil || smstrack.ErrorField(err) != tc.wantErr || ev != nil {
					t.Fatalf("got %v (field %q), want an error on %s", err, smstrack.ErrorField(err), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, ev)
		})
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2025, 3, 4, 10, 15, 2, 0, time.UTC)
	for _, s := range []string{
		"Tue, 04 Mar 2025 10:15:02 +0000", "Tue, 04 Mar 2025 10:15:02 GMT", "2025-03-04T10:15:02Z",
		"2025-03-04T02:15:02-08:00", "2025-03-04 10:15:02", "2025-03-04T10:15:02", "2025-03-04T10:15:02.000Z",
		"2025-03-04 02:15:02 -0800", "2025-03-04 10:15:02+00:00", "Tue, 4 Mar 2025 10:15:02 +0000",
	} {
		if got, ok := ParseTime(s); !ok || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "yesterday", "2025-13-04", "04/03/2025 10:15"} {
		if _, ok := ParseTime(s); ok {
			t.Errorf("ParseTime(%q): want not ok", s)
		}
	}
}

func decodePage(t *testing.T, name string) ([]*MessageResource, error) {
	t.Helper()
	var out []*MessageResource
	api := newFakeAPI(t)
	err := api.client().ListMessages(context.Background(), ListParams{}, func(p []*MessageResource) error {
		if len(out) == 0 {
			out = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, nil
}

// TestSyncMerges: a message known from callbacks gains its body and
// price; a stale status is reported and corrected; an unknown message is
// reported missing; a second sync finds nothing new.
func TestSyncMerges(t *testing.T) {
	api := newFakeAPI(t)
	st := newMemStore()
	now := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)
	callback := func(sid string, status smstrack.Status) {
		ev := &smstrack.EventInput{Key: smstrack.Key{Provider: Provider, Account: testAccount, ProviderID: sid},
			Event: smstrack.Event{Status: status, Source: smstrack.SourceWebhook, ReceivedAt: now.Add(-14 * time.Hour), Payload: []byte(`{}`)},
			Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+14155550100", To: "+14155550199"}}
		ev.ComputeDedupeKey()
		if _, err := st.ApplyEvents(context.Background(), []*smstrack.EventInput{ev}); err != nil {
			t.Fatal(err)
		}
	}
	callback("SM00000000000000000000000000000001", smstrack.StatusDelivered) // known, no body
	callback("SM00000000000000000000000000000002", smstrack.StatusSent)      // stale: undelivered at Twilio
	prepared := 0
	s := &Syncer{Client: api.client(), Store: st, Now: func() time.Time { return now }, Prepare: func(*smstrack.EventInput) { prepared++ }}
	r, err := s.Sync(context.Background(), ListParams{DateSentAfter: now.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Listed != 5 || prepared != 5 {
		t.Errorf("listed %d, prepared %d; want 5", r.Listed, prepared)
	}
	var missing []string
	for _, m := range r.Missing {
		missing = append(missing, m.Sid[len(m.Sid)-1:])
	}
	if got := strings.Join(missing, ","); got != "3,4,5" {
		t.Errorf("missing %s, want 3,4,5", got)
	}
	if len(r.Stale) != 1 || r.Stale[0].Sid != "SM00000000000000000000000000000002" || r.Stale[0].StoredStatus != smstrack.StatusSent ||
		r.Stale[0].TwilioStatus != "undelivered" || r.Stale[0].Status != smstrack.StatusUndelivered {
		t.Errorf("stale %+v", r.Stale)
	}
	if r.Enriched != 2 || r.Changed != 4 || len(r.Rejected) != 0 {
		t.Errorf("enriched %d changed %d rejected %v; want 2, 4, none", r.Enriched, r.Changed, r.Rejected)
	}
	m, _ := st.FindMessage(context.Background(), smstrack.Key{Provider: Provider, Account: testAccount, ProviderID: "SM00000000000000000000000000000001"})
	if m.Body == nil || *m.Body != "Your code is 123456" || m.Price != "-0.00790" || m.Segments != 1 || m.Status != smstrack.StatusDelivered {
		t.Errorf("enriched message %+v", m)
	}
	m, _ = st.FindMessage(context.Background(), smstrack.Key{Provider: Provider, Account: testAccount, ProviderID: "SM00000000000000000000000000000002"})
	if m.ErrorCode != "30003" {
		t.Errorf("stale message error code %q, want 30003", m.ErrorCode)
	}

	again, err := s.Sync(context.Background(), ListParams{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Unchanged != 5 || len(again.Missing)+len(again.Stale)+again.Changed+again.Enriched != 0 {
		t.Errorf("second sync %+v, want all 5 unchanged", again)
	}
}

// TestSyncRefusesForeignAccount: a listing that holds another account's
// message must not store it under that account.
func TestSyncRefusesForeignAccount(t *testing.T) {
	msg := readTestdata(t, "message.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"messages":[` + string(msg) + `],"next_page_uri":null}`))
	}))
	defer srv.Close()
	c := NewClient("AC0000000000000000000000000000other", testToken)
	c.BaseURL = srv.URL
	st := newMemStore()
	r, err := (&Syncer{Client: c, Store: st}).Sync(context.Background(), ListParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rejected) != 1 || !strings.Contains(r.Rejected[0].Reason, "belongs to "+testAccount) || len(st.msgs) != 0 {
		t.Errorf("rejected %+v, stored %d", r.Rejected, len(st.msgs))
	}
}

func TestFetchMergesOne(t *testing.T) {
	api := newFakeAPI(t)
	st := newMemStore()
	s := &Syncer{Client: api.client(), Store: st}
	res, err := s.Fetch(context.Background(), "SM00000000000000000000000000000001")
	if err != nil || res.Duplicate || res.Status != smstrack.StatusDelivered {
		t.Fatalf("fetch: %+v %v", res, err)
	}
	res, err = s.Fetch(context.Background(), "SM00000000000000000000000000000001")
	if err != nil || !res.Duplicate {
		t.Errorf("second fetch: %+v %v, want a duplicate", res, err)
	}
}

// FuzzMessageResource feeds Message resources as the API might answer them
// through the decoder and the conversion to an event.
func FuzzMessageResource(f *testing.F) {
	for _, name := range []string{"message.json", "error401.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "rest", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"sid":"SM1","account_sid":"AC1","status":"SENT","error_code":30003,"num_segments":"-1","body":null}`)
	f.Add(`{"sid":"SM1","account_sid":"AC1","status":"sent","date_updated":"Mon, 32 Jan 2025 00:00:00 +0000"}`)
	f.Add(`{"sid":["x"],"account_sid":{},"status":1}`)
	now := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := DecodeMessageResource([]byte(raw))
		if err != nil {
			return
		}
		if !json.Valid(m.Payload) {
			t.Fatalf("payload %q", m.Payload)
		}
		ev, err := ResourceEvent(m, smstrack.SourceSync, now)
		if err != nil {
			if ev != nil || smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Fatalf("error %v with event %v", err, ev)
			}
			return
		}
		if !validID(ev.Account) || !validID(ev.ProviderID) || !ev.Status.Valid() || ev.ReceivedAt.After(now) || ev.DedupeKey == "" {
			t.Fatalf("event %+v", ev)
		}
		again, _ := DecodeMessageResource(m.Payload)
		if string(again.Payload) != string(m.Payload) {
			t.Fatalf("payload not canonical: %s vs %s", m.Payload, again.Payload)
		}
	})
}
