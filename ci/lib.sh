# Shared by the ci/ scripts: stage timing and time budgets.
# A stage that overruns its budget is killed and fails the script, so CI never hangs.

stage() {
  local name=$1 budget=$2
  shift 2
  local start=$SECONDS
  echo "==> ${name} (budget ${budget}s)"
  local rc=0
  timeout --kill-after=10 "${budget}" "$@" || rc=$?
  if ((rc != 0)); then
    if ((rc == 124 || rc == 137)); then
      echo "==> ${name}: over its ${budget}s budget" >&2
    fi
    echo "==> ${name}: failed after $((SECONDS - start))s" >&2
    return "$rc"
  fi
  echo "==> ${name}: ok in $((SECONDS - start))s"
}

jobs_for_build() {
  nproc 2>/dev/null || echo 2
}
