package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

// message is an event creating a message between two numbers.
func message(sid string, dir smstrack.Direction, from, to, body string, at time.Time) *smstrack.EventInput {
	st := smstrack.StatusSent
	if dir == smstrack.Inbound {
		st = smstrack.StatusReceived
	}
	payload, _ := json.Marshal(map[string]string{"sid": sid, "body": body})
	in := &smstrack.EventInput{
		Key:   smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: sid},
		Event: smstrack.Event{Status: st, Source: smstrack.SourceWebhook, ReceivedAt: at, Payload: payload},
		Facts: smstrack.Facts{Direction: dir, From: from, To: to, Body: &body},
	}
	if dir == smstrack.Inbound {
		switch body {
		case "STOP":
			in.Facts.Content.Keyword = "opt_out"
		case "START":
			in.Facts.Content.Keyword = "opt_in"
		}
	}
	in.ComputeDedupeKey()
	return in
}

func TestConversations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		ours, alice, bob := "+14155550100", "+447700900001", "+447700900002"
		r := apply(t, db,
			message("SM1", smstrack.Outbound, ours, alice, "Your code is 1234", t0),
			message("SM2", smstrack.Outbound, ours, bob, "Hello Bob", t0.Add(time.Second)),
		)
		if r[0].ConversationID == 0 || r[0].ConversationID == r[1].ConversationID {
			t.Fatalf("conversations %d and %d: want two different ones", r[0].ConversationID, r[1].ConversationID)
		}
		reply := apply(t, db, message("SM3", smstrack.Inbound, alice, ours, "thanks!", t0.Add(90*time.Second)))[0]
		if reply.ConversationID != r[0].ConversationID {
			t.Errorf("Alice's reply in conversation %d, want %d", reply.ConversationID, r[0].ConversationID)
		}
		in, _ := db.GetMessage(ctx, reply.MessageID)
		out, _ := db.GetMessage(ctx, r[0].MessageID)
		if in.ReplyTo != out.ID || in.ResponseTime == nil || *in.ResponseTime != 90*time.Second {
			t.Errorf("reply: reply_to %d response %v; want %d, 90s", in.ReplyTo, in.ResponseTime, out.ID)
		}
		if out.ResponseTime == nil || *out.ResponseTime != 90*time.Second {
			t.Errorf("outbound's time to first reply = %v, want 90s", out.ResponseTime)
		}

		// Alice opts out: her conversation is marked and the next send to her flagged.
		apply(t, db, message("SM4", smstrack.Inbound, alice, ours, "STOP", t0.Add(time.Hour)))
		c, err := db.GetConversation(ctx, r[0].ConversationID)
		if err != nil || !c.OptedOut || c.OptOutReason != "keyword STOP" || c.Inbound != 2 || c.Outbound != 1 {
			t.Fatalf("after STOP: %+v %v", c, err)
		}
		next := apply(t, db, message("SM5", smstrack.Outbound, ours, alice, "Sale!", t0.Add(2*time.Hour)))[0]
		if m, _ := db.GetMessage(ctx, next.MessageID); !m.RecipientOptedOut {
			t.Errorf("a send to an opted-out pair is not flagged")
		}
		apply(t, db, message("SM6", smstrack.Inbound, alice, ours, "START", t0.Add(3*time.Hour)))
		if c, _ := db.GetConversation(ctx, r[0].ConversationID); c.OptedOut {
			t.Errorf("START did not opt Alice back in")
		}

		// Bob's carrier refuses with 21610: opted out too.
		apply(t, db, callbackTo("SM2", bob, ours, smstrack.StatusUndelivered, "21610", t0.Add(4*time.Hour)))
		if c, _ := db.GetConversation(ctx, r[1].ConversationID); !c.OptedOut || c.OptOutReason != "error 21610" {
			t.Errorf("21610 did not opt Bob out: %+v", c)
		}

		list, _, err := db.ListConversations(ctx, smstrack.ConversationFilter{})
		if err != nil || len(list) != 2 || list[0].ID != r[0].ConversationID {
			t.Errorf("list: %v %+v (want Alice's, with the latest message, first)", err, list)
		}
		yes := true
		if list, _, _ := db.ListConversations(ctx, smstrack.ConversationFilter{OptedOut: &yes}); len(list) != 1 {
			t.Errorf("opted-out filter: %d conversations, want 1", len(list))
		}
		msgs, err := db.ConversationMessages(ctx, r[0].ConversationID, 100)
		if err != nil || len(msgs) != 5 || msgs[0].ProviderID != "SM1" || msgs[4].ProviderID != "SM6" {
			t.Errorf("messages of Alice's conversation: %v, %d", err, len(msgs))
		}
	})
}

func callbackTo(sid, to, from string, st smstrack.Status, code string, at time.Time) *smstrack.EventInput {
	in := callback(sid, st, code, at)
	in.Facts.To, in.Facts.From = to, from
	in.ComputeDedupeKey()
	return in
}
