package e2e

// The browser harness: a real headless Chromium (Debian's chromium
// package, which scripts/test.sh installs) driven over the DevTools
// protocol with chromedp, against the real binary. Console tests start a
// server with startConsole, then drive it with the browser's methods; every
// screenshot goes to the artifacts directory.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds one whole browser test, stepTimeout one step of
// it (an element that never shows up fails the test with a screenshot).
const (
	browserTimeout = 2 * time.Minute
	stepTimeout    = 15 * time.Second
)

// chromiumPath finds the browser, or skips the test when there is none,
// unless SMSTRACK_REQUIRE_BROWSER=1 (scripts/test.sh sets it), when
// missing it fails: the suite never passes without its browser tests.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SMSTRACK_REQUIRE_BROWSER") == "1" {
		t.Fatal("browser tests are required (SMSTRACK_REQUIRE_BROWSER=1) but no chromium is installed: apt-get install chromium")
	}
	t.Skip("no chromium installed: browser tests skipped (scripts/test.sh installs it and requires them)")
	return ""
}

// artifactsDir is where screenshots go: SMSTRACK_ARTIFACTS (scripts/test.sh
// sets ./artifacts), else one temporary directory per run, kept so the
// pictures can be looked at.
var artifactsDir = sync.OnceValues(func() (string, error) {
	if d := os.Getenv("SMSTRACK_ARTIFACTS"); d != "" {
		return d, os.MkdirAll(d, 0o755)
	}
	return os.MkdirTemp("", "smstrack-artifacts-")
})

// browser is one headless Chromium with one tab, for one test.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string // the server's http://host:port
	shots string // this test's screenshot directory
	n     int    // screenshots taken, to number them in order
}

// newBrowser starts Chromium with a fresh profile, pointed at base. The
// flags keep it from reaching any network but the server's loopback.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromiumPath(t)
	dir, err := artifactsDir()
	if err != nil {
		t.Fatalf("artifacts directory: %v", err)
	}
	shots := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.WindowSize(1280, 860),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	// Confirmation dialogs (forms with data-confirm) are accepted, as a
	// person clicking OK would.
	dialogs := chromedp.Events(tabCtx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(tabCtx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	t.Logf("screenshots in %s", shots)
	return &browser{t: t, ctx: tabCtx, base: base, shots: shots}
}

// do runs steps, failing the test (with a screenshot of the moment) on error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.screenshot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// value runs one action that answers a value, failing the test on error.
func value[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.screenshot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// open navigates to a path of the server and waits for its body.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// text returns the visible text of the first element matching the CSS selector.
func (b *browser) text(selector string) string {
	b.t.Helper()
	return strings.TrimSpace(value(b, "read "+selector, chromedp.Text(chromedp.CSS(selector), chromedp.NodeVisible)))
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	return value(b, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// location is the page's path and query.
func (b *browser) location() string {
	b.t.Helper()
	return eval[string](b, "location.pathname + location.search")
}

// submit fills the fields (CSS selector to value), clicks the button and
// waits for the page the form leads to.
func (b *browser) submit(what string, fields map[string]string, button string) {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for sel, v := range fields {
		steps = append(steps, chromedp.WaitVisible(chromedp.CSS(sel)),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf("document.querySelector(%q).value = ''", sel)),
			chromedp.SendKeys(chromedp.CSS(sel), v))
	}
	b.do(what, steps...)
	b.navigates(what, chromedp.Click(chromedp.CSS(button)))
}

// navigates runs step, which leads to a new page, and waits until it has loaded.
func (b *browser) navigates(what string, step chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	loaded := chromedp.Events(ctx, page.LoadEventFired) // subscribed before the step
	b.do(what, step)
	for _, err := range loaded {
		if err != nil {
			b.t.Fatalf("browser: %s: waiting for the page: %v", what, err)
		}
		break
	}
}

// signIn signs in through the form and waits for the page behind it.
func (b *browser) signIn(email, password string) {
	b.t.Helper()
	b.open("/login")
	b.submit("sign in", map[string]string{"#email": email, "#password": password}, `form[action="/login"] button[type=submit]`)
	b.do("signed in", chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)))
}

// screenshot saves the whole page as NN-name.png in the test's directory.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.n++
	file := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.n, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	}
}

// createUser runs `smstrack user create` with the password on standard
// input, as an operator would.
func createUser(t *testing.T, db database, email, role, password string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"user", "create", "--email", email, "--role", role}, db.flags...)...)
	cmd.Env = childEnv()
	cmd.Stdin = strings.NewReader(password + "\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("smstrack user create: %v\n%s", err, out.String())
	}
}
