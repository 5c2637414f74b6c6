package web

import (
	"net/http"
	"net/url"
	"strings"
)

// Setting is one configuration value shown on the settings page, as the
// server runs with it. Provider accounts and credentials come from
// SMSTRACK_* settings, so the console shows them and never changes them.
type Setting struct {
	Env   string // SMSTRACK_...
	Value string // already masked: see MaskSetting
	Group string // "provider" or "server"
}

// masked stands in for a secret: the page says one is set, never what it is.
const masked = "••••••••"

// MaskSetting returns a setting's value safe to show: secrets (tokens,
// passwords, signing keys) replaced, the secret half of "id:secret"
// account lists replaced, and a database URL's password removed.
func MaskSetting(env, value string) string {
	name := strings.ToUpper(env)
	switch {
	case value == "":
		return ""
	case name == "SMSTRACK_DB":
		if u, err := url.Parse(value); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
				return strings.Replace(u.String(), "xxxxx", masked, 1)
			}
		}
		return value
	case strings.HasSuffix(name, "_ACCOUNTS") && !strings.Contains(name, "POLICY"):
		var out []string
		for _, pair := range strings.Split(value, ",") {
			id, _, _ := strings.Cut(strings.TrimSpace(pair), ":")
			out = append(out, id+":"+masked)
		}
		return strings.Join(out, ",")
	}
	for _, word := range []string{"TOKEN", "SECRET", "PASSWORD", "KEY", "CREDENTIAL"} {
		if strings.Contains(name, word) {
			return masked
		}
	}
	return value
}

func init() {
	page("GET /settings", viewer, func(s *Server, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/settings/api-keys", http.StatusSeeOther)
	})
	page("GET /settings/configuration", viewer, (*Server).configurationPage)
}

// configurationData is what the configuration page shows.
type configurationData struct {
	Retention Retention
	Providers []Setting
	Server    []Setting
}

func (s *Server) configurationPage(w http.ResponseWriter, r *http.Request) {
	d := configurationData{Retention: s.opts.Retention}
	for _, st := range s.opts.Settings {
		if st.Group == "provider" {
			d.Providers = append(d.Providers, st)
		} else {
			d.Server = append(d.Server, st)
		}
	}
	s.render(w, r, http.StatusOK, "settings_configuration", view{Title: "Providers & retention", Data: d})
}
