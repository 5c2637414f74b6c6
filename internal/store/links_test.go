package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/links"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestLinksCreateResolveAndCount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		msg := apply(t, db, callback("SMlink1", smstrack.StatusDelivered, "", at))[0].MessageID

		l, err := db.CreateLink(ctx, links.Link{Code: "AbCdEf1234", URL: "https://example.com/a?b=1", Position: 1, CreatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateLink(ctx, links.Link{Code: "AbCdEf1234", URL: "https://example.com/other", CreatedAt: at}); smstrack.ErrorCode(err) != smstrack.ECONFLICT {
			t.Fatalf("same code again: got %v, want ECONFLICT", err)
		}
		if _, err := db.CreateLink(ctx, links.Link{Code: "ZZZZZZZ999", URL: "https://example.com", MessageID: 999999, CreatedAt: at}); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Fatalf("unknown message: got %v, want ENOTFOUND", err)
		}

		got, err := db.ResolveLink(ctx, "AbCdEf1234")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != l.ID || got.URL != "https://example.com/a?b=1" || got.MessageID != 0 || !got.DeliveredAt.IsZero() {
			t.Fatalf("resolve before attach: got %+v", got)
		}
		if err := db.AttachLinks(ctx, msg, []string{"AbCdEf1234"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AttachLinks(ctx, msg+1000, []string{"AbCdEf1234"}); err != nil {
			t.Fatalf("attach an attached link: %v", err)
		}
		got, err = db.ResolveLink(ctx, "AbCdEf1234")
		if err != nil {
			t.Fatal(err)
		}
		if got.MessageID != msg || !got.DeliveredAt.Equal(at) {
			t.Fatalf("resolve after attach: got message %d delivered %v, want %d %v", got.MessageID, got.DeliveredAt, msg, at)
		}
		if _, err := db.ResolveLink(ctx, "nosuchcode"); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Fatalf("unknown code: got %v, want ENOTFOUND", err)
		}

		visits := []struct {
			v         links.Visit
			wantFirst bool
		}{
			{links.Visit{IPHash: "a", UserAgent: "phone", At: at.Add(time.Minute)}, true},
			{links.Visit{IPHash: "a", UserAgent: "phone", At: at.Add(2 * time.Minute)}, false},
			{links.Visit{IPHash: "b", UserAgent: "phone", At: at.Add(3 * time.Minute)}, true},
			{links.Visit{IPHash: "a", UserAgent: "laptop", At: at.Add(4 * time.Minute)}, true},
			{links.Visit{IPHash: "c", UserAgent: "Slackbot", At: at.Add(time.Second), Preview: true}, false},
			{links.Visit{IPHash: "c", UserAgent: "Slackbot", At: at.Add(time.Second), Preview: true}, false},
		}
		for i, c := range visits {
			c.v.LinkID = l.ID
			first, err := db.RecordVisit(ctx, c.v)
			if err != nil {
				t.Fatal(err)
			}
			if first != c.wantFirst {
				t.Errorf("visit %d: first = %v, want %v", i, first, c.wantFirst)
			}
		}
		if _, err := db.RecordVisit(ctx, links.Visit{LinkID: 424242, At: at}); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("visit of unknown link: got %v, want ENOTFOUND", err)
		}

		st, err := db.LinkStats(ctx, "AbCdEf1234")
		if err != nil {
			t.Fatal(err)
		}
		if st.Clicks != 4 || st.UniqueClicks != 3 || st.Previews != 2 || st.LastClickAt == nil || !st.LastClickAt.Equal(at.Add(4*time.Minute)) {
			t.Errorf("stats: got clicks %d unique %d previews %d last %v, want 4 3 2 %v", st.Clicks, st.UniqueClicks, st.Previews, st.LastClickAt, at.Add(4*time.Minute))
		}
		if _, err := db.LinkStats(ctx, "nosuchcode"); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("stats of unknown code: got %v, want ENOTFOUND", err)
		}

		second, err := db.CreateLink(ctx, links.Link{Code: "second0001", URL: "https://example.org/", MessageID: msg, Position: 2, CreatedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.MessageLinks(ctx, msg)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Code != "AbCdEf1234" || list[1].Code != second.Code || list[0].Clicks != 4 || list[1].Clicks != 0 {
			t.Errorf("message links: got %+v", list)
		}
		if list, err := db.MessageLinks(ctx, msg+1000); err != nil || len(list) != 0 {
			t.Errorf("links of unknown message: got %v, %v; want none", list, err)
		}
	})
}

func TestLinkSaltIsKept(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		a, err := db.LinkSalt(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != 32 {
			t.Fatalf("salt length: got %d, want 32", len(a))
		}
		b, err := db.LinkSalt(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("the salt changed between calls")
		}
		db.Close()
		db = open(t, dsn)
		c, err := db.LinkSalt(context.Background())
		if err != nil || !bytes.Equal(a, c) {
			t.Fatalf("the salt changed across a reopen: %v", err)
		}
	})
}

func TestLinksGoWithTheirMessage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		old := time.Now().Add(-48 * time.Hour)
		msg := apply(t, db, callback("SMold", smstrack.StatusDelivered, "", old))[0].MessageID
		l, err := db.CreateLink(ctx, links.Link{Code: "GoneSoon01", URL: "https://example.com", MessageID: msg, CreatedAt: old})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordVisit(ctx, links.Visit{LinkID: l.ID, At: old, IPHash: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApplyRetention(ctx, time.Now().Add(-24*time.Hour), true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ResolveLink(ctx, "GoneSoon01"); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Fatalf("link of a deleted message: got %v, want ENOTFOUND", err)
		}
	})
}
