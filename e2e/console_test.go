package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The console's first user, made with `smstrack user create`.
const (
	consoleEmail    = "admin@example.com"
	consolePassword = "correct horse battery staple"
)

// startConsole makes an admin user on a fresh database, starts the server
// and a browser pointed at it.
func startConsole(t *testing.T, db database) (*server, *browser) {
	t.Helper()
	createUser(t, db, consoleEmail, "admin", consolePassword)
	s := startServer(t, db)
	return s, newBrowser(t, s.base)
}

// TestConsoleInBrowser signs in with the keyboard-reachable form, reads
// the overview, creates an API key and sees its secret once, revokes it,
// switches to dark mode and phone width, and signs out.
func TestConsoleInBrowser(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s, b := startConsole(t, db)

		b.open("/settings/api-keys")
		if loc := b.location(); loc != "/login?next=%2Fsettings%2Fapi-keys" {
			t.Fatalf("signed out, /settings/api-keys led to %q, want the sign-in page", loc)
		}
		b.screenshot("sign-in")
		if got := eval[string](b, "document.activeElement.id"); got != "email" {
			t.Errorf("the sign-in page focuses %q, want the e-mail field", got)
		}

		b.submit("wrong password", map[string]string{"#email": consoleEmail, "#password": "not the password"}, `form[action="/login"] button`)
		if msg := b.text(".error"); msg != "The e-mail or password is wrong." {
			t.Errorf("wrong password: the page says %q", msg)
		}
		b.screenshot("wrong-password")

		b.submit("sign in", map[string]string{"#email": consoleEmail, "#password": consolePassword}, `form[action="/login"] button`)
		if loc := b.location(); loc != "/settings/api-keys" {
			t.Errorf("after signing in: at %q, want the page first asked for", loc)
		}
		b.open("/")
		if h := b.text("main h1"); !strings.HasPrefix(h, "Overview") {
			t.Errorf("overview heading %q", h)
		}
		if who := b.text(".who"); !strings.Contains(who, consoleEmail) {
			t.Errorf("the header shows %q, want the user", who)
		}
		b.screenshot("overview")
		// The first Tab reaches the skip link, which leads to the content.
		b.do("tab", chromedp.KeyEvent(kb.Tab))
		if got := eval[string](b, "document.activeElement.className"); got != "skip-link" {
			t.Errorf("the first Tab focused %q, want the skip link", got)
		}
		b.do("skip", chromedp.KeyEvent(kb.Enter))
		if got := eval[string](b, "document.activeElement.id"); got != "main" {
			t.Errorf("the skip link moved focus to %q, want main", got)
		}

		// An API key: its secret shown once, working on the API.
		b.navigates("settings", chromedp.Click(chromedp.CSS(`.main-nav a[href="/settings"]`)))
		b.submit("create a key", map[string]string{"#key-name": "browser-test"}, `form[action="/settings/api-keys"] button`)
		secret := b.text("#new-key")
		if !strings.HasPrefix(secret, "smst_") {
			t.Fatalf("the new key's secret reads %q", secret)
		}
		b.screenshot("api-key-created")
		s.key = secret
		s.mustCall(t, http.MethodGet, "/api/v1/messages", nil, nil, http.StatusOK)
		b.open("/settings/api-keys")
		if page := eval[string](b, "document.documentElement.outerHTML"); strings.Contains(page, secret) || !strings.Contains(page, "browser-test") {
			t.Error("the key's secret is shown again, or the key is not listed")
		}
		b.navigates("revoke", chromedp.Click(chromedp.CSS(`button[aria-label="Revoke key browser-test"]`)))
		if msg := b.text(".notice"); !strings.Contains(msg, "revoked") {
			t.Errorf("after revoking: %q", msg)
		}
		if res, err := s.call(http.MethodGet, "/api/v1/messages", nil, nil); err != nil || res.status != http.StatusUnauthorized {
			t.Errorf("the revoked key still works: %v %d", err, res.status)
		}

		// Dark mode, kept across pages, and phone width without sideways scrolling.
		light := eval[string](b, "getComputedStyle(document.body).backgroundColor")
		b.do("dark mode", chromedp.Click(chromedp.CSS("#theme-toggle")))
		b.open("/settings/configuration")
		if theme, bg := eval[string](b, "document.documentElement.dataset.theme"), eval[string](b, "getComputedStyle(document.body).backgroundColor"); theme != "dark" || bg == light {
			t.Errorf("dark mode: theme %q, background %s (light was %s)", theme, bg, light)
		}
		b.screenshot("dark-configuration")
		b.do("phone width", chromedp.EmulateViewport(390, 844))
		b.open("/settings/api-keys")
		if !eval[bool](b, "document.documentElement.scrollWidth <= window.innerWidth") {
			t.Error("at phone width the page scrolls sideways")
		}
		b.screenshot("phone-api-keys")

		b.navigates("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
		if loc := b.location(); loc != "/login" {
			t.Errorf("after signing out: at %q", loc)
		}
		b.open("/")
		if loc := b.location(); !strings.HasPrefix(loc, "/login") {
			t.Errorf("signed out, / shows %q", loc)
		}
	})
}

// TestConsoleLockoutInBrowser: five wrong passwords lock the e-mail; the
// right one is then refused too.
func TestConsoleLockoutInBrowser(t *testing.T) {
	_, b := startConsole(t, newDatabase(t, "sqlite"))
	b.open("/login")
	form := `form[action="/login"] button`
	for range 5 {
		b.submit("wrong password", map[string]string{"#email": consoleEmail, "#password": "guess guess guess"}, form)
	}
	b.submit("right password while locked", map[string]string{"#email": consoleEmail, "#password": consolePassword}, form)
	if msg := b.text(".error"); !strings.Contains(msg, "Too many failed sign-ins") {
		t.Errorf("locked: the page says %q", msg)
	}
	if loc := b.location(); loc != "/login" {
		t.Errorf("locked: at %q", loc)
	}
	b.screenshot("locked")
}

// TestConsoleSettingsInBrowser: an admin adds a webhook endpoint (its
// secret shown once) and a viewer, who then signs in and finds no form to
// change anything.
func TestConsoleSettingsInBrowser(t *testing.T) {
	_, b := startConsole(t, newDatabase(t, "sqlite"))
	b.signIn(consoleEmail, consolePassword)

	b.open("/settings/webhooks")
	b.do("tick an event", chromedp.Click(chromedp.CSS(`input[value="message.failed"]`)))
	b.submit("add an endpoint", map[string]string{"#webhook-url": "https://app.example.com/hooks/sms"}, `form[action="/settings/webhooks"] button[type=submit]`)
	if secret := b.text("#new-secret"); !strings.HasPrefix(secret, "whsec_") {
		t.Errorf("the endpoint's secret reads %q", secret)
	}
	b.screenshot("webhook-created")
	b.navigates("endpoint page", chromedp.Click(chromedp.CSS(`a[href^="/settings/webhooks/"]`)))
	if h := b.text("main h2"); !strings.HasPrefix(h, "Endpoint ") {
		t.Errorf("endpoint page heading %q", h)
	}
	if page := eval[string](b, "document.body.innerText"); strings.Contains(page, "whsec_") || !strings.Contains(page, "message.failed") {
		t.Error("the endpoint page shows the secret, or not the event type")
	}

	b.open("/settings/users")
	b.do("choose viewer", chromedp.SetValue(chromedp.CSS("#user-role"), "viewer"))
	b.submit("add a viewer", map[string]string{"#user-email": "viewer@example.com", "#user-password": "a viewer's password"}, `form[action="/settings/users"] button[type=submit]`)
	if msg := b.text(".notice"); !strings.Contains(msg, "user is created") {
		t.Errorf("after adding a user: %q", msg)
	}
	b.screenshot("users")
	b.navigates("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))

	b.signIn("viewer@example.com", "a viewer's password")
	for _, path := range []string{"/settings/api-keys", "/settings/webhooks", "/settings/users"} {
		b.open(path)
		if n := eval[int](b, `document.querySelectorAll('main form[method="post"]').length`); n != 0 {
			t.Errorf("a viewer sees %d forms that change things on %s", n, path)
		}
	}
	b.screenshot("viewer-users")
}
