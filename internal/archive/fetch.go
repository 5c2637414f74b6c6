package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
)

// sniffLen is how many bytes http.DetectContentType looks at.
const sniffLen = 512

// Credentials authenticate a media download with HTTP Basic auth; for
// Twilio, Username is the AccountSid and Password the AuthToken. The zero
// value sends no credentials.
type Credentials struct {
	Username string
	Password string
}

// set reports whether there is anything to send.
func (c Credentials) set() bool { return c.Username != "" || c.Password != "" }

// errEmptyBody is the cause of a FetchError for a 2xx response without bytes,
// which no real attachment is.
var errEmptyBody = errors.New("empty body")

// Fetch downloads the media at rawURL (http or https), checks it and stores
// it, returning its Item. Fetching bytes that are already stored returns the
// stored Item, whose content type is that of the first fetch.
//
// Credentials go only to the host and scheme of rawURL: a redirect anywhere
// else (another host, another port, or from https to http, which is refused
// outright) is followed without them, and they are not restored if a later
// redirect comes back. At most 5 redirects are followed.
//
// Errors match ErrFetch (see FetchError for the status), ErrTooLarge or
// ErrTypeNotAllowed; a cancelled or expired ctx gives an error matching the
// context's error and not ErrFetch, so callers can tell "give up" from
// "try again later".
func (a *Archive) Fetch(ctx context.Context, rawURL string, cred Credentials) (Item, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Item{}, &FetchError{URL: "(unparsable)", Err: err}
	}
	shown := redact(u)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return Item{}, &FetchError{URL: shown, Err: fmt.Errorf("scheme %q not allowed: want http or https", u.Scheme)}
	case u.Host == "":
		return Item{}, &FetchError{URL: shown, Err: errors.New("no host")}
	case u.User != nil:
		// Userinfo would be sent as Basic auth, bypassing Credentials and
		// ending up in logs with the URL.
		return Item{}, &FetchError{URL: shown, Err: errors.New("credentials in the URL: pass Credentials instead")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Item{}, &FetchError{URL: shown, Err: err}
	}
	req.Header.Set("User-Agent", a.userAgent)
	if cred.set() {
		req.SetBasicAuth(cred.Username, cred.Password)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return Item{}, a.fetchErr(ctx, shown, 0, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// A little draining lets the connection be reused; error bodies are
		// small, and an unbounded one is not worth reading.
		io.CopyN(io.Discard, resp.Body, 4<<10)
		return Item{}, &FetchError{URL: shown, StatusCode: resp.StatusCode}
	}
	if resp.ContentLength > a.maxBytes {
		return Item{}, fmt.Errorf("%w: %s: Content-Length %d, limit %d", ErrTooLarge, shown, resp.ContentLength, a.maxBytes)
	}
	declared := normalizeType(resp.Header.Get("Content-Type"))
	if !undeclared(declared) && !a.allow.allows(declared) {
		return Item{}, &TypeError{Declared: declared, Reason: "not on the allow list"}
	}

	// One byte past the limit is enough to know the body is too large, and
	// the Content-Length header may be absent or lie.
	body := io.LimitReader(resp.Body, a.maxBytes+1)
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(body, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Item{}, a.fetchErr(ctx, shown, resp.StatusCode, err)
	}
	head = head[:n]
	if n == 0 {
		return Item{}, &FetchError{URL: shown, StatusCode: resp.StatusCode, Err: errEmptyBody}
	}
	ctype, err := a.allow.resolveType(declared, http.DetectContentType(head))
	if err != nil {
		return Item{}, err
	}

	tmp, err := os.CreateTemp(a.dir, tempPrefix+"*")
	if err != nil {
		return Item{}, fmt.Errorf("archive: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		return Item{}, fmt.Errorf("archive: write: %w", err)
	}
	src := &readErrs{r: body}
	rest, err := io.Copy(w, src)
	size := int64(n) + rest
	switch {
	case src.err != nil:
		return Item{}, a.fetchErr(ctx, shown, resp.StatusCode, src.err)
	case err != nil:
		return Item{}, fmt.Errorf("archive: write: %w", err)
	}
	if size > a.maxBytes {
		return Item{}, fmt.Errorf("%w: %s: more than %d bytes", ErrTooLarge, shown, a.maxBytes)
	}
	// The rename must not land a file whose bytes are still in the page
	// cache only: after a crash the address would name garbage.
	if err := tmp.Sync(); err != nil {
		return Item{}, fmt.Errorf("archive: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Item{}, fmt.Errorf("archive: close: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	item, err := a.commit(tmp.Name(), sum, ctype)
	if err != nil {
		return Item{}, err
	}
	committed = true
	return item, nil
}

// readErrs remembers a read error other than io.EOF, so that Fetch can tell
// a failed download (ErrFetch) from a failed write to the disk (not ErrFetch).
type readErrs struct {
	r   io.Reader
	err error
}

// Read passes through to r, keeping the error.
func (e *readErrs) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// fetchErr turns a transport or body error into the error Fetch returns:
// the context's own error when ctx ended, a FetchError otherwise.
func (a *Archive) fetchErr(ctx context.Context, shown string, status int, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("archive: fetch %s: %w", shown, ctxErr)
	}
	return &FetchError{URL: shown, StatusCode: status, Err: err}
}

// commit moves the finished temporary file tmp into place as the blob sum,
// with its type file, unless the blob is already there; it removes tmp
// either way and returns the stored Item.
func (a *Archive) commit(tmp, sum, ctype string) (Item, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.blobPath(sum)
	if fi, err := os.Stat(p); err == nil {
		os.Remove(tmp)
		stored, err := readType(p)
		if err != nil {
			// Only a crash between the two writes below, or a hand-edited
			// archive, leaves a blob without its type; repair it.
			if err := a.writeType(p, ctype); err != nil {
				return Item{}, err
			}
			stored = ctype
		}
		return Item{SHA256: sum, ContentType: stored, Size: fi.Size()}, nil
	}
	leaf := filepath.Dir(p)
	if err := os.MkdirAll(leaf, 0o750); err != nil {
		os.Remove(tmp)
		return Item{}, fmt.Errorf("archive: %w", err)
	}
	// The type file goes first, so whoever sees the blob can read its type.
	if err := a.writeType(p, ctype); err != nil {
		os.Remove(tmp)
		return Item{}, err
	}
	fi, err := os.Stat(tmp)
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		os.Remove(tmp)
		return Item{}, fmt.Errorf("archive: store %s: %w", sum, err)
	}
	syncDir(leaf)
	return Item{SHA256: sum, ContentType: ctype, Size: fi.Size()}, nil
}

// writeType stores ctype beside the blob at p, atomically.
func (a *Archive) writeType(p, ctype string) error {
	f, err := os.CreateTemp(a.dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	_, err = f.WriteString(ctype + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p+typeSuffix)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("archive: write type: %w", err)
	}
	return nil
}

// syncDir makes a rename into dir durable. It is best effort: some file
// systems cannot sync directories, and the data itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// redirectPolicy returns the CheckRedirect of the Archive's client. Go's
// client drops the Authorization header only when the host name changes, and
// compares names without ports, so it would send Twilio credentials to
// another service on the same host or over a downgrade to plain http. This
// policy drops them whenever scheme or host:port differ from the original
// request, for every later hop too, and then defers to next, if any.
func redirectPolicy(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to scheme %q refused", req.URL.Scheme)
		}
		origin := via[0].URL
		strip := false
		for _, r := range append(via[1:len(via):len(via)], req) {
			if r.URL.Scheme == "http" && origin.Scheme == "https" {
				return errors.New("redirect from https to http refused")
			}
			if r.URL.Scheme != origin.Scheme || r.URL.Host != origin.Host {
				strip = true
			}
		}
		if strip {
			req.Header.Del("Authorization")
			// The authenticated URL (for Twilio it names the account) is
			// no business of the storage host either.
			req.Header.Del("Referer")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// redact returns u without userinfo, query or fragment, for error messages:
// presigned storage URLs carry their signature in the query.
func redact(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = "", false, "", ""
	return c.String()
}
