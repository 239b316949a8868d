#!/usr/bin/env bash
# Paramedic action LoopDevicesCreate: create missing /dev/loopN block devices up to a count
# Parameters: PARAMEDIC_COUNT (8..256, default 64); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

COUNT=$(pa_param COUNT 64 '^[0-9]{1,3}$' 8 256)
missing=()
for ((i = 0; i < COUNT; i++)); do [ -e "/dev/loop$i" ] || missing+=("$i"); done
[ "${#missing[@]}" -gt 0 ] || pa_nothing "/dev/loop0../dev/loop$((COUNT - 1)) all exist"
for i in "${missing[@]}"; do
  pa_do 5 mknod -m 0660 "/dev/loop$i" b 7 "$i"
  pa_do 5 chown root:disk "/dev/loop$i"
done
printf 'created %s loop device node(s)\n' "${#missing[@]}"
