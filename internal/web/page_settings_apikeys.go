package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/api"
)

func init() {
	page("GET /settings/api-keys", viewer, (*Server).apiKeysPage)
	page("POST /settings/api-keys", admin, (*Server).createAPIKey)
	page("POST /settings/api-keys/{id}/revoke", admin, (*Server).revokeAPIKey)
}

// maxKeyName bounds an API key's name.
const maxKeyName = 100

// apiKeysData is what the API keys page shows; Secret only right after a
// key is created, never again.
type apiKeysData struct {
	Keys    []smstrack.APIKey
	Secret  string
	Created *smstrack.APIKey
	Name    string // the name typed, kept when the form is refused
}

func (s *Server) apiKeysPage(w http.ResponseWriter, r *http.Request) {
	s.renderAPIKeys(w, r, http.StatusOK, view{Flash: doneMessage(r, apiKeyFlashes)}, apiKeysData{})
}

var apiKeyFlashes = map[string]string{"revoked": "The API key is revoked: requests with it are refused from now on."}

func (s *Server) renderAPIKeys(w http.ResponseWriter, r *http.Request, status int, v view, d apiKeysData) {
	keys, err := s.store.ListAPIKeys(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Keys = keys
	v.Title, v.Data = "API keys", d
	s.render(w, r, status, "settings_api_keys", v)
}

// createAPIKey creates a key and shows its secret in the answer itself:
// nothing keeps it, so it cannot be shown again.
func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" || len(name) > maxKeyName {
		s.renderAPIKeys(w, r, http.StatusBadRequest, view{Error: "A key needs a name of 1 to 100 characters."}, apiKeysData{Name: name})
		return
	}
	secret, prefix, hash := api.GenerateKey()
	k, err := s.store.CreateAPIKey(r.Context(), name, prefix, hash)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("console: API key created", "key", k.ID, "name", k.Name, "by", userOf(r).Email)
	s.renderAPIKeys(w, r, http.StatusCreated, view{}, apiKeysData{Secret: secret, Created: k})
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	if err := s.store.RevokeAPIKey(r.Context(), strconv.FormatInt(id, 10)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("console: API key revoked", "key", id, "by", userOf(r).Email)
	http.Redirect(w, r, "/settings/api-keys?done=revoked", http.StatusSeeOther)
}
