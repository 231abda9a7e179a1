#!/usr/bin/env bash
# Checks formatting with clang-format 14 (the repository's .clang-format). With --fix, rewrites.
set -euo pipefail
cd "$(dirname "$0")/.."
format=$(command -v clang-format-14 || command -v clang-format)
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
if [[ ${1:-} == --fix ]]; then
  "$format" -i "${files[@]}"
else
  "$format" --dry-run --Werror "${files[@]}"
  echo "clang-format: ${#files[@]} files clean"
fi
