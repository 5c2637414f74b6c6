package sim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/links"
)

// tracker plays smstrack's side of the recipients: status callbacks (for
// the time of each delivery), tracked links and Message Feedback.
type tracker struct {
	srv       *httptest.Server
	mu        sync.Mutex
	delivered map[string]time.Time // link code or sid -> when its delivery arrived
	to        map[string]string    // sid -> To
	visits    []trackedVisit
	confirms  map[string]int // sid -> confirmations
	badAuth   int
}

type trackedVisit struct {
	code, method, userAgent string
	at                      time.Time
}

func newTracker(t *testing.T) *tracker {
	tr := &tracker{delivered: map[string]time.Time{}, to: map[string]string{}, confirms: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /status", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.PostForm.Get("MessageStatus") == "delivered" {
			tr.mu.Lock()
			// The test's bodies end with the link's code, one per recipient number.
			tr.delivered[r.PostForm.Get("To")] = time.Now()
			tr.mu.Unlock()
		}
	})
	mux.HandleFunc("GET /l/{code}", tr.visit)
	mux.HandleFunc("HEAD /l/{code}", tr.visit)
	mux.HandleFunc("POST /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Feedback.json", func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		r.ParseForm()
		tr.mu.Lock()
		defer tr.mu.Unlock()
		if user != testAccount || pass != testToken || r.PathValue("AccountSid") != testAccount || r.PostForm.Get("Outcome") != "confirmed" {
			tr.badAuth++
		}
		tr.confirms[r.PathValue("MessageSid")]++
		w.WriteHeader(http.StatusCreated)
	})
	tr.srv = httptest.NewServer(mux)
	t.Cleanup(tr.srv.Close)
	return tr
}

func (tr *tracker) visit(w http.ResponseWriter, r *http.Request) {
	tr.mu.Lock()
	tr.visits = append(tr.visits, trackedVisit{r.PathValue("code"), r.Method, r.UserAgent(), time.Now()})
	tr.mu.Unlock()
	http.Redirect(w, r, "https://shop.example.com/", http.StatusFound)
}

// TestRecipients: previews come as the message lands and pass for
// previews with smstrack's own classifier, people click later and pass
// for people, codes are confirmed through Message Feedback; undelivered
// messages and bodies without a code or a link get nothing.
func TestRecipients(t *testing.T) {
	tr := newTracker(t)
	n, api := newNetwork(t, Config{Seed: 21, Degradations: []Degradation{}, Profiles: []Profile{
		{Country: "US", CallingCode: "1", Carrier: "Test", DeliveryRate: 1,
			Sent: LogNormal{Median: time.Second}, Delivered: LogNormal{Median: 2 * time.Second}},
		{Country: "GB", CallingCode: "44", Carrier: "Lossy", DeliveryRate: 0, Errors: []ErrorWeight{{30003, 1}},
			Sent: LogNormal{Median: time.Second}, Delivered: LogNormal{Median: 2 * time.Second}}},
		Recipients: Recipients{LinkPrefix: tr.srv.URL + "/l/", FeedbackURL: tr.srv.URL, PreviewRate: 0.5, ClickRate: 0.5,
			ClickDelay: LogNormal{Median: time.Minute, Sigma: 1}, ConfirmRate: 0.9}})
	const each = 40
	otp := map[string]bool{}
	send1 := func(to, body string) string {
		_, res := send(t, api, testAccount, testToken, url.Values{"To": {to}, "From": {"+14155550100"}, "Body": {body},
			"StatusCallback": {tr.srv.URL + "/status"}})
		return res["sid"].(string)
	}
	for i := range each {
		send1(fmt.Sprintf("+1415555%04d", i), fmt.Sprintf("Spring sale: 30%% off at %s/l/code%06d", tr.srv.URL, i))
		otp[send1(fmt.Sprintf("+1415556%04d", i), fmt.Sprintf("Your verification code is %06d", 100000+i))] = true
		send1(fmt.Sprintf("+1415557%04d", i), "Your order has shipped, see https://shop.example.com/o/1")        // no tracked link
		send1(fmt.Sprintf("+4474000%05d", i), fmt.Sprintf("Your code is %06d: %s/l/lost%06d", i, tr.srv.URL, i)) // never delivered
	}
	n.Wait()

	tr.mu.Lock()
	defer tr.mu.Unlock()
	previews, clicks, repeats := 0, 0, 0
	clicked := map[string]int{}
	for _, v := range tr.visits {
		if !strings.HasPrefix(v.code, "code") {
			t.Fatalf("visit to %s: only delivered messages' tracked links are opened", v.code)
		}
		var i int
		fmt.Sscanf(v.code, "code%d", &i)
		delivered := tr.delivered[fmt.Sprintf("+1415555%04d", i)]
		verdict := links.Classify(v.method, v.userAgent, v.at, delivered)
		if strings.Contains(v.userAgent, "iPhone") || strings.Contains(v.userAgent, "SamsungBrowser") ||
			(strings.Contains(v.userAgent, "Pixel") && v.method == http.MethodGet) {
			clicks++
			if clicked[v.code]++; clicked[v.code] > 1 {
				repeats++
			}
			if verdict.Preview || v.at.Sub(delivered) < humanFloor {
				t.Errorf("a person's click %v after delivery was taken for a preview (%s)", v.at.Sub(delivered), verdict.Reason)
			}
			continue
		}
		previews++
		if !verdict.Preview {
			t.Errorf("preview %s %q %v after delivery was taken for a click", v.method, v.userAgent, v.at.Sub(delivered))
		}
	}
	if previews < each/4 || previews > each*3/4 || len(clicked) < each/4 || len(clicked) > each*3/4 {
		t.Errorf("%d previews, %d people clicked (%d clicks): want about %d of each", previews, len(clicked), clicks, each/2)
	}
	if repeats > len(clicked)/2 {
		t.Errorf("%d repeated clicks of %d", repeats, len(clicked))
	}
	if len(tr.confirms) < each*3/4 || tr.badAuth != 0 {
		t.Errorf("%d codes confirmed of %d (want about 90%%), %d badly authenticated", len(tr.confirms), each, tr.badAuth)
	}
	for sid, k := range tr.confirms {
		if !otp[sid] || k != 1 {
			t.Errorf("%s confirmed %d times; one-time code: %v", sid, k, otp[sid])
		}
	}
}

func TestIsOneTimeCode(t *testing.T) {
	for body, want := range map[string]bool{
		"Your verification code is 482913":                  true,
		"Votre code de connexion est 5521.":                 true,
		"आपका ओटीपी 662190 है।":                             true,
		"G-482913 is your Google verification code.":        true,
		"Your order #48291 has shipped":                     false,
		"Use code SPRING for 20% off":                       false,
		"Your code is 12":                                   false,
		"Reminder 7731: your subscription renews next week": false,
		"Sale! https://t.example/l/code123456":              false,
	} {
		if got := isOneTimeCode(body); got != want {
			t.Errorf("isOneTimeCode(%q) = %v, want %v", body, got, want)
		}
	}
}
