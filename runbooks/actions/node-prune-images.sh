#!/usr/bin/env bash
# Paramedic action NodePruneImages: remove unused images on an EKS node (crictl rmi --prune)
# Parameters: none; PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

pa_require crictl 'prune images'
images=$(timeout -k 2 30 crictl images -q 2>/dev/null | wc -l)
[ "$images" -gt 0 ] || pa_nothing 'crictl lists no images'
printf '%s image(s) on the node before pruning\n' "$images"
pa_do 600 crictl rmi --prune
[ "$PA_DRY_RUN" = 1 ] || printf '%s image(s) left\n' "$(timeout -k 2 10 crictl images -q | wc -l)"
