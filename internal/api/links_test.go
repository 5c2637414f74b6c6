package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/smstrack/smstrack/internal/testdb"
)

func TestLinksAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		status, l := e.do(t, "POST", "/api/v1/links", `{"url": "https://shop.example/a?b=1"}`)
		if status != 201 || l["url"] != "https://shop.example/a?b=1" || !strings.HasSuffix(l["short_url"].(string), "/l/"+l["code"].(string)) {
			t.Fatalf("create: %d %v", status, l)
		}
		for _, bad := range []string{`{"url": "javascript:alert(1)"}`, `{"url": "//evil.com"}`, `{"url": ""}`, `{"url": "https://a.example", "message_id": 99999}`, `{"nope": 1}`} {
			if status, out := e.do(t, "POST", "/api/v1/links", bad); status != 400 && status != 404 {
				t.Errorf("create %s: got %d %v, want 400 or 404", bad, status, out)
			}
		}

		status, m := e.do(t, "POST", "/api/v1/messages", `{"provider": "twilio", "account": "AC1", "provider_id": "SMtl1",
			"to": "+15550001111", "body": "Your order: https://shop.example/o/1. Help: https://help.example/?q=1!", "track_links": true}`)
		if status != 201 {
			t.Fatalf("report with track_links: %d %v", status, m)
		}
		body := m["body"].(string)
		made := m["links"].([]any)
		if len(made) != 2 || strings.Contains(body, "shop.example") || !strings.HasSuffix(body, "!") {
			t.Fatalf("rewritten body %q links %v", body, made)
		}
		first := made[0].(map[string]any)
		if !strings.Contains(body, first["short_url"].(string)+". Help") {
			t.Errorf("body %q does not carry %v before the sentence's period", body, first["short_url"])
		}
		id := int64(m["id"].(float64))

		// A retry of the same report keeps the same links.
		status, again := e.do(t, "POST", "/api/v1/messages", `{"provider": "twilio", "account": "AC1", "provider_id": "SMtl1",
			"to": "+15550001111", "body": "Your order: https://shop.example/o/1. Help: https://help.example/?q=1!", "track_links": true}`)
		if status/100 != 2 || again["body"] != body {
			t.Errorf("retry: %d body %q, want %q", status, again["body"], body)
		}

		resp, err := http.Get(e.srv.URL + "/api/v1/messages/" + itoa(id) + "/links")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("message links without a key: got %d, want 401", resp.StatusCode)
		}
		status, list := e.do(t, "GET", "/api/v1/messages/"+itoa(id)+"/links", "")
		if status != 200 || len(list["links"].([]any)) != 2 {
			t.Fatalf("message links: %d %v", status, list)
		}
		got := list["links"].([]any)[0].(map[string]any)
		if got["code"] != first["code"] || got["url"] != "https://shop.example/o/1" || got["clicks"] != 0.0 {
			t.Errorf("first link: %v", got)
		}
		status, st := e.do(t, "GET", "/api/v1/links/"+first["code"].(string), "")
		if status != 200 || st["unique_clicks"] != 0.0 || st["previews"] != 0.0 || st["message_id"] != float64(id) {
			t.Errorf("link stats: %d %v", status, st)
		}
		if status, _ := e.do(t, "GET", "/api/v1/links/NoSuchCode", ""); status != 404 {
			t.Errorf("unknown code: got %d, want 404", status)
		}
		if status, _ := e.do(t, "GET", "/api/v1/messages/999999/links", ""); status != 404 {
			t.Errorf("links of an unknown message: got %d, want 404", status)
		}

		// Without track_links, or with it false, the body is kept as is.
		status, plain := e.do(t, "POST", "/api/v1/messages", `{"provider": "twilio", "account": "AC1", "provider_id": "SMtl2",
			"body": "See https://shop.example/o/2", "track_links": false}`)
		if status != 201 || plain["body"] != "See https://shop.example/o/2" || plain["links"] != nil {
			t.Errorf("track_links false: %d %v", status, plain)
		}
		if status, _ := e.do(t, "POST", "/api/v1/messages", `{"provider": "twilio", "account": "AC1", "provider_id": "SMtl3", "track_links": "yes"}`); status != 400 {
			t.Errorf("track_links not a boolean: got %d, want 400", status)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
