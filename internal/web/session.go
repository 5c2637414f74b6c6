package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Session lifetimes: a session ends after IdleTimeout without a request,
// and MaxSessionAge after sign-in whatever the activity.
const (
	IdleTimeout   = 12 * time.Hour
	MaxSessionAge = 7 * 24 * time.Hour
	// touchEvery bounds how often activity is written: once a minute per
	// session at most, not on every request.
	touchEvery = time.Minute
)

// sessionCookie carries the session token: 256 random bits, of which the
// database keeps only the SHA-256.
const sessionCookie = "smstrack_session"

// csrfField is the hidden form field (or X-CSRF-Token header, for fetch)
// carrying the session's synchronizer token.
const (
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// newToken returns 256 random bits, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// visitor is the signed-in user of a request and their session.
type visitor struct {
	user      *smstrack.User
	session   *smstrack.Session
	tokenHash []byte
}

type visitorKey struct{}

// visitorOf returns the request's signed-in visitor; nil on public routes
// without a session.
func visitorOf(r *http.Request) *visitor {
	v, _ := r.Context().Value(visitorKey{}).(*visitor)
	return v
}

// userOf returns the signed-in user; every page past the guard has one.
func userOf(r *http.Request) *smstrack.User {
	if v := visitorOf(r); v != nil {
		return v.user
	}
	return nil
}

// guard is what every console request passes: security headers, the
// session, the role, and for every state-changing request the origin
// check and the CSRF token.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		changes := r.Method != http.MethodGet && r.Method != http.MethodHead
		if changes {
			if err := s.origin.Check(r); err != nil {
				s.deny(w, r, http.StatusForbidden, "This request came from another site and was refused.")
				return
			}
		}
		v := s.session(w, r)
		if v != nil {
			r = r.WithContext(context.WithValue(r.Context(), visitorKey{}, v))
		}
		if rt.access == public {
			rt.handle(s, w, r)
			return
		}
		h.Set("Cache-Control", "no-store")
		switch {
		case v == nil && rt.json:
			webhook.WriteError(w, http.StatusUnauthorized, smstrack.Errorf(smstrack.EUNAUTHORIZED, "sign in to the console first"))
			return
		case v == nil:
			http.Redirect(w, r, "/login?next="+url.QueryEscape(localPath(r.URL.RequestURI())), http.StatusSeeOther)
			return
		case rt.access == admin && !v.user.Role.Allows(smstrack.RoleAdmin):
			s.denyRoute(w, r, rt, "Only admins may do this.")
			return
		case !v.user.Role.Allows(smstrack.RoleViewer): // a role this version does not know
			s.denyRoute(w, r, rt, "Your account has no role that may read the console.")
			return
		}
		if changes && !validCSRF(r, v.session.CSRFToken) {
			s.denyRoute(w, r, rt, "The form had expired or did not come from this console: reload the page and try again.")
			return
		}
		rt.handle(s, w, r)
	})
}

// denyRoute answers 403 the way the route speaks.
func (s *Server) denyRoute(w http.ResponseWriter, r *http.Request, rt route, msg string) {
	if rt.json {
		webhook.WriteError(w, http.StatusForbidden, smstrack.Errorf(smstrack.EFORBIDDEN, "%s", msg))
		return
	}
	s.deny(w, r, http.StatusForbidden, msg)
}

// validCSRF checks the request's token against the session's in constant time.
func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// session finds the request's live session, ending it when it has expired,
// and records activity at most once a minute.
func (s *Server) session(w http.ResponseWriter, r *http.Request) *visitor {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	hash := hashToken(c.Value)
	sess, user, err := s.store.GetSession(r.Context(), hash)
	if err != nil {
		if smstrack.ErrorCode(err) != smstrack.EUNAUTHORIZED {
			s.log.Error("console: read session", "err", err)
		}
		s.clearCookie(w, r, sessionCookie, "/")
		return nil
	}
	now := s.opts.Now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > IdleTimeout {
		if err := s.store.DeleteSession(r.Context(), hash); err != nil {
			s.log.Error("console: end expired session", "err", err)
		}
		s.clearCookie(w, r, sessionCookie, "/")
		return nil
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := s.store.TouchSession(r.Context(), hash, now); err != nil {
			s.log.Warn("console: touch session", "err", err)
		}
	}
	return &visitor{user: user, session: sess, tokenHash: hash}
}

// startSession signs user in: a new session and its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user *smstrack.User) error {
	token := newToken()
	now := s.opts.Now()
	sess := smstrack.Session{UserID: user.ID, CSRFToken: newToken(), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(MaxSessionAge)}
	if err := s.store.CreateSession(r.Context(), hashToken(token), sess); err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, token, "/", MaxSessionAge)
	return nil
}

// secureRequest reports whether cookies must be Secure: the request came
// over TLS, or the public URL is https (TLS ending at a proxy).
func (s *Server) secureRequest(r *http.Request) bool {
	return s.secure || r.TLS != nil
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secureRequest(r), SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, Secure: s.secureRequest(r), SameSite: http.SameSiteLaxMode})
}

// localPath keeps a redirect target on this site: a path, never a URL
// (//evil.example, /\evil.example) that would leave it.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsFunc(p, func(c rune) bool { return c < 0x20 || c == '\\' || c == 0x7f }) {
		return "/"
	}
	return p
}
