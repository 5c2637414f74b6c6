package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/sim"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/web"
)

// demoFlags are the demo's own flags; every flag of serve applies too.
var demoFlags = map[string]bool{"rate": true, "speed": true}

// demo runs smstrack on a fresh database with the simulated carrier network
// as its Twilio: a steady stream of varied messages is sent through the real
// send API, and the simulator's signed callbacks come back through the real
// webhooks, so every part works as with real traffic.
func (m *Main) demo(ctx context.Context, args []string) error {
	rate, speed := 5.0, 1.0
	var serveArgs []string
	for i := 0; i < len(args); i++ {
		name := strings.TrimLeft(args[i], "-")
		value, inline := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, value, inline = k, v, true
		}
		if !demoFlags[name] {
			serveArgs = append(serveArgs, args[i])
			continue
		}
		if !inline {
			if i+1 >= len(args) {
				return usageError("demo: --" + name + " needs a value")
			}
			i++
			value = args[i]
		}
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || f <= 0 {
			return usageError("demo: --" + name + " must be a positive number")
		}
		if name == "rate" {
			rate = f
		} else {
			speed = f
		}
	}
	// The demo keeps its own data unless told otherwise.
	getenv := m.Getenv
	m2 := *m
	m2.Getenv = func(k string) string {
		if k == "SMSTRACK_DATA" && getenv(k) == "" {
			return "./smstrack-demo"
		}
		return getenv(k)
	}
	c, _, err := config.Parse("demo", serveArgs, m2.Getenv)
	if err != nil {
		return err
	}

	// The simulated Twilio, on a loopback port of its own.
	sid := "AC" + randomHex(16)
	token := randomHex(16)
	// The demo's carriers lose more messages than real ones (8% at least),
	// so errors and their explanations show up within seconds.
	profiles := sim.DefaultProfiles()
	for i := range profiles {
		profiles[i].DeliveryRate = min(profiles[i].DeliveryRate, 0.92)
	}
	// Its recipients open the tracked links (after their apps fetched the
	// previews) and confirm their codes, sooner than real people would.
	base := "http://" + c.Addr
	network := sim.New(sim.Config{Accounts: map[string]string{sid: token}, Speed: speed, Profiles: profiles,
		InboundURL: base + "/webhooks/twilio/inbound",
		Recipients: sim.Recipients{LinkPrefix: cmp.Or(linkBase(c), base+"/l") + "/", ClickRate: 0.3,
			ClickDelay: sim.LogNormal{Median: 20 * time.Second, Sigma: 0.8}, FeedbackURL: base,
			ConfirmDelay: sim.LogNormal{Median: 4 * time.Second, Sigma: 0.8}}})
	defer network.Close()
	simLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	simSrv := &http.Server{Handler: network, ReadHeaderTimeout: 10 * time.Second}
	go simSrv.Serve(simLn)
	defer simSrv.Close()

	// An API key, created before the server holds the database.
	db, err := m2.openStore(ctx, c)
	if err != nil {
		return err
	}
	secret, prefix, hash := api.GenerateKey()
	_, err = db.CreateAPIKey(ctx, "demo", prefix, hash)
	var password string
	if err == nil {
		password, err = demoLogin(ctx, db)
	}
	db.Close()
	if err != nil {
		return err
	}

	serveArgs = append(serveArgs, "--twilio-accounts", sid+":"+token, "--twilio-api-url", "http://"+simLn.Addr().String())
	served := make(chan error, 1)
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { served <- m2.serve(serveCtx, serveArgs) }()
	if err := waitHealthy(ctx, base, served); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, `smstrack demo: the simulated carrier network is sending %.3g messages/s through smstrack.

  Console:  %s/  (sign in as %s, password %s)
  API:      %s/api/v1/messages
  API key:  %s
  try:      curl -H "Authorization: Bearer %s" %s/api/v1/messages

Data in %s. Ctrl-C stops.
`, rate, base, demoEmail, password, base, secret, secret, base, c.Data)

	traffic := &demoTraffic{base: base, sid: sid, token: token, key: secret,
		log: slog.New(slog.NewTextHandler(m.Stderr, nil))}
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			stop()
			return <-served
		case err := <-served:
			return err
		case <-tick.C:
			go traffic.send(ctx)
		}
	}
}

// demoEmail is the demo's console user, an admin.
const demoEmail = "demo@smstrack.local"

// demoLogin gives the demo's console user a new random password, creating
// the user on a fresh database, and returns the password to print once.
func demoLogin(ctx context.Context, db *store.DB) (string, error) {
	password := rand.Text()
	hash := web.HashPassword(password)
	u, err := db.GetUserByEmail(ctx, demoEmail)
	switch {
	case err == nil:
		err = db.SetUserPassword(ctx, u.ID, hash)
	case smstrack.ErrorCode(err) == smstrack.ENOTFOUND:
		_, err = db.CreateUser(ctx, demoEmail, smstrack.RoleAdmin, hash)
	}
	return password, err
}

// waitHealthy waits for the server to answer its health check.
func waitHealthy(ctx context.Context, base string, served <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-served:
			if err == nil {
				err = errors.New("the server stopped")
			}
			return fmt.Errorf("demo: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("demo: the server did not start within 30 s")
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// demoTraffic sends varied messages through the Twilio-compatible send API.
type demoTraffic struct {
	base, sid, token, key string
	log                   *slog.Logger
}

// demoBodies mix what real senders send: one-time codes, notices in GSM-7,
// marketing with links, UCS-2 text and emoji, and long multipart bodies.
var demoBodies = []string{
	"Your verification code is %06d. It expires in 10 minutes.",
	"Your order #%d has shipped and arrives tomorrow.",
	"Flash sale: 30%% off everything today only! Shop now at %s",
	"Don’t forget your appointment tomorrow at 10:30 — reply C to cancel (ref %d).",
	"Votre code de connexion est %d. Ne le partagez avec personne.",
	"Ihr Paket %d wurde zugestellt. 📦 Danke für Ihren Einkauf!",
	"आपका ओटीपी %d है। इसे किसी के साथ साझा न करें।",
	"Reminder %d: your subscription renews next week. Manage your plan, payment details and notification preferences any time in your account settings, or reply HELP for help and STOP to unsubscribe.",
}

// demoNumbers are number prefixes with the count of digits a full number
// has after the "+": US, UK, German, French, Indian and Brazilian mobiles.
var demoNumbers = []struct {
	prefix string
	digits int
}{{"+1415555", 11}, {"+1212555", 11}, {"+447400", 12}, {"+4915112", 13}, {"+33612", 11}, {"+919876", 12}, {"+5511912", 13}}

func (d *demoTraffic) send(ctx context.Context) {
	n := mrand.IntN(1_000_000)
	kind := mrand.IntN(len(demoBodies))
	body := demoBodies[kind]
	link := ""
	switch {
	case kind == 2: // marketing: a tracked link in the body
		link = d.shortLink(ctx, fmt.Sprintf("https://shop.example.com/sale?c=%d", n))
		if link == "" {
			return
		}
		body = fmt.Sprintf(body, link)
	case strings.Contains(body, "%"):
		body = fmt.Sprintf(body, n)
	}
	num := demoNumbers[mrand.IntN(len(demoNumbers))]
	rest := num.digits - (len(num.prefix) - 1)
	to := num.prefix + fmt.Sprintf("%0*d", rest, mrand.IntN(1_000_000)%pow10(rest))
	form := url.Values{"To": {to}, "From": {"+14155550100"}, "Body": {body}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.base+"/2010-04-01/Accounts/"+d.sid+"/Messages.json", strings.NewReader(form.Encode()))
	if err != nil {
		return
	}
	req.SetBasicAuth(d.sid, d.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("demo: send", "err", err)
		}
		return
	}
	resp.Body.Close()
}

// shortLink makes a tracked link for a URL.
func (d *demoTraffic) shortLink(ctx context.Context, target string) string {
	var out struct {
		ShortURL string `json:"short_url"`
	}
	body := d.api(ctx, "POST", "/api/v1/links", `{"url": "`+target+`"}`)
	if json.Unmarshal(body, &out) != nil {
		return ""
	}
	return out.ShortURL
}

// api calls the JSON API with the demo's key and returns the answer's body.
func (d *demoTraffic) api(ctx context.Context, method, path, body string) []byte {
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, strings.NewReader(body))
	if err != nil {
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+d.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}
