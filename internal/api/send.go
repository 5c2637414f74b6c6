package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// maxSendBody bounds a send request: a 1,600-character body, ten media
// URLs and the tags fit many times over.
const maxSendBody = 1 << 20

// maxSendMedia is the number of media URLs Twilio accepts on one message.
const maxSendMedia = 10

// Sender creates a message through a provider's API and records it: r
// gives the context and smstrack's own address, form the provider's
// fields, tags what the message is recorded with. It answers the
// provider's status and body; an error means the provider gave none.
type Sender interface {
	Send(r *http.Request, account string, form url.Values, tags map[string]string) (status int, body []byte, err error)
}

// sendRequest is the body of POST /api/v1/send.
type sendRequest struct {
	Provider            string            `json:"provider"`
	Account             string            `json:"account"`
	From                string            `json:"from"`
	MessagingServiceSID string            `json:"messaging_service_sid"`
	To                  string            `json:"to"`
	Body                string            `json:"body"`
	Media               []string          `json:"media"`
	StatusCallback      string            `json:"status_callback"`
	Tags                map[string]string `json:"tags"`
}

// twilioError is the error body of Twilio's REST API.
type twilioError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// twilioErrorFields names the request field a Twilio error code is about.
var twilioErrorFields = map[int]string{
	20003: "account", 20404: "account",
	21211: "to", 21604: "to", 21610: "to", 21612: "to", 21614: "to", 21408: "to",
	21212: "from", 21603: "from", 21606: "from", 21659: "from", 21660: "from",
	21602: "body", 21617: "body",
	21620: "media", 21623: "media",
	21701: "messaging_service_sid", 21703: "messaging_service_sid", 21704: "messaging_service_sid",
	21609: "status_callback",
}

// send sends a message through the provider's API and answers with the
// message as recorded, or with the provider's refusal in our error shape.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxSendBody+1))
	if err != nil {
		writeError(w, smstrack.Errorf(smstrack.EINVALID, "could not read the request body"))
		return
	}
	if len(raw) > maxSendBody {
		writeError(w, smstrack.Errorf(smstrack.ETOOLARGE, "request body is larger than %d bytes", maxSendBody))
		return
	}
	req, form, err := parseSend(raw)
	if err != nil {
		writeError(w, err)
		return
	}
	if s.opts.TwilioSender == nil {
		writeError(w, smstrack.FieldError("provider", "sending through twilio is not configured here"))
		return
	}
	status, body, err := s.opts.TwilioSender.Send(r, req.Account, form, req.Tags)
	if err != nil {
		if smstrack.ErrorCode(err) == smstrack.EINVALID {
			writeError(w, err)
			return
		}
		s.log.Warn("send failed", "provider", req.Provider, "account", req.Account, "err", err)
		webhook.WriteError(w, http.StatusBadGateway, smstrack.Errorf(smstrack.EUNAVAILABLE,
			"twilio did not answer; the message may or may not have been sent"))
		return
	}
	if status/100 != 2 {
		var te twilioError
		_ = json.Unmarshal(body, &te)
		msg := fmt.Sprintf("twilio refused the message with status %d", status)
		if te.Message != "" || te.Code != 0 {
			msg = fmt.Sprintf("twilio: %s (error %d)", te.Message, te.Code)
		}
		webhook.WriteError(w, status, &smstrack.Error{Code: smstrack.EINVALID, Field: twilioErrorFields[te.Code], Message: msg})
		return
	}
	var created struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal(body, &created); err != nil || created.SID == "" {
		s.log.Error("send: unreadable answer from twilio", "account", req.Account, "status", status)
		webhook.WriteError(w, http.StatusBadGateway, smstrack.Errorf(smstrack.EUNAVAILABLE,
			"twilio answered %d without a message sid", status))
		return
	}
	m, err := s.store.FindMessage(r.Context(), smstrack.Key{Provider: req.Provider, Account: req.Account, ProviderID: created.SID})
	if err != nil {
		// Sent but not recorded: say so, with the sid, so the app does not send again.
		s.log.Error("send: message sent but not recorded", "account", req.Account, "sid", created.SID, "err", err)
		writeError(w, smstrack.Errorf(smstrack.EINTERNAL, "twilio accepted message %s but smstrack could not record it", created.SID))
		return
	}
	writeJSON(w, http.StatusCreated, s.toMessageJSON(m, true))
}

// parseSend validates a send request and turns it into Twilio's form.
func parseSend(raw []byte) (*sendRequest, url.Values, error) {
	var req sendRequest
	if err := decodeStrict(raw, &req); err != nil {
		return nil, nil, err
	}
	req.Provider, req.Account = strings.TrimSpace(req.Provider), strings.TrimSpace(req.Account)
	req.From, req.To = strings.TrimSpace(req.From), strings.TrimSpace(req.To)
	req.MessagingServiceSID = strings.TrimSpace(req.MessagingServiceSID)
	switch {
	case req.Provider == "":
		return nil, nil, smstrack.FieldError("provider", "provider is required")
	case req.Provider != "twilio":
		return nil, nil, smstrack.FieldError("provider", "sending through %q is not supported; only twilio is", req.Provider)
	case req.Account == "":
		return nil, nil, smstrack.FieldError("account", "account is required")
	case req.To == "":
		return nil, nil, smstrack.FieldError("to", "to is required")
	case req.From == "" && req.MessagingServiceSID == "":
		return nil, nil, smstrack.FieldError("from", "from or messaging_service_sid is required")
	case req.Body == "" && len(req.Media) == 0:
		return nil, nil, smstrack.FieldError("body", "body or media is required")
	case len(req.Media) > maxSendMedia:
		return nil, nil, smstrack.FieldError("media", "at most %d media URLs", maxSendMedia)
	}
	for i, m := range req.Media {
		if !httpURL(m) {
			return nil, nil, smstrack.FieldError("media["+strconv.Itoa(i)+"]", "media must be absolute http(s) URLs")
		}
	}
	if req.StatusCallback != "" && !httpURL(req.StatusCallback) {
		return nil, nil, smstrack.FieldError("status_callback", "status_callback must be an absolute http(s) URL")
	}
	if _, ok := req.Tags["status_callback"]; ok {
		return nil, nil, smstrack.FieldError("tags.status_callback", "set the status_callback field instead of the tag")
	}
	form := url.Values{"To": {req.To}}
	if req.From != "" {
		form.Set("From", req.From)
	}
	if req.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", req.MessagingServiceSID)
	}
	if req.Body != "" {
		form.Set("Body", req.Body)
	}
	for _, m := range req.Media {
		form.Add("MediaUrl", m)
	}
	if req.StatusCallback != "" {
		form.Set("StatusCallback", req.StatusCallback)
	}
	return &req, form, nil
}

// httpURL reports whether raw is an absolute http or https URL.
func httpURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
