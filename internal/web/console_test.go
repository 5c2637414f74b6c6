package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
)

// console is the console under test: the real handlers on a real database,
// served over loopback HTTP, with a clock the test moves.
type console struct {
	db  *store.DB
	srv *httptest.Server
	web *Server

	mu  sync.Mutex
	now time.Time
}

// newConsole serves the console on a fresh database at dsn.
func newConsole(t testing.TB, dsn string, opts Options) *console {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &console{db: db, now: time.Now().UTC()}
	opts.Now = c.clock
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	c.web, err = New(db, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.web.Register(mux)
	c.srv = httptest.NewServer(mux)
	t.Cleanup(c.srv.Close)
	return c
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (c *console) clock() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the console's clock.
func (c *console) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// addUser creates a user with a password, as `smstrack user create` does.
func (c *console) addUser(t testing.TB, email string, role smstrack.Role, password string) *smstrack.User {
	t.Helper()
	u, err := c.db.CreateUser(context.Background(), email, role, HashPassword(password))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// browser is a cookie-keeping HTTP client that does not follow redirects,
// so tests see each answer.
type browser struct {
	t    testing.TB
	c    *console
	http *http.Client
	csrf string // the token of the last page read
}

func (c *console) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: c, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// answer is what came back from one request.
type answer struct {
	status int
	header http.Header
	body   string
}

var csrfValue = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) answer {
	b.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := answer{status: resp.StatusCode, header: resp.Header, body: string(body)}
	if m := csrfValue.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p
}

func (b *browser) get(path string) answer {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.c.srv.URL+path, nil)
	return b.do(req)
}

// post submits a form as a browser on this site does: same-origin, with
// the CSRF token of the last page read unless the form sets its own.
func (b *browser) post(path string, form url.Values) answer {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["csrf"]; !set && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.c.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.c.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// signIn signs in through the form and requires success.
func (b *browser) signIn(email, password string) {
	b.t.Helper()
	b.get("/login")
	p := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: status %d, want 303\n%s", email, p.status, p.body)
	}
	b.get("/") // a page with the session's token
}

// signedIn makes a user of role and a browser signed in as them.
func (c *console) signedIn(t testing.TB, role smstrack.Role) (*browser, *smstrack.User) {
	t.Helper()
	email := string(role) + "@example.com"
	u := c.addUser(t, email, role, "correct horse battery "+string(role))
	b := c.browser(t)
	b.signIn(email, "correct horse battery "+string(role))
	return b, u
}

func wantStatus(t testing.TB, what string, p answer, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s: status %d, want %d\n%.2000s", what, p.status, want, p.body)
	}
}

func wantBody(t testing.TB, what string, p answer, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Errorf("%s: the page lacks %q\n%.3000s", what, s, p.body)
		}
	}
}
