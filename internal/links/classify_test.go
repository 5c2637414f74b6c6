package links

import (
	"testing"
	"time"
)

func TestPreviewAgent(t *testing.T) {
	cases := []struct{ ua, want string }{
		// Apple Messages (iMessage) as Apple documents it, and a newer one.
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", "facebook"},
		{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "facebook"},
		{"facebookexternalhit/1.1;line-poker/1.0", "facebook"},
		{"meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", "facebook"},
		{"WhatsApp/2.23.20.0 A", "whatsapp"},
		{"WhatsApp/2.21.4.22 i", "whatsapp"},
		{"WhatsApp/2", "whatsapp"}, // Signal's preview fetch
		{"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "slack"},
		{"Slackbot 1.0 (+https://api.slack.com/robots)", "slack"},
		{"Slack-ImgProxy (+https://api.slack.com/robots)", "slack"},
		{"TelegramBot (like TwitterBot)", "telegram"},
		{"Twitterbot/1.0", "twitter"},
		{"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "discord"},
		{"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "linkedin"},
		{"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", "skype"},
		{"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com", "skype"},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "google"},
		{"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "google"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)", "google"},
		{"Mozilla/5.0 (compatible; Google-InspectionTool/1.0)", "google"},
		{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bing"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b", "bing"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", "apple"},
		{"Mozilla/5.0 (Linux; Android 10) Viber/20.3.0", "viber"},
		{"Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", "reddit"},
		{"Pinterestbot/1.0 (+http://www.pinterest.com/bot.html)", "pinterest"},
		{"Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", "embedly"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", "headless"},
		{"curl/8.5.0", "tool"},
		{"Wget/1.21.4", "tool"},
		{"python-requests/2.31.0", "tool"},
		{"Go-http-client/1.1", "tool"},
		{"okhttp/4.12.0", "tool"},
		{"Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", "bot"},
		{"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "bot"},
		{"Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)", "bot"},
		{"Some Link Preview Service", "bot"},
		{"ExampleCrawler/1.0", "bot"},
		{"", "empty"},
		{"   ", "empty"},
		// People.
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1", ""},
		{"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36", ""},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0", ""},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0", ""},
		{"Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36", ""},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.33.118;FBBV/540000000]", ""},
		{"Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", ""},
	}
	for _, c := range cases {
		if got := PreviewAgent(c.ua); got != c.want {
			t.Errorf("PreviewAgent(%q) = %q, want %q", c.ua, got, c.want)
		}
	}
}

func TestClassify(t *testing.T) {
	delivered := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	phone := "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
	cases := []struct {
		name, method, ua string
		at, delivered    time.Time
		want             Verdict
	}{
		{"person, later", "GET", phone, delivered.Add(time.Minute), delivered, Verdict{}},
		{"person, delivery unknown", "GET", phone, delivered, time.Time{}, Verdict{}},
		{"head", "HEAD", phone, delivered.Add(time.Hour), delivered, Verdict{true, "head"}},
		{"slack", "GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", delivered.Add(time.Hour), delivered, Verdict{true, "user_agent:slack"}},
		{"at delivery", "GET", phone, delivered.Add(400 * time.Millisecond), delivered, Verdict{true, "at_delivery"}},
		{"just before the receipt", "GET", phone, delivered.Add(-900 * time.Millisecond), delivered, Verdict{true, "at_delivery"}},
		{"after the window", "GET", phone, delivered.Add(1500 * time.Millisecond), delivered, Verdict{}},
		{"no user agent", "GET", "", delivered.Add(time.Hour), delivered, Verdict{true, "user_agent:empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Classify(c.method, c.ua, c.at, c.delivered); got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestHashIP(t *testing.T) {
	a, b := HashIP([]byte("salt1"), "192.0.2.1"), HashIP([]byte("salt2"), "192.0.2.1")
	if a == b || len(a) != 64 {
		t.Errorf("hashes with different salts: %q %q", a, b)
	}
	if HashIP([]byte("salt1"), "192.0.2.1") != a {
		t.Error("same salt and address, different hash")
	}
}
