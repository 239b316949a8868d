#!/usr/bin/env bash
# Paramedic action DockerPruneContainers: remove stopped containers older than a threshold
# Parameters: PARAMEDIC_OLDER_THAN_HOURS (1..8760, default 24); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

HOURS=$(pa_param OLDER_THAN_HOURS 24 '^[0-9]{1,4}$' 1 8760)
pa_require docker 'prune containers'
pa_docker_ok
stopped=$(timeout -k 2 20 docker ps -aq --filter status=exited --filter status=dead --filter status=created | wc -l)
[ "$stopped" -gt 0 ] || pa_nothing 'no stopped containers'
printf '%s stopped container(s); removing those stopped more than %sh ago\n' "$stopped" "$HOURS"
pa_do 300 docker container prune -f --filter "until=${HOURS}h"
