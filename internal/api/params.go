package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/smstrack/smstrack"
)

// The parameters every resource reads the same way: the {id} of a path,
// whole numbers, the page limit and the list of names a query may use.

// pathID reads the {id} of the path, answering 404 ("<what> "x" not found")
// when it cannot be one.
func pathID(w http.ResponseWriter, r *http.Request, what string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "%s %q not found", what, r.PathValue("id")))
		return 0, false
	}
	return id, true
}

// checkParams refuses a query parameter that is neither in known nor in
// extra, so a typo never silently widens a search.
func checkParams(q url.Values, known map[string]bool, extra ...string) error {
	for k := range q {
		if !known[k] && !slices.Contains(extra, k) {
			return smstrack.FieldError(k, "unknown query parameter %q", k)
		}
	}
	return nil
}

// pageLimit reads the limit of a page: DefaultPageSize when absent, at most
// MaxPageSize.
func pageLimit(q url.Values) (int, error) {
	limit, err := queryInt(q, "limit", smstrack.DefaultPageSize)
	if err != nil {
		return 0, err
	}
	if limit < 1 || limit > smstrack.MaxPageSize {
		return 0, smstrack.FieldError("limit", "limit must be between 1 and %d", smstrack.MaxPageSize)
	}
	return limit, nil
}

// intParam reads a whole-number query parameter, def when absent.
func intParam(r *http.Request, name string, def int) (int, error) {
	return queryInt(r.URL.Query(), name, def)
}

// queryInt reads a whole-number parameter of q, def when absent.
func queryInt(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, smstrack.FieldError(name, "%s must be a whole number", name)
	}
	return n, nil
}
