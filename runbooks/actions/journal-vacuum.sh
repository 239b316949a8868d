#!/usr/bin/env bash
# Paramedic action JournalVacuum: shrink the systemd journal to a size
# Parameters: PARAMEDIC_KEEP_MB (50..10240, default 500); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

KEEP=$(pa_param KEEP_MB 500 '^[0-9]{1,5}$' 50 10240)
pa_require journalctl 'vacuum the journal'
used_kb=$({ du -sk /var/log/journal /run/log/journal 2>/dev/null || true; } | awk '{ s += $1 } END { print s + 0 }')
[ "$used_kb" -gt $((KEEP * 1024)) ] || pa_nothing "the journal uses $((used_kb / 1024)) MiB, within ${KEEP} MiB"
printf 'the journal uses %s MiB; keeping %s MiB\n' "$((used_kb / 1024))" "$KEEP"
pa_do 300 journalctl --vacuum-size="${KEEP}M"
