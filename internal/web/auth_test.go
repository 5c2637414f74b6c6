package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
	"github.com/smstrack/smstrack/internal/webhook"
)

// A JSON route for the tests of the guard: the console's real JSON routes
// come with the pages that fetch them, and the same tests cover them.
func init() {
	jsonEndpoint("GET /console-test/ping", viewer, func(s *Server, w http.ResponseWriter, r *http.Request) {
		webhook.WriteError(w, http.StatusTeapot, smstrack.Errorf(smstrack.EINVALID, "pong"))
	})
}

func TestSignInAndOut(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		c.addUser(t, "ada@example.com", smstrack.RoleAdmin, "correct horse battery")
		b := c.browser(t)

		p := b.get("/")
		wantStatus(t, "unsigned overview", p, http.StatusSeeOther)
		if loc := p.header.Get("Location"); loc != "/login?next=%2F" {
			t.Errorf("redirect to %q, want /login?next=%%2F", loc)
		}
		p = b.get("/login?next=/settings/api-keys")
		wantStatus(t, "login page", p, http.StatusOK)
		wantBody(t, "login page", p, `autocomplete="current-password"`, `<label for="email">`)

		p = b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong password!"}, "next": {"/settings/api-keys"}})
		wantStatus(t, "wrong password", p, http.StatusUnauthorized)
		wantBody(t, "wrong password", p, msgBadLogin)
		p = b.post("/login", url.Values{"email": {" ADA@example.com "}, "password": {"correct horse battery"}, "next": {"/settings/api-keys"}})
		wantStatus(t, "sign in", p, http.StatusSeeOther)
		if loc := p.header.Get("Location"); loc != "/settings/api-keys" {
			t.Errorf("after sign-in: redirect to %q, want the page asked for", loc)
		}
		var cookie *http.Cookie
		for _, ck := range (&http.Response{Header: p.header}).Cookies() {
			if ck.Name == sessionCookie {
				cookie = ck
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure || len(cookie.Value) < 43 {
			t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, 256 bits, not Secure over http", cookie)
		}
		p = b.get("/")
		wantStatus(t, "overview", p, http.StatusOK)
		wantBody(t, "overview", p, "ada@example.com", `href="#main"`, `aria-current="page"`, "Sign out")
		if p.header.Get("Cache-Control") != "no-store" || !strings.Contains(p.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("headers %v: want no-store and a CSP", p.header)
		}
		// The database keeps a hash, never the token itself.
		if _, _, err := c.db.GetSession(t.Context(), []byte(cookie.Value)); err == nil {
			t.Error("the session is found by its raw token; only its hash may be stored")
		}
		if _, u, err := c.db.GetSession(t.Context(), hashToken(cookie.Value)); err != nil || u.Email != "ada@example.com" {
			t.Errorf("session by hash: %v %v", u, err)
		}

		p = b.post("/logout", url.Values{"csrf": {"forged"}})
		wantStatus(t, "logout with a wrong token", p, http.StatusForbidden)
		p = b.post("/logout", nil)
		wantStatus(t, "logout", p, http.StatusSeeOther)
		if _, _, err := c.db.GetSession(t.Context(), hashToken(cookie.Value)); smstrack.ErrorCode(err) != smstrack.EUNAUTHORIZED {
			t.Errorf("after logout the session is still stored: %v", err)
		}
		wantStatus(t, "overview after logout", b.get("/"), http.StatusSeeOther)
		// The old cookie, replayed, is worth nothing.
		replay := c.browser(t)
		u, _ := url.Parse(c.srv.URL)
		replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: cookie.Value}})
		wantStatus(t, "replayed cookie", replay.get("/"), http.StatusSeeOther)
	})
}

// TestLockout: five failures in the window lock the e-mail, known or not,
// with the same answers; the lock passes with the window.
func TestLockout(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		c.addUser(t, "ada@example.com", smstrack.RoleAdmin, "correct horse battery")
		for _, email := range []string{"ada@example.com", "nobody@example.com"} {
			b := c.browser(t)
			b.get("/login")
			for i := 1; i <= MaxLoginFailures; i++ {
				p := b.post("/login", url.Values{"email": {email}, "password": {"not the password"}})
				want, msg := http.StatusUnauthorized, msgBadLogin
				if i == MaxLoginFailures {
					want, msg = http.StatusTooManyRequests, msgLocked
				}
				wantStatus(t, email+" failure", p, want)
				wantBody(t, email+" failure", p, msg)
			}
			p := b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
			wantStatus(t, email+" locked, right password", p, http.StatusTooManyRequests)
			wantBody(t, email+" locked", p, msgLocked)
		}
		c.advance(LockoutWindow + time.Second)
		b := c.browser(t)
		b.signIn("ada@example.com", "correct horse battery")
	})
}

func TestSignInRefusesForgedForms(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	c.addUser(t, "ada@example.com", smstrack.RoleAdmin, "correct horse battery")
	form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}}

	b := c.browser(t) // never loaded the form: no token cookie
	form.Set("csrf", "guess")
	wantStatus(t, "sign-in without the form's cookie", b.post("/login", form), http.StatusForbidden)

	b.get("/login")
	form.Del("csrf")
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/login", strings.NewReader(url.Values{"email": form["email"],
		"password": form["password"], "csrf": {b.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	wantStatus(t, "cross-site sign-in", b.do(req), http.StatusForbidden)

	p := b.post("/login", url.Values{"email": form["email"], "password": form["password"], "next": {"//evil.example/x"}})
	wantStatus(t, "sign in", p, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != "/" {
		t.Errorf("next=//evil.example: redirect to %q, want /", loc)
	}
}

// TestEveryRouteIsGuarded: without a session every page redirects to the
// sign-in page and every JSON route answers 401 JSON; with a session but
// without the CSRF token, or from another site, no change is accepted.
func TestEveryRouteIsGuarded(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	b, _ := c.signedIn(t, smstrack.RoleAdmin)
	anon := c.browser(t)
	checked := 0
	for _, rt := range allRoutes() {
		if rt.access == public {
			continue
		}
		checked++
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.NewReplacer("{id}", "1", "{$}", "", "{file...}", "app.css").Replace(path)
		req, _ := http.NewRequest(method, c.srv.URL+path, nil)
		p := anon.do(req)
		switch {
		case rt.json:
			wantStatus(t, rt.pattern+" signed out", p, http.StatusUnauthorized)
			if !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") || !strings.Contains(p.body, `"error"`) {
				t.Errorf("%s: %s %q, want a JSON error", rt.pattern, p.header.Get("Content-Type"), p.body)
			}
		default:
			wantStatus(t, rt.pattern+" signed out", p, http.StatusSeeOther)
			if !strings.HasPrefix(p.header.Get("Location"), "/login?next=") {
				t.Errorf("%s: redirect to %q, want the sign-in page", rt.pattern, p.header.Get("Location"))
			}
		}
		if method == http.MethodGet {
			continue
		}
		wantStatus(t, rt.pattern+" without a CSRF token", b.post(path, url.Values{"csrf": {""}}), http.StatusForbidden)
		wantStatus(t, rt.pattern+" with a wrong CSRF token", b.post(path, url.Values{"csrf": {b.csrf + "x"}}), http.StatusForbidden)
		req, _ = http.NewRequest(method, c.srv.URL+path, strings.NewReader(url.Values{"csrf": {b.csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		wantStatus(t, rt.pattern+" from another site", b.do(req), http.StatusForbidden)
	}
	if checked < 10 {
		t.Errorf("only %d guarded routes checked", checked)
	}
}

// TestViewerOnlyReads: a viewer reads every page and is refused every change.
func TestViewerOnlyReads(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	b, _ := c.signedIn(t, smstrack.RoleViewer)
	for _, rt := range allRoutes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.NewReplacer("{id}", "1", "{$}", "", "{file...}", "app.css").Replace(path)
		switch {
		case rt.access == admin:
			p := b.post(path, url.Values{"name": {"viewer-made"}, "email": {"x@example.com"}, "role": {"admin"}, "url": {"https://example.com/h"}})
			wantStatus(t, rt.pattern+" as viewer", p, http.StatusForbidden)
		case method == http.MethodGet && rt.access == viewer && !rt.json && !strings.Contains(rt.pattern, "{"):
			p := b.get(path)
			if p.status != http.StatusOK && p.status != http.StatusSeeOther {
				t.Errorf("%s as viewer: status %d", rt.pattern, p.status)
			}
		}
	}
	keys, _ := c.db.ListAPIKeys(t.Context())
	users, _ := c.db.ListUsers(t.Context())
	if len(keys) != 0 || len(users) != 1 {
		t.Errorf("a viewer changed something: %d keys, %d users", len(keys), len(users))
	}
}

func TestSessionExpiry(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	b, _ := c.signedIn(t, smstrack.RoleViewer)
	// Activity keeps the session: each request within the idle timeout.
	for range 3 {
		c.advance(IdleTimeout - time.Minute)
		wantStatus(t, "active session", b.get("/"), http.StatusOK)
	}
	c.advance(IdleTimeout + time.Second)
	wantStatus(t, "idle session", b.get("/"), http.StatusSeeOther)

	b, _ = c.signedIn(t, smstrack.RoleAdmin)
	// Kept active every six hours, it still ends at the absolute limit.
	elapsed := time.Duration(0)
	for ; elapsed+IdleTimeout/2 < MaxSessionAge; elapsed += IdleTimeout / 2 {
		c.advance(IdleTimeout / 2)
		wantStatus(t, "session kept active", b.get("/"), http.StatusOK)
	}
	c.advance(MaxSessionAge - elapsed + time.Second)
	wantStatus(t, "session past its absolute end", b.get("/"), http.StatusSeeOther)
}

func TestSecureCookieBehindHTTPSProxy(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{PublicURL: "https://track.example.com"})
	b := c.browser(t)
	p := b.get("/login")
	if !strings.Contains(p.header.Get("Set-Cookie"), "Secure") {
		t.Errorf("with an https public URL cookies must be Secure: %q", p.header.Get("Set-Cookie"))
	}
}

func TestJSONRoutesAnswerJSONWhenSignedIn(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	b, _ := c.signedIn(t, smstrack.RoleViewer)
	p := b.get("/console-test/ping")
	wantStatus(t, "json route", p, http.StatusTeapot)
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/messages?x=1": "/messages?x=1", "": "/", "https://evil.example": "/", "//evil.example": "/",
		"/\\evil.example": "/", "/\t/evil.example": "/", "messages": "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUnknownRoleReadsNothing: a role this version does not know (a newer
// version's, or a damaged row) grants nothing.
func TestUnknownRoleReadsNothing(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	c.addUser(t, "odd@example.com", smstrack.Role("auditor"), "correct horse battery")
	b := c.browser(t)
	b.get("/login")
	wantStatus(t, "sign in", b.post("/login", url.Values{"email": {"odd@example.com"}, "password": {"correct horse battery"}}), http.StatusSeeOther)
	wantStatus(t, "overview with an unknown role", b.get("/"), http.StatusForbidden)
	wantStatus(t, "json with an unknown role", b.get("/console-test/ping"), http.StatusForbidden)
}

// TestInstancesShareSessions: two servers on one PostgreSQL database, as
// behind a load balancer; a session made on one works on the other, and
// signing out on either ends it on both.
func TestInstancesShareSessions(t *testing.T) {
	dsn := testdb.NewPostgres(t)
	one, two := newConsole(t, dsn, Options{}), newConsole(t, dsn, Options{})
	b, _ := one.signedIn(t, smstrack.RoleAdmin)
	u1, _ := url.Parse(one.srv.URL)
	u2, _ := url.Parse(two.srv.URL)
	other := two.browser(t)
	other.http.Jar.SetCookies(u2, b.http.Jar.Cookies(u1))
	wantStatus(t, "the session on the other instance", other.get("/settings/api-keys"), http.StatusOK)
	wantStatus(t, "sign out on the other instance", other.post("/logout", nil), http.StatusSeeOther)
	wantStatus(t, "the first instance after signing out", b.get("/settings/api-keys"), http.StatusSeeOther)
}
