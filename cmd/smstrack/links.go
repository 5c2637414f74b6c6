package main

import (
	"strconv"
	"strings"

	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/links"
)

// The settings of tracked links.
const (
	optLinkBase       = "link-base"
	optLinkHost       = "link-host"
	optLinkTrustProxy = "link-trust-proxy"
)

func init() {
	config.AddOptions(
		config.Option{Flag: optLinkBase, Env: "SMSTRACK_LINK_BASE", Default: "",
			Usage: "base of short links put in tracked bodies, e.g. https://t.example (default: SMSTRACK_PUBLIC_URL + /l)"},
		config.Option{Flag: optLinkHost, Env: "SMSTRACK_LINK_HOST", Default: "",
			Usage: "host name dedicated to short links: there /{code} redirects too, e.g. t.example"},
		config.Option{Flag: optLinkTrustProxy, Env: "SMSTRACK_LINK_TRUST_PROXY", Default: "false",
			Usage: "take a link visitor's address from X-Forwarded-For (only behind a proxy that sets it)"},
	)
	providerRoutes = append(providerRoutes, links.Routes...)
}

// linkBase is where short links point: SMSTRACK_LINK_BASE, or the public
// URL's /l; "" lets the API use the host each request reached.
func linkBase(c *config.Config) string {
	if b := strings.TrimSpace(c.Get(optLinkBase)); b != "" {
		return strings.TrimRight(b, "/")
	}
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/") + strings.TrimRight(links.RedirectPrefix, "/")
	}
	return ""
}

// linkOptions reads the redirect settings.
func linkOptions(c *config.Config) (links.Options, error) {
	trust, err := strconv.ParseBool(c.Get(optLinkTrustProxy))
	if err != nil {
		return links.Options{}, usageError("invalid value for --link-trust-proxy (SMSTRACK_LINK_TRUST_PROXY): use true or false")
	}
	return links.Options{Host: strings.TrimSpace(c.Get(optLinkHost)), TrustProxy: trust}, nil
}
