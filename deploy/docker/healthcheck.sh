#!/usr/bin/env bash
# Docker health check for the Switchyard image: GET http://127.0.0.1:PORT/PATH, healthy on a 200.
#   switchyard-health 9100 /health/readiness
# Bash's /dev/tcp instead of `node -e "fetch(...)"`: a check runs every 5 s in every container, and
# starting a Node process for it costs ~0.1 s of CPU each time (nine containers on two cores
# starved each other's checks past their 3 s timeout in the compose smoke test); this costs ~1 ms.
set -uo pipefail
port=${1:?port} path=${2:?path}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 2 status <&3 || exit 1
[[ $status == HTTP/1.?" 200 "* ]]
