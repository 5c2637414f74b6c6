package archive

import (
	"errors"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var canonicalHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// FuzzHashPath holds the only gate between a caller's string and the file
// system: a hash is valid exactly when it is 64 lowercase hex digits, its
// path never leaves the archive, and an invalid one touches nothing.
func FuzzHashPath(f *testing.F) {
	f.Add(hashOf([]byte("x")))
	f.Add("../../../../etc/passwd")
	f.Add(strings.Repeat("a", 63) + "/")
	f.Add(strings.Repeat("A", 64))
	f.Add("ab/cd/" + strings.Repeat("0", 58))
	f.Add(strings.Repeat("0", 62) + "\x00\x00")
	f.Add("")
	a, err := New(f.TempDir(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := validHash(s)
		if want := canonicalHash.MatchString(s); valid != want {
			t.Fatalf("validHash(%q) = %v, want %v", s, valid, want)
		}
		if !valid {
			if _, _, err := a.Open(s); !errors.Is(err, ErrInvalidHash) {
				t.Fatalf("Open(%q): err = %v, want ErrInvalidHash", s, err)
			}
			if err := a.Remove(s); !errors.Is(err, ErrInvalidHash) {
				t.Fatalf("Remove(%q): err = %v, want ErrInvalidHash", s, err)
			}
			return
		}
		p := a.blobPath(s)
		rel, err := filepath.Rel(a.dir, p)
		if err != nil {
			t.Fatalf("Rel(%s, %s): %v", a.dir, p, err)
		}
		if want := filepath.Join(s[:2], s[2:4], s); rel != want {
			t.Fatalf("blobPath(%q) = %s under the archive, want %s", s, rel, want)
		}
	})
}

// FuzzResolveType checks that whatever a server declares and sends, an
// accepted type is on the allow list: the rules may trust the header or the
// bytes, but never let through a type nobody allowed.
func FuzzResolveType(f *testing.F) {
	f.Add("image/jpeg", jpegHead)
	f.Add("image/jpeg", []byte("<html><script>"))
	f.Add("text/vcard", []byte("BEGIN:VCARD\r\n"))
	f.Add("", pngHead)
	f.Add("application/octet-stream", []byte("\x00\x01"))
	f.Add("audio/mp4", m4aHead)
	allow, err := newAllowList(DefaultAllowedTypes)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		declared := normalizeType(header)
		if !undeclared(declared) && !allow.allows(declared) {
			return // refused before the body is read
		}
		got, err := allow.resolveType(declared, http.DetectContentType(body))
		if err != nil {
			if !errors.Is(err, ErrTypeNotAllowed) {
				t.Fatalf("resolveType(%q): err = %v, want ErrTypeNotAllowed", declared, err)
			}
			return
		}
		if !allow.allows(got) {
			t.Fatalf("resolveType(%q, body %q) = %q, which is not allowed", declared, body, got)
		}
	})
}
