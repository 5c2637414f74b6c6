package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/testdb"
)

var (
	newKey    = regexp.MustCompile(`<code id="new-key">(smst_[^<]+)</code>`)
	newSecret = regexp.MustCompile(`<code id="new-secret">([^<]+)</code>`)
)

func TestAPIKeysPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		b, _ := c.signedIn(t, smstrack.RoleAdmin)
		b.get("/settings/api-keys")

		wantStatus(t, "key without a name", b.post("/settings/api-keys", url.Values{"name": {"  "}}), http.StatusBadRequest)
		p := b.post("/settings/api-keys", url.Values{"name": {"billing <app>"}})
		wantStatus(t, "create key", p, http.StatusCreated)
		m := newKey.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("the new key's secret is not shown:\n%s", p.body)
		}
		secret := m[1]
		wantBody(t, "create key", p, "billing &lt;app&gt;", "shown once")
		if p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("the page with a secret may be cached: %q", p.header.Get("Cache-Control"))
		}
		k, err := c.db.AuthenticateAPIKey(t.Context(), api.HashKey(secret))
		if err != nil || k.Name != "billing <app>" {
			t.Fatalf("the shown secret does not authenticate: %v %v", k, err)
		}
		p = b.get("/settings/api-keys")
		if strings.Contains(p.body, secret) {
			t.Error("the secret is shown again")
		}
		wantBody(t, "key list", p, secret[:len(api.KeyPrefix)+6]+"…", "live")

		wantStatus(t, "revoke a missing key", b.post("/settings/api-keys/999/revoke", nil), http.StatusNotFound)
		wantStatus(t, "revoke a bad id", b.post("/settings/api-keys/x/revoke", nil), http.StatusNotFound)
		p = b.post("/settings/api-keys/1/revoke", nil)
		wantStatus(t, "revoke", p, http.StatusSeeOther)
		wantBody(t, "after revoking", b.get(p.header.Get("Location")), "The API key is revoked", "revoked 20")
		if _, err := c.db.AuthenticateAPIKey(t.Context(), api.HashKey(secret)); smstrack.ErrorCode(err) != smstrack.EUNAUTHORIZED {
			t.Errorf("the revoked key still authenticates: %v", err)
		}
	})
}

func TestWebhooksPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		b, _ := c.signedIn(t, smstrack.RoleAdmin)
		ctx := context.Background()
		b.get("/settings/webhooks")

		p := b.post("/settings/webhooks", url.Values{"url": {"ftp://example.com/x"}, "event_types": {smstrack.EventMessageFailed}})
		wantStatus(t, "bad URL", p, http.StatusBadRequest)
		wantBody(t, "bad URL", p, "url must be an absolute http or https URL", `value="ftp://example.com/x"`, `value="message.failed" checked`)

		p = b.post("/settings/webhooks", url.Values{"url": {"https://app.example.com/hook"}, "event_types": {smstrack.EventMessageFailed, smstrack.EventMessageReceived}})
		wantStatus(t, "create endpoint", p, http.StatusCreated)
		m := newSecret.FindStringSubmatch(p.body)
		if m == nil || !strings.HasPrefix(m[1], "whsec_") {
			t.Fatalf("the signing secret is not shown:\n%s", p.body)
		}
		list, _ := c.db.ListEndpoints(ctx)
		if len(list) != 1 || len(list[0].EventTypes) != 2 || !list[0].Enabled {
			t.Fatalf("stored %+v", list)
		}
		id := list[0].ID
		path := "/settings/webhooks/" + itoa(id)
		if strings.Contains(b.get("/settings/webhooks").body, m[1]) || strings.Contains(b.get(path).body, m[1]) {
			t.Error("the signing secret is shown again")
		}

		wantStatus(t, "disable", b.post(path+"/disable", nil), http.StatusSeeOther)
		wantBody(t, "disabled", b.get("/settings/webhooks?done=disabled"), "disabled in the console by admin@example.com", "Enable")
		wantStatus(t, "enable", b.post(path+"/enable", nil), http.StatusSeeOther)
		if e, _ := c.db.GetEndpoint(ctx, id); !e.Enabled {
			t.Error("not enabled again")
		}

		// A delivery in the log, and its replay.
		ev, err := c.db.Enqueue(ctx, smstrack.EventMessageFailed, []byte(`{"id": 1}`))
		if err != nil {
			t.Fatal(err)
		}
		due, err := c.db.ClaimDue(ctx, 10, time.Minute)
		if err != nil || len(due) != 1 {
			t.Fatalf("claim: %v %v", due, err)
		}
		a := smstrack.DeliveryAttempt{EventID: ev.ID, EndpointID: id, Attempt: 1, At: time.Now(), Status: 503, LatencyMs: 42, ResponseExcerpt: "try later"}
		if err := c.db.RecordAttempts(ctx, []smstrack.AttemptResult{{Delivery: due[0], Attempt: a}}); err != nil {
			t.Fatal(err)
		}
		p = b.get(path)
		wantStatus(t, "delivery log", p, http.StatusOK)
		wantBody(t, "delivery log", p, "503", "42 ms", "try later", `name="event_id" value="`+itoa(ev.ID)+`"`)
		wantStatus(t, "replay without an event", b.post(path+"/replay", url.Values{"event_id": {"x"}}), http.StatusBadRequest)
		wantStatus(t, "replay a missing event", b.post("/settings/webhooks/999/replay", url.Values{"event_id": {itoa(ev.ID)}}), http.StatusNotFound)
		p = b.post(path+"/replay", url.Values{"event_id": {itoa(ev.ID)}})
		wantStatus(t, "replay", p, http.StatusSeeOther)
		wantBody(t, "replayed", b.get(p.header.Get("Location")), "queued for delivery again")

		wantStatus(t, "delete", b.post(path+"/delete", nil), http.StatusSeeOther)
		wantStatus(t, "deleted endpoint page", b.get(path), http.StatusNotFound)
		wantStatus(t, "delete twice", b.post(path+"/delete", nil), http.StatusNotFound)
	})
}

func TestUsersPage(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	b, me := c.signedIn(t, smstrack.RoleAdmin)
	b.get("/settings/users")

	for _, bad := range []url.Values{
		{"email": {"not an address"}, "role": {"viewer"}, "password": {"long enough password"}},
		{"email": {"bob@example.com"}, "role": {"owner"}, "password": {"long enough password"}},
		{"email": {"bob@example.com"}, "role": {"viewer"}, "password": {"short"}},
		{"email": {"ADMIN@example.com"}, "role": {"viewer"}, "password": {"long enough password"}},
	} {
		wantStatus(t, "refused user "+bad.Encode(), b.post("/settings/users", bad), http.StatusBadRequest)
	}
	p := b.post("/settings/users", url.Values{"email": {"Bob@Example.com"}, "role": {"viewer"}, "password": {"long enough password"}})
	wantStatus(t, "create user", p, http.StatusSeeOther)
	wantBody(t, "users", b.get(p.header.Get("Location")), "bob@example.com", "The user is created")
	bob := c.browser(t)
	bob.signIn("bob@example.com", "long enough password")
	wantStatus(t, "bob as a viewer", bob.post("/settings/api-keys", url.Values{"name": {"x"}}), http.StatusForbidden)

	bobUser, _ := c.db.GetUserByEmail(t.Context(), "bob@example.com")
	wantStatus(t, "make bob admin", b.post("/settings/users/"+itoa(bobUser.ID)+"/role", url.Values{"role": {"admin"}}), http.StatusSeeOther)
	bob.get("/settings/api-keys")
	wantStatus(t, "bob as an admin", bob.post("/settings/api-keys", url.Values{"name": {"x"}}), http.StatusCreated)
	wantStatus(t, "bad role", b.post("/settings/users/"+itoa(bobUser.ID)+"/role", url.Values{"role": {"root"}}), http.StatusBadRequest)

	wantStatus(t, "delete bob", b.post("/settings/users/"+itoa(bobUser.ID)+"/delete", nil), http.StatusSeeOther)
	wantStatus(t, "bob after deletion", bob.get("/"), http.StatusSeeOther)
	p = b.post("/settings/users/"+itoa(me.ID)+"/delete", nil)
	wantStatus(t, "delete the last admin", p, http.StatusConflict)
	wantBody(t, "delete the last admin", p, "the last admin cannot be deleted")
}

func TestConfigurationPage(t *testing.T) {
	settings := []Setting{
		{Env: "SMSTRACK_TWILIO_ACCOUNTS", Value: MaskSetting("SMSTRACK_TWILIO_ACCOUNTS", "AC123:tok-secret"), Group: "provider"},
		{Env: "SMSTRACK_DEFAULT_REGION", Value: "GB", Group: "server"},
	}
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{Settings: settings, Retention: Retention{Days: 30, DeleteMessages: true}})
	b, _ := c.signedIn(t, smstrack.RoleViewer)
	p := b.get("/settings/configuration")
	wantStatus(t, "configuration", p, http.StatusOK)
	wantBody(t, "configuration", p, "AC123:"+masked, "SMSTRACK_DEFAULT_REGION", "GB", "removed after 30 days", "deleted with their events after 30 days", "cannot change them")
	if strings.Contains(p.body, "tok-secret") {
		t.Error("a secret is shown")
	}
	wantStatus(t, "settings index", b.get("/settings"), http.StatusSeeOther)
}

func TestMaskSetting(t *testing.T) {
	for _, tc := range []struct{ env, in, want string }{
		{"SMSTRACK_TWILIO_ACCOUNTS", "AC1:t1, AC2:t2", "AC1:" + masked + ",AC2:" + masked},
		{"SMSTRACK_VONAGE_ACCOUNTS", "key:secret", "key:" + masked},
		{"SMSTRACK_BODY_POLICY_ACCOUNTS", "AC1:redact", "AC1:redact"},
		{"SMSTRACK_KANNEL_TOKEN", "abc", masked},
		{"SMSTRACK_SINCH_PASSWORD", "pw", masked},
		{"SMSTRACK_BIRD_SIGNING_KEY", "k", masked},
		{"SMSTRACK_DB", "postgres://u:pw@db/x?sslmode=require", "postgres://u:" + masked + "@db/x?sslmode=require"},
		{"SMSTRACK_DB", "postgres://db/x", "postgres://db/x"},
		{"SMSTRACK_DEFAULT_REGION", "US", "US"},
		{"SMSTRACK_KANNEL_TOKEN", "", ""},
	} {
		if got := MaskSetting(tc.env, tc.in); got != tc.want {
			t.Errorf("MaskSetting(%s, %q) = %q, want %q", tc.env, tc.in, got, tc.want)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	b := c.browser(t)
	versioned := c.web.assets.url("app.css")
	p := b.get(versioned)
	wantStatus(t, "app.css", p, http.StatusOK)
	if !strings.Contains(p.header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(p.header.Get("Content-Type"), "text/css") || !strings.Contains(p.body, "prefers-color-scheme") {
		t.Errorf("versioned asset: %v", p.header)
	}
	if p := b.get("/static/app.css?v=old"); p.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("an old version must be revalidated: %q", p.header.Get("Cache-Control"))
	}
	wantStatus(t, "missing asset", b.get("/static/nope.js"), http.StatusNotFound)
	wantStatus(t, "a file outside static/", b.get("/static/templates/layout.html"), http.StatusNotFound)
	// The sign-in page links every asset by its version.
	wantBody(t, "sign-in page", b.get("/login"), versioned, c.web.assets.url("app.js"))
}

func TestPasswordHash(t *testing.T) {
	h := HashPassword("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || h == HashPassword("correct horse battery") {
		t.Fatalf("hash %q: want argon2id with its parameters and a fresh salt each time", h)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := CheckPassword(h, pw); err != nil || ok != want {
			t.Errorf("check %q: %v %v, want %v", pw, ok, err, want)
		}
	}
	// Hashes made with other parameters still check: they travel in the hash.
	weaker := strings.Replace(h, "m=19456,t=2", "m=8192,t=1", 1)
	if ok, err := CheckPassword(weaker, "correct horse battery"); err != nil || ok {
		t.Errorf("changed parameters must change the result: %v %v", ok, err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", strings.Replace(h, "m=19456", "m=99999999", 1)} {
		if _, err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("hash %q: want an error", bad)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
