#!/usr/bin/env bash
# Paramedic action DockerDisableSelinuxOption: set "selinux-enabled": false in /etc/docker/daemon.json, backed up first
# Parameters: none (local runs: PARAMEDIC_DOCKER_CONFIG_FILE); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

CONFIG=$(pa_param DOCKER_CONFIG_FILE /etc/docker/daemon.json '^/[a-zA-Z0-9/_.-]{1,255}$')
if [ -f "$CONFIG" ] && grep -Eq '"selinux-enabled"[[:space:]]*:[[:space:]]*false' "$CONFIG"; then
  pa_nothing "$CONFIG already sets \"selinux-enabled\": false"
fi
if [ "$PA_DRY_RUN" = 1 ]; then
  printf 'dry run: would back up %s and set "selinux-enabled": false in it\n' "$CONFIG"
  exit 0
fi
if [ -f "$CONFIG" ]; then
  backup="$CONFIG.paramedic-$(date -u +%Y%m%dT%H%M%SZ).bak"
  cp -p -- "$CONFIG" "$backup"
  printf 'backed up %s to %s\n' "$CONFIG" "$backup"
fi
if [ -f "$CONFIG" ] && grep -Eq '"selinux-enabled"[[:space:]]*:' "$CONFIG"; then
  sed -i -E 's/("selinux-enabled"[[:space:]]*:[[:space:]]*)true/\1false/' "$CONFIG"
elif [ ! -s "$CONFIG" ] || tr -d ' \t\r\n' <"$CONFIG" | grep -qx '{}'; then
  printf '{\n  "selinux-enabled": false\n}\n' >"$CONFIG"
else
  # Insert the key right after the opening brace; the rest of the object follows with its comma.
  sed -i '0,/{/s//{\n  "selinux-enabled": false,/' "$CONFIG"
fi
grep -Eq '"selinux-enabled"[[:space:]]*:[[:space:]]*false' "$CONFIG" || pa_fail "could not set selinux-enabled in $CONFIG; restore it from the backup"
printf 'changed: %s now sets "selinux-enabled": false; restart docker to apply\n' "$CONFIG"
