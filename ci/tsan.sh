#!/usr/bin/env bash
# ThreadSanitizer where threads meet: the timeline, the runner's parallel jobs, the environment
# cache's builds (threads and flock), set-up workers, the stress threads and the terminal's
# progress ticker. Builds only what it runs (the tsan preset), and fails on any race report.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
bash ci/build.sh tsan wsrepro wsrepro-shim wsrepro-client-beast-async \
  wsrepro-client-beast-threaded-naive \
  wsrepro_harness_unit_tests wsrepro_harness_integration_tests wsrepro_reports_tests
stage "tsan: harness unit tests" 300 build/tsan/wsrepro_harness_unit_tests
stage "tsan: the terminal's progress (workers and its ticker)" 120 \
  build/tsan/wsrepro_reports_tests --gtest_filter='progress*:console*'
stage "tsan: threaded integration tests" 300 build/tsan/wsrepro_harness_integration_tests \
  --gtest_filter='environment*:runner*:supervisor*:stack_capture*'
stage "tsan: parallel repeated runs under stress" 300 build/tsan/wsrepro run \
  --scenario 'close.*' --scenario 'handshake.redirect*' --client beast-async --repeat 2 \
  --jobs 2 --stress-cpu 1 --stress-io --jitter delay_ms=0..20 --quiet --out build/tsan/out
