#!/usr/bin/env bash
# The README's first command: installs what is missing, builds wsrepro (release preset) and runs
# the default scenario suite, printing the verdict table and where the reports are.
# Extra arguments go to `wsrepro run` (e.g. --client beast-threaded-naive).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
stage "install dependencies" 900 bash ci/install-deps.sh
bash ci/build.sh release
stage "default scenario suite and seed matrix" 900 \
  build/release/wsrepro run --jobs 2 --strict --out wsrepro-out "$@"
