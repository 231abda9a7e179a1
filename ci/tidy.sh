#!/usr/bin/env bash
# clang-tidy 14 over the project's sources (checks in .clang-tidy). clang cannot read GCC's
# precompiled headers, so this configures a PCH-free build directory of its own for
# compile_commands.json (nothing is compiled). Slow: minutes on 2 cores.
# Usage: ci/tidy.sh [FILE...]   (default: every non-test source)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/tidy
cmake -S . -B "$build" -G Ninja -DWSREPRO_USE_PCH=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
if (($# > 0)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files '*.cpp' | grep -v '/tests/' | grep -v '^tests/' | grep -v '^examples/')
fi
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
"$tidy" -p "$build" --quiet "${files[@]}"
