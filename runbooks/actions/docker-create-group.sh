#!/usr/bin/env bash
# Paramedic action DockerCreateGroup: create the docker system group if absent, then restart docker.socket
# Parameters: none; PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

if getent group docker >/dev/null 2>&1; then pa_nothing "group docker exists: $(getent group docker)"; fi
# When groups also come from a directory (sssd, LDAP, winbind, NIS), "no docker group" may only mean
# the directory is unreachable: a local group would shadow the directory's one. Refuse; a human decides.
nss_group_sources=$(awk '$1 == "group:" { $1 = ""; print }' "${PARAMEDIC_NSSWITCH_FILE:-/etc/nsswitch.conf}" 2>/dev/null || true)
case " $nss_group_sources " in
  *" sss "* | *" ldap "* | *" winbind "* | *" nis "*)
    pa_fail "groups also come from a directory (nsswitch: group:${nss_group_sources}); not creating a local docker group that would shadow it. Restore the directory lookup, or create the group there" ;;
esac
pa_require groupadd 'create the docker group'
pa_do 30 groupadd --system docker
[ "$PA_DRY_RUN" = 1 ] || printf 'created: %s\n' "$(getent group docker)"
if pa_have systemctl && [ -d /run/systemd/system ]; then
  pa_do 30 systemctl reset-failed docker.socket docker.service || true
  pa_do 60 systemctl restart docker.socket
  pa_verify_active docker.socket
fi
