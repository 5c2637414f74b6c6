package twilio

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/smstrack/smstrack"
)

// FeedbackPath is Twilio's Message Feedback resource: an app that already
// calls Twilio's API to report that a recipient confirmed (entered the
// passcode, ...) points the same call at smstrack instead, or as well.
const FeedbackPath = "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Feedback.json"

// FeedbackRoutes lists the routes of the feedback handler, for the OpenAPI test.
var FeedbackRoutes = []string{"POST " + FeedbackPath}

// maxFeedbackBody bounds a feedback request: one short form field.
const maxFeedbackBody = 64 << 10

// FeedbackStore is what the feedback handler needs of the store.
type FeedbackStore interface {
	FindMessage(ctx context.Context, key smstrack.Key) (*smstrack.Message, error)
	RecordAction(ctx context.Context, a smstrack.Action) (*smstrack.Action, error)
}

// FeedbackHandler serves Twilio's Message Feedback API: it authenticates
// the caller as Twilio does, with the AccountSid and its auth token, and
// records the outcome as an action on the message.
type FeedbackHandler struct {
	accounts map[string]string
	store    FeedbackStore
	log      *slog.Logger
	now      func() time.Time
}

// NewFeedbackHandler returns the handler for the accounts (AccountSid ->
// auth token) whose feedback is accepted.
func NewFeedbackHandler(accounts map[string]string, store FeedbackStore, log *slog.Logger) *FeedbackHandler {
	return &FeedbackHandler{accounts: accounts, store: store, log: log.With("provider", Provider), now: time.Now}
}

// Register adds the feedback route to mux.
func (h *FeedbackHandler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+FeedbackPath, h.serve)
}

// feedbackJSON is the feedback resource as Twilio answers it.
type feedbackJSON struct {
	AccountSid  string `json:"account_sid"`
	MessageSid  string `json:"message_sid"`
	Outcome     string `json:"outcome"`
	DateCreated string `json:"date_created"`
	DateUpdated string `json:"date_updated"`
	URI         string `json:"uri"`
}

// restErrorJSON is an error in the shape of Twilio's REST API, which
// Twilio's libraries decode.
type restErrorJSON struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// Twilio's error codes for the answers below, and its RFC 2822 date form.
const (
	codeAuthenticate = 20003
	codeNotFound     = 20404
	codeInvalid      = 20001 // our choice for a bad Outcome; see docs/actions-and-conversions.md
	rfc2822          = "Mon, 02 Jan 2006 15:04:05 -0700"
)

func (h *FeedbackHandler) serve(w http.ResponseWriter, r *http.Request) {
	account, sid := r.PathValue("AccountSid"), r.PathValue("MessageSid")
	if !h.authenticated(r, account) {
		w.Header().Set("WWW-Authenticate", `Basic realm="smstrack"`)
		writeRestError(w, http.StatusUnauthorized, codeAuthenticate, "Authenticate with the AccountSid and its auth token")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFeedbackBody)
	if err := r.ParseForm(); err != nil {
		writeRestError(w, http.StatusBadRequest, codeInvalid, "The request body must be a form of at most 64 KiB")
		return
	}
	outcome := r.PostForm.Get("Outcome")
	var typ smstrack.ActionType
	switch outcome {
	case "", "confirmed":
		// Twilio's libraries treat a missing Outcome as confirmed.
		outcome, typ = "confirmed", smstrack.ActionConfirmed
	case "unconfirmed":
		typ = smstrack.ActionUnconfirmed
	default:
		writeRestError(w, http.StatusBadRequest, codeInvalid, "Outcome must be confirmed or unconfirmed")
		return
	}
	m, err := h.store.FindMessage(r.Context(), smstrack.Key{Provider: Provider, Account: account, ProviderID: sid})
	if smstrack.ErrorCode(err) == smstrack.ENOTFOUND {
		writeRestError(w, http.StatusNotFound, codeNotFound, "The requested resource "+r.URL.Path+" was not found")
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	data, _ := json.Marshal(map[string]string{"outcome": outcome})
	a, err := h.store.RecordAction(r.Context(), smstrack.Action{MessageID: m.ID, Type: typ, At: h.now().UTC(),
		Data: data, Source: smstrack.ActionSourceTwilioFeedback})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	date := a.CreatedAt.UTC().Format(rfc2822)
	writeRestJSON(w, http.StatusCreated, feedbackJSON{AccountSid: account, MessageSid: sid, Outcome: outcome,
		DateCreated: date, DateUpdated: date,
		URI: "/2010-04-01/Accounts/" + url.PathEscape(account) + "/Messages/" + url.PathEscape(sid) + "/Feedback.json"})
}

// authenticated checks HTTP Basic credentials against the path's account:
// the username must be that AccountSid, the password its auth token.
func (h *FeedbackHandler) authenticated(r *http.Request, account string) bool {
	user, pass, ok := r.BasicAuth()
	token, known := h.accounts[account]
	if !ok || !known || token == "" {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(account))
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(token))
	return userOK&passOK == 1
}

func (h *FeedbackHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if smstrack.ErrorCode(err) == smstrack.EINVALID {
		writeRestError(w, http.StatusBadRequest, codeInvalid, smstrack.ErrorMessage(err))
		return
	}
	h.log.Error("feedback failed", "path", r.URL.Path, "err", err)
	writeRestError(w, http.StatusInternalServerError, 20500, "Internal server error")
}

func writeRestError(w http.ResponseWriter, status, code int, msg string) {
	writeRestJSON(w, status, restError(status, code, msg))
}

func restError(status, code int, msg string) restErrorJSON {
	return restErrorJSON{Code: code, Message: msg, MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code), Status: status}
}

// restErrorBody is Twilio's error JSON, for an answer written later.
func restErrorBody(status, code int, msg string) []byte {
	b, _ := json.Marshal(restError(status, code, msg))
	return b
}

func writeRestJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
