#!/usr/bin/env bash
# The README's test command. Starts a throwaway PostgreSQL server, then runs
# the whole suite: every store, ingest, API and end-to-end test runs on the
# embedded SQLite and on PostgreSQL. Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

have_pg() {
  for f in /usr/lib/postgresql/*/bin/initdb /usr/local/bin/initdb /usr/bin/initdb; do
    [ -x "$f" ] && return 0
  done
  return 1
}
if ! have_pg; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing PostgreSQL" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "test.sh: PostgreSQL (initdb, pg_ctl) is needed; install it, e.g. apt-get install postgresql" >&2
    exit 1
  fi
fi

# The console's browser tests drive Debian's chromium headless; they fail
# rather than skip when it is missing (SMSTRACK_REQUIRE_BROWSER below).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test.sh: installing chromium" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: chromium is needed for the console's browser tests; install it, e.g. apt-get install chromium" >&2
    exit 1
  fi
fi

work=$(mktemp -d)
chmod 755 "$work" # the server runs as the postgres user and must reach its directory
trap 'scripts/postgres.sh stop "$work/pg"; rm -rf "$work"' EXIT
# A random port above the usual ephemeral range (32768-60999), where outgoing
# connections take their local ports; another if that one is taken.
for attempt in 1 2 3; do
  port=$((61000 + RANDOM % 4000))
  if SMSTRACK_TEST_POSTGRES=$(scripts/postgres.sh start "$work/pg" "$port"); then
    break
  fi
  [ "$attempt" = 3 ] && { echo "test.sh: could not start PostgreSQL" >&2; exit 1; }
  scripts/postgres.sh stop "$work/pg"
done
export SMSTRACK_TEST_POSTGRES SMSTRACK_REQUIRE_POSTGRES=1
# Browser tests are required here; their screenshots land in ./artifacts.
export SMSTRACK_REQUIRE_BROWSER=1 SMSTRACK_ARTIFACTS="$PWD/artifacts"

go vet ./...
go test -count=1 "$@" ./...
