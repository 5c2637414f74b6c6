# Build and benchmark smstrack. The benchmarks are not part of `go test`.
GO       ?= go
BIN      ?= bin
DURATION ?= 20s

.PHONY: build bench bench-query

build:
	$(GO) build -o $(BIN)/smstrack ./cmd/smstrack
	$(GO) build -o $(BIN)/smstrack-bench ./cmd/smstrack-bench

# Ingest: signed Twilio status callbacks against SQLite, PostgreSQL and a
# do-nothing handler; about 2 minutes.
bench: build
	$(BIN)/smstrack-bench ingest -smstrack $(BIN)/smstrack -duration $(DURATION)

# Queries on 1,000,000 bulk-loaded messages; the filled databases are cached
# in $TMPDIR/smstrack-bench-cache, so only the first run pays for the load.
bench-query: build
	$(BIN)/smstrack-bench query -smstrack $(BIN)/smstrack
