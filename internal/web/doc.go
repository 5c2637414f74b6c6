// Package web serves smstrack's console: server-rendered html/template pages
// and their static assets, all embedded in the binary (no CDN; it works
// offline), behind sign-in with sessions, CSRF protection and roles.
//
// One file per page: page_NAME.go registers its routes from init with page
// or jsonEndpoint, and templates/NAME.html holds its markup; README.md in
// this folder says how to add one. The package reads and writes only through
// the Store interface; it never opens a database, and it knows nothing of
// providers beyond the read-only settings it is handed.
package web
