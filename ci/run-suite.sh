#!/usr/bin/env bash
# The README's first command: installs what is missing, builds wsrepro and what its runs need
# (release preset; no test, benchmark or fuzzer) and runs the default scenario suite, printing
# the failures, the seed matrix and where the reports are. Stage budgets kill only in CI.
# Extra arguments go to `wsrepro run` (e.g. --client beast-threaded-naive).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
stage "install dependencies" 900 bash ci/install-deps.sh
bash ci/build.sh release wsrepro_runtime
stage "default scenario suite and seed matrix" 900 \
  build/release/wsrepro run --strict --out wsrepro-out "$@"
