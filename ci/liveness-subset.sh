#!/usr/bin/env bash
# CI's part of the liveness matrix: profile liveness-ci of ci/liveness.toml (a dozen scenarios
# against a client library per runtime, set up from the registries on first use and cached),
# checked as the page is: every cell that is not a pass must be explained by
# docs/liveness-notes.toml. A new failure, or a note that no longer fits, fails the stage.
# Usage: ci/liveness-subset.sh WSREPRO [OUT_DIR]     (the full matrix: ci/liveness-matrix.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
wsrepro=$1
out=${2:-build/wsrepro-liveness-ci}
rm -rf "$out"
# The run's own exit code is not the verdict here: failures the notes explain are findings.
"$wsrepro" --config ci/liveness.toml --profile liveness-ci run -q --out "$out" || true
if ! python3 ci/liveness_matrix.py "$out/report.json" docs/liveness-notes.toml >"$out/liveness-matrix.md"; then
  echo "liveness subset: cells no note explains (see $out/liveness-matrix.md):" >&2
  sed -n '/^## Unexplained/,$p' "$out/liveness-matrix.md" >&2
  exit 1
fi
echo "liveness subset: every cell passed or is explained ($out/liveness-matrix.md)"
