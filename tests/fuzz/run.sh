#!/usr/bin/env bash
# Fuzzes every libFuzzer program built in BUILD/fuzz (a KG_FUZZ build) for a
# bounded time each, starting from its seed corpus tests/fuzz/<name>/ (read
# only: new inputs go to BUILD/fuzz-corpus/<name>/). A crash, leak, timeout
# or broken FUZZ_CHECK fails the run; the input is saved under
# BUILD/fuzz-artifacts/<name>/ — add it to tests/fuzz/<name>/ once fixed.
#
#   tests/fuzz/run.sh BUILD [SECONDS_PER_TARGET] [PARALLEL_JOBS]
#
# The seed is fixed (-seed=1; KG_FUZZ_SEED overrides, 0 = random, for long
# local runs) so a CI run is repeatable as far as a time bound allows. Prints one line per target: executions, coverage, corpus size.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD [SECONDS] [JOBS]}" && pwd)
seconds=${2:-${KG_FUZZ_SECONDS:-20}}
jobs=${3:-${KG_JOBS:-$(nproc)}}

shopt -s nullglob
bins=("$build"/fuzz/fuzz-*)
if ((${#bins[@]} == 0)); then
  echo "fuzz: no fuzz programs in $build/fuzz (configure with -DKG_FUZZ=ON)" >&2
  exit 1
fi

run_one() {
  local bin=$1 name=${1##*/fuzz-}
  local work=$build/fuzz-corpus/$name artifacts=$build/fuzz-artifacts/$name
  local log=$build/fuzz-logs/$name.log
  mkdir -p "$work" "$artifacts" "$build/fuzz-logs"
  local args=(-max_total_time="$seconds" -seed="${KG_FUZZ_SEED:-1}" -rss_limit_mb=2048 -timeout=20
              -print_final_stats=1 -artifact_prefix="$artifacts/")
  [ -f "$root/tests/fuzz/$name.dict" ] && args+=(-dict="$root/tests/fuzz/$name.dict")
  if "$bin" "${args[@]}" "$work" "$root/tests/fuzz/$name" >"$log" 2>&1; then
    local execs cov
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
    printf 'fuzz %-16s ok   %8s execs in %ss, coverage %s, corpus %s\n' "$name" "${execs:-?}" \
      "$seconds" "${cov:-?}" "$(ls "$work" | wc -l)"
  else
    printf 'fuzz %-16s FAILED (log %s, input in %s/)\n' "$name" "$log" "$artifacts"
    grep -E 'ERROR|FUZZ_CHECK|SUMMARY|#[0-9]+ 0x' "$log" | head -30
    return 1
  fi
}

failed=0
pids=()
names=()
for bin in "${bins[@]}"; do
  run_one "$bin" &
  pids+=($!)
  names+=("${bin##*/fuzz-}")
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
exit $failed
