#!/usr/bin/env bash
# Starts redis-server (durable: AOF under deploy/local/data/, a generated password) and N Agents silos on loopback;
# prints the connection string (CONN) and writes it with the password to deploy/local/run/env (mode 600) for clients:
#   source deploy/local/run/env && agents batch ... --cluster "$CONN"
# Usage: deploy/local/start.sh [--silos N] [--gpu-silos N] [--redis-port P] [--silo-port P] [--gateway-port P] [--dashboard PORT]
#                              [--fsync everysec|always] [--fresh] [--no-build] [--state DIR]
# A second start reuses the data (jobs, leagues, reminders) and the password; --fresh deletes both first.
# --fsync always: Redis syncs every write (no write lost on a power cut; slower); default everysec (at most ~1 s lost).
# --no-build: reuse the silo build already in deploy/local/run/bin (a restart after a crash).
# --silo-port P / --gateway-port P: silo i listens on P+i-1 (defaults 11111 and 30001).
# --state DIR: keep run/ and data/ in DIR instead of deploy/local/ (a second cluster; stop it with stop.sh --state DIR).
# --dashboard PORT: silo 1 serves the Orleans Dashboard on http://127.0.0.1:PORT/dashboard/ (loopback only).
# Pid files and logs go to deploy/local/run/; deploy/local/stop.sh stops exactly these processes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="$here"
silos=2
gpu_silos=0
redis_port=6390
silo_port=11111
gateway_port=30001
dashboard_port=0
fsync=everysec
fresh=0
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos="$2"; shift 2 ;;
    --gpu-silos) gpu_silos="$2"; shift 2 ;;
    --redis-port) redis_port="$2"; shift 2 ;;
    --silo-port) silo_port="$2"; shift 2 ;;
    --gateway-port) gateway_port="$2"; shift 2 ;;
    --state) state="$2"; shift 2 ;;
    --dashboard) dashboard_port="$2"; shift 2 ;;
    --fsync) fsync="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$state"
state="$(cd "$state" && pwd)"
run="$state/run"
data="$state/data"
case "$fsync" in everysec|always) ;; *) echo "--fsync must be everysec or always, got '$fsync'" >&2; exit 2 ;; esac
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)" >&2; exit 1; }
command -v redis-cli >/dev/null || { echo "redis-cli is not installed (it comes with redis-server)" >&2; exit 1; }
# shellcheck source=lib.sh
. "$here/lib.sh"
for pidfile in "$run"/*.pid; do
  [ -f "$pidfile" ] || continue
  if ours "$pidfile"; then
    echo "a local cluster is running ($(basename "$pidfile" .pid) is alive); run deploy/local/stop.sh first" >&2; exit 1
  fi
  # A pid file left by a killed process (kill -9, a reboot): nothing of ours runs under it any more.
  rm -f "$pidfile"
done
umask 077
mkdir -p "$run" "$data"
if [ "$fresh" -eq 1 ]; then
  rm -rf "${data:?}"/* "$run/env" "$run/redis.conf"
fi

# The password: kept with the data it protects (reused on restart), generated on first start; never on a command line.
password=""
if [ -f "$run/env" ]; then
  password="$(sed -n 's/^export AGENTS_REDIS_PASSWORD=//p' "$run/env")"
fi
if [ -z "$password" ]; then
  password="$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n' | head -c 40)"
fi

# Someone else's Redis (or anything) on the port must not receive our password or our data.
if (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null; then
  echo "port $redis_port is already in use by another process; choose another with --redis-port" >&2; exit 1
fi

if [ "$build" -eq 1 ]; then
  echo "building the silo..."
  dotnet build "$root/silos/Agents.Silo/Agents.Silo.csproj" -c Release --nologo -v q -o "$run/bin" >"$run/build.log" 2>&1 \
    || { echo "build failed; see $run/build.log" >&2; exit 1; }
elif [ ! -f "$run/bin/Agents.Silo.dll" ]; then
  echo "--no-build: no silo build in $run/bin; start once without --no-build" >&2; exit 1
fi

# Configuration file (mode 600): the password stays out of the process list.
cat >"$run/redis.conf" <<EOF
port $redis_port
bind 127.0.0.1
protected-mode yes
daemonize yes
pidfile $run/redis.pid
logfile $run/redis.log
dir $data
requirepass $password
save ""
appendonly yes
appendfilename "appendonly.aof"
appendfsync $fsync
aof-load-truncated yes
EOF
chmod 600 "$run/redis.conf"
cat >"$run/env" <<EOF
export AGENTS_REDIS_PASSWORD=$password
export CONN=redis://127.0.0.1:$redis_port
EOF
chmod 600 "$run/env"

redis-server "$run/redis.conf"
# It must really be our Redis answering: authenticated PING (the password goes through the environment, not argv).
answered=0
for _ in $(seq 1 100); do
  if [ "$(REDISCLI_AUTH="$password" redis-cli -h 127.0.0.1 -p "$redis_port" --no-auth-warning ping 2>/dev/null)" = "PONG" ]; then
    answered=1; break
  fi
  sleep 0.1
done
[ "$answered" -eq 1 ] || { echo "redis did not answer an authenticated PING on 127.0.0.1:$redis_port; see $run/redis.log" >&2; exit 1; }
# Loading a large AOF takes a while; silos start once Redis serves.
for _ in $(seq 1 600); do
  REDISCLI_AUTH="$password" redis-cli -h 127.0.0.1 -p "$redis_port" --no-auth-warning info persistence 2>/dev/null | grep -q '^loading:0' && break
  sleep 0.1
done

total=$((silos + gpu_silos))
for i in $(seq 1 "$total"); do
  role=cpu; gpu=false; models=()
  # GPU silos host the simulated model as an inference replica (docs/inference.md for real backends).
  if [ "$i" -gt "$silos" ]; then role=gpu; gpu=true; models=(--Orleans:Metadata:models=sim); fi
  dashboard=(); if [ "$i" -eq 1 ] && [ "$dashboard_port" -gt 0 ]; then dashboard=(--Agents:Dashboard:Port="$dashboard_port"); fi
  AGENTS_REDIS_PASSWORD="$password" nohup dotnet "$run/bin/Agents.Silo.dll" \
    --Agents:Cluster:Redis="127.0.0.1:$redis_port" \
    --Agents:Cluster:SiloPort=$((silo_port + i - 1)) --Agents:Cluster:GatewayPort=$((gateway_port + i - 1)) \
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
echo "started redis on 127.0.0.1:$redis_port (AOF, appendfsync $fsync, data in $data) and $total silo(s) ($silos cpu, $gpu_silos gpu)"
if [ "$dashboard_port" -gt 0 ]; then echo "dashboard: http://127.0.0.1:$dashboard_port/dashboard/"; fi
echo "clients: source $run/env (AGENTS_REDIS_PASSWORD and CONN)"
echo "CONN=redis://127.0.0.1:$redis_port"
