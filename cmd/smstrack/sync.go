package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/twilio"
)

const syncUsage = `usage: smstrack sync twilio [--since WHEN] [--until WHEN] [--account AC...] [--json] [--api-url URL]
WHEN is a date (2025-03-04, UTC), a time (2025-03-04T10:00:00Z) or an age
(36h, 7d). --since defaults to 24h. Credentials come from
SMSTRACK_TWILIO_ACCOUNTS; --account picks some of them (comma-separated).`

// maxPrintedSync bounds the missing and stale messages listed per account;
// --json lists them all.
const maxPrintedSync = 20

// syncCmd reconciles the store with a provider: `smstrack sync twilio`.
func (m *Main) syncCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "twilio" {
		return usageError(syncUsage)
	}
	own, rest, positional := splitArgs(args[1:], map[string]bool{"since": true, "until": true, "account": true, "api-url": true, "json": false})
	if len(positional) > 0 {
		return usageError(fmt.Sprintf("sync takes no arguments, got %q\n%s", positional, syncUsage))
	}
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	sinceText := fs.String("since", "24h", "list messages sent after WHEN")
	untilText := fs.String("until", "", "list messages sent before WHEN")
	only := fs.String("account", "", "sync only these AccountSids (comma-separated)")
	apiURL := fs.String("api-url", "", "Twilio's API base URL (for tests and proxies)")
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	if err := fs.Parse(own); err != nil {
		return usageError(err.Error() + "\n" + syncUsage)
	}
	now := time.Now().UTC()
	since, err := parseWhen(*sinceText, now)
	if err != nil {
		return usageError("--since: " + err.Error())
	}
	until, err := parseWhen(*untilText, now)
	if err != nil {
		return usageError("--until: " + err.Error())
	}
	c, _, err := config.Parse("sync", rest, m.Getenv)
	if err != nil {
		return err
	}
	accounts, err := syncAccounts(c.TwilioAccounts, *only)
	if err != nil {
		return err
	}
	preparer, err := preparerFor(c)
	if err != nil {
		return err
	}
	base := cmpOr(*apiURL, c.Get(optTwilioAPIURL))
	db, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()

	var reports []*twilio.SyncReport
	var failed []string
	for _, acc := range accounts {
		client := twilio.NewClient(acc.sid, acc.token)
		client.BaseURL = base
		s := &twilio.Syncer{Client: client, Store: db, Prepare: preparer.Prepare}
		r, err := s.Sync(ctx, twilio.ListParams{DateSentAfter: since, DateSentBefore: until})
		reports = append(reports, r)
		if err != nil {
			// The other accounts still deserve their sync; what was merged
			// before the error stays merged.
			failed = append(failed, fmt.Sprintf("%s: %v", acc.sid, err))
			fmt.Fprintf(m.Stderr, "sync of %s stopped: %v\n", acc.sid, err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"accounts": reports, "errors": cmpOr(failed, []string{})}); err != nil {
			return err
		}
	} else {
		for _, r := range reports {
			printSyncReport(m.Stdout, r)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("sync failed for %d of %d accounts: %s", len(failed), len(accounts), strings.Join(failed, "; "))
	}
	return nil
}

// cmpOr returns v, or def when v is empty.
func cmpOr[T ~string | ~[]string](v, def T) T {
	if len(v) == 0 {
		return def
	}
	return v
}

type twilioAccount struct{ sid, token string }

// syncAccounts is the configured accounts, narrowed to only when given.
func syncAccounts(configured, only string) ([]twilioAccount, error) {
	tokens, err := twilio.ParseAccounts(configured)
	if err != nil {
		return nil, fmt.Errorf("%w (set by --twilio-accounts or SMSTRACK_TWILIO_ACCOUNTS)", err)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("no Twilio accounts configured: set SMSTRACK_TWILIO_ACCOUNTS=ACsid:authtoken")
	}
	var sids []string
	if strings.TrimSpace(only) == "" {
		for sid := range tokens {
			sids = append(sids, sid)
		}
		slices.Sort(sids)
	} else {
		for _, sid := range strings.Split(only, ",") {
			sid = strings.TrimSpace(sid)
			if sid == "" {
				continue
			}
			if _, ok := tokens[sid]; !ok {
				return nil, fmt.Errorf("--account %s: no auth token for it in SMSTRACK_TWILIO_ACCOUNTS", sid)
			}
			sids = append(sids, sid)
		}
	}
	out := make([]twilioAccount, len(sids))
	for i, sid := range sids {
		out[i] = twilioAccount{sid, tokens[sid]}
	}
	return out, nil
}

// parseWhen reads a point in time: a date, an RFC 3339 time, or an age
// before now (Go durations, and whole days as 7d). Empty is the zero time.
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return time.Time{}, nil
	case strings.HasSuffix(s, "d"):
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (2025-03-04), a time (2025-03-04T10:00:00Z) or an age (36h, 7d)", s)
}

func printSyncReport(w io.Writer, r *twilio.SyncReport) {
	window := "any time"
	switch {
	case r.Since != nil && r.Until != nil:
		window = r.Since.Format(time.RFC3339) + " – " + r.Until.Format(time.RFC3339)
	case r.Since != nil:
		window = "since " + r.Since.Format(time.RFC3339)
	case r.Until != nil:
		window = "until " + r.Until.Format(time.RFC3339)
	}
	fmt.Fprintf(w, "Twilio account %s, messages sent %s: %d listed\n", r.Account, window, r.Listed)
	fmt.Fprintf(w, "  missing (never seen here):        %d\n", len(r.Missing))
	fmt.Fprintf(w, "  stale (final at Twilio, not here): %d\n", len(r.Stale))
	fmt.Fprintf(w, "  enriched (body, price, segments): %d\n", r.Enriched)
	fmt.Fprintf(w, "  status changed: %d, unchanged: %d, unreadable: %d\n", r.Changed, r.Unchanged, len(r.Rejected))
	for i, s := range r.Missing {
		if i == maxPrintedSync {
			fmt.Fprintf(w, "    … and %d more missing (--json lists all)\n", len(r.Missing)-i)
			break
		}
		fmt.Fprintf(w, "    missing %s %s\n", s.Sid, s.TwilioStatus)
	}
	for i, s := range r.Stale {
		if i == maxPrintedSync {
			fmt.Fprintf(w, "    … and %d more stale (--json lists all)\n", len(r.Stale)-i)
			break
		}
		fmt.Fprintf(w, "    stale   %s %s here, %s at Twilio, now %s\n", s.Sid, s.StoredStatus, s.TwilioStatus, s.Status)
	}
	for i, s := range r.Rejected {
		if i == maxPrintedSync {
			fmt.Fprintf(w, "    … and %d more unreadable (--json lists all)\n", len(r.Rejected)-i)
			break
		}
		fmt.Fprintf(w, "    unreadable %s: %s\n", s.Sid, s.Reason)
	}
}
