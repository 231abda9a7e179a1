#!/usr/bin/env bash
# Verdicts that do not depend on how many runs share the machine. Runs the whole scenario library
# against beast-async INVOCATIONS times (default 3) at each of --jobs 1, 2, 4 and 8 and checks that
# every invocation gives every (scenario, client) the same verdict; then repeats the fast,
# deterministic scenarios REPEAT times each (default 1000) at --jobs 2 and counts the runs that
# did not pass. Prints the figures; exits 1 on any difference or non-pass run.
#   bench/verdict_stability.sh [WSREPRO_BINARY]   (env INVOCATIONS, REPEAT, JOBS_LIST)
set -euo pipefail
cd "$(dirname "$0")/.."
wsrepro=${1:-build/release/wsrepro}
invocations=${INVOCATIONS:-3}
repeat=${REPEAT:-1000}
jobs_list=${JOBS_LIST:-"1 2 4 8"}
[[ -x $wsrepro ]] || { echo "no wsrepro at $wsrepro: build it first (ci/build.sh release)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

verdicts() {  # report.json -> "scenario client verdict" lines, sorted
  python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["runs"]: print(r["scenario"], r["client"], r["verdict"])' "$1" | sort
}

status=0
for jobs in $jobs_list; do
  for ((i = 1; i <= invocations; i++)); do
    out="$tmp/jobs$jobs-$i"
    start=$SECONDS
    "$wsrepro" run --client beast-async --jobs "$jobs" -q --out "$out" >/dev/null 2>&1 || true
    verdicts "$out/report.json" >"$out.verdicts"
    counts=$(cut -d' ' -f3 "$out.verdicts" | sort | uniq -c | tr -s ' ' | tr '\n' ',')
    echo "--jobs $jobs #$i: $(wc -l <"$out.verdicts") runs,$counts in $((SECONDS - start)) s"
    if [[ -e $tmp/reference ]]; then
      if ! diff -u "$tmp/reference" "$out.verdicts" >"$out.diff"; then
        echo "  verdicts differ from --jobs 1 #1:" && sed -n '3,$p' "$out.diff" | grep '^[-+]'
        status=1
      fi
    else
      cp "$out.verdicts" "$tmp/reference"
    fi
  done
done

# Scenarios whose runs against beast-async take milliseconds and depend on nothing but the wire.
fast=(handshake.redirect_302_close handshake.bad_accept handshake.junk_response
      handshake.close_during_handshake close.reset_after_open close.fin_without_close
      close.immediate_close frame.data_ping_close_back_to_back)
args=()
for s in "${fast[@]}"; do args+=(--scenario "$s"); done
start=$SECONDS
"$wsrepro" run "${args[@]}" --client beast-async --repeat "$repeat" --jobs 2 -q \
  --out "$tmp/repeat" >/dev/null 2>&1 || true
total=$(verdicts "$tmp/repeat/report.json" | wc -l)
not_pass=$(verdicts "$tmp/repeat/report.json" | grep -vc ' pass$' || true)
echo "--repeat $repeat over ${#fast[@]} scenarios, --jobs 2: $total runs, $not_pass not pass, in $((SECONDS - start)) s"
((not_pass == 0)) || status=1
exit $status
