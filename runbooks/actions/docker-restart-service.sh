#!/usr/bin/env bash
# Paramedic action DockerRestartService: restart docker.service (containers restart per their restart policy)
# Parameters: none; PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

pa_require_systemd 'restart docker'
pa_do 30 systemctl reset-failed docker.service || true
pa_do 180 systemctl restart docker.service
pa_verify_active docker.service
