#!/usr/bin/env bash
# Paramedic action DockerPruneImages: remove images used by no container and older than a threshold
# Parameters: PARAMEDIC_OLDER_THAN_HOURS (1..8760, default 24); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

HOURS=$(pa_param OLDER_THAN_HOURS 24 '^[0-9]{1,4}$' 1 8760)
pa_require docker 'prune images'
pa_docker_ok
ids=$(timeout -k 2 20 docker ps -aq --no-trunc) || pa_fail 'docker ps did not answer; nothing pruned'
used=''
if [ -n "$ids" ]; then
  # A container removed between the listing and the inspect is no error: docker inspect still
  # prints the others' images and exits 1 naming it ("No such object"). Any other failure is.
  rc=0
  # shellcheck disable=SC2086 # ids are docker's own hex ids, one per word
  inspected=$(timeout -k 2 20 docker inspect -f '{{.Image}}' $ids 2>&1) || rc=$?
  unexpected=$(printf '%s\n' "$inspected" | grep -vE '^sha256:[0-9a-f]{64}$|No such (object|container)' | head -n 1 || true)
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    pa_fail 'docker inspect of the containers timed out after 20s; nothing pruned'
  elif [ "$rc" -ne 0 ] && [ -n "$unexpected" ]; then
    pa_fail "docker inspect of the containers failed (exit $rc): $unexpected; nothing pruned"
  fi
  used=$(printf '%s\n' "$inspected" | grep -E '^sha256:[0-9a-f]{64}$' | sort -u || true)
fi
all=$(timeout -k 2 20 docker images -aq --no-trunc | sort -u)
candidates=$(comm -23 <(printf '%s\n' "$all" | sed '/^$/d') <(printf '%s\n' "$used" | sed '/^$/d') | wc -l)
[ "$candidates" -gt 0 ] || pa_nothing 'every image is used by a container'
printf '%s image(s) unused by any container; removing those created more than %sh ago\n' "$candidates" "$HOURS"
pa_do 600 docker image prune -a -f --filter "until=${HOURS}h"
