#!/usr/bin/env bash
# Measures the foundation's performance targets on this machine and prints a Markdown table:
#   * cold start to /readyz OK (fresh data directory: secrets generated, migrations applied);
#   * idle resident memory of `argine serve`;
#   * the authenticated home page under load: wrk, 64 connections, 2 threads, 30 s, SQLite.
# Usage: scripts/bench.sh            (release build; installs wrk with apt-get if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { ${SUDO:-$([[ $(id -u) -ne 0 ]] && echo sudo)} apt-get update -qq && ${SUDO:-$([[ $(id -u) -ne 0 ]] && echo sudo)} apt-get install -y -qq wrk >/dev/null; }
cargo build --release -p argine --locked -q
BIN="$(pwd)/target/release/argine"
WORK="$(mktemp -d /tmp/argine-bench.XXXXXX)"
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# 1. Cold start, five times, each on a fresh data directory.
starts=()
for i in 1 2 3 4 5; do
  d="$WORK/cold$i"; p=$(free_port)
  t0=$(now_ms)
  ARGINE_LOG_FORMAT=pretty RUST_LOG=warn "$BIN" --data-dir "$d" serve --listen "127.0.0.1:$p" >/dev/null 2>&1 &
  PID=$!
  until curl -fs "http://127.0.0.1:$p/readyz" >/dev/null 2>&1; do sleep 0.005; done
  starts+=($(( $(now_ms) - t0 )))
  kill $PID; wait $PID 2>/dev/null || true
done
sorted=($(printf '%s\n' "${starts[@]}" | sort -n))

# 2. Demo data, then serve and measure idle memory.
"$BIN" --data-dir "$WORK/demo" demo --no-serve >/dev/null 2>&1
p=$(free_port)
ARGINE_LOG_FORMAT=json RUST_LOG=warn "$BIN" --data-dir "$WORK/demo" serve --listen "127.0.0.1:$p" >/dev/null 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$p/readyz" >/dev/null 2>&1; do sleep 0.01; done
sleep 2
idle_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

# 3. Sign in as the viewer (no second factor), then load the home page.
email=$(sed -n 's/^viewer.email=//p' "$WORK/demo/demo-credentials.txt")
pass=$(sed -n 's/^viewer.password=//p' "$WORK/demo/demo-credentials.txt")
cookie=$(curl -s -o /dev/null -D - -H "Origin: http://127.0.0.1:$p" --data-urlencode "email=$email" --data-urlencode "password=$pass" \
  "http://127.0.0.1:$p/login" | sed -n 's/^set-cookie: \(argine_session=[^;]*\).*/\1/ip' | tr -d '\r')
[[ -n "$cookie" ]] || { echo "login failed" >&2; exit 1; }
home=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$p/")
[[ "$home" == 200 ]] || { echo "home page not served: HTTP $home (cookie ${cookie:0:20}…)" >&2; exit 1; }
wrk -t2 -c64 -d5s -H "Cookie: $cookie" "http://127.0.0.1:$p/" >/dev/null   # warm-up
out=$(wrk -t2 -c64 -d30s --latency -H "Cookie: $cookie" "http://127.0.0.1:$p/")
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p50=$(echo "$out" | awk '$1=="50%" {print $2}')
p99=$(echo "$out" | awk '$1=="99%" {print $2}')
errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
loaded_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

# 4. Comune search over HTTP, the slowest path (a typo forces the edit-distance scan of every
#    name): one user at a time, then eight at once.
sout=$(wrk -t1 -c1 -d15s --latency "http://127.0.0.1:$p/api/v1/territory/comuni?q=Sircusa")
srps=$(echo "$sout" | awk '/Requests\/sec/ {print $2}')
sp99=$(echo "$sout" | awk '$1=="99%" {print $2}')
sout8=$(wrk -t1 -c8 -d15s --latency "http://127.0.0.1:$p/api/v1/territory/comuni?q=Sircusa")
srps8=$(echo "$sout8" | awk '/Requests\/sec/ {print $2}')
sp998=$(echo "$sout8" | awk '$1=="99%" {print $2}')

# 5. The national comuni boundaries over the wire (gzip).
geo_bytes=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$p/api/v1/territory/geo/comuni")

cat <<MD
| measure | result | target |
|---|---|---|
| cold start to /readyz (fresh dir, migrations), 5 runs | median ${sorted[2]} ms, max ${sorted[4]} ms | < 1 s |
| idle resident memory after start | $((idle_rss_kb / 1024)) MB | < 60 MB |
| authenticated home page, wrk -t2 -c64 -d30s | ${rps} req/s, p50 ${p50}, p99 ${p99} ${errors} | ≥ 3,000 req/s, p99 < 20 ms |
| resident memory after the load test | $((loaded_rss_kb / 1024)) MB | — |
| comune search "Sircusa" (typo), wrk -t1 -c1 -d15s | ${srps} req/s, p99 ${sp99} | p99 < 5 ms |
| comune search "Sircusa" (typo), wrk -t1 -c8 -d15s | ${srps8} req/s, p99 ${sp998} | — |
| national comuni boundaries, gzip over the wire | $((geo_bytes / 1024)) KB | < 700 KB |
MD
