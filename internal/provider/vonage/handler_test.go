package vonage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

const testSecret = "vonage-signature-secret"

// now is the handler's clock in these tests; signed webhooks carry it.
var now = time.Unix(1540469430, 0)

func newHarness(t *testing.T, cfg Config) *providertest.Harness {
	return providertest.New(t, now, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.Register(w.Mux)
	})
}

// signed adds timestamp, nonce and sig to form as Vonage does.
func signed(t *testing.T, form string, secret string, m Method, ts time.Time) url.Values {
	t.Helper()
	v := providertest.Form(t, form)
	v.Set("timestamp", strconv.FormatInt(ts.Unix(), 10))
	v.Set("nonce", "9b0c7f1e-5a7e-4d8a-8b57-4a7f6f0c2d11")
	v.Set("sig", Sign(secret, m, v))
	return v
}

func postForm(target string, v url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func postJSON(t *testing.T, target string, v url.Values) *http.Request {
	t.Helper()
	m := map[string]string{}
	for k := range v {
		m[k] = v.Get(k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(b))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func get(target string, v url.Values) *http.Request {
	return httptest.NewRequest(http.MethodGet, target+"?"+v.Encode(), nil)
}

func TestHandler(t *testing.T) {
	signedCfg := Config{Accounts: map[string]Account{testKey: {SignatureSecret: testSecret, Method: HMACSHA256}}}
	unsignedCfg := Config{Accounts: map[string]Account{testKey: {}}}
	sig := func(t *testing.T, form string) url.Values { return signed(t, form, testSecret, HMACSHA256, now) }
	tests := []struct {
		name       string
		cfg        Config
		req        func(t *testing.T) *http.Request
		wantStatus int
		wantEvent  smstrack.Status
		wantField  string // error field, "-" for a success
	}{
		{"signed receipt by POST form", signedCfg,
			func(t *testing.T) *http.Request { return postForm(StatusPath, sig(t, receiptForm)) },
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"signed receipt by GET", signedCfg,
			func(t *testing.T) *http.Request { return get(StatusPath, sig(t, receiptForm)) },
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"signed receipt by POST JSON", signedCfg,
			func(t *testing.T) *http.Request { return postJSON(t, StatusPath, sig(t, receiptForm)) },
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"signed inbound by GET", signedCfg,
			func(t *testing.T) *http.Request { return get(InboundPath, sig(t, inboundForm)) },
			http.StatusOK, smstrack.StatusReceived, "-"},
		{"signed inbound by POST JSON", signedCfg,
			func(t *testing.T) *http.Request { return postJSON(t, InboundPath, sig(t, inboundForm)) },
			http.StatusOK, smstrack.StatusReceived, "-"},
		{"md5hash account", Config{Accounts: map[string]Account{testKey: {SignatureSecret: testSecret, Method: MD5Hash}}},
			func(t *testing.T) *http.Request {
				return postForm(StatusPath, signed(t, receiptForm, testSecret, MD5Hash, now))
			},
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"unsigned account", unsignedCfg,
			func(t *testing.T) *http.Request { return postForm(StatusPath, providertest.Form(t, receiptForm)) },
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"unknown status is stored without one", unsignedCfg,
			func(t *testing.T) *http.Request {
				return get(StatusPath, providertest.With(t, receiptForm, map[string]string{"status": "unknown"}))
			},
			http.StatusOK, "", "-"},
		{"no api-key with one account", unsignedCfg,
			func(t *testing.T) *http.Request {
				return get(StatusPath, providertest.With(t, receiptForm, map[string]string{"api-key": "-"}))
			},
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"skip verification, any account", Config{SkipVerification: true},
			func(t *testing.T) *http.Request { return get(StatusPath, providertest.Form(t, receiptForm)) },
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"skip verification ignores a bad sig", Config{Accounts: signedCfg.Accounts, SkipVerification: true},
			func(t *testing.T) *http.Request {
				return get(StatusPath, providertest.With(t, receiptForm, map[string]string{"sig": "00"}))
			},
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"missing sig", signedCfg,
			func(t *testing.T) *http.Request { return postForm(StatusPath, providertest.Form(t, receiptForm)) },
			http.StatusForbidden, "", "sig"},
		{"wrong secret", signedCfg,
			func(t *testing.T) *http.Request {
				return postForm(StatusPath, signed(t, receiptForm, "not-the-secret", HMACSHA256, now))
			},
			http.StatusForbidden, "", "sig"},
		{"changed after signing", signedCfg,
			func(t *testing.T) *http.Request {
				v := sig(t, receiptForm)
				v.Set("status", "failed")
				return postForm(StatusPath, v)
			},
			http.StatusForbidden, "", "sig"},
		{"replayed after six minutes", signedCfg,
			func(t *testing.T) *http.Request {
				return postForm(StatusPath, signed(t, receiptForm, testSecret, HMACSHA256, now.Add(-6*time.Minute)))
			},
			http.StatusForbidden, "", "timestamp"},
		{"timestamp from the future", signedCfg,
			func(t *testing.T) *http.Request {
				return postForm(StatusPath, signed(t, receiptForm, testSecret, HMACSHA256, now.Add(6*time.Minute)))
			},
			http.StatusForbidden, "", "timestamp"},
		{"four minutes old is fine", signedCfg,
			func(t *testing.T) *http.Request {
				return postForm(StatusPath, signed(t, receiptForm, testSecret, HMACSHA256, now.Add(-4*time.Minute)))
			},
			http.StatusOK, smstrack.StatusDelivered, "-"},
		{"account not configured", signedCfg,
			func(t *testing.T) *http.Request {
				return get(StatusPath, providertest.With(t, receiptForm, map[string]string{"api-key": "ffff9999"}))
			},
			http.StatusForbidden, "", "api-key"},
		{"nothing configured", Config{},
			func(t *testing.T) *http.Request { return get(StatusPath, providertest.Form(t, receiptForm)) },
			http.StatusForbidden, "", "api-key"},
		{"no api-key with several accounts", Config{Accounts: map[string]Account{testKey: {}, "ffff9999": {}}},
			func(t *testing.T) *http.Request {
				return get(StatusPath, providertest.With(t, receiptForm, map[string]string{"api-key": "-"}))
			},
			http.StatusBadRequest, "", "api-key"},
		{"unknown status word", unsignedCfg,
			func(t *testing.T) *http.Request {
				return get(StatusPath, providertest.With(t, receiptForm, map[string]string{"status": "lost"}))
			},
			http.StatusBadRequest, "", "status"},
		{"no messageId", unsignedCfg,
			func(t *testing.T) *http.Request {
				return postForm(InboundPath, providertest.With(t, inboundForm, map[string]string{"messageId": "-"}))
			},
			http.StatusBadRequest, "", "messageId"},
		{"malformed form", unsignedCfg,
			func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, StatusPath, strings.NewReader("a=%zz"))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return r
			},
			http.StatusBadRequest, "", ""},
		{"malformed JSON", unsignedCfg,
			func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, StatusPath, strings.NewReader(`{"messageId":`))
				r.Header.Set("Content-Type", "application/json")
				return r
			},
			http.StatusBadRequest, "", ""},
		{"unsupported content type", unsignedCfg,
			func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, StatusPath, strings.NewReader(`<xml/>`))
				r.Header.Set("Content-Type", "text/xml")
				return r
			},
			http.StatusBadRequest, "", "Content-Type"},
		{"oversized body", unsignedCfg,
			func(t *testing.T) *http.Request {
				return postForm(StatusPath, providertest.With(t, receiptForm, map[string]string{"pad": strings.Repeat("x", 65<<10)}))
			},
			http.StatusBadRequest, "", ""},
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
				if len(evs) != 1 || evs[0].Status != tt.wantEvent || evs[0].Provider != Provider {
					t.Fatalf("stored %+v, want one %q event", evs, tt.wantEvent)
				}
				if len(recs) != 0 {
					t.Errorf("recorded a rejection %+v for a success", recs)
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
			if len(recs) != 1 || recs[0].Reason == "" {
				t.Errorf("recorded %+v, want one rejection with a reason", recs)
			} else if r := recs[0]; r.Method == http.MethodGet && r.Body == "" {
				t.Errorf("a refused GET was recorded without its query")
			}
			if strings.Contains(w.Body.String(), testSecret) || strings.Contains(h.Logs.String(), testSecret) {
				t.Error("the signature secret leaked into the answer or the log")
			}
		})
	}
}

func TestHandlerIngestFailure(t *testing.T) {
	providertest.CheckStoreFailures(t,
		func() *providertest.Harness { return newHarness(t, Config{Accounts: map[string]Account{testKey: {}}}) },
		func() *http.Request { return get(StatusPath, providertest.Form(t, receiptForm)) },
		providertest.StoreFailure{Name: "store down", Err: errors.New("disk full"), Status: http.StatusInternalServerError},
		providertest.StoreFailure{Name: "store gave up", Err: context.DeadlineExceeded, Status: http.StatusServiceUnavailable})
}

func TestHandlerWarnsWhenSkipping(t *testing.T) {
	h := newHarness(t, Config{SkipVerification: true})
	h.Do(get(StatusPath, providertest.Form(t, receiptForm)))
	if !strings.Contains(h.Logs.String(), "level=WARN") {
		t.Errorf("no warning logged with verification off:\n%s", h.Logs)
	}
}
