#!/usr/bin/env bash
# A throwaway PostgreSQL server for the corpus tests: a fresh cluster in a temp dir, listening on a free
# port of 127.0.0.1 only, trust auth. Safe as root (the cluster runs as the `postgres` user).
#   URL=$(bash scripts/postgres.sh start)   # prints postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
#   bash scripts/postgres.sh stop "$URL"    # stops it and removes its directory
# Debian's `postgresql` package comes from APT_PACKAGES in scripts/setup.sh (installed here too if missing).
set -euo pipefail

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$d" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$d"
}

# Run a command as the cluster's owner: `postgres` when we are root (initdb refuses root), else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local bin port dir
  bin=$(pg_bindir)
  port=$(free_port)
  dir="${TMPDIR:-/tmp}/nianbao-pg-$port"
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -h 127.0.0.1 -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local url=${1:?usage: postgres.sh stop URL} port dir bin
  port=$(echo "$url" | sed -E 's#.*:([0-9]+)/.*#\1#')
  dir="${TMPDIR:-/tmp}/nianbao-pg-$port"
  bin=$(pg_bindir)
  if [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop URL" >&2; exit 2 ;;
esac
