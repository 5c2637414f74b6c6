package plivo

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

const (
	testToken    = "plivo-auth-token-0001"
	otherAccount = "SAYYYYYYYYYYYYYYYYYY"
	otherToken   = "plivo-auth-token-0002"
	site         = "https://track.example.com"
)

func newHarness(t *testing.T, cfg Config) *providertest.Harness {
	return providertest.New(t, receivedAt, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.Register(w.Mux)
	})
}

// post builds a form POST to site+target signed with token ("" for none).
func post(target string, form url.Values, token string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, site+target, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		r.Header.Set(NonceHeader, "05429567804466091622")
		r.Header.Set(SignatureHeader, Sign(token, http.MethodPost, site+target, "05429567804466091622", form))
	}
	return r
}

// get builds a GET to site+target with form in the query, signed with token.
func get(target string, form url.Values, token string) *http.Request {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	u := site + target + sep + form.Encode()
	r := httptest.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		r.Header.Set(NonceHeader, "73851937520470227394")
		r.Header.Set(SignatureHeader, Sign(token, http.MethodGet, u, "73851937520470227394", nil))
	}
	return r
}

func TestHandler(t *testing.T) {
	one := Config{Accounts: map[string]string{testAccount: testToken}}
	two := Config{Accounts: map[string]string{testAccount: testToken, otherAccount: otherToken}}
	tests := []struct {
		name        string
		cfg         Config
		req         func(t *testing.T) *http.Request
		wantStatus  int
		wantEvent   smstrack.Status
		wantAccount string
		wantField   string // error field, "-" for a success
	}{
		{"status callback by POST", one,
			func(t *testing.T) *http.Request { return post(StatusPath, providertest.Form(t, statusForm), testToken) },
			http.StatusOK, smstrack.StatusDelivered, testAccount, "-"},
		{"status callback by GET", one,
			func(t *testing.T) *http.Request { return get(StatusPath, providertest.Form(t, statusForm), testToken) },
			http.StatusOK, smstrack.StatusDelivered, testAccount, "-"},
		{"inbound by POST", one,
			func(t *testing.T) *http.Request {
				return post(InboundPath, providertest.Form(t, inboundForm), testToken)
			},
			http.StatusOK, smstrack.StatusReceived, testAccount, "-"},
		{"main-account signature only", one,
			func(t *testing.T) *http.Request {
				r := post(StatusPath, providertest.Form(t, statusForm), testToken)
				r.Header.Set(MainAccountSignatureHeader, r.Header.Get(SignatureHeader))
				r.Header.Del(SignatureHeader)
				return r
			},
			http.StatusOK, smstrack.StatusDelivered, testAccount, "-"},
		{"rotating tokens: several signatures", one,
			func(t *testing.T) *http.Request {
				r := post(StatusPath, providertest.Form(t, statusForm), testToken)
				r.Header.Set(SignatureHeader, "bm90LWl0,"+r.Header.Get(SignatureHeader))
				return r
			},
			http.StatusOK, smstrack.StatusDelivered, testAccount, "-"},
		{"account named in the URL", two,
			func(t *testing.T) *http.Request {
				return post(StatusPath+"?account="+otherAccount, providertest.Form(t, statusForm), otherToken)
			},
			http.StatusOK, smstrack.StatusDelivered, otherAccount, "-"},
		{"account found by its signature", two,
			func(t *testing.T) *http.Request {
				return post(StatusPath, providertest.Form(t, statusForm), otherToken)
			},
			http.StatusOK, smstrack.StatusDelivered, otherAccount, "-"},
		{"GET naming the account", two,
			func(t *testing.T) *http.Request {
				return get(InboundPath+"?account="+testAccount, providertest.Form(t, inboundForm), testToken)
			},
			http.StatusOK, smstrack.StatusReceived, testAccount, "-"},
		{"skip verification, nothing configured", Config{SkipVerification: true},
			func(t *testing.T) *http.Request { return post(StatusPath, providertest.Form(t, statusForm), "") },
			http.StatusOK, smstrack.StatusDelivered, DefaultAccount, "-"},
		{"skip verification, one account", Config{Accounts: one.Accounts, SkipVerification: true},
			func(t *testing.T) *http.Request { return post(StatusPath, providertest.Form(t, statusForm), "") },
			http.StatusOK, smstrack.StatusDelivered, testAccount, "-"},
		{"skip verification, several accounts, none named", Config{Accounts: two.Accounts, SkipVerification: true},
			func(t *testing.T) *http.Request { return post(StatusPath, providertest.Form(t, statusForm), "") },
			http.StatusForbidden, "", "", AccountParam},
		{"signed by another account than named", two,
			func(t *testing.T) *http.Request {
				return post(StatusPath+"?account="+testAccount, providertest.Form(t, statusForm), otherToken)
			},
			http.StatusForbidden, "", "", SignatureHeader},
		{"named account not configured", one,
			func(t *testing.T) *http.Request {
				return post(StatusPath+"?account="+otherAccount, providertest.Form(t, statusForm), otherToken)
			},
			http.StatusForbidden, "", "", AccountParam},
		{"nothing configured", Config{},
			func(t *testing.T) *http.Request { return post(StatusPath, providertest.Form(t, statusForm), testToken) },
			http.StatusForbidden, "", "", AccountParam},
		{"no signature", one,
			func(t *testing.T) *http.Request { return post(StatusPath, providertest.Form(t, statusForm), "") },
			http.StatusForbidden, "", "", SignatureHeader},
		{"no nonce", one,
			func(t *testing.T) *http.Request {
				r := post(StatusPath, providertest.Form(t, statusForm), testToken)
				r.Header.Del(NonceHeader)
				return r
			},
			http.StatusForbidden, "", "", SignatureHeader},
		{"wrong token", one,
			func(t *testing.T) *http.Request {
				return post(StatusPath, providertest.Form(t, statusForm), otherToken)
			},
			http.StatusForbidden, "", "", SignatureHeader},
		{"body changed after signing", one,
			func(t *testing.T) *http.Request {
				r := post(StatusPath, providertest.Form(t, statusForm), testToken)
				body := providertest.With(t, statusForm, map[string]string{"Status": "undelivered"}).Encode()
				r.Body = http.NoBody
				r2 := httptest.NewRequest(http.MethodPost, site+StatusPath, strings.NewReader(body))
				r2.Header = r.Header
				return r2
			},
			http.StatusForbidden, "", "", SignatureHeader},
		{"signed for another path", one,
			func(t *testing.T) *http.Request {
				r := post(InboundPath, providertest.Form(t, statusForm), testToken)
				r2 := post(StatusPath, providertest.Form(t, statusForm), "")
				r2.Header = r.Header
				return r2
			},
			http.StatusForbidden, "", "", SignatureHeader},
		{"malformed account parameter", one,
			func(t *testing.T) *http.Request {
				return post(StatusPath+"?account=a%20b", providertest.Form(t, statusForm), testToken)
			},
			http.StatusBadRequest, "", "", AccountParam},
		{"unknown status word", one,
			func(t *testing.T) *http.Request {
				return post(StatusPath, providertest.With(t, statusForm, map[string]string{"Status": "lost"}), testToken)
			},
			http.StatusBadRequest, "", "", "Status"},
		{"no MessageUUID", one,
			func(t *testing.T) *http.Request {
				return post(InboundPath, providertest.With(t, inboundForm, map[string]string{"MessageUUID": "-"}), testToken)
			},
			http.StatusBadRequest, "", "", "MessageUUID"},
		{"JSON body", one,
			func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, site+StatusPath, strings.NewReader(`{}`))
				r.Header.Set("Content-Type", "application/json")
				return r
			},
			http.StatusBadRequest, "", "", "Content-Type"},
		{"malformed form", one,
			func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, site+StatusPath, strings.NewReader("a=%zz"))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return r
			},
			http.StatusBadRequest, "", "", ""},
		{"oversized body", one,
			func(t *testing.T) *http.Request {
				return post(StatusPath, providertest.With(t, statusForm, map[string]string{"pad": strings.Repeat("x", 65<<10)}), testToken)
			},
			http.StatusBadRequest, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg)
			w := h.Do(tt.req(t))
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d (%s), want %d", w.Code, w.Body, tt.wantStatus)
			}
			evs, recs := h.Ing.Events(), h.Rec.All()
			if tt.wantField == "-" {
				if len(evs) != 1 || evs[0].Status != tt.wantEvent || evs[0].Account != tt.wantAccount {
					t.Fatalf("stored %+v, want one %q event of %s", evs, tt.wantEvent, tt.wantAccount)
				}
				if tt.wantEvent == smstrack.StatusReceived && !strings.Contains(w.Body.String(), "<Response>") {
					t.Errorf("inbound answer %q, want an empty Plivo XML Response", w.Body)
				}
				if _, ok := evs[0].Facts.Tags[AccountParam]; ok {
					t.Error("the account parameter became a fact")
				}
				return
			}
			if len(evs) != 0 {
				t.Errorf("stored %d events for a refused request", len(evs))
			}
			e := providertest.ErrorBody(t, w)
			if tt.wantField != "" && e.Field != tt.wantField {
				t.Errorf("error field %q (%s), want %q", e.Field, e.Error, tt.wantField)
			}
			if len(recs) != 1 {
				t.Errorf("recorded %d rejections, want 1", len(recs))
			}
			if strings.Contains(w.Body.String(), testToken) || strings.Contains(h.Logs.String(), testToken) {
				t.Error("the auth token leaked")
			}
		})
	}
}

func TestHandlerPublicURL(t *testing.T) {
	h := newHarness(t, Config{Accounts: map[string]string{testAccount: testToken}, PublicURL: "https://sms.example.org/"})
	form := providertest.Form(t, statusForm)
	r := httptest.NewRequest(http.MethodPost, "http://10.0.0.5:8080"+StatusPath, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(NonceHeader, "1")
	r.Header.Set(SignatureHeader, Sign(testToken, http.MethodPost, "https://sms.example.org"+StatusPath, "1", form))
	if w := h.Do(r); w.Code != http.StatusOK {
		t.Fatalf("status %d (%s), want 200", w.Code, w.Body)
	}
}

func TestHandlerIngestFailure(t *testing.T) {
	providertest.CheckStoreFailures(t,
		func() *providertest.Harness {
			return newHarness(t, Config{Accounts: map[string]string{testAccount: testToken}})
		},
		func() *http.Request { return post(StatusPath, providertest.Form(t, statusForm), testToken) },
		providertest.StoreFailure{Name: "store down", Err: errors.New("disk full"), Status: http.StatusInternalServerError},
		providertest.StoreFailure{Name: "store gave up", Err: context.Canceled, Status: http.StatusServiceUnavailable})
}
