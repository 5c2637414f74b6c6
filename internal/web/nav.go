package web

import (
	"net/http"
	"strings"
)

// navItem is one entry of the console's navigation.
type navItem struct {
	Path, Label string
	About       string // what the page will show, for its placeholder
}

// nav is the console's navigation, one entry per page of the console. An
// entry whose GET route no page file registers yet is served a placeholder
// (see allRoutes): adding the page's file replaces it, nothing else to edit.
var nav = []navItem{
	{"/", "Overview", "volumes, delivery rate, latency and errors over time"},
	{"/messages", "Messages", "every message, filterable and searchable, with CSV export"},
	{"/conversations", "Conversations", "threads by number pair"},
	{"/links", "Links", "tracked links and conversions"},
	{"/errors", "Errors", "errors grouped, with their explanations"},
	{"/alerts", "Alerts", "alerts and their history"},
	{"/routing", "Routing", "routing advice by destination"},
	{"/settings", "Settings", "API keys, webhooks, users and configuration"},
}

// navLink is a navigation entry as the layout draws it.
type navLink struct {
	Path, Label string
	Current     bool
}

// navFor marks the entry the page at path belongs to.
func navFor(path string) []navLink {
	out := make([]navLink, len(nav))
	for i, item := range nav {
		cur := path == item.Path || (item.Path != "/" && strings.HasPrefix(path, item.Path+"/"))
		out[i] = navLink{Path: item.Path, Label: item.Label, Current: cur}
	}
	return out
}

// placeholderPage stands in for a page not built yet, so the navigation
// never leads nowhere.
func placeholderPage(item navItem) func(s *Server, w http.ResponseWriter, r *http.Request) {
	return func(s *Server, w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusOK, "placeholder", view{Title: item.Label, Data: item})
	}
}
