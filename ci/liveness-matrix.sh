#!/usr/bin/env bash
# The liveness matrix: runs the scenario library against the clients of ci/liveness.toml (set
# up from the registries on first use and cached) and regenerates docs/liveness-matrix.md from
# the run, with docs/liveness-notes.toml explaining every cell that is not a pass.
# Usage: ci/liveness-matrix.sh [OUT_DIR]   (default wsrepro-liveness; WSREPRO=path/to/wsrepro)
# Exits 1 when a cell has no explanation (the page lists it as unexplained).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-wsrepro-liveness}
wsrepro=${WSREPRO:-build/release/wsrepro}
if [[ ! -x $wsrepro ]]; then
  bash ci/build.sh release wsrepro_runtime
fi
# The run sets up the clients it needs. Its own exit code is not the page's: the page explains
# the failures.
"$wsrepro" --config ci/liveness.toml --profile liveness run -q --out "$out" || true
status=0
python3 ci/liveness_matrix.py "$out/report.json" docs/liveness-notes.toml \
  >docs/liveness-matrix.md.new || status=$?
mv docs/liveness-matrix.md.new docs/liveness-matrix.md
exit $status
