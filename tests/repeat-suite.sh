#!/usr/bin/env bash
# Runs the test suite N times in the fixed order, then N times in reverse order (AGENTS_TEST_ORDER=reverse), stopping at
# the first failing run. Prints one line per run (passed/failed/duration) and a summary; exits 0 only if every run passed.
#
#   tests/repeat-suite.sh N [TARGET] [-- EXTRA dotnet test ARGUMENTS]
#
# TARGET is what `dotnet test` runs (default: Agents.sln, the README's test command); e.g. tests/Agents.Core.Tests.
# It is built once first; every run then tests that build (--no-build). Each run's output is kept in
# TestResults/repeat/RUN.log (TestResults/ itself is emptied before each run, as .ci/run does).
set -uo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: tests/repeat-suite.sh N [TARGET] [-- dotnet test arguments]" >&2; exit 2; }
[ $# -ge 1 ] || usage
runs="$1"; shift
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage
target="Agents.sln"
if [ $# -ge 1 ] && [ "$1" != "--" ]; then target="$1"; shift; fi
if [ $# -ge 1 ] && [ "$1" = "--" ]; then shift; fi
extra=("$@")

logs="$(mktemp -d)"
trap 'mkdir -p TestResults/repeat && cp "$logs"/*.log TestResults/repeat/ 2>/dev/null; rm -rf "$logs"' EXIT

echo "building $target"
if ! dotnet build "$target" -v q -nologo >"$logs/build.log" 2>&1; then
  tail -n 40 "$logs/build.log"
  echo "build failed"
  exit 1
fi

started=$SECONDS
done_runs=0
for order in forward reverse; do
  for ((i = 1; i <= runs; i++)); do
    name="$order-$i"
    rm -rf TestResults
    t0=$SECONDS
    AGENTS_TEST_ORDER="$order" dotnet test "$target" --no-build "${extra[@]}" >"$logs/$name.log" 2>&1
    rc=$?
    read -r passed failed < <(tests/trx-counts.sh)
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    seconds=$((SECONDS - t0))
    echo "run $name: passed $passed, failed $failed, duration ${seconds} s"
    done_runs=$((done_runs + 1))
    if [ "$rc" -ne 0 ]; then
      grep -E '^\s+Failed |Error Message' -A3 "$logs/$name.log" | head -n 40
      echo "summary: stopped at run $name ($done_runs of $((2 * runs)) runs); log in TestResults/repeat/$name.log; $((SECONDS - started)) s in all"
      exit 1
    fi
  done
done

echo "summary: $((2 * runs)) of $((2 * runs)) runs passed ($runs forward, $runs reverse) of $target in $((SECONDS - started)) s"
