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
# report.html's script is compiled into wsrepro as text: a syntax error would only show in a
# browser, so Node parses it here.
if command -v node >/dev/null 2>&1; then
  mapfile -t scripts < <(git ls-files 'reports/html/*.js')
  for script in "${scripts[@]}"; do node --check "$script"; done
  echo "node --check: ${#scripts[@]} scripts parse"
fi
# The integrations' sources parse (their tests run in ci/integrations.sh, which needs a build).
mapfile -t helpers < <(git ls-files 'integrations/*.js' 'integrations/*.mjs')
for script in "${helpers[@]}"; do node --check "$script"; done
mapfile -t modules < <(git ls-files 'integrations/*.py')
python3 - "${modules[@]}" <<'PY'
import ast, sys
for path in sys.argv[1:]:
    ast.parse(open(path).read(), path)
print(f"python: {len(sys.argv) - 1} integration modules parse")
PY
