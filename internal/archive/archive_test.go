package archive

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fetchOne stores body through a test server and returns its Item.
func fetchOne(t *testing.T, a *Archive, contentType string, body []byte) Item {
	t.Helper()
	srv := serveBytes(t, contentType, body)
	item, err := a.Fetch(context.Background(), srv.URL, Credentials{})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return item
}

func TestNew(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		a, _ := newTestArchive(t, Options{})
		if got, want := a.maxBytes, int64(DefaultMaxBytes); got != want {
			t.Errorf("maxBytes = %d, want %d", got, want)
		}
		for _, ct := range DefaultAllowedTypes {
			if !a.allow.allows(ct) {
				t.Errorf("default allow list refuses %s", ct)
			}
		}
		if a.client.Timeout == 0 {
			t.Error("default client has no timeout")
		}
	})
	t.Run("creates the directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data", "media")
		if _, err := New(dir, Options{}); err != nil {
			t.Fatalf("New: %v", err)
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			t.Errorf("Stat(%s) = %v; want a directory", dir, err)
		}
	})
	for _, bad := range []string{"image", "image/", "/png", "*/png", "image/png/x", "image/png; q=1", ""} {
		t.Run("refuses allowed type "+bad, func(t *testing.T) {
			if _, err := New(t.TempDir(), Options{AllowedTypes: []string{bad}}); err == nil {
				t.Errorf("New with AllowedTypes [%q]: err = nil, want an error", bad)
			}
		})
	}
	t.Run("refuses empty directory", func(t *testing.T) {
		if _, err := New("", Options{}); err == nil {
			t.Error("New(\"\"): err = nil, want an error")
		}
	})
}

func TestOpenInvalidHash(t *testing.T) {
	a, dir := newTestArchive(t, Options{})
	// A file outside the fan-out, which a traversal would try to reach.
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	valid := hashOf([]byte("x"))
	for _, sum := range []string{
		"",
		"../secret",
		"../../../../etc/passwd",
		"ab/cd/" + valid,
		strings.ToUpper(valid),
		valid[:63],
		valid + "0",
		valid[:62] + "/.",
		valid[:60] + ".type",
		valid[:63] + "\x00",
		strings.Repeat(".", 64),
	} {
		t.Run(sum, func(t *testing.T) {
			rc, _, err := a.Open(sum)
			if rc != nil {
				rc.Close()
			}
			if !errors.Is(err, ErrInvalidHash) {
				t.Errorf("Open(%q): err = %v, want ErrInvalidHash", sum, err)
			}
			if a.Has(sum) {
				t.Errorf("Has(%q) = true", sum)
			}
			if err := a.Remove(sum); !errors.Is(err, ErrInvalidHash) {
				t.Errorf("Remove(%q): err = %v, want ErrInvalidHash", sum, err)
			}
		})
	}
}

func TestOpenUnknown(t *testing.T) {
	a, _ := newTestArchive(t, Options{})
	sum := hashOf([]byte("never stored"))
	_, _, err := a.Open(sum)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open: err = %v, want fs.ErrNotExist", err)
	}
	if a.Has(sum) {
		t.Error("Has = true for an unknown hash")
	}
}

func TestOpenWithoutTypeFile(t *testing.T) {
	// What Open sees if Remove runs between its two reads.
	a, _ := newTestArchive(t, Options{})
	item := fetchOne(t, a, "image/png", media(pngHead, 20, 10))
	if err := os.Remove(a.blobPath(item.SHA256) + typeSuffix); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Open(item.SHA256); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open: err = %v, want fs.ErrNotExist", err)
	}
}

func TestOpenLayout(t *testing.T) {
	a, dir := newTestArchive(t, Options{})
	body := media(gifHead, 21, 10)
	item := fetchOne(t, a, "image/gif", body)
	sum := item.SHA256
	blob := filepath.Join(dir, sum[:2], sum[2:4], sum)
	got, err := os.ReadFile(blob)
	if err != nil || string(got) != string(body) {
		t.Errorf("ReadFile(%s) = %d bytes, %v; want the media", blob, len(got), err)
	}
	ctype, err := os.ReadFile(blob + ".type")
	if err != nil || string(ctype) != "image/gif\n" {
		t.Errorf("ReadFile(%s.type) = %q, %v; want %q", blob, ctype, err, "image/gif\n")
	}
}

func TestRemove(t *testing.T) {
	a, dir := newTestArchive(t, Options{})
	keep := fetchOne(t, a, "image/jpeg", media(jpegHead, 22, 10))
	gone := fetchOne(t, a, "image/png", media(pngHead, 22, 10))

	if err := a.Remove(gone.SHA256); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if a.Has(gone.SHA256) {
		t.Error("Has = true after Remove")
	}
	if _, _, err := a.Open(gone.SHA256); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open after Remove: err = %v, want fs.ErrNotExist", err)
	}
	if err := a.Remove(gone.SHA256); err != nil {
		t.Errorf("second Remove: %v, want nil", err)
	}
	if !a.Has(keep.SHA256) {
		t.Error("Remove took the other item too")
	}
	if _, err := os.Stat(filepath.Join(dir, gone.SHA256[:2])); keep.SHA256[:2] != gone.SHA256[:2] && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("fan-out directory left behind: Stat err = %v", err)
	}
	files, size, err := a.Usage()
	if err != nil || files != 1 || size != keep.Size {
		t.Errorf("Usage = %d, %d, %v; want 1, %d, nil", files, size, err, keep.Size)
	}
	// Fetching removed media again brings it back.
	again := fetchOne(t, a, "image/png", media(pngHead, 22, 10))
	if again != gone {
		t.Errorf("Fetch after Remove = %+v, want %+v", again, gone)
	}
}

func TestUsage(t *testing.T) {
	a, dir := newTestArchive(t, Options{})
	if files, size, err := a.Usage(); err != nil || files != 0 || size != 0 {
		t.Fatalf("Usage of an empty archive = %d, %d, %v; want 0, 0, nil", files, size, err)
	}
	one := fetchOne(t, a, "image/jpeg", media(jpegHead, 23, 100))
	two := fetchOne(t, a, "application/pdf", media(pdfHead, 23, 3000))
	// Strays that are not media: a leftover temporary file, a file named
	// like a hash but in the wrong place.
	if err := os.WriteFile(filepath.Join(dir, tempPrefix+"123"), make([]byte, 999), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, one.SHA256), make([]byte, 999), 0o600); err != nil {
		t.Fatal(err)
	}

	files, size, err := a.Usage()
	if err != nil {
		t.Fatalf("Usage: %v", err)
	}
	if got, want := files, 2; got != want {
		t.Errorf("files = %d, want %d", got, want)
	}
	if got, want := size, one.Size+two.Size; got != want {
		t.Errorf("bytes = %d, want %d", got, want)
	}
}

func TestFetchDiskErrorIsNotFetchError(t *testing.T) {
	// A broken disk is ours to fix, not the provider's: retrying the
	// download elsewhere would not help, so it must not look like ErrFetch.
	a, dir := newTestArchive(t, Options{})
	srv := serveBytes(t, "image/png", media(pngHead, 24, 10))
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	_, err := a.Fetch(context.Background(), srv.URL, Credentials{})
	if err == nil || errors.Is(err, ErrFetch) {
		t.Errorf("Fetch into a missing directory: err = %v, want a non-ErrFetch error", err)
	}
}
