package web

import (
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/smstrack/smstrack"
)

// The lockout: this many failed sign-ins for one e-mail within
// LockoutWindow refuse that e-mail until they age out of the window
// (15 minutes at most). Unknown e-mails are counted and answered alike, so
// the page never tells whether an address has an account.
const (
	MaxLoginFailures = 5
	LockoutWindow    = 15 * time.Minute
)

// loginCookie carries the sign-in form's CSRF token (double submit): there
// is no session to hold one yet.
const loginCookie = "smstrack_login"

// The sign-in page's answers; one for every wrong e-mail or password.
const (
	msgBadLogin = "The e-mail or password is wrong."
	msgLocked   = "Too many failed sign-ins for this e-mail: try again in 15 minutes."
)

func init() {
	page("GET /login", public, (*Server).loginPage)
	page("POST /login", public, (*Server).login)
	page("POST /logout", viewer, (*Server).logout)
}

// loginData is what the sign-in template shows.
type loginData struct {
	Email, Next, Token string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if userOf(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginData{Next: next}, "")
}

// renderLogin draws the sign-in form with a fresh CSRF token in a cookie
// scoped to /login and in the form.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData, msg string) {
	d.Token = newToken()
	s.setCookie(w, r, loginCookie, d.Token, "/login", time.Hour)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "login", view{Title: "Sign in", Data: d, Error: msg})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	d := loginData{Email: r.PostFormValue("email"), Next: localPath(r.PostFormValue("next"))}
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(csrfField))) != 1 {
		s.renderLogin(w, r, http.StatusForbidden, d, "The sign-in form had expired: please try again.")
		return
	}
	email, err := smstrack.NormalizeEmail(d.Email)
	if err != nil {
		s.renderLogin(w, r, http.StatusUnauthorized, d, msgBadLogin)
		return
	}
	ctx := r.Context()
	now := s.opts.Now()
	failures, err := s.store.CountLoginFailures(ctx, email, now.Add(-LockoutWindow))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if failures >= MaxLoginFailures {
		s.log.Warn("console: sign-in refused, e-mail locked", "email", email, "remote", r.RemoteAddr)
		s.renderLogin(w, r, http.StatusTooManyRequests, d, msgLocked)
		return
	}
	password := r.PostFormValue("password")
	user, err := s.store.GetUserByEmail(ctx, email)
	var ok bool
	switch {
	case smstrack.ErrorCode(err) == smstrack.ENOTFOUND:
		CheckPassword(dummyHash(), password) // as long as a real check
	case err != nil:
		s.serverError(w, r, err)
		return
	case len(password) <= MaxPasswordLength:
		if ok, err = CheckPassword(user.PasswordHash, password); err != nil {
			s.log.Error("console: stored password hash unreadable", "user", user.ID, "err", err)
		}
	}
	if !ok {
		if err := s.store.RecordLoginFailure(ctx, email, now); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.log.Info("console: sign-in failed", "email", email, "remote", r.RemoteAddr)
		status, msg := http.StatusUnauthorized, msgBadLogin
		if failures+1 >= MaxLoginFailures {
			status, msg = http.StatusTooManyRequests, msgLocked
		}
		s.renderLogin(w, r, status, d, msg)
		return
	}
	if err := s.store.ClearLoginFailures(ctx, email, now.Add(-LockoutWindow)); err != nil {
		s.serverError(w, r, err)
		return
	}
	// A sign-in replaces whatever session the browser had.
	if v := visitorOf(r); v != nil {
		s.store.DeleteSession(ctx, v.tokenHash)
	}
	if err := s.startSession(w, r, user); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.store.RecordLogin(ctx, user.ID, now); err != nil {
		s.log.Warn("console: record sign-in", "err", err)
	}
	if _, err := s.store.DeleteSessionsBefore(ctx, now.Add(-IdleTimeout), now); err != nil {
		s.log.Warn("console: sweep old sessions", "err", err)
	}
	s.clearCookie(w, r, loginCookie, "/login")
	s.log.Info("console: signed in", "user", user.ID, "email", email)
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.store.DeleteSession(r.Context(), visitorOf(r).tokenHash); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearCookie(w, r, sessionCookie, "/")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
