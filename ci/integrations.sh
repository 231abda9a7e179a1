#!/usr/bin/env bash
# The packages that put wsrepro's servers inside other test suites (integrations/), tested as
# their users run them: the pytest plugin built as a wheel, installed into a venv per
# python-websockets version (13.0 has seed bugs 1, 3 and 5; 17.4 has none) and its own tests
# run with pytest; the Node helper packed with npm, installed into a project with ws, its tests
# run with node --test, one test each under Jest and Vitest, and its types compiled with tsc
# --strict. Venvs and the Node project are cached beside the client environments.
# Usage: ci/integrations.sh WSREPRO
set -euo pipefail
cd "$(dirname "$0")/.."
wsrepro=$(realpath "$1")
cache="${WSREPRO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wsrepro}/ci-integrations"
pytest_version=9.2.0
wheels=build/wheels
mkdir -p "$cache" "$wheels"

venv_for() {  # venv_for NAME PACKAGES...: a cached venv with exactly these pins
  local dir="$cache/$1" pins="${*:2}"
  shift
  if [[ ! -x $dir/bin/python || "$(cat "$dir/.pins" 2>/dev/null)" != "$pins" ]]; then
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$@"
    echo "$pins" >"$dir/.pins"
  fi
  echo "$dir"
}

# The wheel, as CI would publish it, built from a copy (setuptools writes build/ and egg-info
# beside the sources).
builder=$(venv_for wheel-builder setuptools==80.9.0 wheel==0.45.1)
rm -f "$wheels"/wsrepro-*.whl
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r integrations/python "$copy/"
"$builder/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
  --no-build-isolation -w "$wheels" "$copy/python"
wheel=$(ls "$wheels"/wsrepro-*.whl)
echo "integrations: built $wheel"

for websockets in 13.0 17.4; do
  venv=$(venv_for "pytest-websockets-$websockets" "pytest==$pytest_version" \
    "websockets==$websockets")
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --force-reinstall --no-deps "$wheel"
  echo "integrations: pytest plugin, websockets $websockets"
  (cd integrations/python/tests &&
    WSREPRO_BIN=$wsrepro timeout 300 "$venv/bin/python" -m pytest -q -p no:cacheprovider -rxX)
done

# The Node helper, as `npm install <path>` users get it: packed, installed beside ws, and run
# under node:test, Jest and Vitest.
ws_version=8.23.0
node_pins="ws@$ws_version typescript@5.9.3 jest@30.5.2 vitest@3.2.7"
project="$cache/node-ws-$ws_version"
if [[ "$(cat "$project/.pins" 2>/dev/null)" != "$node_pins" ]]; then
  rm -rf "$project"
  mkdir -p "$project"
  echo '{"name": "wsrepro-ci-project", "private": true}' >"$project/package.json"
  # shellcheck disable=SC2086  # the pins are words
  (cd "$project" && npm install --silent --no-audit --no-fund $node_pins)
  echo "$node_pins" >"$project/.pins"
fi
tarball=$(cd integrations/node && npm pack --silent --pack-destination "$copy" | tail -1)
(cd "$project" && npm install --silent --no-audit --no-fund --no-save "$copy/$tarball")
echo "integrations: Node helper, ws $ws_version"
WSREPRO_BIN=$wsrepro NODE_PATH="$project/node_modules" timeout 300 \
  node --test integrations/node/test/
cp integrations/node/test/types-check.ts "$project/"
(cd "$project" && node_modules/.bin/tsc --noEmit --strict --target es2022 --module commonjs \
  --moduleResolution node --lib es2022,esnext.disposable types-check.ts)
echo "integrations: Node helper's types compile (tsc --strict)"
cp integrations/node/frameworks/* "$project/"
(cd "$project" && WSREPRO_BIN=$wsrepro timeout 120 node_modules/.bin/jest --ci \
  --testMatch '**/mock.jest.test.js')
(cd "$project" && WSREPRO_BIN=$wsrepro timeout 120 node_modules/.bin/vitest run \
  mock.vitest.test.mjs)
echo "integrations: Node helper under Jest and Vitest"
