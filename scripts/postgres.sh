#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for tests and benchmarks and prints its
# DSN on stdout. Usage: scripts/postgres.sh start DIR [PORT] | stop DIR
# As root it runs the server as the postgres user, as PostgreSQL requires.
set -euo pipefail
cmd=${1:?start or stop}; dir=${2:?data directory}; port=${3:-55432}

bindir=""
for d in /usr/lib/postgresql/*/bin /usr/local/bin /usr/bin; do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; break; fi
done
[ -n "$bindir" ] || { echo "postgres.sh: initdb/pg_ctl not found; install PostgreSQL (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    as_pg "$bindir/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  fi
  # Tests need no durability across power loss; benchmarks pass their own settings in PGOPTIONS_EXTRA.
  if ! as_pg "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 ${PGOPTIONS_EXTRA:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}" start >/dev/null; then
    echo "postgres.sh: PostgreSQL did not start on port $port; its log:" >&2
    tail -n 20 "$dir/server.log" >&2 || true
    exit 1
  fi
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  as_pg "$bindir/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
  ;;
*) echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
