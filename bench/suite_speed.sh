#!/usr/bin/env bash
# How long a whole suite takes at each --jobs setting, and whether every run got the verdict it
# gets at the first setting (a --jobs 1 run is the reference). Not a test: figures for a closing
# note or a regression hunt (issue 14's goals on 2 cores: the default suite <= 40 s, the library
# against beast-async <= 12 s, both with --jobs 1's verdicts).
#   bench/suite_speed.sh [BUILD_DIR] [JOBS...]    (default: build/release, then 1 2 auto)
#   env WSREPRO_ARGS: more `wsrepro run` arguments, e.g. "--client beast-async"
# The times are the reports' own (summary.duration_ms): client set-up, when the first setting
# needs one, is not in them.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
shift || true
settings=("$@")
((${#settings[@]})) || settings=(1 2 auto)
wsrepro=$build/wsrepro
[[ -x $wsrepro ]] || { echo "no $wsrepro: build it first (ci/build.sh release wsrepro_runtime)" >&2; exit 2; }
read -r -a extra <<<"${WSREPRO_ARGS:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

reports=()
for jobs in "${settings[@]}"; do
  out=$tmp/jobs-$jobs
  "$wsrepro" run -q --strict --jobs "$jobs" --format json --out "$out" "${extra[@]}" >/dev/null 2>&1 || true
  reports+=("$jobs=$out/report.json")
done

python3 - "${reports[@]}" <<'PY'
import json, sys
def load(spec):
    jobs, path = spec.split("=", 1)
    doc = json.load(open(path))
    verdicts = {(r["scenario"], r["client"], r["repetition"]): r["verdict"] for r in doc["runs"]}
    reruns = sum(1 for r in doc["runs"] if (r.get("machine") or {}).get("rerun_alone"))
    return jobs, doc["summary"], verdicts, reruns
first = None
for spec in sys.argv[1:]:
    jobs, summary, verdicts, reruns = load(spec)
    if first is None:
        first = (jobs, verdicts)
    differ = [k for k in first[1] if first[1][k] != verdicts.get(k)]
    print(f"--jobs {jobs:>4}: {summary['total']} runs in {summary['duration_ms'] / 1000:6.1f} s "
          f"({summary['pass']} pass, {summary['known_bug']} known bugs, {summary['fail']} fail, "
          f"{summary['error']} errors; {reruns} made again alone); "
          f"verdicts differing from --jobs {first[0]}: {len(differ)}")
    for k in differ[:10]:
        print(f"    {k[0]} on {k[1]}: {first[1][k]} -> {verdicts.get(k)}")
PY
