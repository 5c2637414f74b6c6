package e2e

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/provider/twilio"
	"github.com/smstrack/smstrack/internal/testdb"
)

// The Twilio account the servers under test accept, and one they do not.
const (
	accountSid   = "AC0e2e00000000000000000000000000a1"
	authToken    = "e2e-twilio-auth-token-a1"
	strangerSid  = "AC0e2e00000000000000000000000000ff"
	strangerAuth = "e2e-twilio-auth-token-ff"
)

// startTimeout bounds how long a server may take to log its address.
const startTimeout = 20 * time.Second

// database is a fresh database for one test, with the flags that point
// smstrack at it and an API key created by `smstrack apikey create`.
type database struct {
	kind  string
	flags []string
	key   string
}

// eachDatabase runs fn as a subtest on a fresh database of every kind;
// the PostgreSQL case skips when SMSTRACK_TEST_POSTGRES is unset.
func eachDatabase(t *testing.T, fn func(t *testing.T, db database)) {
	t.Helper()
	for _, kind := range testdb.Kinds {
		t.Run(kind, func(t *testing.T) { fn(t, newDatabase(t, kind)) })
	}
}

// newDatabase makes a fresh database of kind and creates an API key in it.
func newDatabase(t *testing.T, kind string) database {
	t.Helper()
	dsn := testdb.DSN(t, kind)
	db := database{kind: kind, flags: []string{"--db", dsn}}
	if kind == "sqlite" {
		// testdb names the file smstrack.db in a fresh directory, which is
		// exactly what --data DIR opens.
		db.flags = []string{"--data", filepath.Dir(dsn)}
	}
	db.key = createAPIKey(t, db)
	return db
}

// createAPIKey runs `smstrack apikey create` and returns the key, the last
// line of its output.
func createAPIKey(t *testing.T, db database) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"apikey", "create", "--name", "e2e"}, db.flags...)...)
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("smstrack apikey create: %v\nstderr:\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	key := strings.TrimSpace(lines[len(lines)-1])
	if !strings.HasPrefix(key, "smst_") {
		t.Fatalf("smstrack apikey create printed %q as its last line, want a key starting smst_", key)
	}
	return key
}

// childEnv is the environment of a smstrack process: the test's own,
// without any SMSTRACK_* setting that could point it elsewhere, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SMSTRACK_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// server is one running `smstrack serve` process.
type server struct {
	cmd    *exec.Cmd
	addr   string // host:port it listens on
	base   string // http://addr
	key    string // API key
	logs   *logWriter
	client *http.Client
	done   chan struct{} // closed once the process has exited
	exit   error         // the result of cmd.Wait, set before done closes
}

var listeningLine = regexp.MustCompile(`msg="smstrack listening".* addr=(\S+)`)

// twilioAccountsEnv configures the Twilio account the servers accept.
const twilioAccountsEnv = "SMSTRACK_TWILIO_ACCOUNTS=" + accountSid + ":" + authToken

// startServer starts `smstrack serve` on db with the Twilio account
// configured; see startServerEnv.
func startServer(t *testing.T, db database) *server {
	t.Helper()
	return startServerEnv(t, db, twilioAccountsEnv)
}

// startServerEnv starts `smstrack serve` on db with env as its only
// settings besides the log level, and waits for it to log the address it
// listens on. The process is killed when the test ends.
func startServerEnv(t *testing.T, db database, env ...string) *server {
	t.Helper()
	listening := make(chan string, 1)
	logs := &logWriter{onLine: func(line string) {
		if m := listeningLine.FindStringSubmatch(line); m != nil {
			select {
			case listening <- m[1]:
			default:
			}
		}
	}}
	args := append([]string{"serve", "--addr", "127.0.0.1:0"}, db.flags...)
	cmd := exec.Command(binary, args...)
	cmd.Env = childEnv(append([]string{"SMSTRACK_LOG_LEVEL=info"}, env...)...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting smstrack serve: %v", err)
	}
	s := &server{cmd: cmd, key: db.key, logs: logs, done: make(chan struct{}),
		client: &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	go func() {
		s.exit = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.kill()
		s.client.CloseIdleConnections()
		if t.Failed() {
			t.Logf("log of smstrack serve on %s:\n%s", s.addr, logs.tail(16<<10))
		}
	})

	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case s.addr = <-listening:
	case <-s.done:
		t.Fatalf("smstrack serve exited before listening: %v\n%s", s.exit, logs.tail(8<<10))
	case <-timer.C:
		t.Fatalf("smstrack serve did not log its address within %v\n%s", startTimeout, logs.tail(8<<10))
	}
	s.base = "http://" + s.addr
	return s
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (s *server) kill() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Kill()
	<-s.done
}

// terminate sends SIGTERM and waits up to timeout for the process to exit,
// returning its exit code.
func (s *server) terminate(t *testing.T, timeout time.Duration) int {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	return s.wait(t, timeout)
}

// wait waits up to timeout for the process to exit and returns its exit code.
func (s *server) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-s.done:
	case <-timer.C:
		t.Fatalf("smstrack serve did not exit within %v", timeout)
	}
	return s.cmd.ProcessState.ExitCode()
}

// logWriter keeps a process's output and calls onLine for each whole line.
type logWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	partial []byte
	onLine  func(string)
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		if w.onLine != nil {
			w.onLine(string(w.partial[:i]))
		}
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// tail is the last n bytes of the output, enough to read a failure by.
func (w *logWriter) tail(n int) string {
	s := w.String()
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// callback is one Twilio message status callback.
type callback struct {
	Sid       string
	Status    string
	ErrorCode string
	DoneDate  string // RawDlrDoneDate, YYMMDDhhmm in UTC
	Account   string // accountSid when empty
}

// form is the callback as Twilio posts it.
func (c callback) form() url.Values {
	f := url.Values{
		"AccountSid":    {cmp.Or(c.Account, accountSid)},
		"ApiVersion":    {"2010-04-01"},
		"MessageSid":    {c.Sid},
		"SmsSid":        {c.Sid},
		"MessageStatus": {c.Status},
		"SmsStatus":     {c.Status},
		"From":          {"+15005550006"},
		"To":            {"+14155552671"},
	}
	if c.ErrorCode != "" {
		f.Set("ErrorCode", c.ErrorCode)
	}
	if c.DoneDate != "" {
		f.Set("RawDlrDoneDate", c.DoneDate)
	}
	return f
}

// response is what came back from one request.
type response struct {
	status int
	header http.Header
	body   []byte
}

// postForm posts form to path, signed with token when it is not empty.
func (s *server) postForm(path string, form url.Values, token string) (response, error) {
	return s.postBody(path, s.base+path, form, form.Encode(), token)
}

// postBody posts body as a form to path with a signature by token over
// signedURL and signed: a way to send what Twilio would never sign.
func (s *server) postBody(path, signedURL string, signed url.Values, body, token string) (response, error) {
	req, err := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(body))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set(twilio.SignatureHeader, twilio.Sign(token, signedURL, signed))
	}
	return s.do(req)
}

// sendCallback posts a status callback signed with the account's token.
func (s *server) sendCallback(c callback) (response, error) {
	return s.postForm(twilio.StatusPath, c.form(), authToken)
}

// mustSend posts a status callback and requires a 204.
func (s *server) mustSend(t *testing.T, c callback) {
	t.Helper()
	res, err := s.sendCallback(c)
	if err != nil {
		t.Fatalf("callback %s %s: %v", c.Sid, c.Status, err)
	}
	if res.status != http.StatusNoContent {
		t.Fatalf("callback %s %s: status %d (%s), want 204", c.Sid, c.Status, res.status, res.body)
	}
}

func (s *server) do(req *http.Request) (response, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// call sends an API request with the server's key, in as its JSON body
// when not nil, and decodes a 2xx JSON answer into out when not nil.
func (s *server) call(method, path string, in, out any) (response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return response{}, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, body)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+s.key)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.do(req)
	if err != nil {
		return res, err
	}
	if out != nil && res.status/100 == 2 {
		if err := json.Unmarshal(res.body, out); err != nil {
			return res, fmt.Errorf("%s %s: decoding %s: %w", method, path, res.body, err)
		}
	}
	return res, nil
}

// mustCall is call that requires the status want.
func (s *server) mustCall(t *testing.T, method, path string, in, out any, want int) {
	t.Helper()
	res, err := s.call(method, path, in, out)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if res.status != want {
		t.Fatalf("%s %s: status %d (%s), want %d", method, path, res.status, res.body, want)
	}
}

// apiMessage is the part of the API's message the tests read.
type apiMessage struct {
	ID             int64             `json:"id"`
	ConversationID int64             `json:"conversation_id"`
	ReplyTo        int64             `json:"reply_to"`
	Provider       string            `json:"provider"`
	Account        string            `json:"account"`
	ProviderID     string            `json:"provider_id"`
	Direction      string            `json:"direction"`
	From           string            `json:"from"`
	To             string            `json:"to"`
	Body           *string           `json:"body"`
	Status         string            `json:"status"`
	ErrorCode      string            `json:"error_code"`
	Error          *apiErrorInfo     `json:"error"`
	Tags           map[string]string `json:"tags"`
	Price          string            `json:"price"`
	PriceUnit      string            `json:"price_unit"`
	Country        string            `json:"country"`
	Network        apiNetwork        `json:"network"`
	Parts          []apiPart         `json:"parts"`
	QueuedAt       *time.Time        `json:"queued_at"`
	SentAt         *time.Time        `json:"sent_at"`
	DeliveredAt    *time.Time        `json:"delivered_at"`
	ReceivedAt     *time.Time        `json:"received_at"`
	Events         []apiEvent        `json:"events"`
}

type apiEvent struct {
	Status       string        `json:"status"`
	ErrorCode    string        `json:"error_code"`
	Error        *apiErrorInfo `json:"error"`
	Source       string        `json:"source"`
	ReceivedAt   time.Time     `json:"received_at"`
	ProviderTime *time.Time    `json:"provider_time"`
	Applied      bool          `json:"applied"`
}

type apiNetwork struct {
	MCC     string `json:"mcc"`
	MNC     string `json:"mnc"`
	Carrier string `json:"carrier"`
}

type apiPart struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

type apiErrorInfo struct {
	Code     string `json:"code"`
	Category string `json:"category"`
}

// statuses lists the statuses of a timeline, oldest first.
func (m apiMessage) statuses() []string {
	out := make([]string, len(m.Events))
	for i, e := range m.Events {
		out[i] = e.Status
	}
	return out
}

// lookupMessage looks a message up by provider and provider id through
// the list endpoint, then reads it with its timeline. ok is false when
// there is none. It calls no t method, so goroutines may use it.
func (s *server) lookupMessage(provider, providerID string) (m apiMessage, ok bool, err error) {
	var list struct {
		Messages []apiMessage `json:"messages"`
	}
	q := url.Values{"provider": {provider}, "provider_id": {providerID}}
	res, err := s.call(http.MethodGet, "/api/v1/messages?"+q.Encode(), nil, &list)
	if err != nil {
		return m, false, err
	}
	if res.status != http.StatusOK {
		return m, false, fmt.Errorf("listing %s messages with provider_id %s: status %d (%s)", provider, providerID, res.status, res.body)
	}
	switch len(list.Messages) {
	case 0:
		return m, false, nil
	case 1:
	default:
		return m, false, fmt.Errorf("%d %s messages with provider_id %s, want 1", len(list.Messages), provider, providerID)
	}
	res, err = s.call(http.MethodGet, fmt.Sprintf("/api/v1/messages/%d", list.Messages[0].ID), nil, &m)
	if err != nil {
		return m, false, err
	}
	if res.status != http.StatusOK {
		return m, false, fmt.Errorf("reading message %d: status %d (%s)", list.Messages[0].ID, res.status, res.body)
	}
	return m, true, nil
}

// findMessage is lookupMessage that fails the test on an error.
func findMessage(t *testing.T, s *server, provider, providerID string) (apiMessage, bool) {
	t.Helper()
	m, ok, err := s.lookupMessage(provider, providerID)
	if err != nil {
		t.Fatalf("finding %s message %s: %v", provider, providerID, err)
	}
	return m, ok
}

// mustFindMessage is findMessage that requires the message to exist.
func mustFindMessage(t *testing.T, s *server, provider, providerID string) apiMessage {
	t.Helper()
	m, ok := findMessage(t, s, provider, providerID)
	if !ok {
		t.Fatalf("%s message %s not found", provider, providerID)
	}
	return m
}

// mustFind is mustFindMessage for the Twilio message with the MessageSid.
func (s *server) mustFind(t *testing.T, sid string) apiMessage {
	t.Helper()
	return mustFindMessage(t, s, "twilio", sid)
}

// mustNotFind requires that no Twilio message has the MessageSid.
func (s *server) mustNotFind(t *testing.T, sid string) {
	t.Helper()
	if m, ok := findMessage(t, s, "twilio", sid); ok {
		t.Fatalf("message %s stored as %+v, want nothing stored", sid, m)
	}
}

// checkStatus checks a message's status and error code.
func checkStatus(t *testing.T, m apiMessage, status, errorCode string) {
	t.Helper()
	if m.Status != status || m.ErrorCode != errorCode {
		t.Errorf("%s message %s: status %q error_code %q, want %q %q", m.Provider, m.ProviderID, m.Status, m.ErrorCode, status, errorCode)
	}
}
