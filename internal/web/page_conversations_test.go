package web

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestConversationsPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{DefaultRegion: "GB"})
		ids := seed(t, c, traffic(c.clock())...)
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		p := b.get("/conversations")
		wantStatus(t, "list", p, http.StatusOK)
		wantText(t, "list", p, alice, bob, "opted out", ourNumber)

		p = b.get("/conversations?number=07700+900123") // national form
		wantText(t, "their number", p, alice)
		wantNoText(t, "their number", p, bob)
		p = b.get("/conversations?opted_out=no")
		wantText(t, "not opted out", p, bob)
		wantNoText(t, "not opted out", p, alice)
		wantText(t, "no match", b.get("/conversations?number=%2B15005550006"), "No conversations match.")

		wantStatus(t, "bad opted_out", b.get("/conversations?opted_out=maybe"), http.StatusBadRequest)
		wantText(t, "unknown filter", b.get("/conversations?colour=red"), `unknown filter "colour"`)
		wantStatus(t, "bad cursor", b.get("/conversations?cursor=%21"), http.StatusBadRequest)

		m, err := c.db.GetMessage(t.Context(), ids["SMotp"])
		if err != nil {
			t.Fatal(err)
		}
		p = b.get(fmt.Sprintf("/conversations/%d", m.ConversationID))
		wantStatus(t, "thread", p, http.StatusOK)
		wantText(t, "thread", p, "Opted out", "(keyword STOP)", "Your code is 482910", "STOP", "replied after 3 min 0 s",
			`class="bubble out"`, `class="bubble in"`, "delivered", fmt.Sprintf(`href="/messages/%d"`, ids["SMreply"]),
			"(body not kept)")
		for _, path := range []string{"/conversations/424242", "/conversations/x"} {
			wantStatus(t, path, b.get(path), http.StatusNotFound)
		}
	})
}
