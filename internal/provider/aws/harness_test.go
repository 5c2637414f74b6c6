package aws

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/providertest"
)

var receivedAt = time.Date(2026, 3, 14, 15, 31, 0, 0, time.UTC)

const (
	testTopic  = "arn:aws:sns:us-east-1:123456789012:sms-events"
	otherTopic = "arn:aws:sns:us-east-1:210987654321:sms-events"
)

// signer is a stand-in for SNS: an RSA key whose self-signed certificate
// a TLS test server publishes, and which confirms subscriptions.
type signer struct {
	key       *rsa.PrivateKey
	srv       *httptest.Server
	certURL   string
	confirmed atomic.Int32
	certGets  atomic.Int32
}

var (
	signerOnce sync.Once
	signerKey  *rsa.PrivateKey
	signerCert []byte
)

func newSigner(t testing.TB) *signer {
	t.Helper()
	signerOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.amazonaws.com"},
			NotBefore: receivedAt.Add(-24 * time.Hour), NotAfter: receivedAt.Add(365 * 24 * time.Hour),
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			panic(err)
		}
		signerKey, signerCert = k, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	})
	s := &signer{key: signerKey}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/SimpleNotificationService-test.pem":
			s.certGets.Add(1)
			w.Write(signerCert)
		case "/confirm":
			s.confirmed.Add(1)
			w.Write([]byte("<ConfirmSubscriptionResponse/>"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	s.certURL = s.srv.URL + "/SimpleNotificationService-test.pem"
	return s
}

// sign fills SigningCertURL and Signature of e by its SignatureVersion.
func (s *signer) sign(e *Envelope) {
	if e.SigningCertURL == "" {
		e.SigningCertURL = s.certURL
	}
	text := []byte(e.StringToSign())
	var sig []byte
	var err error
	if e.SignatureVersion == "1" {
		d := sha1.Sum(text)
		sig, err = rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA1, d[:])
	} else {
		d := sha256.Sum256(text)
		sig, err = rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, d[:])
	}
	if err != nil {
		panic(err)
	}
	e.Signature = base64.StdEncoding.EncodeToString(sig)
}

// notification is an SNS notification carrying message, signed version 2.
func (s *signer) notification(message string) *Envelope {
	e := &Envelope{
		Type: TypeNotification, MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", TopicArn: testTopic,
		Message: message, Timestamp: "2026-03-14T15:30:59.123Z", SignatureVersion: "2",
		UnsubscribeURL: s.srv.URL + "/unsubscribe",
	}
	s.sign(e)
	return e
}

func (s *signer) confirmation(typ string) *Envelope {
	e := &Envelope{
		Type: typ, MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b", Token: "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
		TopicArn: testTopic, Message: "You have chosen to subscribe to the topic " + testTopic + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: s.srv.URL + "/confirm", Timestamp: "2026-03-14T15:30:00.000Z", SignatureVersion: "1",
	}
	s.sign(e)
	return e
}

func (e *Envelope) body() string {
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// The SMS event record of AWS's "Messaging events" page, as a template.
func eventRecord(eventType string, kv ...string) string {
	m := map[string]any{
		"eventType": eventType, "eventVersion": "1.0", "eventTimestamp": 1773502258470, "isFinal": true,
		"originationPhoneNumber": "+12065550152", "destinationPhoneNumber": "+14255550156", "isoCountryCode": "US",
		"isInternationalSend": false, "mcc": "310", "mnc": "800", "carrierName": "T-Mobile",
		"messageId": "862a8790-60c0-4430-9b2b-658bdexample", "messageRequestTimestamp": 1773502257170,
		"messageEncoding": "GSM", "messageType": "TRANSACTIONAL", "messageStatus": strings.TrimPrefix(eventType, "TEXT_"),
		"messageStatusDescription": "Message has been accepted by phone", "context": map[string]string{"account": "bar"},
		"totalMessageParts": 1, "totalMessagePrice": json.Number("0.00581"), "totalCarrierFee": json.Number("0.00767"),
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<del>" {
			delete(m, kv[i])
		} else {
			m[kv[i]] = kv[i+1]
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

type harness struct {
	*providertest.Harness
	sns *signer
}

// testConfig trusts the signer's TLS server as if it were SNS.
func testConfig(s *signer) Config {
	return Config{
		TopicARNs:  []string{testTopic},
		HTTPClient: s.srv.Client(),
		AllowHost:  func(host string) bool { return host == strings.TrimPrefix(s.srv.URL, "https://") || IsSNSHost(host) },
	}
}

func newHarness(t testing.TB, s *signer, cfg Config) *harness {
	t.Helper()
	return &harness{sns: s, Harness: providertest.New(t, receivedAt, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.ver.now = w.Now
		hd.Register(w.Mux)
	})}
}

// request is an SNS notification as SNS posts it.
func (h *harness) request(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(body))
	r.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	r.Header.Set("x-amz-sns-message-type", "Notification")
	return r
}

func (h *harness) post(body string) *httptest.ResponseRecorder { return h.Do(h.request(body)) }
