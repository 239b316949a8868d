#!/usr/bin/env bash
# Paramedic action DockerRestartContainer: restart one container
# Parameters: PARAMEDIC_CONTAINER (name or id); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

CONTAINER=$(pa_param CONTAINER '' '^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$')
pa_require docker 'restart a container'
pa_docker_ok
state=$(timeout -k 2 10 docker inspect -f '{{.State.Status}}' "$CONTAINER" 2>&1) || pa_fail "no such container $CONTAINER: $state"
printf 'container %s is %s\n' "$CONTAINER" "$state"
pa_do 60 docker restart --time 10 "$CONTAINER"
[ "$PA_DRY_RUN" = 1 ] || printf 'container %s is now %s\n' "$CONTAINER" "$(timeout -k 2 10 docker inspect -f '{{.State.Status}}' "$CONTAINER")"
