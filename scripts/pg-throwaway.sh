#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server in a temporary directory on a free port and prints
# `export` lines for its URL and the directory (to be eval'ed); `stop DIR` stops and removes it.
# Installs Debian's `postgresql` if no server binaries are found (needs root or sudo).
# Works beside any PostgreSQL already running on the machine: it uses its own port and socket.
set -euo pipefail

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_pg_user() {
  # PostgreSQL refuses to run as root: use the `postgres` account when we are root.
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [[ "${1:-}" == "stop" ]]; then
  dir="$2"; bin="$(find_bin)"
  as_pg_user "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

if ! bin="$(find_bin)"; then
  echo "PostgreSQL not found: installing Debian's postgresql" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  bin="$(find_bin)"
fi

dir="$(mktemp -d /tmp/argine-pg.XXXXXX)"
chmod 755 "$dir"
[[ $(id -u) -eq 0 ]] && chown postgres "$dir"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
as_pg_user "$bin/initdb" -D "$dir/data" -U argine --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "export ARGINE_TEST_PG_URL=postgres://argine@127.0.0.1:$port/postgres"
echo "export ARGINE_PG_DIR=$dir"
