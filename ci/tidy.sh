#!/usr/bin/env bash
# clang-tidy 14 over the project's sources (checks in .clang-tidy), two files at a time. clang
# cannot read GCC's precompiled headers, so this configures a PCH-free build directory of its
# own for compile_commands.json (nothing is compiled). The whole tree takes minutes on 2 cores.
# Usage: ci/tidy.sh [--strict] [--changed REV] [FILE...]
#   default    every non-test source
#   --changed  only the non-test sources changed since REV (CI: the last commits)
#   --strict   a finding of the bug-finding checks (bugprone-*) fails the script
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/tidy
strict=()
since=""
while (($# > 0)); do
  case $1 in
    --strict) strict=(--warnings-as-errors='bugprone-*'); shift ;;
    --changed) since=$2; shift 2 ;;
    *) break ;;
  esac
done
cmake -S . -B "$build" -G Ninja -DWSREPRO_USE_PCH=OFF -DWSREPRO_CCACHE=OFF \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
sources() { grep -E '\.cpp$' | grep -v '/tests/' | grep -v '^tests/' | grep -v '^examples/' | grep -v '^fuzz/'; }
if (($# > 0)); then
  files=("$@")
elif [[ -n $since ]]; then
  if ! git rev-parse -q --verify "$since^{commit}" >/dev/null; then
    since=$(git rev-list --max-parents=0 HEAD | tail -1)  # a short history: all of it
  fi
  mapfile -t files < <(git diff --name-only --diff-filter=d "$since" HEAD | sources)
else
  mapfile -t files < <(git ls-files | sources)
fi
if ((${#files[@]} == 0)); then
  echo "tidy: no sources to check"
  exit 0
fi
echo "tidy: ${#files[@]} files"
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
printf '%s\n' "${files[@]}" | xargs -P "$(nproc 2>/dev/null || echo 2)" -n 4 \
  "$tidy" -p "$build" --quiet "${strict[@]}"
