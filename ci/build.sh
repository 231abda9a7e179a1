#!/usr/bin/env bash
# Configures and builds one CMake preset (dev, asan, tsan, release). Usage: ci/build.sh PRESET
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
preset=${1:-release}
stage "configure (${preset})" 300 cmake --preset "${preset}" --log-level=WARNING
stage "build (${preset})" 1500 cmake --build --preset "${preset}" -j "$(jobs_for_build)"
