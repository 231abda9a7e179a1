# Shared by the ci/ scripts: stage timing and time budgets.
# In CI (CI or WSREPRO_STAGE_BUDGETS set; .ci/run sets the latter) a stage that overruns its
# budget is killed and fails the script, so CI never hangs. Elsewhere a slow machine makes a
# stage slow, not red: the budget is only reported when it is passed.

stage() {
  local name=$1 budget=$2
  shift 2
  local start=$SECONDS
  local enforced=${WSREPRO_STAGE_BUDGETS:-${CI:-}}
  echo "==> ${name} (budget ${budget}s)"
  local rc=0
  if [[ -n "${enforced}" && "${enforced}" != 0 && "${enforced}" != false ]]; then
    timeout --kill-after=10 "${budget}" "$@" || rc=$?
  else
    "$@" || rc=$?
  fi
  if ((rc != 0)); then
    if ((rc == 124 || rc == 137)); then
      echo "==> ${name}: over its ${budget}s budget" >&2
    fi
    echo "==> ${name}: failed after $((SECONDS - start))s" >&2
    return "$rc"
  fi
  if ((SECONDS - start > budget)); then
    echo "==> ${name}: ok in $((SECONDS - start))s (over its ${budget}s CI budget)"
  else
    echo "==> ${name}: ok in $((SECONDS - start))s"
  fi
}

jobs_for_build() {
  nproc 2>/dev/null || echo 2
}
