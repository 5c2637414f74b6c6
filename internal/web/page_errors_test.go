package web

import (
	"net/http"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestErrorsPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		msgs := traffic(c.clock())
		failed := msgs[1]
		failed.sid, failed.events = "SMfailed", []seedEvent{{status: smstrack.StatusFailed, code: "30007"}}
		seed(t, c, append(msgs, failed)...)
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		p := b.get("/errors")
		wantStatus(t, "errors", p, http.StatusOK)
		wantText(t, "errors", p, "handset_unreachable", "content_filtered", "30003", "Unreachable destination handset",
			"30007", "What to do:", "responsible: handset", "new", "4 outbound messages",
			`href="/messages?error_code=30003&provider=twilio"`)

		p = b.get("/errors?code=30007&range=7d")
		wantStatus(t, "one code", p, http.StatusOK)
		wantText(t, "one code", p, "30007", `name="code" value="30007"`, "Every error")
		wantNoText(t, "one code", p, "Unreachable destination handset")

		wantText(t, "quiet hour", b.get("/errors?from=2020-01-01&to=2020-01-02"), "No errors in this range.")
		for _, q := range []string{"range=forever", "colour=red", "country=England"} {
			wantStatus(t, q, b.get("/errors?"+q), http.StatusBadRequest)
		}
	})
}
