#!/usr/bin/env bash
# Cross-checks wsrepro's timing against hyperfine's, the anchor for honest process timing: the
# lifetime of a program that sleeps 100 ms and exits, timed by both (`hyperfine -N`: no shell;
# `wsrepro bench --measure process_ms`: spawn to the exit seen through a pidfd). The medians must
# agree within max(2 ms, 2 %); prints both and exits 1 when they do not.
#   bench/hyperfine_agreement.sh [WSREPRO_BINARY]     (env RUNS, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
wsrepro=${1:-build/release/wsrepro}
runs=${RUNS:-30}
command -v hyperfine >/dev/null || { echo "hyperfine is missing: run ci/install-deps.sh" >&2; exit 2; }
[[ -x $wsrepro ]] || { echo "no wsrepro at $wsrepro: build it first (ci/build.sh release)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$tmp/hyperfine.json" \
  'sleep 0.1' >/dev/null
"$wsrepro" bench handshake.redirect_302_close --client-cmd 'sleep 0.1' --measure process_ms \
  --runs "$runs" --warmup 3 --out "$tmp/wsrepro" --export-hyperfine "$tmp/wsrepro.json" \
  >/dev/null 2>&1

python3 - "$tmp/hyperfine.json" "$tmp/wsrepro.json" <<'PY'
import json, sys
def median_ms(path):
    return json.load(open(path))["results"][0]["median"] * 1000
hyperfine, wsrepro = median_ms(sys.argv[1]), median_ms(sys.argv[2])
tolerance = max(2.0, 0.02 * hyperfine)
delta = wsrepro - hyperfine
print(f"median lifetime of 'sleep 0.1': hyperfine {hyperfine:.3f} ms, wsrepro {wsrepro:.3f} ms, "
      f"difference {delta:+.3f} ms (tolerance {tolerance:.1f} ms)")
sys.exit(0 if abs(delta) <= tolerance else 1)
PY
