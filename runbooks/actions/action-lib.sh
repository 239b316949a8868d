#!/usr/bin/env bash
# Paramedic host action library: typed parameters, dry runs, state checks. Sourced by the action
# scripts and inlined into their SSM documents in place of the `# paramedic:include` line, without
# its comments (lambdas/adapters/local/document-scripts.ts).
# shellcheck shell=bash

pa_fail() { printf 'paramedic action: %s\n' "$*" >&2; exit 1; }

# pa_param NAME DEFAULT REGEX [MIN MAX]: reads PARAMEDIC_NAME, validates it, prints it.
# With MIN and MAX it is an integer: decimal digits only, read in base 10 (bash arithmetic would
# read 010 as octal 8 and fail on 09), and printed without leading zeros so later arithmetic agrees.
pa_param() {
  local var="PARAMEDIC_$1" value
  value=${!var:-$2}
  case "$value" in *$'\n'*) pa_fail "invalid parameter $var: multi-line value" ;; esac
  if ! printf '%s' "$value" | grep -Eq "$3"; then
    printf 'paramedic action: invalid parameter %s=%s: must match %s\n' "$var" "$value" "$3" >&2
    exit 2
  fi
  if [ $# -ge 5 ]; then
    if ! [[ "$value" =~ ^[0-9]{1,9}$ ]]; then
      printf 'paramedic action: invalid parameter %s=%s: must be a decimal integer within %s..%s\n' "$var" "$value" "$4" "$5" >&2
      exit 2
    fi
    value=$((10#$value))
    if [ "$value" -lt "$4" ] || [ "$value" -gt "$5" ]; then
      printf 'paramedic action: invalid parameter %s=%s: must be within %s..%s\n' "$var" "${!var:-$2}" "$4" "$5" >&2
      exit 2
    fi
  fi
  printf '%s' "$value"
}

PA_DRY_RUN=$(pa_param DRY_RUN 0 '^[01]$')

pa_have() { command -v "$1" >/dev/null 2>&1; }

# The longest the script may spend before its last change, seconds: the action's maxSeconds in the
# action catalogue, which its document exports (not a parameter: no caller sets it). SSM kills the
# script at the document's timeoutSeconds, a margin later, kept for the checks after a change.
PA_TIME_LIMIT=$(pa_param TIME_LIMIT_SECONDS 240 '^[0-9]{1,5}$' 1 86400)

# pa_do SECONDS CMD [ARGS...]: runs a change (or, in a dry run, says what it would run), under
# timeout: SECONDS, or less when less is left of the time limit (SECONDS: bash's clock since the
# script began), so a change ends before SSM would kill it midway; none starts past the limit.
pa_do() {
  local secs=$1 left rc=0
  shift
  if [ "$PA_DRY_RUN" = 1 ]; then
    printf 'dry run: would run: %s\n' "$*"
    return 0
  fi
  # 5: the grace timeout gives a command between its TERM and its KILL.
  left=$((PA_TIME_LIMIT - SECONDS - 5))
  [ "$left" -ge 1 ] || pa_fail "out of time: not running $* (the document allows ${PA_TIME_LIMIT}s for its changes; what ran is above; run the action again)"
  [ "$secs" -le "$left" ] || secs=$left
  printf 'running: %s\n' "$*"
  timeout -k 5 "$secs" "$@" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then printf 'paramedic action: %s timed out after %ss\n' "$1" "$secs" >&2; fi
  return "$rc"
}

pa_nothing() { printf 'nothing to do: %s\n' "$*"; exit 0; }

pa_require() { pa_have "$1" || pa_fail "$1 is not installed on this host; cannot $2"; }

pa_require_systemd() {
  if ! pa_have systemctl || [ ! -d /run/systemd/system ]; then pa_fail "systemd is not running on this host; cannot $1"; fi
}

pa_active() { timeout -k 2 10 systemctl is-active --quiet "$1"; }

# pa_verify_active UNIT...: after a change, every unit must be active (skipped in dry runs).
pa_verify_active() {
  local u
  [ "$PA_DRY_RUN" = 1 ] && return 0
  for u in "$@"; do
    if pa_active "$u"; then printf 'verified: %s is active\n' "$u"; else
      timeout -k 2 10 systemctl status "$u" --no-pager -l -n 20 2>&1 | tail -n 25
      pa_fail "$u is not active after the change"
    fi
  done
}

pa_docker_ok() { timeout -k 2 10 docker version >/dev/null 2>&1 || pa_fail 'the Docker daemon is not reachable; start it first (Paramedic-DockerStartService)'; }

# pa_container: reads and validates PARAMEDIC_CONTAINER (the catalogue's containerName pattern).
pa_container() { pa_param CONTAINER '' '^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$'; }

# pa_container_state NAME: prints the container's status (running, exited, ...); fails if it does not exist.
pa_container_state() {
  local state
  state=$(timeout -k 2 10 docker inspect -f '{{.State.Status}}' "$1" 2>&1) || pa_fail "no such container $1: $state"
  printf '%s\n' "$state"
}
