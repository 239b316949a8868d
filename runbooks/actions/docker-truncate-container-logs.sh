#!/usr/bin/env bash
# Paramedic action DockerTruncateContainerLogs: truncate json-file container logs larger than a size
# Parameters: PARAMEDIC_LARGER_THAN_MB (10..102400, default 500); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

MB=$(pa_param LARGER_THAN_MB 500 '^[0-9]{1,6}$' 10 102400)
pa_require docker 'find the Docker root'
root=$(timeout -k 2 10 docker info -f '{{.DockerRootDir}}' 2>/dev/null | head -n 1 || true)
case "$root" in /*) ;; *) root=/var/lib/docker ;; esac
[ -d "$root/containers" ] || pa_nothing "$root/containers does not exist"
mapfile -t logs < <(find "$root/containers" -mindepth 2 -maxdepth 2 -name '*-json.log' -type f -size "+${MB}M" 2>/dev/null)
[ "${#logs[@]}" -gt 0 ] || pa_nothing "no container log larger than ${MB} MiB under $root/containers"
for log in "${logs[@]}"; do
  printf '%s: %s bytes\n' "$log" "$(stat -c %s -- "$log")"
  pa_do 30 truncate -s 0 -- "$log"
done
printf 'truncated %s log file(s)\n' "${#logs[@]}"
