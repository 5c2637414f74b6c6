package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// assets are the embedded static files with a content hash each: pages
// link to /static/NAME?v=HASH, so a new release's files are fetched anew
// while unchanged ones stay cached for a year.
type assets struct {
	files map[string][]byte
	hash  map[string]string
}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string][]byte{}, hash: map[string]string{}}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		a.files[name], a.hash[name] = b, hex.EncodeToString(sum[:5])
		return nil
	})
	return a, err
}

// url is the address of an asset with its cache-busting version; templates
// call it as {{asset "app.css"}}.
func (a *assets) url(name string) string {
	h, ok := a.hash[name]
	if !ok {
		// A missing asset is a bug in a template: fail loudly in tests.
		panic("web: no asset " + name)
	}
	return "/static/" + name + "?v=" + h
}

func init() {
	page("GET /static/{file...}", public, (*Server).staticFile)
}

// staticFile serves an embedded asset: for a year when asked with its
// current version, revalidated otherwise.
func (s *Server) staticFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := s.assets.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if r.URL.Query().Get("v") == s.assets.hash[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+s.assets.hash[name]+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}
