#!/usr/bin/env bash
# Runs a large simulated batch in cluster mode (Redis + 2 silo processes from start.sh, the zero-latency sim model)
# and samples each silo's RSS while it runs; prints wall time, peak RSS per silo and RSS at 25/50/75/100% progress.
# Usage: deploy/local/scale.sh [--problems N] [--strategy NAME] [--k N] [--concurrency N] [--every SECONDS] [--redis-port P]
# Uses deploy/local/run/ like start.sh (stop.sh runs at the end); a local cluster must not be running already.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
run="$here/run"
problems=100000
strategy=cot
k=1
concurrency=64
every=2
redis_port=6390
while [ $# -gt 0 ]; do
  case "$1" in
    --problems) problems="$2"; shift 2 ;;
    --strategy) strategy="$2"; shift 2 ;;
    --k) k="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --every) every="$2"; shift 2 ;;
    --redis-port) redis_port="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

"$here/start.sh" --silos 2 --redis-port "$redis_port"
trap '"$here/stop.sh" >/dev/null' EXIT
# The client needs the generated Redis password (never on a command line).
# shellcheck source=/dev/null
. "$run/env"
echo "building the client..."
dotnet build "$root/clients/Agents.Cli/Agents.Cli.csproj" -c Release --nologo -v q -o "$run/cli" >"$run/cli-build.log" 2>&1 \
  || { echo "client build failed; see $run/cli-build.log" >&2; exit 1; }
agents() { dotnet "$run/cli/agents.dll" "$@"; }

input="$run/scale-$problems.jsonl"
output="$run/scale-$problems.out.jsonl"
samples="$run/scale-$problems.rss.tsv"
[ -f "$input" ] || agents dataset synth --count "$problems" --seed 7 --output "$input" >/dev/null
rm -f "$output" "${output%.jsonl}.summary.json"
pids=("$(cat "$run/silo-1.pid")" "$(cat "$run/silo-2.pid")")
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$1/status" 2>/dev/null || echo 0; }
rows() { if [ -f "$output" ]; then wc -l <"$output"; else echo 0; fi; }

echo "running $problems problems ($strategy, k=$k, concurrency $concurrency) on redis://127.0.0.1:$redis_port ..."
start=$(date +%s.%N)
agents batch --input "$input" --strategy "$strategy" --k "$k" --concurrency "$concurrency" --output "$output" \
  --cluster "redis://127.0.0.1:$redis_port" --job "scale-$problems-$(date +%s)" >"$run/scale-batch.log" 2>&1 &
batch=$!
printf 'seconds\tdone\tsilo1_mb\tsilo2_mb\n' >"$samples"
while kill -0 "$batch" 2>/dev/null; do
  printf '%s\t%s\t%s\t%s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(rows)" "$(rss "${pids[0]}")" "$(rss "${pids[1]}")" >>"$samples"
  sleep "$every"
done
wait "$batch" || { echo "the batch failed; see $run/scale-batch.log" >&2; exit 1; }
wall=$(echo "$(date +%s.%N) - $start" | bc)
printf '%s\t%s\t%s\t%s\n' "$wall" "$(rows)" "$(rss "${pids[0]}")" "$(rss "${pids[1]}")" >>"$samples"

awk -F'\t' -v n="$problems" -v wall="$wall" '
  NR == 1 { next }
  NR == 2 { printf "  0%%  %7d rows  %6.0f s  silo1 %5d MB  silo2 %5d MB  (start)\n", $2, $1, $3, $4 }
  { if ($3 > p1) p1 = $3; if ($4 > p2) p2 = $4
    for (q = 1; q <= 4; q++) if (!(q in at) && $2 >= n * q / 4) { at[q] = sprintf("%3d%%  %7d rows  %6.0f s  silo1 %5d MB  silo2 %5d MB", q * 25, $2, $1, $3, $4) } }
  END {
    printf "wall time: %.0f s (%.0f problems/s); peak RSS: silo1 %d MB, silo2 %d MB\n", wall, n / wall, p1, p2
    for (q = 1; q <= 4; q++) print (q in at) ? at[q] : sprintf("%3d%%  not reached", q * 25)
  }' "$samples"
echo "rows: $(wc -l <"$output") in $output; samples in $samples"
