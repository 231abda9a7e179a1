#!/usr/bin/env bash
# Installs every system package wsrepro needs to build, test and run its clients, and the
# stack-capture tools that come from PyPI (py-spy) in wsrepro's tools directory.
# Idempotent and quiet when everything is already there; `apt-get update` runs only
# when something is missing. Needs root (or sudo) only in that case.
set -euo pipefail

# Debian packages checked by name.
packages=(
  libboost1.81-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  libtomlplusplus-dev nlohmann-json3-dev cmake ninja-build g++ clang-format-14
  clang-tidy-14 clang-14 libclang-rt-14-dev python3-venv curl procps hyperfine ccache
  elfutils openjdk-17-jdk-headless tshark chromium zlib1g-dev python3-jsonschema python3-yaml
  musl-tools
)
# Tools that may come from elsewhere (nodesource ships npm inside nodejs, for one):
# checked by command, installed from Debian only when the command is absent.
declare -A commands=([node]=nodejs [npm]=npm [python3]=python3 [git]=git)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
for c in "${!commands[@]}"; do
  command -v "$c" >/dev/null 2>&1 || missing+=("${commands[$c]}")
done

# py-spy takes the stacks of hung Python clients (docs/diagnosis.md). It goes where wsrepro looks
# for it after PATH: the tools directory beside the client environments.
install_tools() {
  local tools="${WSREPRO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wsrepro}/tools"
  local py_spy_version=0.4.1
  if "$tools/bin/py-spy" --version 2>/dev/null | grep -qx "py-spy $py_spy_version"; then return; fi
  echo "install-deps: installing py-spy $py_spy_version in $tools" >&2
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "py-spy==$py_spy_version"
}

if ((${#missing[@]} == 0)); then
  install_tools
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "install-deps: missing packages (${missing[*]}) and not root; install them or rerun as root" >&2
    exit 2
  fi
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_tools
echo "install-deps: done" >&2
