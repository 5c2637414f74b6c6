package web

import (
	"net/http"

	"github.com/smstrack/smstrack"
)

func init() {
	page("GET /settings/users", viewer, (*Server).usersPage)
	page("POST /settings/users", admin, (*Server).createUser)
	page("POST /settings/users/{id}/role", admin, (*Server).setUserRole)
	page("POST /settings/users/{id}/delete", admin, (*Server).deleteUser)
}

var userFlashes = map[string]string{
	"created": "The user is created: they sign in with the e-mail and password you gave.",
	"role":    "The role is changed.",
	"deleted": "The user is deleted and signed out everywhere.",
}

// usersData is what the users page shows.
type usersData struct {
	Users []smstrack.User
	Email string        // the e-mail typed, kept when the form is refused
	Role  smstrack.Role // the role chosen, likewise
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, view{Flash: doneMessage(r, userFlashes)}, usersData{})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v view, d usersData) {
	users, err := s.store.ListUsers(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Users = users
	v.Title, v.Data = "Users", d
	s.render(w, r, status, "settings_users", v)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	d := usersData{Email: r.PostFormValue("email"), Role: smstrack.Role(r.PostFormValue("role"))}
	email, err := smstrack.NormalizeEmail(d.Email)
	if err == nil {
		d.Role, err = smstrack.ParseRole(r.PostFormValue("role"))
	}
	password := r.PostFormValue("password")
	if err == nil {
		err = CheckPasswordPolicy(password)
	}
	var u *smstrack.User
	if err == nil {
		u, err = s.store.CreateUser(r.Context(), email, d.Role, HashPassword(password))
	}
	switch smstrack.ErrorCode(err) {
	case "":
	case smstrack.EINVALID, smstrack.ECONFLICT:
		s.renderUsers(w, r, http.StatusBadRequest, view{Error: smstrack.ErrorMessage(err)}, d)
		return
	default:
		s.serverError(w, r, err)
		return
	}
	s.log.Info("console: user created", "user", u.ID, "email", u.Email, "role", u.Role, "by", userOf(r).Email)
	http.Redirect(w, r, "/settings/users?done=created", http.StatusSeeOther)
}

func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	role, err := smstrack.ParseRole(r.PostFormValue("role"))
	if err == nil {
		err = s.store.SetUserRole(r.Context(), id, role)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("console: user role changed", "user", id, "role", role, "by", userOf(r).Email)
	http.Redirect(w, r, "/settings/users?done=role", http.StatusSeeOther)
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	if err := s.store.DeleteUser(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("console: user deleted", "user", id, "by", userOf(r).Email)
	http.Redirect(w, r, "/settings/users?done=deleted", http.StatusSeeOther)
}
