// Package config reads smstrack's settings from command-line flags and their
// SMSTRACK_* environment twins, in one table so `smstrack help` lists all.
// A flag beats its environment variable; both beat the default.
package config

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"
)

// Config is every setting of the server and the CLI.
type Config struct {
	Addr             string
	Data             string
	DB               string
	PublicURL        string
	TwilioAccounts   string
	SkipVerification bool
	LogLevel         string
	LogFormat        string
	DefaultRegion    string
	BodyPolicy       string
	AccountPolicies  string
	Prices           string
	RetentionDays    int
	RetentionDelete  bool
	MediaArchive     string
	MediaMaxBytes    int64
	DebugAddr        string
	ReplyWindow      time.Duration

	// Values holds the settings that provider packages add with AddOptions,
	// by flag name.
	Values map[string]string
}

// Option is a setting a provider package adds: a text value read through
// Config.Get. Validating it is the provider's job, at start.
type Option struct {
	Flag, Env, Default, Usage string
}

// AddOptions adds settings; provider wiring calls it from init, so every
// setting is in `smstrack help` and the README test.
func AddOptions(opts ...Option) {
	for _, o := range opts {
		flag := o.Flag
		options = append(options, option{o.Flag, o.Env, o.Default, o.Usage, func(c *Config, v string) error {
			if c.Values == nil {
				c.Values = map[string]string{}
			}
			c.Values[flag] = v
			return nil
		}})
	}
}

// Get returns the value of a setting added with AddOptions.
func (c *Config) Get(flag string) string { return c.Values[flag] }

// option is one setting: its flag, its environment twin and its default.
type option struct {
	flag, env, def, usage string
	set                   func(c *Config, v string) error
}

func text(dst func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *dst(c) = v; return nil }
}

var options = []option{
	{"addr", "SMSTRACK_ADDR", "127.0.0.1:8080", "address to listen on (host:port)", text(func(c *Config) *string { return &c.Addr })},
	{"data", "SMSTRACK_DATA", "./smstrack-data", "data directory; holds the SQLite database", text(func(c *Config) *string { return &c.Data })},
	{"db", "SMSTRACK_DB", "", "postgres://... DSN to use PostgreSQL instead of the embedded SQLite file", text(func(c *Config) *string { return &c.DB })},
	{"public-url", "SMSTRACK_PUBLIC_URL", "", "URL the providers call, e.g. https://track.example.com; used to verify signatures behind proxies and tunnels", text(func(c *Config) *string { return &c.PublicURL })},
	{"twilio-accounts", "SMSTRACK_TWILIO_ACCOUNTS", "", "Twilio accounts as ACsid:authtoken,ACsid2:authtoken2", text(func(c *Config) *string { return &c.TwilioAccounts })},
	{"twilio-skip-verification", "SMSTRACK_TWILIO_SKIP_VERIFICATION", "false", "accept Twilio webhooks without checking signatures (local experiments only)", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.SkipVerification = b
		return err
	}},
	{"default-region", "SMSTRACK_DEFAULT_REGION", "US", "region (ISO 3166 alpha-2) for numbers written without a country code", text(func(c *Config) *string { return &c.DefaultRegion })},
	{"body-policy", "SMSTRACK_BODY_POLICY", "keep", "what is stored of message bodies: keep, hash (only a SHA-256) or redact (codes, card numbers, e-mails masked)", text(func(c *Config) *string { return &c.BodyPolicy })},
	{"body-policy-accounts", "SMSTRACK_BODY_POLICY_ACCOUNTS", "", "per-account body policies, e.g. ACsid1:redact,ACsid2:hash", text(func(c *Config) *string { return &c.AccountPolicies })},
	{"prices", "SMSTRACK_PRICES", "", "price of one segment by country for cost estimates, e.g. US:0.0079,GB:0.04,*:0.05", text(func(c *Config) *string { return &c.Prices })},
	{"retention-days", "SMSTRACK_RETENTION_DAYS", "0", "remove message bodies older than this many days (0 keeps them forever)", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err == nil && n < 0 {
			err = fmt.Errorf("must not be negative")
		}
		c.RetentionDays = n
		return err
	}},
	{"retention-delete-messages", "SMSTRACK_RETENTION_DELETE_MESSAGES", "false", "with --retention-days, delete whole messages (and their events) instead of only their bodies", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.RetentionDelete = b
		return err
	}},
	{"media-archive", "SMSTRACK_MEDIA_ARCHIVE", "", "archive MMS media of these accounts under the data directory: * for all, or ACsid1,ACsid2", text(func(c *Config) *string { return &c.MediaArchive })},
	{"media-max-bytes", "SMSTRACK_MEDIA_MAX_BYTES", "5242880", "largest attachment the media archive keeps", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err == nil && n <= 0 {
			err = fmt.Errorf("must be positive")
		}
		c.MediaMaxBytes = n
		return err
	}},
	{"reply-window", "SMSTRACK_REPLY_WINDOW", "24h", "an inbound message this soon after an outbound one in the same conversation is its reply", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err == nil && d <= 0 {
			err = fmt.Errorf("must be positive, e.g. 24h")
		}
		c.ReplyWindow = d
		return err
	}},
	{"debug-addr", "SMSTRACK_DEBUG_ADDR", "", "serve Go's profiler (net/http/pprof) on this separate address, e.g. 127.0.0.1:6060; off by default, never expose it", text(func(c *Config) *string { return &c.DebugAddr })},
	{"log-level", "SMSTRACK_LOG_LEVEL", "info", "debug, info, warn or error", text(func(c *Config) *string { return &c.LogLevel })},
	{"log-format", "SMSTRACK_LOG_FORMAT", "text", "text or json", text(func(c *Config) *string { return &c.LogFormat })},
}

// Parse reads the flags in args, then the environment for flags not given.
// It returns the remaining arguments.
func Parse(name string, args []string, getenv func(string) string) (*Config, []string, error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	values := make([]*string, len(options))
	for i, o := range options {
		values[i] = fs.String(o.flag, "", o.usage)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, fmt.Errorf("%v (see smstrack help)", err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for i, o := range options {
		v := o.def
		if given[o.flag] {
			v = *values[i]
		} else if e := getenv(o.env); e != "" {
			v = e
		}
		if err := o.set(c, v); err != nil {
			return nil, nil, fmt.Errorf("invalid value %q for --%s (%s): %v", v, o.flag, o.env, err)
		}
	}
	return c, fs.Args(), nil
}

// DSN is the database to open: the PostgreSQL DSN when set, otherwise the
// SQLite file in the data directory.
func (c *Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.Data, "smstrack.db")
}

// PrintOptions writes the table of settings for `smstrack help`.
func PrintOptions(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  FLAG\tENVIRONMENT\tDEFAULT\tMEANING")
	for _, o := range options {
		def := o.def
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(tw, "  --%s\t%s\t%s\t%s\n", o.flag, o.env, def, o.usage)
	}
	tw.Flush()
}

// EnvNames lists the environment variable of every setting.
func EnvNames() []string {
	out := make([]string, len(options))
	for i, o := range options {
		out[i] = o.env
	}
	return out
}
