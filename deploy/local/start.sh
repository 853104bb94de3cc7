#!/usr/bin/env bash
# Starts redis-server and N Agents silos on loopback; prints the connection string (CONN).
# Usage: deploy/local/start.sh [--silos N] [--gpu-silos N] [--redis-port P] [--dashboard PORT]
# Pid files and logs go to deploy/local/run/; deploy/local/stop.sh stops exactly these processes.
# --dashboard PORT: silo 1 serves the Orleans Dashboard on http://127.0.0.1:PORT/dashboard/ (loopback only).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
run="$here/run"
silos=2
gpu_silos=0
redis_port=6390
dashboard_port=0
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos="$2"; shift 2 ;;
    --gpu-silos) gpu_silos="$2"; shift 2 ;;
    --redis-port) redis_port="$2"; shift 2 ;;
    --dashboard) dashboard_port="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)" >&2; exit 1; }
if [ -n "$(ls "$run"/*.pid 2>/dev/null)" ]; then
  echo "a local cluster seems to be running (pid files in $run); run deploy/local/stop.sh first" >&2; exit 1
fi
mkdir -p "$run"
echo "building the silo..."
dotnet build "$root/silos/Agents.Silo/Agents.Silo.csproj" -c Release --nologo -v q -o "$run/bin" >"$run/build.log" 2>&1 \
  || { echo "build failed; see $run/build.log" >&2; exit 1; }

redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --pidfile "$run/redis.pid" \
  --save "" --appendonly no --logfile "$run/redis.log"
for _ in $(seq 1 50); do [ -s "$run/redis.pid" ] && break; sleep 0.1; done

total=$((silos + gpu_silos))
for i in $(seq 1 "$total"); do
  role=cpu; gpu=false; models=()
  # GPU silos host the simulated model as an inference replica (docs/inference.md for real backends).
  if [ "$i" -gt "$silos" ]; then role=gpu; gpu=true; models=(--Orleans:Metadata:models=sim); fi
  dashboard=(); if [ "$i" -eq 1 ] && [ "$dashboard_port" -gt 0 ]; then dashboard=(--Agents:Dashboard:Port="$dashboard_port"); fi
  nohup dotnet "$run/bin/Agents.Silo.dll" \
    --Agents:Cluster:Redis="127.0.0.1:$redis_port" \
    --Agents:Cluster:SiloPort=$((11110 + i)) --Agents:Cluster:GatewayPort=$((30000 + i)) \
    --Orleans:Metadata:role=$role --Orleans:Metadata:gpu=$gpu "${models[@]}" "${dashboard[@]}" \
    >"$run/silo-$i.log" 2>&1 &
  echo $! >"$run/silo-$i.pid"
done

for i in $(seq 1 "$total"); do
  for _ in $(seq 1 120); do
    grep -q "Application started" "$run/silo-$i.log" 2>/dev/null && break
    kill -0 "$(cat "$run/silo-$i.pid")" 2>/dev/null || { echo "silo $i exited; see $run/silo-$i.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q "Application started" "$run/silo-$i.log" || { echo "silo $i did not start in 60 s; see $run/silo-$i.log" >&2; exit 1; }
done
echo "started redis on 127.0.0.1:$redis_port and $total silo(s) ($silos cpu, $gpu_silos gpu)"
if [ "$dashboard_port" -gt 0 ]; then echo "dashboard: http://127.0.0.1:$dashboard_port/dashboard/"; fi
echo "CONN=redis://127.0.0.1:$redis_port"
