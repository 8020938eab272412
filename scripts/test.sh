#!/usr/bin/env bash
# Runs the whole test suite, as CI does:
#   formatting, clippy, every Rust test on SQLite, the storage contract suite on a throwaway
#   PostgreSQL server, and the browser tests (Playwright + axe-core in Debian Chromium) against
#   a demo server.
# Installs what is missing (Debian packages with apt-get, aiosmtpd with pip, the npm packages of
# the browser tests) when it can. Set ARGINE_SKIP_BROWSER=1 to skip the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
step() { printf '\n== %s\n' "$*"; }
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if ((${#missing[@]})); then
    echo "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

step "prerequisites"
apt_install postgresql poppler-utils qpdf
[[ "${ARGINE_SKIP_BROWSER:-0}" == 1 ]] || apt_install chromium
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
python3 -c 'import icalendar' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check 'icalendar>=6'
export ARGINE_TEST_PYTHON=python3
# Tests that read generated files back with real readers (pdftotext, pdfinfo, Python icalendar)
# fail instead of skipping when a reader is missing.
export ARGINE_REQUIRE_TOOLS=1

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests on SQLite"
cargo test --workspace --locked

step "storage contract on PostgreSQL"
eval "$(scripts/pg-throwaway.sh)"
cleanup() {
  [[ -n "${DEMO_PID:-}" ]] && kill "$DEMO_PID" 2>/dev/null || true
  [[ -n "${ARGINE_PG_DIR:-}" ]] && scripts/pg-throwaway.sh stop "$ARGINE_PG_DIR"
  [[ -n "${DEMO_DIR:-}" ]] && rm -rf "$DEMO_DIR"
}
trap cleanup EXIT
echo "PostgreSQL at ${ARGINE_TEST_PG_URL}"
ARGINE_REQUIRE_PG=1 cargo test -p argine-storage --test contract --locked

if [[ "${ARGINE_SKIP_BROWSER:-0}" == 1 ]]; then
  echo "browser tests skipped (ARGINE_SKIP_BROWSER=1)"
  exit 0
fi

step "browser tests (Playwright + axe-core, Debian Chromium)"
# `cargo test` above built target/debug/argine for the integration tests; build it only if missing.
[[ -x target/debug/argine ]] || cargo build -p argine --locked
if [[ ! -d e2e/node_modules ]] || [[ e2e/package-lock.json -nt e2e/node_modules ]]; then
  (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
DEMO_DIR="$(mktemp -d /tmp/argine-e2e.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
ARGINE_LOG_FORMAT=pretty "$ROOT/target/debug/argine" demo --data-dir "$DEMO_DIR" --listen "127.0.0.1:$PORT" >"$DEMO_DIR.log" 2>&1 &
DEMO_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && [[ -f "$DEMO_DIR/demo-credentials.txt" ]] && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$DEMO_DIR.log"; exit 1; }
(cd e2e && ARGINE_URL="http://127.0.0.1:$PORT" ARGINE_CREDENTIALS="$DEMO_DIR/demo-credentials.txt" npx playwright test)
rm -f "$DEMO_DIR.log"
