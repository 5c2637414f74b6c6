package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/bird"
)

// birdKey is the signing key the server under test knows.
const birdKey = "e2e-bird-signing-key"

// TestEndToEndBird sends MessageBird status reports and Bird Channels
// events, signed and not, to a running server and reads the messages back
// through the JSON API.
func TestEndToEndBird(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		db.flags = append(slices.Clone(db.flags), "--bird-signing-key", birdKey, "--bird-account", "e2e-bird")
		s := startServer(t, db)

		t.Run("status reports", func(t *testing.T) {
			id := "e2e0bird0report00000000000000001"
			s.birdMustGet(t, birdReport(id, "delivered", ""))
			s.birdMustGet(t, birdReport(id, "sent", ""))
			m := mustFindMessage(t, s, "bird", id+":31612345678")
			if m.Status != "delivered" || m.Account != "e2e-bird" || m.To != "+31612345678" {
				t.Errorf("message = %s %s to %s, want delivered on e2e-bird to +31612345678", m.Status, m.Account, m.To)
			}
			if got := m.statuses(); !slices.Equal(got, []string{"delivered", "sent"}) {
				t.Errorf("timeline %v, want [delivered sent]", got)
			}
		})

		t.Run("failed with an error code", func(t *testing.T) {
			id := "e2e0bird0report00000000000000002"
			s.birdMustGet(t, birdReport(id, "delivery_failed", "27"))
			m := mustFindMessage(t, s, "bird", id+":31612345678")
			if m.Status != "undelivered" || m.ErrorCode != "27" || m.Error == nil || m.Error.Category != "handset_unreachable" {
				t.Errorf("message = %s %q %+v, want undelivered 27 handset_unreachable", m.Status, m.ErrorCode, m.Error)
			}
		})

		t.Run("inbound channel event", func(t *testing.T) {
			id := "e2e0bird-0000-4000-8000-000000000003"
			body := fmt.Sprintf(`{"service":"channels","event":"sms.inbound","payload":{"id":%q,"channelId":"e2e-channel",`+
				`"sender":{"contact":{"identifierKey":"phonenumber","identifierValue":"+31612345678"}},"receiver":{"connector":{"identifierValue":"+31970102030"}},`+
				`"body":{"type":"text","text":{"text":"Hello from a handset"}},"status":"delivered","direction":"incoming","lastStatusAt":"2026-03-14T15:09:02Z"}}`, id)
			for range 2 {
				r := s.birdEventRequest(body, birdKey, time.Now())
				res, err := s.do(r)
				if err != nil || res.status != http.StatusOK {
					t.Fatalf("inbound event: %v status %d (%s), want 200", err, res.status, res.body)
				}
			}
			m := mustFindMessage(t, s, "bird", id)
			if m.Status != "received" || m.Account != "e2e-channel" || m.Body == nil || *m.Body != "Hello from a handset" || len(m.Events) != 1 {
				t.Errorf("message = %s on %s body %v, %d events; want received on e2e-channel with its body, 1 event", m.Status, m.Account, m.Body, len(m.Events))
			}
		})

		t.Run("refused", func(t *testing.T) {
			id := "e2e0bird0report00000000000000004"
			query := birdReport(id, "delivered", "")
			s.checkForbidden(t, "bird", id+":31612345678", map[string]*http.Request{
				"wrong key": s.birdReportRequest(query, "not-the-key", time.Now()),
				"expired":   s.birdReportRequest(query, birdKey, time.Now().Add(-time.Hour)),
				"unsigned": func() *http.Request {
					r := s.birdReportRequest(query, birdKey, time.Now())
					r.Header.Del(bird.JWTHeader)
					return r
				}(),
				"query changed": func() *http.Request {
					r := s.birdReportRequest(query, birdKey, time.Now())
					r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "delivered", "expired", 1)
					return r
				}(),
			})
		})
	})
}

func birdReport(id, status, code string) string {
	q := url.Values{"id": {id}, "reference": {"e2e"}, "recipient": {"31612345678"}, "status": {status},
		"statusDatetime": {"2026-03-14T15:09:00+00:00"}, "mccmnc": {"20408"}, "ported": {"0"},
		"price[amount]": {"0.07"}, "price[currency]": {"EUR"}}
	if code != "" {
		q.Set("statusErrorCode", code)
		q.Set("statusReason", "absent subscriber")
	}
	return q.Encode()
}

// birdReportRequest is a status report by GET, with a JWT signed by key at
// issued over the URL the server is called at.
func (s *server) birdReportRequest(query, key string, issued time.Time) *http.Request {
	u := s.base + bird.StatusPath + "?" + query
	r, _ := http.NewRequest(http.MethodGet, u, nil)
	r.Header.Set(bird.JWTHeader, bird.SignJWT(key, u, nil, issued, fmt.Sprint(issued.UnixNano())))
	return r
}

func (s *server) birdEventRequest(body, key string, issued time.Time) *http.Request {
	u := s.base + bird.EventsPath
	r, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(bird.JWTHeader, bird.SignJWT(key, u, []byte(body), issued, fmt.Sprint(issued.UnixNano())))
	return r
}

func (s *server) birdMustGet(t *testing.T, query string) {
	t.Helper()
	res, err := s.do(s.birdReportRequest(query, birdKey, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusOK {
		t.Fatalf("Bird status report: status %d (%s), want 200", res.status, res.body)
	}
}
