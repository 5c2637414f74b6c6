package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/phone"
)

// maxActionBody bounds an action report: its data is a few details, not a document.
const maxActionBody = 64 << 10

// Matching an action to a message by number: the newest outbound message
// to that number created within the window before the action, default a
// day, at most a month. The action may be stamped a little before the
// message by the app's clock: clockSkew allows for it.
const (
	defaultActionWindow = 24 * time.Hour
	maxActionWindow     = 31 * 24 * time.Hour
	clockSkew           = time.Minute
)

// actionReport is the body of POST /api/v1/messages/{id}/actions; POST
// /api/v1/actions adds "to" and "within" to name the message by number.
type actionReport struct {
	Type   string          `json:"type"`
	At     *time.Time      `json:"at"`
	Data   json.RawMessage `json:"data"`
	To     string          `json:"to"`
	Within string          `json:"within"`
}

// readActionReport reads and checks a report; byNumber allows to and within.
func readActionReport(r *http.Request, byNumber bool) (actionReport, error) {
	var rep actionReport
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxActionBody+1))
	if err != nil {
		return rep, smstrack.Errorf(smstrack.EINVALID, "could not read the request body")
	}
	if len(raw) > maxActionBody {
		return rep, smstrack.Errorf(smstrack.ETOOLARGE, "request body is larger than %d bytes", maxActionBody)
	}
	if err := decodeStrict(raw, &rep); err != nil {
		return rep, err
	}
	if !byNumber {
		for field, v := range map[string]string{"to": rep.To, "within": rep.Within} {
			if v != "" {
				return rep, smstrack.FieldError(field, "unknown field %q: the message is named by the path", field)
			}
		}
	}
	if len(rep.Data) > 0 && rep.Data[0] != '{' {
		if string(rep.Data) == "null" {
			rep.Data = nil
		} else {
			return rep, smstrack.FieldError("data", "data must be a JSON object")
		}
	}
	return rep, nil
}

// action builds the action a report describes, at now when it names no time.
func (rep actionReport) action(messageID int64, now time.Time) (smstrack.Action, error) {
	typ, err := smstrack.ParseActionType(rep.Type)
	if err != nil {
		return smstrack.Action{}, err
	}
	at := now
	if rep.At != nil {
		at = rep.At.UTC()
	}
	return smstrack.Action{MessageID: messageID, Type: typ, At: at, Data: rep.Data, Source: smstrack.ActionSourceAPI}, nil
}

// recordAction records what a recipient did with the message of the path.
func (s *Server) recordAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "message")
	if !ok {
		return
	}
	rep, err := readActionReport(r, false)
	if err != nil {
		writeError(w, err)
		return
	}
	a, err := rep.action(id, time.Now().UTC())
	if err != nil {
		writeError(w, err)
		return
	}
	s.storeAction(w, r, a)
}

// recordActionByNumber records an action on the newest outbound message to
// a number, for apps that kept no message id: "the user at +1... entered
// the code".
func (s *Server) recordActionByNumber(w http.ResponseWriter, r *http.Request) {
	rep, err := readActionReport(r, true)
	if err != nil {
		writeError(w, err)
		return
	}
	if strings.TrimSpace(rep.To) == "" {
		writeError(w, smstrack.FieldError("to", "to is required: the number the message was sent to"))
		return
	}
	within := defaultActionWindow
	if rep.Within != "" {
		within, err = time.ParseDuration(rep.Within)
		if err != nil || within <= 0 || within > maxActionWindow {
			writeError(w, smstrack.FieldError("within", "within must be a duration such as 30m or 24h, at most %s", maxActionWindow))
			return
		}
	}
	a, err := rep.action(0, time.Now().UTC())
	if err != nil {
		writeError(w, err)
		return
	}
	to := phone.Normalize(strings.TrimSpace(rep.To), s.opts.DefaultRegion)
	list, _, err := s.store.ListMessages(r.Context(), smstrack.MessageFilter{Direction: smstrack.Outbound, To: to,
		CreatedAfter: a.At.Add(-within), CreatedBefore: a.At.Add(clockSkew), Limit: 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(list) == 0 {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "no outbound message to %s in the %s before the action", to, within))
		return
	}
	a.MessageID = list[0].ID
	s.storeAction(w, r, a)
}

func (s *Server) storeAction(w http.ResponseWriter, r *http.Request, a smstrack.Action) {
	out, err := s.store.RecordAction(r.Context(), a)
	s.reply(w, r, http.StatusCreated, out, err)
}

// listActions answers a message's actions, oldest first, with whether and
// when it converted.
func (s *Server) listActions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "message")
	if !ok {
		return
	}
	list, err := s.store.ListActions(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{"actions": list, "converted": false, "converted_at": nil}
	if first, ok := smstrack.FirstConversion(list); ok {
		out["converted"], out["converted_at"] = true, first.At
	}
	writeJSON(w, http.StatusOK, out)
}
