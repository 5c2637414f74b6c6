package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// files are the console's templates and static assets, built into the binary.
//
//go:embed templates static
var files embed.FS

// templates holds one parsed set per page: the layout, the partials and
// the page's own file, so every page defines "content" without clashing.
type templates map[string]*template.Template

// parseTemplates parses templates/NAME.html for every page, each with
// templates/layout.html and templates/partials/*.html.
func parseTemplates(a *assets) (templates, error) {
	funcs := template.FuncMap{
		"asset": a.url,
		"when":  formatTime,
		"ago":   ago,
		"has":   slices.Contains[[]string],
		"roleAllows": func(u *smstrack.User, role string) bool {
			return u != nil && u.Role.Allows(smstrack.Role(role))
		},
	}
	maps.Copy(funcs, dataFuncs) // the data pages' formatting (pages.go)
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := templates{}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/partials/*.html", file)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// view is what every page's template receives. Pages fill Title and Data
// (their own values, as {{.Data.X}}); render fills the rest.
type view struct {
	Title string
	Data  any
	// Flash is a notice after a change ("API key revoked"); Error says why
	// a form was refused.
	Flash, Error string

	User *smstrack.User
	CSRF string // the session's token, for {{template "csrf" .}}
	Nav  []navLink
}

// render writes page name with v, completing v with the visitor, the
// navigation and the CSRF token. The page is rendered to memory first, so
// a template error answers 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t, ok := s.templates[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("web: no template %q", name))
		return
	}
	if vis := visitorOf(r); vis != nil {
		v.User, v.CSRF = vis.user, vis.session.CSRFToken
	}
	if v.User != nil {
		v.Nav = navFor(r.URL.Path)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.serverError(w, r, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// deny answers a refusal as a page saying why.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", view{Title: http.StatusText(status), Error: msg})
}

// fail answers an error from the store: the caller's mistakes with their
// message and status, ours as a logged 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := webhook.StatusFor(err)
	if status >= 500 {
		s.serverError(w, r, err)
		return
	}
	s.deny(w, r, status, smstrack.ErrorMessage(err))
}

// serverError logs err and answers a bare 500; the page says nothing of it.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	http.Error(w, "Internal error: the server log says more.", http.StatusInternalServerError)
}

// formatTime writes a time for people: UTC, to the second.
func formatTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return "—"
		}
		return v.UTC().Format("2006-01-02 15:04:05 UTC")
	case *time.Time:
		if v == nil {
			return "—"
		}
		return formatTime(*v)
	}
	return fmt.Sprint(t)
}

// ago says how long before now a time was, roughly.
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}
