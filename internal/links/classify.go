package links

import (
	"net/http"
	"regexp"
	"strings"
	"time"
)

// PreviewWindow is how close to a message's delivery a fetch must be to
// count as a preview: a messaging app that renders previews fetches the
// link as the message arrives, before anyone could have read it.
const PreviewWindow = time.Second

// previewAgents are substrings (lower case) of the user agents of known
// link-preview fetchers, with the name each is recorded under.
var previewAgents = []struct{ marker, name string }{
	// Apple's Messages fetches previews itself, on the sender's and the
	// recipient's devices, and says so only through the crawler names
	// Apple documents it sends: "facebookexternalhit/1.1 Facebot Twitterbot/1.0".
	{"facebookexternalhit", "facebook"},
	{"facebot", "facebook"},
	{"facebookcatalog", "facebook"},
	{"meta-externalagent", "facebook"},
	{"whatsapp", "whatsapp"}, // Signal's client fetches previews as "WhatsApp/2" too
	{"slackbot", "slack"},
	{"slack-imgproxy", "slack"},
	{"telegrambot", "telegram"},
	{"twitterbot", "twitter"},
	{"discordbot", "discord"},
	{"linkedinbot", "linkedin"},
	{"skypeuripreview", "skype"},
	{"signal", "signal"},
	{"googlebot", "google"},
	{"google-pagerenderer", "google"},
	{"google-inspectiontool", "google"},
	{"googleother", "google"},
	{"adsbot-google", "google"},
	{"mediapartners-google", "google"},
	{"apis-google", "google"},
	{"feedfetcher-google", "google"},
	{"developers.google.com/+/web/snippet", "google"},
	{"bingbot", "bing"},
	{"bingpreview", "bing"},
	{"msnbot", "bing"},
	{"applebot", "apple"},
	{"viber", "viber"},
	{"snap url preview", "snapchat"},
	{"pinterest", "pinterest"},
	{"redditbot", "reddit"},
	{"embedly", "embedly"},
	{"iframely", "iframely"},
	{"yahoo! slurp", "yahoo"},
	{"yandex", "yandex"},
	{"duckduckbot", "duckduckgo"},
	{"headlesschrome", "headless"},
	{"curl/", "tool"},
	{"wget/", "tool"},
	{"python-requests", "tool"},
	{"python-urllib", "tool"},
	{"go-http-client", "tool"},
	{"okhttp", "tool"},
	{"java/", "tool"},
	{"libwww-perl", "tool"},
	{"axios/", "tool"},
	{"node-fetch", "tool"},
}

// botWord matches the generic markers crawlers put in their user agents
// ("SomethingBot/1.0", "a crawler", "spider", "link preview").
var botWord = regexp.MustCompile(`(?i)(bot\b|crawl|spider|preview|fetcher|scraper|monitor|http-client)`)

// notBots are phone and browser names that contain a bot marker.
var notBots = []string{"cubot"}

// Verdict is how a visit was classified.
type Verdict struct {
	Preview bool
	Reason  string // why it is a preview: "head", "user_agent:slack", "at_delivery", "no_user_agent"
}

// Classify tells a preview fetch from a person's click by the request's
// method, its user agent and its time relative to the message's delivery
// (deliveredAt zero when unknown).
func Classify(method, userAgent string, at, deliveredAt time.Time) Verdict {
	if method == http.MethodHead {
		return Verdict{true, "head"}
	}
	if name := PreviewAgent(userAgent); name != "" {
		return Verdict{true, "user_agent:" + name}
	}
	if !deliveredAt.IsZero() {
		d := at.Sub(deliveredAt)
		if d < 0 {
			d = -d
		}
		if d <= PreviewWindow {
			return Verdict{true, "at_delivery"}
		}
	}
	return Verdict{}
}

// PreviewAgent returns the name of the preview fetcher or bot a user agent
// belongs to, "bot" for a generic bot marker, "empty" for no user agent,
// and "" for what looks like a person's browser.
func PreviewAgent(userAgent string) string {
	ua := strings.ToLower(strings.TrimSpace(userAgent))
	if ua == "" {
		return "empty"
	}
	for _, a := range previewAgents {
		if strings.Contains(ua, a.marker) {
			return a.name
		}
	}
	for _, n := range notBots {
		ua = strings.ReplaceAll(ua, n, "")
	}
	if botWord.MatchString(ua) {
		return "bot"
	}
	return ""
}
