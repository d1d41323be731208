#!/usr/bin/env bash
# Runs the whole test suite (`npm test`: typecheck, lint, vitest) several times in a row
# while busy loops hold the CPU, to find tests that pass only on an idle machine: a test
# ordered by a sleep, or a deadline that also has to cover connecting, fails here first.
#
#   bash scripts/test-under-load.sh [RUNS] [LOOPS]      (defaults: 5 runs, 4 loops)
#
# Run it after `bash scripts/test-setup.sh && npm ci`, which this script does not repeat.
# Each run's output and vitest report go to $LOAD_DIR (default: test-under-load/), and a
# table of the runs (start, load average, result, wall time) is printed, a row as each run
# ends, and kept in summary.txt there.
# The loops run at the same niceness as the suite, so they take a fair share of the CPU
# instead of yielding to it. They are stopped when the script ends, however it ends, and a
# run that takes longer than $RUN_LIMIT (default: 60m) is ended and counted as failed.
# Exits 0 only if every run passed.
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-5}"
loops="${2:-4}"
dir="${LOAD_DIR:-test-under-load}"
limit="${RUN_LIMIT:-60m}"
case "$runs$loops" in
  *[!0-9]*)
    echo "usage: bash scripts/test-under-load.sh [RUNS] [LOOPS] (two whole numbers)" >&2
    exit 2
    ;;
esac
mkdir -p "$dir"

loop_pids=()
run_pid=
stop_all() {
  # `timeout` passes the signal on to the suite, which stops what it started.
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null
  for pid in "${loop_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${loop_pids[@]}"; do wait "$pid" 2>/dev/null; done
  loop_pids=()
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 1 "$loops"); do
  nice -n 5 sh -c 'while :; do :; done' &
  loop_pids+=("$!")
done

summary="$dir/summary.txt"
printf '%-4s %-9s %-13s %-28s %s\n' run started 'load (1 min)' result 'wall time' | tee "$summary"
failed=0
for run in $(seq 1 "$runs"); do
  log="$dir/run-$run.log"
  started=$(date +%H:%M:%S)
  load=$(cut -d' ' -f1 /proc/loadavg)
  begin=$(date +%s)
  rm -f .test-results.json
  # In the background, so that a signal to this script is handled at once, not after the run.
  CI=true timeout --kill-after=30s "$limit" nice -n 5 npm test >"$log" 2>&1 &
  run_pid=$!
  wait "$run_pid"
  status=$?
  run_pid=
  seconds=$(($(date +%s) - begin))
  if [ -f .test-results.json ]; then
    cp .test-results.json "$dir/run-$run.json"
    result=$(npx --no-install tsx scripts/test-summary.ts "$dir/run-$run.json" 2>/dev/null) ||
      result="report unreadable: run npm ci"
  elif [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    result="ended after $limit"
  else
    result="no report: tsc or lint failed"
  fi
  [ "$status" -eq 0 ] || failed=$((failed + 1))
  printf '%-4s %-9s %-13s %-28s %ss (exit %s)\n' "$run" "$started" "$load" "$result" \
    "$seconds" "$status" | tee -a "$summary"
done

echo "$((runs - failed)) of $runs runs passed, beside $loops busy loops; logs in $dir/" |
  tee -a "$summary"
[ "$failed" -eq 0 ]
