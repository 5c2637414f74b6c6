package aws

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// The SNS message types.
const (
	TypeNotification             = "Notification"
	TypeSubscriptionConfirmation = "SubscriptionConfirmation"
	TypeUnsubscribeConfirmation  = "UnsubscribeConfirmation"
)

// Envelope is an SNS message as SNS posts it to an HTTP(S) endpoint.
type Envelope struct {
	Type             string
	MessageId        string //nolint:revive // SNS's own spelling
	Token            string
	TopicArn         string
	Subject          *string // absent and empty differ in what is signed
	Message          string
	Timestamp        string
	SignatureVersion string
	Signature        string
	SigningCertURL   string
	SubscribeURL     string
	UnsubscribeURL   string
}

// ParseEnvelope decodes an SNS message body.
func ParseEnvelope(body []byte) (*Envelope, error) {
	if !utf8.Valid(body) {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed SNS message: not UTF-8")
	}
	var env Envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed SNS message: %s", shorten(err.Error(), 80))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed SNS message: data after the object")
	}
	switch env.Type {
	case TypeNotification, TypeSubscriptionConfirmation, TypeUnsubscribeConfirmation:
	case "":
		return nil, smstrack.FieldError("Type", "missing SNS message type")
	default:
		return nil, smstrack.FieldError("Type", "unknown SNS message type %q", shorten(env.Type, 40))
	}
	switch {
	case env.MessageId == "":
		return nil, smstrack.FieldError("MessageId", "missing MessageId")
	case env.TopicArn == "":
		return nil, smstrack.FieldError("TopicArn", "missing TopicArn")
	case env.Type != TypeNotification && env.SubscribeURL == "":
		return nil, smstrack.FieldError("SubscribeURL", "missing SubscribeURL")
	}
	return &env, nil
}

// StringToSign is the canonical text SNS signs: for each field it signs,
// in this order, the name, a newline, the value and a newline. A
// notification's Subject is signed only when present.
func (e *Envelope) StringToSign() string {
	var b strings.Builder
	add := func(k, v string) { b.WriteString(k + "\n" + v + "\n") }
	add("Message", e.Message)
	add("MessageId", e.MessageId)
	if e.Type == TypeNotification {
		if e.Subject != nil {
			add("Subject", *e.Subject)
		}
		add("Timestamp", e.Timestamp)
		add("TopicArn", e.TopicArn)
		add("Type", e.Type)
		return b.String()
	}
	add("SubscribeURL", e.SubscribeURL)
	add("Timestamp", e.Timestamp)
	add("Token", e.Token)
	add("TopicArn", e.TopicArn)
	add("Type", e.Type)
	return b.String()
}

// verifier checks SNS signatures, caching signing certificates by URL.
type verifier struct {
	client    *http.Client
	allowHost func(string) bool
	now       func() time.Time

	mu    sync.Mutex
	certs map[string]*x509.Certificate
}

// maxCachedCerts bounds the certificate cache; SNS uses a handful.
const maxCachedCerts = 32

func newVerifier(client *http.Client, allowHost func(string) bool) *verifier {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if allowHost == nil {
		allowHost = IsSNSHost
	}
	return &verifier{client: client, allowHost: allowHost, now: time.Now, certs: map[string]*x509.Certificate{}}
}

// snsURL checks that raw is an https URL on an allowed host.
func (v *verifier) snsURL(raw, field string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Host == "" || !v.allowHost(u.Host) {
		return nil, &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: field,
			Message: field + " " + shorten(raw, 120) + " is not an https URL of Amazon SNS"}
	}
	return u, nil
}

// Verify checks the envelope's signature with the certificate at its
// SigningCertURL.
func (v *verifier) Verify(ctx context.Context, e *Envelope) error {
	forbid := func(field, msg string) error {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: field, Message: msg}
	}
	var h crypto.Hash
	switch e.SignatureVersion {
	case "1":
		h = crypto.SHA1
	case "2":
		h = crypto.SHA256
	default:
		return forbid("SignatureVersion", "unsupported SignatureVersion "+shorten(e.SignatureVersion, 10))
	}
	sig, err := base64.StdEncoding.DecodeString(e.Signature)
	if err != nil || len(sig) == 0 {
		return forbid("Signature", "missing or malformed Signature")
	}
	cert, err := v.cert(ctx, e.SigningCertURL)
	if err != nil {
		return err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return forbid("SigningCertURL", "the signing certificate has no RSA key")
	}
	text := []byte(e.StringToSign())
	var digest []byte
	if h == crypto.SHA1 {
		d := sha1.Sum(text)
		digest = d[:]
	} else {
		d := sha256.Sum256(text)
		digest = d[:]
	}
	if rsa.VerifyPKCS1v15(pub, h, digest, sig) != nil {
		return forbid("Signature", "invalid SNS signature")
	}
	return nil
}

// cert returns the certificate at raw, from the cache or fetched.
func (v *verifier) cert(ctx context.Context, raw string) (*x509.Certificate, error) {
	u, err := v.snsURL(raw, "SigningCertURL")
	if err != nil {
		return nil, err
	}
	key := u.String()
	v.mu.Lock()
	c, ok := v.certs[key]
	v.mu.Unlock()
	if !ok {
		if c, err = v.fetchCert(ctx, key); err != nil {
			return nil, err
		}
		v.mu.Lock()
		if len(v.certs) >= maxCachedCerts {
			clear(v.certs)
		}
		v.certs[key] = c
		v.mu.Unlock()
	}
	if now := v.now(); now.Before(c.NotBefore) || now.After(c.NotAfter) {
		return nil, &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: "SigningCertURL", Message: "the signing certificate is not valid now"}
	}
	return c, nil
}

// maxCert bounds a certificate download.
const maxCert = 64 << 10

func (v *verifier) fetchCert(ctx context.Context, u string) (*x509.Certificate, error) {
	fail := func(format string, args ...any) error {
		// Not the sender's fault, nor a forgery: SNS will retry, and by
		// then the certificate may be reachable.
		return smstrack.Errorf(smstrack.EUNAVAILABLE, "fetching the SNS signing certificate: "+format, args...)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fail("%v", err)
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, fail("%v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fail("status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCert))
	if err != nil {
		return nil, fail("%v", err)
	}
	block, _ := pem.Decode(body)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: "SigningCertURL", Message: "the signing certificate is not a PEM certificate"}
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: "SigningCertURL", Message: fmt.Sprintf("unreadable signing certificate: %s", shorten(err.Error(), 80))}
	}
	return c, nil
}

// confirm visits the SubscribeURL, which is how an endpoint accepts an SNS
// subscription.
func (v *verifier) confirm(ctx context.Context, raw string) error {
	u, err := v.snsURL(raw, "SubscribeURL")
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return smstrack.Errorf(smstrack.EUNAVAILABLE, "confirming the SNS subscription: %v", err)
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return smstrack.Errorf(smstrack.EUNAVAILABLE, "confirming the SNS subscription: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxCert))
	if resp.StatusCode/100 != 2 {
		return smstrack.Errorf(smstrack.EUNAVAILABLE, "confirming the SNS subscription: status %d", resp.StatusCode)
	}
	return nil
}
