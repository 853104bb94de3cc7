#!/usr/bin/env bash
# Stops exactly the processes deploy/local/start.sh started (by their pid files in deploy/local/run/).
set -uo pipefail
run="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run"
stopped=0
for pidfile in "$run"/silo-*.pid "$run"/redis.pid; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    stopped=$((stopped + 1))
  fi
  rm -f "$pidfile"
done
echo "stopped $stopped process(es)"
