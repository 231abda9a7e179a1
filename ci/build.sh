#!/usr/bin/env bash
# Configures and builds one CMake preset (dev, asan, tsan, release), all of it or only the
# given targets. Usage: ci/build.sh PRESET [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
preset=${1:-release}
shift || true
targets=()
for t in "$@"; do targets+=(--target "$t"); done
stage "configure (${preset})" 300 cmake --preset "${preset}" --log-level=WARNING
stage "build (${preset})" 1500 cmake --build --preset "${preset}" -j "$(jobs_for_build)" "${targets[@]}"
