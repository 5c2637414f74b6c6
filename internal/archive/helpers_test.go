package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// Test credentials shaped like Twilio's AccountSid and AuthToken.
const (
	testSid   = "AC0123456789abcdef0123456789abcdef"
	testToken = "f00dfeedf00dfeedf00dfeedf00dfeed"
)

var testCred = Credentials{Username: testSid, Password: testToken}

// Minimal file heads that http.DetectContentType recognises; a seed and
// padding make each test's bytes distinct, and so their addresses.
var (
	jpegHead = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01")
	pngHead  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	gifHead  = []byte("GIF89a\x01\x00\x01\x00")
	pdfHead  = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	oggHead  = []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00")
	// An M4A voice note whose compatible brands include mp42, as phones
	// write them; it sniffs as video/mp4.
	m4aHead = []byte("\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom\x00\x00\x00\x08free")
	// A HEIC photo: its brands contain no "mp4", so it sniffs as
	// application/octet-stream.
	heicHead = []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
	// An AMR voice note: the magic is text, the frames are not.
	amrHead = []byte("#!AMR\n\x3c\x91\x17\x16\xbe\x66\x78\x00")
)

// media returns head followed by n padding bytes derived from seed.
func media(head []byte, seed byte, n int) []byte {
	b := append([]byte(nil), head...)
	for i := 0; i < n; i++ {
		b = append(b, seed+byte(i%7))
	}
	return b
}

// hashOf is the content address of b.
func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// newTestArchive opens an archive in a fresh directory.
func newTestArchive(t *testing.T, opts Options) (*Archive, string) {
	t.Helper()
	dir := t.TempDir()
	a, err := New(dir, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a, dir
}

// serveBytes starts a server answering every request with body and
// contentType; an empty contentType sends no Content-Type header at all.
func serveBytes(t *testing.T, contentType string, body []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if contentType == "" {
			w.Header()["Content-Type"] = nil // stop net/http sniffing one for us
		} else {
			w.Header().Set("Content-Type", contentType)
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// assertStored checks that Open gives back want with item's details.
func assertStored(t *testing.T, a *Archive, item Item, want []byte) {
	t.Helper()
	rc, got, err := a.Open(item.SHA256)
	if err != nil {
		t.Fatalf("Open(%s): %v", item.SHA256, err)
	}
	defer rc.Close()
	if got != item {
		t.Errorf("Open item = %+v, want %+v", got, item)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(rc); err != nil {
		t.Fatalf("read: %v", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("Open bytes differ: got %d bytes, want %d", buf.Len(), len(want))
	}
}

// assertEmpty checks that nothing, not even a temporary file, is left in dir.
func assertEmpty(t *testing.T, a *Archive, dir string) {
	t.Helper()
	files, size, err := a.Usage()
	if err != nil {
		t.Fatalf("Usage: %v", err)
	}
	if files != 0 || size != 0 {
		t.Errorf("Usage = %d files, %d bytes; want 0, 0", files, size)
	}
	assertNoTemp(t, dir)
}

// assertNoTemp checks that no temporary file was left behind in dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
