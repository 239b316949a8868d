#!/usr/bin/env bash
# Paramedic action DockerPruneImages: remove images used by no container and older than a threshold
# Parameters: PARAMEDIC_OLDER_THAN_HOURS (1..8760, default 24); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

HOURS=$(pa_param OLDER_THAN_HOURS 24 '^[0-9]{1,4}$' 1 8760)
pa_require docker 'prune images'
pa_docker_ok
used=$(timeout -k 2 20 docker ps -aq --no-trunc | xargs -r timeout -k 2 20 docker inspect -f '{{.Image}}' | sort -u)
all=$(timeout -k 2 20 docker images -aq --no-trunc | sort -u)
candidates=$(comm -23 <(printf '%s\n' "$all" | sed '/^$/d') <(printf '%s\n' "$used" | sed '/^$/d') | wc -l)
[ "$candidates" -gt 0 ] || pa_nothing 'every image is used by a container'
printf '%s image(s) unused by any container; removing those created more than %sh ago\n' "$candidates" "$HOURS"
pa_do 600 docker image prune -a -f --filter "until=${HOURS}h"
