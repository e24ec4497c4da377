#!/usr/bin/env bash
# Compose smoke test: runs docker-compose.yaml for real and checks what a user would see.
#   deploy/compose-smoke.sh          (npm run test:compose; .ci/run runs it as its own step)
# Stand-ins for the images no registry here serves come from ../shared/tools/docker-standins
# (STANDINS=path to override). The fleet is built once, started on ports bound to 127.0.0.1, then:
# a routed chat (200 + tier header), a stream, 30 calls after --scale dispatcher-openai=3 served by
# every replica, 30 slow calls with one replica killed mid-load and none failed, usage rows =
# requests, every app container healthy, every service's /metrics target up in Prometheus. A trap
# removes the containers and volumes (down -v), the rendered file, and the dockerd (and its
# bridge) when this script started it, whatever happens. Each wait has a deadline. Where no Docker
# engine can be had it prints one "SKIPPED" line and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { echo "compose smoke: $*"; }
standins=${STANDINS:-$root/../shared/tools/docker-standins/standins.sh}
project="switchyard-smoke-$$"
work=$(mktemp -d)
compose_file="$work/docker-compose.rendered.yaml"
started_engine=false
compose() { docker-compose -p "$project" -f "$compose_file" "$@"; }

cleanup() {
  local status=$?
  set +e
  if [[ -f $compose_file ]] && docker info >/dev/null 2>&1; then
    if [[ $status -ne 0 ]]; then
      say "failed (exit $status); the last log lines of each service:"
      compose logs --no-color --tail=15 2>/dev/null | tail -n 150
    fi
    compose down -v --remove-orphans >/dev/null 2>&1
  fi
  if $started_engine; then "$standins" down; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- an engine -------------------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  if [[ ! -x $standins ]] || [[ $(id -u) != 0 ]]; then
    say "SKIPPED: no Docker engine answers and none can be started here (needs root and $standins)"
    exit 0
  fi
  started_engine=true
fi
if [[ -x $standins ]]; then
  if ! "$standins" up docker-compose.yaml; then
    if ! docker info >/dev/null 2>&1; then
      say "SKIPPED: the Docker engine could not be started here (see /tmp/docker-standins/dockerd.log)"
      exit 0
    fi
    say "the stand-in images could not be built"
    exit 1
  fi
fi
command -v docker-compose >/dev/null || { say "docker-compose is not installed"; exit 1; }

# --- the compose file, published on loopback only ----------------------------------------------
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
ingress_port=$(free_port)
grafana_port=$(free_port)
export LITELLM_MASTER_KEY="sk-compose-smoke-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
export BACKGROUND_HEALTH_CHECKS=false
docker-compose -f docker-compose.yaml config >"$work/config.yaml"
node deploy/compose-smoke-client.mjs loopback "$work/config.yaml" "$compose_file" "$ingress_port" "$grafana_port"
base_url="http://127.0.0.1:$ingress_port"

# --- build once, start, wait for health --------------------------------------------------------
say "building the image (once)"
compose build -q ingress
say "starting the fleet"
compose up -d --no-build

scraped_services=(ingress classifier ledger dispatcher-openai dispatcher-anthropic dispatcher-gemini
  dispatcher-mistral dispatcher-opencodego)
app_services=("${scraped_services[@]}" mock-provider)

# wait_healthy SECONDS: every container of the project with a health check is healthy
wait_healthy() {
  local deadline=$((SECONDS + $1)) unhealthy
  while :; do
    unhealthy=$(compose ps -q | xargs docker inspect -f \
      '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' |
      awk '$2 != "running" || ($3 != "healthy" && $3 != "none")')
    [[ -z $unhealthy ]] && return 0
    if ((SECONDS > deadline)); then
      say "not healthy after $1 s:"
      echo "$unhealthy"
      say "their last health checks, and what each container uses:"
      compose ps -q | xargs docker inspect -f \
        '{{.Name}}{{if .State.Health}}{{range .State.Health.Log}} [exit {{.ExitCode}} {{.Output}}]{{end}}{{end}}' |
        cut -c1-600
      docker stats --no-stream --format '{{.Name}} cpu {{.CPUPerc}} mem {{.MemUsage}}' $(compose ps -q) || true
      return 1
    fi
    sleep 3
  done
}
wait_healthy 420
for service in "${app_services[@]}"; do
  [[ -n $(compose ps -q "$service") ]] || { say "no container for $service"; exit 1; }
done
say "every container healthy"

# --- requests ----------------------------------------------------------------------------------
node deploy/compose-smoke-client.mjs routed "$base_url" "$LITELLM_MASTER_KEY"
node deploy/compose-smoke-client.mjs stream "$base_url" "$LITELLM_MASTER_KEY"
sent=2

compose up -d --no-build --no-recreate --scale dispatcher-openai=3
wait_healthy 180
node deploy/compose-smoke-client.mjs load "$base_url" "$LITELLM_MASTER_KEY" 30 0 "spread over 3 replicas"
sent=$((sent + 30))
served_by() {
  docker exec "$1" node -e "fetch('http://127.0.0.1:9100/metrics').then(r=>r.text()).then(t=>console.log(t.split('\n').filter(l=>l.startsWith('switchyard_upstream_attempts_total{')).reduce((s,l)=>s+Number(l.split(' ').pop()),0)))"
}
replicas=($(compose ps -q dispatcher-openai))
[[ ${#replicas[@]} -eq 3 ]] || { say "expected 3 openai dispatchers, found ${#replicas[@]}"; exit 1; }
spread=""
for replica in "${replicas[@]}"; do
  count=$(served_by "$replica")
  spread="$spread $count"
  [[ $count -gt 0 ]] || { say "openai replica ${replica:0:12} served no request (attempts:$spread)"; exit 1; }
done
say "upstream attempts per openai replica:$spread"

node deploy/compose-smoke-client.mjs load "$base_url" "$LITELLM_MASTER_KEY" 30 1500 "one replica killed mid-load" &
load_pid=$!
sleep 0.7
docker kill "${replicas[2]}" >/dev/null
say "killed openai replica ${replicas[2]:0:12} mid-load"
wait "$load_pid"
sent=$((sent + 30))

# --- usage rows, health, metrics ---------------------------------------------------------------
deadline=$((SECONDS + 60))
while :; do
  rows=$(compose exec -T -e PGPASSWORD="${POSTGRES_PASSWORD:-switchyard-dev}" postgres \
    psql -h 127.0.0.1 -U switchyard -d switchyard -tAc \
    "SELECT count(*) FROM usage_events WHERE kind = 'upstream'" | tr -d '[:space:]' || true)
  [[ $rows == "$sent" ]] && break
  if ((SECONDS > deadline)); then
    say "usage rows $rows for $sent requests"
    exit 1
  fi
  sleep 2
done
say "usage rows $rows = requests $sent"

compose up -d --no-build --no-recreate --scale dispatcher-openai=3 # the killed replica back
wait_healthy 180
say "every app container healthy after the kill"

deadline=$((SECONDS + 120))
until compose exec -T prometheus wget -qO- 'http://127.0.0.1:9090/api/v1/targets?state=active' |
  node deploy/compose-smoke-client.mjs targets "${scraped_services[@]}" 2>"$work/targets.err"; do
  if ((SECONDS > deadline)); then
    cat "$work/targets.err"
    exit 1
  fi
  sleep 5
done

say "passed"
