#!/usr/bin/env bash
# What wsrepro adds to each run: the throughput of `wsrepro run --repeat N --jobs 2` on
# handshake.redirect_302_close with beast-async, against a bare loop that spawns the same client
# against the same mock server (`wsrepro serve redirect`) N times, two at a time, and waits for
# each. Prints both wall times and their ratio (runs per second of wsrepro over the bare loop's;
# issue 14's goal is >= 0.97). Not a test: a figure for a closing note or a regression hunt.
#   bench/run_overhead.sh [BUILD_DIR]     (env RUNS, default 300; BUILD_DIR default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
runs=${RUNS:-300}
wsrepro=$build/wsrepro
client=$build/wsrepro-client-beast-async
for f in "$wsrepro" "$client"; do
  [[ -x $f ]] || { echo "no $f: build it first (ci/build.sh release)" >&2; exit 2; }
done
tmp=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# The bare loop: the same server behaviour, one process for every connection.
"$wsrepro" serve redirect --set status=302 --set then=close >"$tmp/serve.log" 2>&1 &
server_pid=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'ws://[0-9.:]*/' "$tmp/serve.log" | head -1 || true)
  [[ -n $url ]] && break
  sleep 0.05
done
[[ -n $url ]] || { echo "wsrepro serve printed no URL" >&2; exit 3; }

# CLOCK_MONOTONIC, as every wsrepro figure (the wall clock can step). The reading comes after
# python's start-up at both ends of a span, so that cost cancels out.
now() { python3 -c 'import time; print(time.monotonic())'; }
bare_start=$(now)
for ((i = 0; i < runs; i += 2)); do
  "$client" "$url" >/dev/null 2>&1 &
  a=$!
  if ((i + 1 < runs)); then
    "$client" "$url" >/dev/null 2>&1 &
    b=$!
    wait "$b" || true
  fi
  wait "$a" || true
done
bare_end=$(now)

harness_start=$(now)
"$wsrepro" run -q --repeat "$runs" --jobs 2 --scenario handshake.redirect_302_close \
  --client beast-async --format json --out "$tmp/out" >/dev/null 2>&1 || true
harness_end=$(now)

python3 - "$runs" "$bare_start" "$bare_end" "$harness_start" "$harness_end" <<'PY'
import sys
runs = int(sys.argv[1])
bare = float(sys.argv[3]) - float(sys.argv[2])
harness = float(sys.argv[5]) - float(sys.argv[4])
print(f"{runs} runs, 2 at a time: bare spawn-and-wait loop {bare:.2f} s, wsrepro run {harness:.2f} s;"
      f" wsrepro's throughput is {bare / harness:.2f} of the bare loop's")
PY
