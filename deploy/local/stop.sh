#!/usr/bin/env bash
# Stops exactly the processes deploy/local/start.sh started: a pid file counts only when its process is still ours
# (a silo running our build, the redis-server serving our data directory), never whatever took over a stale pid.
# Silos get SIGTERM and up to 30 s to leave the cluster gracefully (finishing their shutdown, handing off grains);
# then Redis gets SIGTERM, which makes it flush its append-only file before exiting. Data and password are kept.
set -uo pipefail
# Usage: deploy/local/stop.sh [--state DIR]   (DIR as given to start.sh --state; default deploy/local/)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="$here"
while [ $# -gt 0 ]; do
  case "$1" in
    --state) state="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
state="$(cd "$state" 2>/dev/null && pwd)" || { echo "no such state directory" >&2; exit 2; }
run="$state/run"
data="$state/data"
# shellcheck source=lib.sh
. "$here/lib.sh"
stopped=0
# wait_gone SECONDS PID...: waits until every pid has exited or the time is up; prints the ones still alive.
wait_gone() {
  local seconds="$1"; shift
  local alive=("$@") next
  for _ in $(seq 1 $((seconds * 10))); do
    next=()
    for pid in "${alive[@]}"; do kill -0 "$pid" 2>/dev/null && next+=("$pid"); done
    alive=("${next[@]}")
    [ "${#alive[@]}" -eq 0 ] && break
    sleep 0.1
  done
  echo "${alive[@]}"
}
silo_pids=()
for pidfile in "$run"/silo-*.pid; do
  [ -f "$pidfile" ] || continue
  if ours "$pidfile"; then
    pid="$(cat "$pidfile")"; kill -TERM "$pid"; silo_pids+=("$pid"); stopped=$((stopped + 1))
  else
    echo "$(basename "$pidfile"): no process of ours (stale pid file removed)"
  fi
  rm -f "$pidfile"
done
if [ "${#silo_pids[@]}" -gt 0 ]; then
  left="$(wait_gone 30 "${silo_pids[@]}")"
  for pid in $left; do echo "silo $pid did not stop in 30 s; killing it"; kill -9 "$pid" 2>/dev/null; done
fi
if [ -f "$run/redis.pid" ]; then
  if ours "$run/redis.pid"; then
    pid="$(cat "$run/redis.pid")"; kill -TERM "$pid"; stopped=$((stopped + 1))
    left="$(wait_gone 30 "$pid")"
    [ -n "$left" ] && { echo "redis $pid did not stop in 30 s; killing it"; kill -9 "$pid" 2>/dev/null; }
  else
    echo "redis.pid: no process of ours (stale pid file removed)"
  fi
  rm -f "$run/redis.pid"
fi
echo "stopped $stopped process(es); data kept in $data (deploy/local/start.sh --fresh to start empty)"
