package archive

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// DefaultMaxBytes is Twilio's MMS limit of 5 MiB: nothing larger can be a
// real attachment of a message that went through Twilio.
const DefaultMaxBytes = 5 << 20

// DefaultUserAgent identifies the archive to providers and storage hosts.
const DefaultUserAgent = "smstrack-media-archive/1"

// maxRedirects is how many redirects Fetch follows; Twilio needs one (API
// host to storage host), so five leaves room without inviting loops.
const maxRedirects = 5

// typeSuffix names the file beside each blob that holds its content type.
const typeSuffix = ".type"

// tempPrefix marks files being written; Usage skips them and they are never
// valid content addresses.
const tempPrefix = ".tmp-"

// Options tune an Archive; the zero value gives the defaults.
type Options struct {
	// MaxBytes is the largest media accepted; 0 or less means
	// DefaultMaxBytes.
	MaxBytes int64
	// AllowedTypes lists accepted media types, exact ("image/png") or by
	// major type ("image/*"); nil means DefaultAllowedTypes.
	AllowedTypes []string
	// Client makes the requests; nil means a client with timeouts. The
	// Archive uses a copy with its own CheckRedirect, which runs before the
	// client's own CheckRedirect, if any.
	Client *http.Client
	// UserAgent is sent with every request; empty means DefaultUserAgent.
	UserAgent string
}

// Item describes one stored piece of media, as recorded by the caller.
type Item struct {
	SHA256      string `json:"sha256"` // lowercase hex; the content address
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Archive stores media content-addressed under one directory. It is safe for
// concurrent use.
type Archive struct {
	dir       string
	maxBytes  int64
	allow     allowList
	client    *http.Client
	userAgent string

	// mu makes "is the blob there, else write its type file and rename it
	// in" atomic against other fetches and Remove, so a blob never exists
	// without its type file.
	mu sync.Mutex
}

// New opens (creating if needed) the archive in dir.
func New(dir string, opts Options) (*Archive, error) {
	if dir == "" {
		return nil, errors.New("archive: empty directory")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	types := opts.AllowedTypes
	if types == nil {
		types = DefaultAllowedTypes
	}
	allow, err := newAllowList(types)
	if err != nil {
		return nil, err
	}
	a := &Archive{
		dir:       filepath.Clean(dir),
		maxBytes:  opts.MaxBytes,
		allow:     allow,
		userAgent: opts.UserAgent,
	}
	if a.maxBytes <= 0 {
		a.maxBytes = DefaultMaxBytes
	}
	if a.userAgent == "" {
		a.userAgent = DefaultUserAgent
	}
	base := opts.Client
	if base == nil {
		base = defaultClient()
	}
	c := *base
	c.CheckRedirect = redirectPolicy(base.CheckRedirect)
	a.client = &c
	return a, nil
}

// defaultClient bounds every stage so a stalled provider cannot hold a
// fetch, and the goroutine behind it, forever.
func defaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 30 * time.Second
	return &http.Client{Transport: t, Timeout: 2 * time.Minute}
}

// validHash reports whether s is a canonical content address: exactly 64
// lowercase hex digits. Nothing else reaches the file system, which is what
// keeps "../" and friends out of the paths.
func validHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// blobPath is where the bytes with hash sum live; sum must be valid. Two
// levels of fan-out keep directories small (65,536 leaves) at any archive
// size.
func (a *Archive) blobPath(sum string) string {
	return filepath.Join(a.dir, sum[0:2], sum[2:4], sum)
}

// Has reports whether media with this hash is stored; an invalid hash is
// simply not stored.
func (a *Archive) Has(sum string) bool {
	if !validHash(sum) {
		return false
	}
	fi, err := os.Stat(a.blobPath(sum))
	return err == nil && fi.Mode().IsRegular()
}

// Open returns the stored bytes, ready for http.ServeContent, with their
// Item. An unknown hash gives an error matching fs.ErrNotExist; a malformed
// one gives ErrInvalidHash. The caller closes the reader.
func (a *Archive) Open(sum string) (io.ReadSeekCloser, Item, error) {
	if !validHash(sum) {
		return nil, Item{}, fmt.Errorf("%w: %q", ErrInvalidHash, sum)
	}
	p := a.blobPath(sum)
	f, err := os.Open(p)
	if err != nil {
		return nil, Item{}, fmt.Errorf("archive: open %s: %w", sum, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	var ctype string
	if err == nil {
		// The type file is written before the blob, so it is missing only
		// when Remove ran in between: the item is gone.
		ctype, err = readType(p)
	}
	if err != nil {
		f.Close()
		return nil, Item{}, fmt.Errorf("archive: open %s: %w", sum, err)
	}
	return f, Item{SHA256: sum, ContentType: ctype, Size: fi.Size()}, nil
}

// readType reads the content type stored beside the blob at p.
func readType(p string) (string, error) {
	b, err := os.ReadFile(p + typeSuffix)
	if err != nil {
		return "", err
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("archive: empty type file %s", p+typeSuffix)
	}
	return t, nil
}

// Remove deletes the media with this hash. Removing media that is not there
// is not an error, so a retention run that stopped half-way can be repeated.
func (a *Archive) Remove(sum string) error {
	if !validHash(sum) {
		return fmt.Errorf("%w: %q", ErrInvalidHash, sum)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.blobPath(sum)
	// The blob goes first: without it the item no longer exists, whatever
	// happens to the type file next.
	for _, name := range []string{p, p + typeSuffix} {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("archive: remove %s: %w", sum, err)
		}
	}
	// Empty fan-out directories would otherwise pile up after retention;
	// os.Remove refuses non-empty ones, which is what we want.
	leaf := filepath.Dir(p)
	if os.Remove(leaf) == nil {
		os.Remove(filepath.Dir(leaf))
	}
	return nil
}

// Usage counts the stored media and their total size in bytes, for
// dashboards and retention decisions. It walks the whole tree, so it costs
// one stat per item.
func (a *Archive) Usage() (files int, bytes int64, err error) {
	err = filepath.WalkDir(a.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		name := d.Name()
		rel, rerr := filepath.Rel(a.dir, path)
		if !validHash(name) || rerr != nil || rel != filepath.Join(name[0:2], name[2:4], name) {
			return nil // type files, temporary files, strays
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while we walked
		}
		if err != nil {
			return err
		}
		files++
		bytes += fi.Size()
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("archive: usage: %w", err)
	}
	return files, bytes, nil
}
