package sim

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/smstrack/smstrack/internal/content"
)

// Config configures a simulated network.
type Config struct {
	// Accounts maps each AccountSid to its auth token: the credentials a
	// client authenticates with and the key callbacks are signed by.
	Accounts map[string]string
	// Seed makes the network reproducible: the same sends in the same
	// order get the same sids, fates, latencies and quirks.
	Seed int64
	// Clock is the time the simulation starts from and runs on; nil
	// means time.Now.
	Clock func() time.Time
	// Speed compresses simulated time: at 1000 a 30-second latency takes
	// 30 ms. Zero means 1 (real time).
	Speed float64
	// Profiles are the countries and carriers; nil means
	// DefaultProfiles. Degradations nil means DefaultDegradations; an
	// empty non-nil slice means none.
	Profiles     []Profile
	Degradations []Degradation
	// DuplicateRate is the share of messages one of whose callbacks is
	// posted twice, and OutOfOrderRate the share whose final callback
	// arrives before "sent". Zero means 0.02 and 0.03; negative, never.
	DuplicateRate, OutOfOrderRate float64
	// InboundURL, when set, receives replies to delivered messages as
	// Twilio's incoming-message webhook: InboundRate of delivered
	// messages get one (zero means 0.05), and StopShare of those replies
	// are STOP (zero means 0.2).
	InboundURL             string
	InboundRate, StopShare float64
	// Recipients, when set up, act on delivered messages: link previews,
	// clicks and confirmed one-time codes (see Recipients).
	Recipients Recipients
	// MaxLatency caps one simulated latency; zero means 10 minutes.
	MaxLatency time.Duration
	// Workers is how many callbacks, replies and recipients' requests are
	// under way at once; zero means 64.
	Workers int
	// HTTP posts the callbacks; nil means a client with a 10-second
	// timeout that keeps up to 256 idle connections per host.
	HTTP *http.Client
}

// Network is a simulated Twilio with its carriers. It serves Twilio's
// Messages API (ServeHTTP) and posts status callbacks until Close.
type Network struct {
	cfg     Config
	start   time.Time // of the clock, when the network was made
	http    *http.Client
	visitor *http.Client // opens tracked links, never following redirects
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup // messages whose plan is still playing
	mux     *http.ServeMux
	qmu     sync.Mutex // guards queue
	queue   due
	wake    chan struct{} // a run was queued ahead of the others
	work    chan *run     // due steps, to the workers
	mu      sync.Mutex
	count   uint64
	rng     *rand.Rand // for sids, under mu
	byID    map[string]*message
	closed  bool
}

// New returns a network configured by cfg, with defaults filled in.
func New(cfg Config) *Network {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Speed <= 0 {
		cfg.Speed = 1
	}
	if cfg.Profiles == nil {
		cfg.Profiles = DefaultProfiles()
	}
	if cfg.Degradations == nil {
		cfg.Degradations = DefaultDegradations()
	}
	if cfg.DuplicateRate == 0 {
		cfg.DuplicateRate = 0.02
	}
	if cfg.OutOfOrderRate == 0 {
		cfg.OutOfOrderRate = 0.03
	}
	if cfg.InboundRate == 0 {
		cfg.InboundRate = 0.05
	}
	if cfg.StopShare == 0 {
		cfg.StopShare = 0.2
	}
	if cfg.MaxLatency <= 0 {
		cfg.MaxLatency = 10 * time.Minute
	}
	n := &Network{cfg: cfg, start: cfg.Clock(), http: cfg.HTTP, byID: map[string]*message{},
		rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5157))}
	if n.http == nil {
		// Callbacks go out by the hundred at once: keep their
		// connections alive rather than dial one per callback.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = 0, 256 // 0: no cap across hosts
		n.http = &http.Client{Timeout: 10 * time.Second, Transport: t}
	}
	n.cfg.Recipients = cfg.Recipients.withDefaults()
	n.visitor = &http.Client{Transport: n.http.Transport, Timeout: n.http.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	if cfg.Workers <= 0 {
		n.cfg.Workers = 64
	}
	n.wake, n.work = make(chan struct{}, 1), make(chan *run)
	go n.runScheduler()
	for range n.cfg.Workers {
		go n.runWorker()
	}
	n.mux = http.NewServeMux()
	n.mux.HandleFunc("POST /2010-04-01/Accounts/{AccountSid}/Messages.json", n.serveCreate)
	n.mux.HandleFunc("GET /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}", n.serveFetch)
	return n
}

// ServeHTTP serves Twilio's Messages API: create and fetch.
func (n *Network) ServeHTTP(w http.ResponseWriter, r *http.Request) { n.mux.ServeHTTP(w, r) }

// Close stops the callbacks still pending and waits for those under way.
// Sends after Close are refused.
func (n *Network) Close() {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	n.cancel()
	n.wg.Wait()
}

// Wait blocks until every message sent so far has posted its last
// callback (or Close stopped it).
func (n *Network) Wait() { n.wg.Wait() }

// now is the simulated time: the clock's, run Speed times faster since
// the network started.
func (n *Network) now() time.Time {
	return n.start.Add(time.Duration(float64(n.cfg.Clock().Sub(n.start)) * n.cfg.Speed))
}

// e164 is the shape Twilio accepts for a phone number.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func (n *Network) serveCreate(w http.ResponseWriter, r *http.Request) {
	account, token, ok := n.authenticate(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "The request body must be a form")
		return
	}
	f := r.PostForm
	to, from, body, service := f.Get("To"), f.Get("From"), f.Get("Body"), f.Get("MessagingServiceSid")
	switch {
	case to == "":
		writeError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case !e164.MatchString(to):
		writeError(w, http.StatusBadRequest, 21211, fmt.Sprintf("The 'To' number %s is not a valid phone number.", to))
		return
	case from == "" && service == "":
		writeError(w, http.StatusBadRequest, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.")
		return
	case body == "" && f.Get("MediaUrl") == "":
		writeError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	callback := f.Get("StatusCallback")
	if callback != "" {
		if u, err := url.Parse(callback); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			writeError(w, http.StatusBadRequest, 21609, "The StatusCallback URL is not a valid URL.")
			return
		}
	}
	profile, ok := route(n.cfg.Profiles, to)
	if !ok {
		writeError(w, http.StatusBadRequest, 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: "+to)
		return
	}

	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		writeError(w, http.StatusServiceUnavailable, 20500, "The simulated network is closed.")
		return
	}
	seq := n.count
	n.count++
	sid := fmt.Sprintf("SM%016x%016x", n.rng.Uint64(), n.rng.Uint64())
	created := n.now()
	m := &message{
		sid: sid, account: account, token: token, to: to, from: from, body: body, service: service,
		callback: callback, segments: content.Analyze(body).Segments, media: len(f["MediaUrl"]),
		created: created, updated: created, status: initialStatus(service), profile: profile,
	}
	n.byID[sid] = m
	res := m.resource()
	plan := n.plan(m, rand.New(rand.NewPCG(uint64(n.cfg.Seed), seq)), created)
	n.wg.Add(1)
	n.mu.Unlock()

	n.schedule(&run{m: m, pl: plan})
	writeJSON(w, http.StatusCreated, res)
}

func (n *Network) serveFetch(w http.ResponseWriter, r *http.Request) {
	account, _, ok := n.authenticate(w, r)
	if !ok {
		return
	}
	sid := strings.TrimSuffix(r.PathValue("MessageSid"), ".json")
	n.mu.Lock()
	m := n.byID[sid]
	var res *resource
	if m != nil && m.account == account {
		res = m.resource()
	}
	n.mu.Unlock()
	if res == nil {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// authenticate checks HTTP Basic credentials against the account of the
// path, answering 401 as Twilio does when they do not match.
func (n *Network) authenticate(w http.ResponseWriter, r *http.Request) (account, token string, ok bool) {
	user, pass, hasAuth := r.BasicAuth()
	account = r.PathValue("AccountSid")
	token, known := n.cfg.Accounts[user]
	if !hasAuth || !known || user != account || subtle.ConstantTimeCompare([]byte(pass), []byte(token)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return "", "", false
	}
	return account, token, true
}

// restError is Twilio's JSON error body.
type restError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, restError{Code: code, Message: msg,
		MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code), Status: status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
