# Build and benchmark smstrack. The benchmarks are not part of `go test`.
GO       ?= go
BIN      ?= bin
DURATION ?= 20s

.PHONY: build bench bench-query bench-rollups

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

# Insight at 10,000,000 messages over 90 days: the stats API's latency from
# the rollups and ingest throughput with rollups on vs off, SQLite and
# PostgreSQL. The filled databases are cached in $TMPDIR/smstrack-bench-cache
# (about 13 GB for SQLite, 25 GB for PostgreSQL); the first fill takes hours.
bench-rollups: build
	$(BIN)/smstrack-bench rollups -smstrack $(BIN)/smstrack
