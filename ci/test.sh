#!/usr/bin/env bash
# The README's second command, and what CI runs: installs what is missing, builds with
# ASan+UBSan, runs the whole test suite (unit and integration), checks formatting, smoke-runs
# the benchmarks, the default scenario suite, CI's subset of the liveness matrix and the
# packages in integrations/ (pytest plugin, Node helper) against their test suites, then
# ThreadSanitizer and the fuzzers (20 s each; WSREPRO_FUZZ_SECONDS changes it); clang-tidy
# checks the recently changed sources. Every stage has a time budget, enforced in CI (.ci/run
# sets WSREPRO_STAGE_BUDGETS). Compiles go through ccache when it is there (install-deps
# installs it), so a second CI run on the same machine rebuilds in a fraction of the time.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_odr_violation=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
start=$SECONDS
stage "install dependencies" 900 bash ci/install-deps.sh
stage "format check" 120 bash ci/lint.sh
stage "clang-tidy: sources of the last 5 commits" 300 bash ci/tidy.sh --strict --changed HEAD~5
bash ci/build.sh asan
stage "unit tests" 300 ctest --test-dir build/asan -L unit --output-on-failure -j 2 --timeout 120
# The default suite's test is left to its own stage below, which runs the whole library once.
stage "integration tests" 900 ctest --test-dir build/asan -L integration --output-on-failure -j 2 \
  --timeout 300 -E '^run_exit_codes\.default_suite_passes$'
stage "benchmark smoke run" 120 build/asan/wsrepro_bench --benchmark_min_time=0.01
# --jobs auto, as users run it: its verdicts must be --jobs 1's (runs whose timing CPU contention
# put in doubt are made again alone).
stage "default scenario suite and seed matrix" 900 \
  build/asan/wsrepro run --jobs auto --strict --out build/asan/wsrepro-out
stage "liveness matrix subset" 600 bash ci/liveness-subset.sh build/asan/wsrepro
stage "clock agreement with hyperfine" 180 bench/hyperfine_agreement.sh build/asan/wsrepro
stage "integrations: the pytest plugin (and its wheel), the Node helper" 600 \
  bash ci/integrations.sh build/asan/wsrepro
bash ci/tsan.sh
bash ci/fuzz.sh "${WSREPRO_FUZZ_SECONDS:-20}"
echo "==> all stages passed in $((SECONDS - start))s"
