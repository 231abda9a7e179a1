#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan: the `fuzz` preset) and runs each for a
# bounded time from the seed corpus in fuzz/corpus (the scenario loader also reads the scenario
# library). A crash, leak, timeout or sanitizer report fails the script and keeps the input.
# Usage: ci/fuzz.sh [SECONDS_PER_TARGET]   (default 20; two targets run at once)
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
seconds=${1:-20}
stage "configure (fuzz)" 300 cmake --preset fuzz --log-level=WARNING
stage "build (fuzz)" 1500 cmake --build --preset fuzz -j "$(jobs_for_build)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_target() {
  local name=$1
  shift
  mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  # New inputs go to the first corpus (a scratch copy); the repository's seeds stay as they are.
  build/fuzz/"${name}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/$name/artifacts/" \
    "$work/$name/corpus" "fuzz/corpus/$name" "$@" >"$work/$name/log" 2>&1 || {
    echo "==> fuzz $name: FAILED; the input is kept in build/fuzz-artifacts/$name" >&2
    mkdir -p build/fuzz-artifacts && cp -r "$work/$name/artifacts" "build/fuzz-artifacts/$name"
    tail -40 "$work/$name/log" >&2
    return 1
  }
  echo "==> fuzz $name: $(grep -E '^stat::number_of_executed_units' "$work/$name/log" | awk '{print $2}') executions in ${seconds}s, no crash"
}

# Two at a time: the machine's two cores.
status=0
run_target frame_reader & run_target http_request & wait -n || status=1; wait -n || status=1
run_target driver_line & run_target replay_report & wait -n || status=1; wait -n || status=1
run_target scenario_loader scenarios & run_target stack_tools & wait -n || status=1; wait -n || status=1
run_target report_reader || status=1
exit $status
