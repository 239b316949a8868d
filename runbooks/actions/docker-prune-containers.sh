#!/usr/bin/env bash
# Paramedic action DockerPruneContainers: remove containers stopped more than a threshold ago
# Parameters: PARAMEDIC_OLDER_THAN_HOURS (1..8760, default 24); PARAMEDIC_DRY_RUN=1 prints what would change and changes nothing.
set -euo pipefail
# shellcheck source=runbooks/actions/action-lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/action-lib.sh" # paramedic:include runbooks/actions/action-lib.sh

HOURS=$(pa_param OLDER_THAN_HOURS 24 '^[0-9]{1,4}$' 1 8760)
pa_require docker 'prune containers'
pa_docker_ok
ids=$(timeout -k 2 20 docker ps -aq --no-trunc --filter status=exited --filter status=dead --filter status=created) \
  || pa_fail 'docker ps did not answer; nothing removed'
[ -n "$ids" ] || pa_nothing 'no stopped containers'

# Not `docker container prune --filter until=`: that filter is the container's creation time, so a
# long-lived container that stopped in this very incident would go, with its writable layer and its
# json logs (the evidence). A container's age here is when it stopped (State.FinishedAt), or when it
# was created if it never ran (FinishedAt is Go's zero time then).
rc=0
# shellcheck disable=SC2086 # ids are docker's own hex ids, one per word
inspected=$(timeout -k 2 20 docker inspect -f '{{.Id}} {{.State.FinishedAt}} {{.Created}}' $ids 2>&1) || rc=$?
rows=$(printf '%s\n' "$inspected" | grep -E '^[0-9a-f]{64} [0-9]{4}-[0-9]{2}-[0-9]{2}T\S+ [0-9]{4}-[0-9]{2}-[0-9]{2}T\S+$' || true)
# A container removed between the listing and the inspect is no error ("No such object"); any other failure is.
unexpected=$(printf '%s\n' "$inspected" | grep -vE '^[0-9a-f]{64} |No such (object|container)|^$' | head -n 1 || true)
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  pa_fail 'docker inspect of the stopped containers timed out after 20s; nothing removed'
elif [ -n "$unexpected" ]; then
  pa_fail "docker inspect of the stopped containers failed (exit $rc): $unexpected; nothing removed"
fi
[ -n "$rows" ] || pa_nothing 'no stopped containers left'

# One `date` for every stamp (RFC 3339 with nanoseconds, as docker prints them).
stopped_at=$(printf '%s\n' "$rows" | awk '{ print ($2 ~ /^0001-/ ? $3 : $2) }' | date -u -f - +%s) \
  || pa_fail 'could not read the containers'"'"' stop times; nothing removed'
cutoff=$(( $(date +%s) - HOURS * 3600 ))
old=$(paste -d ' ' <(printf '%s\n' "$rows" | cut -d ' ' -f 1) <(printf '%s\n' "$stopped_at") \
  | awk -v cutoff="$cutoff" '$2 <= cutoff { print $1 }')
count=$(printf '%s\n' "$rows" | wc -l)
[ -n "$old" ] || pa_nothing "$count stopped container(s), none stopped more than ${HOURS}h ago"
printf '%s stopped container(s); removing the %s stopped more than %sh ago\n' "$count" "$(printf '%s\n' "$old" | wc -l)" "$HOURS"
# `docker rm` without -f refuses a container started again since the listing; one removed
# meanwhile is gone already. Neither is a failure of the prune.
rc=0
# shellcheck disable=SC2086 # ids are docker's own hex ids, one per word
out=$(pa_do 300 docker rm $old 2>&1) || rc=$?
printf '%s\n' "$out"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  pa_fail 'docker rm timed out; the ids printed above were removed, run the action again for the rest'
elif [ "$rc" -ne 0 ]; then
  other=$(printf '%s\n' "$out" | grep -iE '^Error' | grep -viE 'No such container|cannot remove .*(running|paused)|stop the container before' | head -n 1 || true)
  [ -z "$other" ] || pa_fail "docker rm failed (exit $rc): $other"
fi
