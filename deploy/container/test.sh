#!/usr/bin/env bash
# The container test: builds the base image (debootstrap, cached), publishes the silo self-contained, builds the silo
# image from Dockerfile.prebuilt with podman, starts redis-server and two silo containers (host network, loopback
# ports, read-only root filesystem), runs `agents batch --cluster ...` from the host, kills one silo container
# mid-batch, and checks that every result comes back exactly once. Then the API image (Dockerfile.prebuilt with
# APP=Agents.Api) joins the same cluster as a client and must report the job complete, behind an API key.
# Prints a `figure:` line.
# Needs root, podman, runc, debootstrap, redis-server and the .NET SDK (apt-get install -y podman runc debootstrap redis-server).
# Environment: PROBLEMS (default 200), AGENTS_CLI (a built agents.dll; default: build clients/Agents.Cli),
# SILO_PUBLISH / API_PUBLISH (self-contained publishes of the silo and the API; default: publish them into the cache), CONFIGURATION (of that
# publish and of the CLI build; default Release — the test suite passes Debug, so the libraries it already built are
# reused and only the silo executable is compiled for linux-x64).
# Cache (ignored by git): deploy/container/.cache/ (rootfs tarball, publish, CLI build); delete it to start over.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$here/.cache"
problems="${PROBLEMS:-200}"
configuration="${CONFIGURATION:-Release}"
isolated=(-p:UseArtifactsOutput=true "-p:ArtifactsPath=$here/.cache/artifacts")
start_time=$(date +%s)
say() { echo "[container-test $(($(date +%s) - start_time))s] $*"; }

for tool in podman runc debootstrap redis-server dotnet curl python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install -y podman runc debootstrap redis-server)" >&2; exit 3; }
done
[ "$(id -u)" -eq 0 ] || { echo "needs root (debootstrap, podman storage)" >&2; exit 3; }
mkdir -p "$cache"

# The three sandbox settings this machine kind needs: runc with cgroupfs, no default ulimits, host network.
printf '[containers]\ndefault_ulimits = []\n' >"$cache/containers.conf"
export CONTAINERS_CONF="$cache/containers.conf"
pod() { podman --runtime runc --cgroup-manager cgroupfs "$@"; }

base=localhost/agents-runtime-deps:bookworm
if ! pod image exists "$base"; then
  if [ ! -s "$cache/rootfs.tar" ]; then
    say "building the base rootfs with debootstrap (runtime-deps' content from Debian's packages)"
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase --include=libicu72,libssl3,ca-certificates bookworm "$cache/rootfs" >"$cache/debootstrap.log" 2>&1 \
      || { echo "debootstrap failed; see $cache/debootstrap.log" >&2; exit 1; }
    tar -C "$cache/rootfs" -cf "$cache/rootfs.tar.tmp" . && mv "$cache/rootfs.tar.tmp" "$cache/rootfs.tar"
    rm -rf "$cache/rootfs"
  fi
  say "importing the base image"
  pod import -q "$cache/rootfs.tar" "$base" >/dev/null
fi

publish="${SILO_PUBLISH:-}"
if [ -z "$publish" ]; then
  publish="$cache/silo"
  say "publishing the silo self-contained (linux-x64, $configuration)"
  dotnet publish "$root/silos/Agents.Silo/Agents.Silo.csproj" -c "$configuration" -r linux-x64 --self-contained --nologo -v q \
    "${isolated[@]}" -o "$publish" >"$cache/publish.log" 2>&1 || { echo "publish failed; see $cache/publish.log" >&2; exit 1; }
fi
api_publish="${API_PUBLISH:-}"
if [ -z "$api_publish" ]; then
  api_publish="$cache/api"
  say "publishing the API self-contained (linux-x64, $configuration)"
  dotnet publish "$root/clients/Agents.Api/Agents.Api.csproj" -c "$configuration" -r linux-x64 --self-contained --nologo -v q \
    "${isolated[@]}" -o "$api_publish" >"$cache/publish-api.log" 2>&1 || { echo "API publish failed; see $cache/publish-api.log" >&2; exit 1; }
fi
cli="${AGENTS_CLI:-}"
if [ -z "$cli" ]; then
  say "building the CLI"
  dotnet build "$root/clients/Agents.Cli/Agents.Cli.csproj" -c "$configuration" --nologo -v q "${isolated[@]}" -o "$cache/cli" >"$cache/cli.log" 2>&1 \
    || { echo "CLI build failed; see $cache/cli.log" >&2; exit 1; }
  cli="$cache/cli/agents.dll"
fi

image=localhost/agents-silo:test
say "building $image from Dockerfile.prebuilt"
pod build -q -f "$here/Dockerfile.prebuilt" --build-arg BASE="$base" --build-arg APP=Agents.Silo -t "$image" "$publish" >/dev/null
api_image=localhost/agents-api:test
say "building $api_image from Dockerfile.prebuilt"
pod build -q -f "$here/Dockerfile.prebuilt" --build-arg BASE="$base" --build-arg APP=Agents.Api -t "$api_image" "$api_publish" >/dev/null

work="$(mktemp -d /tmp/agents-container-test.XXXXXX)"
tag="agents-test-$$"
redis_pid=""
cleanup() {
  pod rm -f -t 0 "$tag-a" "$tag-b" "$tag-api" >/dev/null 2>&1 || true
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
# A password, so the silos' AGENTS_REDIS_PASSWORD path is exercised; it reaches redis through a config file and the
# containers through an inherited environment variable, never through a command line.
AGENTS_REDIS_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export AGENTS_REDIS_PASSWORD
umask 077
printf 'port %s\nbind 127.0.0.1\nsave ""\nappendonly no\nrequirepass "%s"\n' "$redis_port" "$AGENTS_REDIS_PASSWORD" >"$work/redis.conf"
redis-server "$work/redis.conf" >"$work/redis.log" 2>&1 &
redis_pid=$!

# Waits up to 60 s for URL to answer 2xx; otherwise prints the last log lines of the named containers and fails.
wait_ok() { # url what container...
  local url="$1" what="$2" c
  shift 2
  for _ in $(seq 1 240); do
    if curl -fs "$url" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  for c in "$@"; do pod logs "$tag-$c" 2>&1 | tail -20; done
  echo "$what in 60 s" >&2
  exit 1
}

start_silo() { # name silo-port gateway-port health-port
  pod run -d --name "$tag-$1" --network host --read-only -e AGENTS_REDIS_PASSWORD "$image" \
    --Agents:Cluster:Redis="127.0.0.1:$redis_port" --Agents:Cluster:SiloPort="$2" --Agents:Cluster:GatewayPort="$3" \
    --Agents:Health:Port="$4" --Agents:Health:Address=127.0.0.1 --Orleans:Metadata:role=cpu \
    --Agents:Simulation:Latency:DecodeTokensPerSecond=4000 >/dev/null
}
health_a=$(free_port); health_b=$(free_port)
start_silo a "$(free_port)" "$(free_port)" "$health_a"
start_silo b "$(free_port)" "$(free_port)" "$health_b"
for h in "$health_a" "$health_b"; do
  wait_ok "http://127.0.0.1:$h/health/ready" "a silo container did not become ready" a b
done
say "redis and 2 silo containers ready"

dotnet "$cli" dataset synth --count "$problems" --seed 18 --output "$work/problems.jsonl" >/dev/null
out="$work/results.jsonl"
say "batch of $problems problems (sc, k=4) through the containers' gateways"
dotnet "$cli" batch --input "$work/problems.jsonl" --strategy sc --k 4 --concurrency 16 --seed 18 \
  --cluster "redis://127.0.0.1:$redis_port" --job "container-$$" --output "$out" >"$work/batch.log" 2>&1 &
batch_pid=$!

# Kill silo b (SIGKILL: no graceful shutdown) once a quarter of the results are in.
killed_at=""
while kill -0 "$batch_pid" 2>/dev/null; do
  done_rows=0
  if [ -f "$out" ]; then done_rows=$(wc -l <"$out"); fi
  if [ "$done_rows" -ge $((problems / 4)) ]; then
    pod kill -s KILL "$tag-b" >/dev/null
    killed_at=$done_rows
    break
  fi
  sleep 0.1
done
say "killed silo container b at $killed_at/$problems results"
set +e
wait "$batch_pid"
batch_rc=$?
set -e
end_time=$(date +%s)
if [ "$batch_rc" -ne 0 ]; then tail -30 "$work/batch.log" >&2; echo "agents batch exited $batch_rc" >&2; exit 1; fi

read -r rows unique ok <<<"$(python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(len(rows), len({r["id"] for r in rows}), sum(1 for r in rows if r.get("status") == "ok"))
PY
)"
lost=$((problems - unique))
duplicated=$((rows - unique))
echo "figure: container batch $problems problems on 2 silo containers, one killed at ${killed_at:-never}/$problems: lost $lost duplicated $duplicated, ok $ok, $((end_time - start_time)) s in all"
[ -n "$killed_at" ] || { echo "the batch finished before a silo container could be killed" >&2; exit 1; }
[ "$lost" -eq 0 ] && [ "$duplicated" -eq 0 ] && [ "$ok" -eq "$problems" ] || { tail -30 "$work/batch.log" >&2; exit 1; }

# The API image as a cluster client: /health without a key, the job's status with one, 401 without.
AGENTS_API_KEYS="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export AGENTS_API_KEYS
api_port=$(free_port)
pod run -d --name "$tag-api" --network host --read-only -e AGENTS_API_KEYS -e AGENTS_REDIS_PASSWORD "$api_image" \
  --urls="http://127.0.0.1:$api_port" --cluster="redis://127.0.0.1:$redis_port" >/dev/null
wait_ok "http://127.0.0.1:$api_port/health" "the API container did not become healthy" api
unauthorized=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$api_port/api/jobs/container-$$")
curl -fs -H "Authorization: Bearer $AGENTS_API_KEYS" "http://127.0.0.1:$api_port/api/jobs/container-$$" >"$work/job.json"
read -r job_status job_done <<<"$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["status"], j["done"])' "$work/job.json")"
echo "figure: container api: job $job_status with $job_done/$problems done through the API container; without a key $unauthorized"
[ "$unauthorized" = "401" ] && [ "$job_status" = "completed" ] && [ "$job_done" -eq "$problems" ] || { cat "$work/job.json" >&2; exit 1; }
say "passed"
