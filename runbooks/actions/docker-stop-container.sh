#!/usr/bin/env bash
# Paramedic action DockerStopContainer: stop one container (it is not removed)
# Parameters: PARAMEDIC_CONTAINER (name or id); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

CONTAINER=$(pa_container)
pa_require docker 'stop a container'
pa_docker_ok
state=$(pa_container_state "$CONTAINER")
case "$state" in running|restarting|paused) ;; *) pa_nothing "container $CONTAINER is $state" ;; esac
pa_do 60 docker stop --time 10 "$CONTAINER"
[ "$PA_DRY_RUN" = 1 ] || printf 'container %s is now %s\n' "$CONTAINER" "$(pa_container_state "$CONTAINER")"
