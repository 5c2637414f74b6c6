package web

import (
	"net/http"
	"strconv"

	"github.com/smstrack/smstrack"
)

// doneMessage is the notice for the ?done= word a change redirected with;
// only the page's own words are shown, never the query's text.
func doneMessage(r *http.Request, messages map[string]string) string {
	return messages[r.URL.Query().Get("done")]
}

// pathID reads the {id} of the path as a positive number, answering 404
// when it cannot be one.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, smstrack.Errorf(smstrack.ENOTFOUND, "nothing with id %q", r.PathValue("id")))
		return 0, false
	}
	return id, true
}
