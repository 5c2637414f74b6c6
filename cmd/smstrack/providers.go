package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/webhook"
)

// providerWiring mounts one provider's webhooks on mux, reading its own
// settings from c (added with config.AddOptions). It returns an error for
// settings it cannot use, which stops the server at start.
type providerWiring func(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error

// providerWirings are filled by the provider_*.go files of this package, one
// per provider, from init: adding a provider touches no shared file.
var providerWirings []providerWiring

// providerRoutes lists "METHOD /path" of every provider route, for the
// OpenAPI test; provider_*.go files append to it.
var providerRoutes []string

// serveJob runs beside the server, from start until ctx ends, reading db and
// writing through ing. It returns an error for settings it cannot use.
type serveJob func(ctx context.Context, c *config.Config, db smstrack.Store, ing smstrack.Ingester, log *slog.Logger) error

// serveJobs are filled from init by the files that add background work.
var serveJobs []serveJob

// serveJobsRunning counts the jobs still finishing work in flight after
// their context ended, and the sends still recording in the background;
// serve waits for them before it closes the ingest path and the database.
var serveJobsRunning sync.WaitGroup
