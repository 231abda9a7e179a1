#!/usr/bin/env bash
# clang-tidy 14 over the project's sources, using a build's compile_commands.json.
# Usage: ci/tidy.sh [BUILD_DIR]   (default build/dev; slow: minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
[[ -f $build/compile_commands.json ]] || { echo "configure $build first (cmake --preset dev)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' | grep -v '^tests/' | grep -v '/tests/')
run-clang-tidy-14 -quiet -p "$build" "${files[@]}" 2>/dev/null || clang-tidy-14 -p "$build" "${files[@]}"
