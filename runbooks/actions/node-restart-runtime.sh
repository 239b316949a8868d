#!/usr/bin/env bash
# Paramedic action NodeRestartRuntime: restart containerd, then kubelet, on an EKS node
# Parameters: none; PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

pa_require_systemd 'restart the node runtime'
pa_do 180 systemctl restart containerd.service
pa_verify_active containerd.service
pa_do 180 systemctl restart kubelet.service
pa_verify_active kubelet.service
