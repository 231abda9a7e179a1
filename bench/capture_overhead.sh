#!/usr/bin/env bash
# What stack capture costs a run that does not hang: the wall time of `--repeat N` runs of a
# scenario the client passes, with captures on (the default) and off (--diagnose none), taken
# alternately ROUNDS times; prints each round and the medians' ratio (1.00: no cost).
# Usage: bench/capture_overhead.sh [WSREPRO] [N] [ROUNDS] [CLIENT]
set -euo pipefail
wsrepro=${1:-build/release/wsrepro}
runs=${2:-1000}
rounds=${3:-5}
client=${4:-beast-async}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

wall() {  # prints the seconds one invocation took
  local start end
  start=$(date +%s.%N)
  "$wsrepro" "$@" run --scenario handshake.redirect_302_close --client "$client" \
    --repeat "$runs" --jobs 2 --quiet --format json --out "$out" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

on=()
off=()
for ((i = 1; i <= rounds; i++)); do
  on+=("$(wall)")
  off+=("$(wall --diagnose none)")
  echo "round $i: captures on ${on[-1]} s, off ${off[-1]} s ($runs runs each)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m_on=$(median "${on[@]}")
m_off=$(median "${off[@]}")
echo "median: on $m_on s, off $m_off s; on/off $(echo "scale=3; $m_on / $m_off" | bc)"
