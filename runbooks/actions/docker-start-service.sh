#!/usr/bin/env bash
# Paramedic action DockerStartService: start docker.socket and docker.service if they are not active
# Parameters: none; PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

pa_require_systemd 'start docker'
if pa_active docker.socket && pa_active docker.service; then pa_nothing 'docker.socket and docker.service are active'; fi
pa_do 30 systemctl reset-failed docker.service docker.socket || true
pa_active docker.socket || pa_do 60 systemctl start docker.socket
pa_active docker.service || pa_do 120 systemctl start docker.service
pa_verify_active docker.socket docker.service
