package e2e

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// TestConversationsThroughTheBinary: an app's send and Twilio's inbound
// reply from the same number, written differently, thread into one
// conversation; STOP opts the pair out and the next send is flagged; the
// inbound webhook answers with the conversation cookie.
func TestConversationsThroughTheBinary(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServer(t, db)
		var sent struct {
			ID             int64 `json:"id"`
			ConversationID int64 `json:"conversation_id"`
		}
		s.mustCall(t, "POST", "/api/v1/messages", map[string]any{
			"provider": "twilio", "account": accountSid, "provider_id": "SMconv1", "direction": "outbound",
			"from": "+1 415 555 0100", "to": "+44 (0)7400 123456", "body": "Your code is 1234", "status": "sent",
		}, &sent, http.StatusCreated)

		inbound := func(sid, body string) response {
			t.Helper()
			form := url.Values{"AccountSid": {accountSid}, "MessageSid": {sid}, "SmsSid": {sid},
				"From": {"+447400123456"}, "To": {"+14155550100"}, "Body": {body}, "NumSegments": {"1"}}
			res, err := s.postForm(twilio.InboundPath, form, authToken)
			if err != nil || res.status != http.StatusOK {
				t.Fatalf("inbound %s: %v %d %s", sid, err, res.status, res.body)
			}
			return res
		}
		res := inbound("SMconv2", "thanks")
		cookie := (&http.Response{Header: res.header}).Cookies()
		if len(cookie) != 1 || cookie[0].Name != twilio.ConversationCookie || cookie[0].Value != strconv.FormatInt(sent.ConversationID, 10) {
			t.Errorf("inbound cookies %v, want %s=%d", cookie, twilio.ConversationCookie, sent.ConversationID)
		}
		reply := mustFindMessage(t, s, "twilio", "SMconv2")
		if reply.ConversationID != sent.ConversationID || reply.ReplyTo != sent.ID {
			t.Errorf("reply in conversation %d replying to %d; want %d and %d", reply.ConversationID, reply.ReplyTo, sent.ConversationID, sent.ID)
		}

		var list struct {
			Conversations []struct {
				ID          int64  `json:"id"`
				TheirNumber string `json:"their_number"`
				LastMessage struct {
					ProviderID string `json:"provider_id"`
				} `json:"last_message"`
			} `json:"conversations"`
		}
		s.mustCall(t, "GET", "/api/v1/conversations?their_number=%2B44%207400%20123456", nil, &list, http.StatusOK)
		if len(list.Conversations) != 1 || list.Conversations[0].ID != sent.ConversationID || list.Conversations[0].LastMessage.ProviderID != "SMconv2" {
			t.Errorf("conversation list: %+v", list)
		}

		inbound("SMconv3", "STOP")
		var conv struct {
			OptedOut     bool   `json:"opted_out"`
			OptOutReason string `json:"opt_out_reason"`
			Messages     []struct {
				ProviderID string `json:"provider_id"`
				Status     string `json:"status"`
			} `json:"messages"`
		}
		s.mustCall(t, "GET", "/api/v1/conversations/"+strconv.FormatInt(sent.ConversationID, 10), nil, &conv, http.StatusOK)
		if !conv.OptedOut || len(conv.Messages) != 3 || conv.Messages[0].ProviderID != "SMconv1" || conv.Messages[2].Status != "received" {
			t.Errorf("conversation after STOP: %+v", conv)
		}
		var next struct {
			RecipientOptedOut bool `json:"recipient_opted_out"`
		}
		s.mustCall(t, "POST", "/api/v1/messages", map[string]any{
			"provider": "twilio", "account": accountSid, "provider_id": "SMconv4", "direction": "outbound",
			"from": "+14155550100", "to": "07400 123456", "body": "Sale!", "status": "queued",
		}, &next, http.StatusCreated)
		// "07400 123456" is read in the default region (US) and is not the UK number: a new pair.
		if next.RecipientOptedOut {
			t.Errorf("a different pair inherited the opt-out")
		}
		s.mustCall(t, "POST", "/api/v1/messages", map[string]any{
			"provider": "twilio", "account": accountSid, "provider_id": "SMconv5", "direction": "outbound",
			"from": "+14155550100", "to": "+447400123456", "body": "Sale!", "status": "queued",
		}, &next, http.StatusCreated)
		if !next.RecipientOptedOut {
			t.Errorf("a send to the opted-out pair is not flagged")
		}
	})
}
