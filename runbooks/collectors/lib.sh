#!/usr/bin/env bash
# Paramedic collector library: sections, bounds, JSON escaping. Sourced by the collectors, and
# inlined into the SSM document in place of their `# paramedic:include` line, so the document
# is one self-contained script. The document carries it without comments (SSM's 64 KB document
# quota; lambdas/adapters/local/document-scripts.ts): comment here freely. Read-only: the only files it writes are under its own mktemp dir.
# shellcheck shell=bash

# --- limits -------------------------------------------------------------------------------
# Time is bounded per command and per section, never by skipping: a section's commands get what
# is left of its own budget, and once the whole run is past its budget, 1 s each.
PM_BUDGET_SECONDS=${PM_BUDGET_SECONDS:-40}     # whole run
PM_SECTION_BUDGET_SECONDS=${PM_SECTION_BUDGET_SECONDS:-10}
PM_SECTION_MAX_BYTES=${PM_SECTION_MAX_BYTES:-65536}
PM_TOTAL_MAX_BYTES=${PM_TOTAL_MAX_BYTES:-1048576}
PM_CMD_TIMEOUT=${PM_CMD_TIMEOUT:-5}            # default per command, seconds
PM_LOG_READ_BYTES=4194304                      # how much of the end of a log file is read at most
# Where a running systemd keeps its units (sd_booted(3)); pm_have_systemd is its one reader. Tests
# point it at a directory of their own to read a fake systemctl's units on a machine without
# systemd, or at an absent one to say no systemd runs; nothing else sets it.
PM_SYSTEMD_RUN_DIR=${PM_SYSTEMD_RUN_DIR:-/run/systemd/system}

PM_START_MS=0          # PM_PROFILE=1 (local runs) prints each section's start and duration on stderr
PM_SECTION_DEADLINE=$PM_BUDGET_SECONDS         # in $SECONDS (the shell's own clock): no process to read it
PM_TMP=''
PM_SECTION_ERROR=''
PM_SECTION_RC=0
PM_HEAD=''
# The incident window (pm_window): epoch seconds, and the same start as text for tools.
PM_FROM_EPOCH=0
PM_NOW_EPOCH=0
PM_INCIDENT_ISO=''
PM_FROM_ISO=''        # window start, UTC: 2026-12-02T15:00:00Z
PM_FROM_LOCAL=''      # window start, local time, as journalctl --since reads it
PM_UTC_OFFSET=''      # the host's local time from UTC at the window start, strftime's %z: -0500

pm_cleanup() {
  # Refuse to delete anything but our own mktemp directory.
  case "$PM_TMP" in
    /tmp/paramedic-collect.*|"${TMPDIR:-/tmp}"/paramedic-collect.*) rm -rf -- "$PM_TMP" ;;
    *) : ;;
  esac
}

pm_init() {
  pm_now_ms; PM_START_MS=$REPLY
  PM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/paramedic-collect.XXXXXX")
  trap pm_cleanup EXIT
  trap 'exit 130' INT TERM
}

pm_die_param() {
  printf 'paramedic collector: invalid parameter %s=%s: must match %s\n' "$1" "$2" "$3" >&2
  exit 2
}

# pm_param NAME DEFAULT REGEX: reads PARAMEDIC_NAME, validates it (empty means DEFAULT), prints it.
pm_param() {
  local var="PARAMEDIC_$1" value
  value=${!var:-$2}
  if [ -n "$value" ] && ! [[ "$value" =~ $3 ]]; then
    pm_die_param "$var" "$value" "$3"
  fi
  # A newline would slip past a per-line match.
  case "$value" in *$'\n'*) pm_die_param "$var" '(multi-line)' "$3" ;; esac
  printf '%s' "$value"
}

# Incident and fix times: RFC 3339 in UTC, as CloudWatch stamps an alarm's state change.
PM_TIME_PATTERN='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$'
# A log file a parameter names: LOG_FILE_PATTERN of lambdas/core/collection/evidence-collectors.ts,
# which the SSM document's allowedPattern already checks; again here, so that the script run any
# other way reads nothing outside /var/log either (it runs as root and files what it reads).
PM_LOG_PATH_PATTERN='^/var/log(/[a-zA-Z0-9_-][a-zA-Z0-9_.-]{0,60}){1,4}$'
# Where /var/log is. Tests point PM_VAR_LOG_DIR at a directory of their own; nothing else sets it.
PM_VAR_LOG_DIR=${PM_VAR_LOG_DIR:-/var/log}

# pm_log_param NAME DEFAULT: pm_param for a log file (PM_LOG_PATH_PATTERN); prints the file to read.
pm_log_param() {
  local value
  value=$(pm_param "$1" "$2" "$PM_LOG_PATH_PATTERN") || exit 2
  [ -z "$value" ] || value="$PM_VAR_LOG_DIR/${value#/var/log/}"
  printf '%s' "$value"
}

# pm_log_inside VAR FILE: sets VAR to the file to read for FILE, a log file a parameter named: its
# real path, links resolved. PM_LOG_PATH_PATTERN checks the name only and tail follows links, so a
# collector running as root would file `/var/log/app.log -> /etc/shadow` as a log: a FILE whose
# real path is not under the real /var/log is not read (returns 1, says so, notes the section's
# error, and keeps that error in PM_LOG_REFUSED for a caller that resets the section's errors).
# An absent FILE, or a link to nothing, is left as it is for the caller to report.
# This checks a name, which can be re-pointed before the read: read VAR with pm_log_read, which
# checks the file it opens. This check stays so that a link standing still (to /dev/watchdog, say,
# whose open alone arms the watchdog) is never opened.
PM_LOG_REFUSED=''
pm_log_inside() {
  local pm_given=$2 pm_real='' pm_root
  printf -v "$1" '%s' "$pm_given"
  [ -e "$pm_given" ] || return 0
  if pm_root=$(realpath -e -- "$PM_VAR_LOG_DIR" 2>/dev/null) && pm_real=$(realpath -e -- "$pm_given" 2>/dev/null); then
    case "$pm_real" in "$pm_root"/*) printf -v "$1" '%s' "$pm_real"; return 0 ;; esac
    printf '# log file %s: a link out of /var/log (to %s); not read (give a file under /var/log)\n' "$pm_given" "$pm_real"
  else
    printf '# log file %s: its real path could not be resolved (realpath -e); not read\n' "$pm_given"
  fi
  PM_LOG_REFUSED="log $pm_given is a link out of /var/log; not read"
  pm_note_error "$PM_LOG_REFUSED"
  return 1
}

# The child of pm_log_read, run as `bash -c` (arguments FILE ROOT BYTES): opens FILE as its stdin,
# hands that descriptor to tail for its last BYTES when the file opened is a regular file under
# ROOT; else says why on stderr and exits 3 (out of ROOT) or 4 (not openable, not a regular file).
# readlink runs in a child of this one but inherits stdin: its /proc/self/fd/0 is the file opened.
# shellcheck disable=SC2016 # expanded by the child, from its own arguments
PM_LOG_READ_CHECKED='{ exec <"$1"; } 2>/dev/null || { printf "# log file %s: could not be opened; not read\n" "$1" >&2; exit 4; }
opened=$(readlink /proc/self/fd/0)
if [ "${opened#"$2"/}" = "$opened" ]; then printf "# log file %s: a link out of /var/log when opened (to %s); not read (give a file under /var/log)\n" "$1" "$opened" >&2; exit 3; fi
[ -f /dev/stdin ] || { printf "# log file %s: not a regular file; not read\n" "$1" >&2; exit 4; }
[ "$(stat -L -c %s /dev/stdin)" -gt "$3" ] || exec tail -c "$3"
tail -c "$3" | tail -n +2'

# pm_log_read FILE FILTER [ARGS...]: FILTER [ARGS...] run on the last PM_LOG_READ_BYTES of FILE, a
# log file under /var/log (pm_log_inside let it through, or one of the usual ones); returns what
# that pipeline returns, or 3 when FILE was refused. A check on FILE's name proves nothing about
# the read: whoever may write in its folder (an app user, a container the folder is mounted in)
# can put a link to /etc/shadow in its place in between, and the collector runs as root. So the
# file is opened once, the check is made on the opened descriptor, and that descriptor is what is
# read (PM_LOG_READ_CHECKED). All three run in a child under timeout: the open of a FIFO put in
# the file's place would wait for a writer forever. A file out of /var/log when opened is refused
# as pm_log_inside refuses one: said, noted as the section's error, kept in PM_LOG_REFUSED.
# A file longer than PM_LOG_READ_BYTES is cut mid-line: that first fragment has lost its stamp,
# and an undated line counts as current, so a days-old error's tail would read as today's; it is
# dropped (with a whole line when the cut falls on a line's start).
pm_log_read() {
  local file=$1 root rc first
  shift
  if ! root=$(realpath -e -- "$PM_VAR_LOG_DIR" 2>/dev/null); then
    printf '# log file %s: the real path of /var/log could not be resolved (realpath -e); not read\n' "$file"
    PM_LOG_REFUSED="log $file: /var/log unresolved; not read"
    pm_note_error "$PM_LOG_REFUSED"
    return 3
  fi
  timeout -k 1 4 "$BASH" -c "$PM_LOG_READ_CHECKED" pm_log_read "$file" "$root" "$PM_LOG_READ_BYTES" | "$@"
  rc=$? first=${PIPESTATUS[0]}
  [ "$first" -eq 3 ] || return "$rc"
  PM_LOG_REFUSED="log $file is a link out of /var/log; not read"
  pm_note_error "$PM_LOG_REFUSED"
  return 3
}

# pm_window INCIDENT_TIME LOOKBACK_MINUTES: the window every timestamped section is read from:
# LOOKBACK minutes before the incident (or before now, when no incident time was given).
pm_window() {
  local incident=$1 lookback=$2 at
  printf -v PM_NOW_EPOCH '%(%s)T' -1
  if [ -n "$incident" ]; then
    # The value matched PM_TIME_PATTERN; date parses it, no shell sees it.
    at=$(date -u -d "$incident" +%s 2>/dev/null) || pm_die_param INCIDENT_TIME "$incident" "$PM_TIME_PATTERN"
    PM_INCIDENT_ISO=$incident
  else
    at=$PM_NOW_EPOCH
    pm_utc_iso PM_INCIDENT_ISO "$at"
  fi
  PM_FROM_EPOCH=$((at - lookback * 60))
  pm_utc_iso PM_FROM_ISO "$PM_FROM_EPOCH"
  printf -v PM_FROM_LOCAL '%(%Y-%m-%d %H:%M:%S)T' "$PM_FROM_EPOCH"
  # Logs stamp the host's wall clock without a zone (syslog, klog): the filter and the classifier
  # place those lines with it. At the window start, like PM_FROM_LOCAL, so the two agree.
  printf -v PM_UTC_OFFSET '%(%z)T' "$PM_FROM_EPOCH"
}

# pm_utc_iso VAR EPOCH: sets VAR to EPOCH as RFC 3339 UTC, with bash's own strftime (no date process).
pm_utc_iso() { TZ=UTC0 printf -v "$1" '%(%Y-%m-%dT%H:%M:%SZ)T' "$2"; }

pm_have() { command -v "$1" >/dev/null 2>&1; }

# pm_systemd_booted: systemd runs this host (sd_booted(3)). pm_have_systemd: and systemctl is there.
pm_systemd_booted() { [ -d "$PM_SYSTEMD_RUN_DIR" ]; }
pm_have_systemd() { pm_have systemctl && pm_systemd_booted; }


# pm_now_ms: milliseconds since the epoch in REPLY; bash 5's clock needs no process, bash 4 forks date.
pm_now_ms() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t=${EPOCHREALTIME/[.,]/}
    REPLY=$((10#$t / 1000))
  else
    REPLY=$(($(date +%s%N) / 1000000))
  fi
}

pm_note_error() {
  case "; $PM_SECTION_ERROR;" in *"; $1;"*) return 0 ;; esac
  if [ -z "$PM_SECTION_ERROR" ]; then PM_SECTION_ERROR=$1; else PM_SECTION_ERROR="$PM_SECTION_ERROR; $1"; fi
}

# pm_run SECONDS CMD [ARGS...]: runs a command under timeout; a missing tool or a timeout is
# printed and noted as the section's error, never fatal. Returns the command's exit code.
pm_run() {
  local secs=$1 rc=0 left=$((PM_SECTION_DEADLINE - SECONDS))
  shift
  # What is left of the section's budget, at least 1 s: a slow host shortens waits, skips nothing.
  [ "$left" -ge "$secs" ] || secs=$((left > 1 ? left : 1))
  if ! pm_have "$1"; then
    printf '%s: command not found on this host\n' "$1"
    pm_note_error "$1 not installed"
    [ "$PM_SECTION_RC" -ne 0 ] || PM_SECTION_RC=127
    return 127
  fi
  timeout -k 2 "$secs" "$@" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    printf '(%s timed out after %ss)\n' "$1" "$secs"
    pm_note_error "$1 timed out after ${secs}s"
  fi
  if [ "$rc" -ne 0 ] && [ "$PM_SECTION_RC" -eq 0 ]; then PM_SECTION_RC=$rc; fi
  return "$rc"
}

# pm_cmd SECONDS CMD [ARGS...]: like pm_run, with a "$ cmd" line first (multi-command sections).
pm_cmd() {
  local secs=$1
  shift
  printf '$ %s\n' "$*"
  pm_run "$secs" "$@" 2>&1 || true
}

# pm_cat FILE...: prints files that exist, with a heading each; notes the absent ones.
pm_cat() {
  local f
  for f in "$@"; do
    if [ -r "$f" ]; then
      printf '# %s\n' "$f"
      timeout -k 1 2 tail -c "$PM_SECTION_MAX_BYTES" -- "$f" 2>&1 || true
      printf '\n'
    elif [ -e "$f" ]; then
      printf '# %s: not readable\n' "$f"
    else
      printf '# %s: absent\n' "$f"
    fi
  done
}

# pm_json_into VAR TEXT: sets VAR to one JSON string literal of a short text of ours (names,
# commands, errors), escaped with shell expansions only: no process, no subshell.
pm_json_into() {
  local s=$2
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\r'/}; s=${s//$'\n'/\\n}
  printf -v "$1" '"%s"' "$s"
}

# pm_section NAME "COMMAND DESCRIPTION" FUNCTION [ARGS...]: runs FUNCTION with its output
# captured and files it as a section for pm_end, with its exit code, error and duration. Its
# commands share a budget of PM_SECTION_BUDGET_SECONDS (pm_run). Safe to call from a pm_lane.
# The size bound and the control-character filter are applied by pm_end, to all sections at once.
pm_section() {
  local name=$1 command=$2 raw="$PM_TMP/raw.$1" rc started
  shift 2
  pm_now_ms; started=$REPLY
  PM_SECTION_ERROR=''
  PM_SECTION_RC=0
  PM_SECTION_DEADLINE=$((SECONDS + PM_SECTION_BUDGET_SECONDS))
  [ "$PM_SECTION_DEADLINE" -le "$PM_BUDGET_SECONDS" ] || PM_SECTION_DEADLINE=$PM_BUDGET_SECONDS
  if "$@" >"$raw" 2>&1; then :; else
    rc=$?
    [ "$PM_SECTION_RC" -ne 0 ] || PM_SECTION_RC=$rc
  fi
  pm_now_ms
  printf '%s\n%s\n%s\n%s\n' "$PM_SECTION_RC" "$((REPLY - started))" "$command" "$PM_SECTION_ERROR" >"$PM_TMP/meta.$name"
  [ -z "${PM_PROFILE:-}" ] || printf 'profile %s start=%s ms=%s\n' "$name" "$((started - PM_START_MS))" "$((REPLY - started))" >&2
  # Appends of one short line are atomic, so lanes running side by side keep whole names.
  printf '%s\n' "$name" >>"$PM_TMP/order"
}

# pm_lane FUNCTION [ARGS...]: runs a function of sections beside the main run (sections that
# wait on a daemon, a sample or many small probes); pm_end waits for every lane.
pm_lane() { ( "$@" ) & }

# pm_begin PLATFORM [CONTAINER [CONTAINER_ID]]: notes the bundle head (printed by pm_end).
pm_begin() {
  local platform=$1 instance='' node='' container=${2:-} container_id=${3:-} p c i n
  if [ -r /var/lib/cloud/data/instance-id ]; then instance=$(head -c 64 /var/lib/cloud/data/instance-id | tr -cd 'a-zA-Z0-9-'); fi
  if [ "$platform" = eks ]; then node=$(hostname 2>/dev/null | tr -cd 'a-zA-Z0-9.-' || true); fi
  pm_json_into p "$platform"
  i=null; n=null; c=null
  [ -z "$instance" ] || pm_json_into i "$instance"
  [ -z "$node" ] || pm_json_into n "$node"
  [ -z "$container" ] || pm_json_into c "$container"
  PM_HEAD="\"target\": {\"platform\": $p, \"instanceId\": $i, \"node\": $n, \"container\": $c"
  if [ -n "$container_id" ]; then pm_json_into c "$container_id"; PM_HEAD="$PM_HEAD, \"containerId\": $c"; fi
  PM_HEAD="$PM_HEAD}"
}

# pm_end LOOKBACK REMEDIATED_AT: waits for the lanes, then prints the whole bundle in one pass:
# the head, then every filed section, all outputs through one tr (control characters dropped)
# and one awk (escaped as JSON strings). Sections are told apart in that stream by a marker made
# of a random UUID drawn now, after every output was written, so no output can forge one.
pm_end() {
  local lookback=$1 remediated=${2:-} name size rc truncated ms command err jn jc je at rem collected f marker files=()
  local -A sizes=()
  wait
  if [ -n "${PM_PROFILE:-}" ]; then pm_now_ms; printf 'profile pm_end start=%s\n' "$((REPLY - PM_START_MS))" >&2; fi
  pm_json_into at "$PM_INCIDENT_ISO"
  rem=null
  [ -z "$remediated" ] || pm_json_into rem "$remediated"
  pm_utc_iso collected -1
  printf '{\n  "schema": "paramedic.evidence/v1",\n  %s,\n  "collectedAt": "%s",\n' "$PM_HEAD" "$collected"
  printf '  "incident": {"at": %s, "lookbackMinutes": %s, "remediatedAt": %s},\n  "sections": {' "$at" "$lookback" "$rem"
  [ -s "$PM_TMP/order" ] || { printf '\n  }\n}\n'; return 0; }
  # Every section's size from one wc (names are ours: [a-z0-9._-], no blanks).
  while read -r size f; do sizes[${f##*/raw.}]=$size; done < <(LC_ALL=C wc -c -- "$PM_TMP"/raw.* 2>/dev/null)
  read -r marker </proc/sys/kernel/random/uuid 2>/dev/null || marker="$RANDOM$RANDOM$RANDOM$RANDOM$$"
  marker="@paramedic-section-$marker"
  while read -r name; do
    { read -r rc; read -r ms; IFS= read -r command; IFS= read -r err || true; } <"$PM_TMP/meta.$name"
    truncated=false
    if [ "${sizes[$name]:-0}" -gt "$PM_SECTION_MAX_BYTES" ]; then
      # Keep the tail; drop the first (likely partial) line.
      tail -c "$PM_SECTION_MAX_BYTES" "$PM_TMP/raw.$name" | tail -n +2 >"$PM_TMP/cut" && mv -f "$PM_TMP/cut" "$PM_TMP/raw.$name"
      truncated=true
    fi
    pm_json_into jn "$name"; pm_json_into jc "$command"; je=null
    [ -z "$err" ] || pm_json_into je "$err"
    printf '%s %s: {"command": %s, "exitCode": %s, "truncated": %s, "durationMs": %s, "error": %s, "output": \n' "$marker" "$jn" "$jc" "$rc" "$truncated" "$ms" "$je" >"$PM_TMP/head.$name"
    files+=("$PM_TMP/head.$name" "$PM_TMP/raw.$name")
  done <"$PM_TMP/order"
  # The whole bundle is bounded as printed (escapes included): each section keeps the tail that
  # fits what is left, less 2 KiB kept for each section after it.
  cat -- "${files[@]}" | LC_ALL=C tr -d '\000-\010\013\014\016-\037\177' \
    | LC_ALL=C awk -v marker="$marker " -v budget="$((PM_TOTAL_MAX_BYTES - 1024))" -v left="$((${#files[@]} / 2))" '
    # Escapes by split and join: gsub replacement strings treat backslashes differently in mawk,
    # gawk and busybox awk.
    function swap(s, from, to,   parts, n, i, out) {
      n = split(s, parts, from); out = parts[1]
      for (i = 2; i <= n; i++) out = out to parts[i]
      return out
    }
    function esc(s) { return swap(swap(swap(swap(s, "\\", "\\\\"), "\"", "\\\""), "\t", "\\t"), "\r", "\\r") }
    # Prints the section read so far: its head, then the longest tail of its lines that fits.
    function flush(   allow, size, i, l, from) {
      left--
      allow = budget - left * 2048 - length(head) - 10
      size = 0
      for (i = n; i >= 1; i--) {
        l = length(line[i]) + (i < n ? 2 : 0)
        if (size + l > allow) break
        size += l
      }
      from = i + 1
      if (from > 1) sub(/"truncated": false/, "\"truncated\": true", head)
      printf "%s\n    %s\"", (printed++ ? "\"}," : ""), head
      for (i = from; i <= n; i++) printf "%s%s", (i > from ? "\\n" : ""), line[i]
      budget -= size + length(head) + 10
      n = 0
    }
    # A head is the marker and one line ending in `"output": `; the output (maybe empty) follows.
    # An output without a final newline leaves the next marker at the end of its last line.
    (at = index($0, marker)) {
      if (at > 1) line[++n] = esc(substr($0, 1, at - 1))
      if (sections++) flush()
      head = substr($0, at + length(marker)); sub(/ $/, "", head)
      next
    }
    sections { line[++n] = esc($0) }
    END { if (sections) { flush(); printf "\"}" } }
  '
  printf '\n  }\n}\n'
  if [ -n "${PM_PROFILE:-}" ]; then pm_now_ms; printf 'profile end at=%s\n' "$((REPLY - PM_START_MS))" >&2; fi
}

# --- the incident window: logs read from where it starts ----------------------------------------

# pm_window_filter: keeps log lines logged at or after the window start (ISO stamps, dockerd
# time="…", a JSON line's "ts"/"time" (zap, logrus: the VPC CNI's ipamd), syslog
# "Mon DD HH:MM:SS"); a line without a stamp goes with the line before. Each stamp is compared
# in its own zone: one without a zone (syslog, ISO without an offset) is the host's wall clock
# and meets the window start in local time, a UTC one (Z, +00:00) in UTC, one at the host's own
# offset (dockerd's logrus writes local time with it) in local time. A stamp at any other offset
# cannot be compared as text: the line is kept, as what cannot be placed is never dropped.
# A syslog stamp has no year: one from a month after this one is last year's (December's lines
# read in January). (awk's zone(AT) reads the zone after the 19-character stamp at AT, past its
# fraction: "", "Z", or "+hhmm" with the colon of "+hh:mm" taken out. No comments inside the awk
# program: the SSM document keeps them, and its size is bounded.)
pm_window_filter() {
  local year month now=-1
  [ "$PM_NOW_EPOCH" -gt 0 ] && now=$PM_NOW_EPOCH
  printf -v year '%(%Y)T' "$now"
  printf -v month '%(%m)T' "$now"
  LC_ALL=C awk -v from_utc="${PM_FROM_ISO%Z}" -v from_local="${PM_FROM_LOCAL/ /T}" -v here="$PM_UTC_OFFSET" -v year="$year" -v month="$month" '
    BEGIN { n = split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " "); for (i = 1; i <= n; i++) mon[m[i]] = sprintf("%02d", i); keep = 1 }
    function zone(at,   rest, z) {
      rest = substr($0, at + 19, 40)
      if (match(rest, /^[.,][0-9]+/)) rest = substr(rest, RLENGTH + 1)
      if (substr(rest, 1, 1) == "Z") return "Z"
      if (!match(rest, /^[+-][0-9][0-9]:?[0-9][0-9]/)) return ""
      z = substr(rest, 1, RLENGTH); sub(/:/, "", z)
      return z
    }
    {
      t = ""; at = 0; z = ""
      if (match($0, /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]/)) at = 1
      else if (match($0, /time="[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/)) at = RSTART + 6
      else if (substr($0, 1, 1) == "{" && match($0, /"(ts|time)": ?"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/) && RSTART <= 90) at = RSTART + RLENGTH - 19
      else if (match($0, /^[A-Z][a-z][a-z]  ?[0-9]?[0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]/) && (substr($0, 1, 3) in mon)) {
        split(substr($0, 4, RLENGTH - 3), p, " ")
        y = year; if (mon[substr($0, 1, 3)] > month) y = year - 1
        t = y "-" mon[substr($0, 1, 3)] "-" sprintf("%02d", p[1]) "T" p[2]
      }
      if (at) { t = substr($0, at, 19); sub(/ /, "T", t); z = zone(at) }
      if (t == "") { if (keep) print; next }
      if (z == "" || z == here) keep = (t >= from_local)
      else if (z == "Z" || z == "+0000" || z == "-0000") keep = (t >= from_utc)
      else keep = 1
      if (keep) print
    }'
}

# pm_local_time_heading: says how far the host's wall clock is from UTC, in a section whose lines
# carry zoneless local stamps (a log file; systemctl status's journal lines, `short` like syslog):
# the classifier places them with it.
pm_local_time_heading() { printf '# local-time-offset: %s\n' "$PM_UTC_OFFSET"; }

# pm_log_file FILE [PROGRAM_REGEX]: the window of a log file (its last 4 MiB at most), only the
# lines of PROGRAM when the file is shared (syslog, messages), the last 2000 lines of that. Read
# with pm_log_read: returns 3 when FILE was refused.
pm_log_file() {
  local file=$1 programs=${2:-}
  printf '# log file %s%s (lines since %s)\n' "$file" "${programs:+, lines of ${programs}}" "$PM_FROM_ISO"
  pm_local_time_heading
  pm_log_read "$file" pm_log_window_lines "$programs"
}

# pm_log_window_lines [PROGRAM_REGEX]: pm_log_file's filter: the lines of PROGRAM (all when
# empty) logged in the window, the last 2000 of them.
pm_log_window_lines() {
  if [ -n "${1:-}" ]; then
    { LC_ALL=C grep -E "$1" || true; } | pm_window_filter | tail -n 2000
  else
    pm_window_filter | tail -n 2000
  fi
}

# The journal is read where systemd runs and journald has its runtime directory.
pm_have_journal() { pm_have journalctl && pm_systemd_booted && [ -d /run/systemd/journal ]; }

# pm_probe_daemon_log GIVEN_PATH "DEDICATED FILES" PROGRAM_REGEX UNIT...: a daemon's log of the
# window, wherever the host keeps it: the path given as a parameter, the systemd journal, the
# daemon's own log file, else the lines of the daemon in the shared syslog files. The usual files
# are under /var/log too (PM_VAR_LOG_DIR) and read as a given one is (pm_log_read): anyone who may
# write in /var/log (group syslog on Ubuntu) could put a link in their place.
pm_probe_daemon_log() {
  local named=$1 given=$1 dedicated=$2 programs=$3 found=0 f u args=() refused=''
  shift 3
  if [ -n "$given" ]; then
    if ! pm_log_inside given "$given"; then refused=$PM_LOG_REFUSED
    elif ! [ -r "$given" ]; then printf '# log file %s (given): absent or not readable\n' "$given"; pm_note_error "given log $given unreadable"
    # A read cut short (timeout) still counts as read; a file refused when opened does not.
    elif pm_log_file "$given" || [ $? -ne 3 ]; then found=1
    else refused=$PM_LOG_REFUSED; fi
  fi
  if pm_have_journal; then
    for u in "$@"; do args+=(-u "$u"); done
    printf '# journalctl %s (since the window start)\n' "${args[*]}"
    pm_run 8 journalctl "${args[@]}" --since "$PM_FROM_LOCAL" --no-pager -o short-iso -n 2000 && found=1
  fi
  if [ "$found" -eq 0 ]; then
    for f in $dedicated; do
      f="$PM_VAR_LOG_DIR/${f#/var/log/}"
      # The given file, when it is one of these, was read or refused already.
      if [ "$f" = "$named" ] || [ ! -r "$f" ]; then continue; fi
      if pm_log_file "$f" || [ $? -ne 3 ]; then found=1; else refused="${refused:+$refused; }$PM_LOG_REFUSED"; fi
    done
  fi
  if [ "$found" -eq 0 ]; then
    for f in daemon.log messages syslog; do
      f="$PM_VAR_LOG_DIR/$f"
      if [ "$f" = "$named" ] || [ ! -r "$f" ]; then continue; fi
      if pm_log_file "$f" "$programs" || [ $? -ne 3 ]; then found=1; else refused="${refused:+$refused; }$PM_LOG_REFUSED"; fi
    done
  fi
  if [ "$found" -eq 0 ]; then
    printf 'no log of %s found: no systemd journal, none of %s, no syslog file; pass the path as a parameter\n' "$*" "$dedicated"
    pm_note_error 'no daemon log found'
    return 1
  fi
  # Another source's failures do not matter once one was read; a refused link always does.
  PM_SECTION_ERROR=''
  PM_SECTION_RC=0
  [ -z "$refused" ] || pm_note_error "$refused"
}

# --- probes shared by both collectors -------------------------------------------------------

pm_probe_host_os() {
  pm_cmd 3 uname -a
  pm_cat /etc/os-release
  pm_cmd 3 uptime
}

pm_probe_disk_df() { pm_run 5 df -P; }
pm_probe_disk_inodes() { pm_run 5 df -iP; }

# pm_probe_disk_usage DIR...: largest directories (two levels) under each root, biggest last.
pm_probe_disk_usage() {
  local d
  for d in "$@"; do
    [ -d "$d" ] || { printf '# %s: absent\n' "$d"; continue; }
    printf '# du -x -k --max-depth=2 %s (KiB, largest 15)\n' "$d"
    pm_run 6 du -x -k --max-depth=2 -- "$d" 2>/dev/null | sort -n | tail -n 15
  done
}

# pm_listeners PID...: the TCP listening sockets of each process's network namespace, read from
# /proc/PID/net/tcp{,6} (one awk for all, no nsenter per container), as `ss -tln` rows.
pm_listeners() {
  local pid files=()
  for pid in "$@"; do files+=("/proc/$pid/net/tcp" "/proc/$pid/net/tcp6"); done
  [ "${#files[@]}" -gt 0 ] || return 0
  LC_ALL=C awk '
    function hex(h,   i, n) { n = 0; h = toupper(h); for (i = 1; i <= length(h); i++) n = n * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1; return n }
    # The kernel prints each 32-bit word of an address in host (little-endian) byte order.
    function v4(w) { return hex(substr(w, 7, 2)) "." hex(substr(w, 5, 2)) "." hex(substr(w, 3, 2)) "." hex(substr(w, 1, 2)) }
    function v6(a,   i, w, g, out) {
      if (a == "00000000000000000000000000000000") return "[::]"
      if (a == "00000000000000000000000001000000") return "[::1]"
      if (substr(a, 1, 24) == "0000000000000000FFFF0000") return "[::ffff:" v4(substr(a, 25, 8)) "]"
      out = ""
      for (i = 0; i < 4; i++) {
        w = substr(a, i * 8 + 1, 8)
        g = substr(w, 7, 2) substr(w, 5, 2) ":" substr(w, 3, 2) substr(w, 1, 2)
        out = out (i ? ":" : "") tolower(g)
      }
      return "[" out "]"
    }
    FNR == 1 { split(FILENAME, p, "/"); if (p[3] != pid) { pid = p[3]; printf "%s\n", "# pid " pid } next }
    $4 == "0A" {
      split($2, la, ":")
      addr = (length(la[1]) == 8) ? v4(la[1]) : v6(la[1])
      printf "LISTEN 0 0 %s:%d %s\n", addr, hex(la[2]), (length(la[1]) == 8 ? "0.0.0.0:*" : "[::]:*")
    }' "${files[@]}" 2>/dev/null
}

pm_probe_net_addr() {
  pm_cmd 3 ip addr
  pm_cmd 3 ip route
}

# pm_probe_net_dns [NAME]: resolv.conf and, when asked, one lookup through the system resolver.
pm_probe_net_dns() {
  pm_cat /etc/resolv.conf
  if [ -n "${1:-}" ]; then
    pm_cmd 4 getent hosts "$1"
  else
    printf '# no probe host given (parameter probeHost); lookup skipped\n'
  fi
}

# The masking of a proxy URL's credentials, shared by the two filters below (awk functions).
# value(): the scheme (optional: `u:p@proxy:3128` is a proxy to curl and Go alike) and everything
# from the value's last @ on are kept, everything before that @ goes: an unencoded password may
# hold `@`, `/`, `:`, `,` or `'`. userinfo(): a `%` and the character after it stay: systemd reads
# `%4` in a unit as a specifier it cannot resolve and drops the assignment, `%%` is the escaped
# form, and that difference is the evidence (`p%40ss` -> `****%4****`). A userinfo beyond 4 KiB
# is masked whole: its pairs would cost quadratic time to keep, and no proxy has one.
PM_MASK_AWK_FUNCTIONS='
    function userinfo(u,   out, i, n, run) {
      out = ""; run = 0; n = length(u)
      if (n > 4096) return "****"
      for (i = 1; i <= n; i++) {
        if (substr(u, i, 1) == "%") { out = out (run ? "****" : "") substr(u, i, 2); run = 0; i++ }
        else run = 1
      }
      return out (run ? "****" : "")
    }
    function value(v,   s, i) {
      s = ""
      if (match(v, /^[A-Za-z][A-Za-z0-9+.-]*:\/\//)) { s = substr(v, 1, RLENGTH); v = substr(v, RLENGTH + 1) }
      for (i = length(v); i > 0; i--) if (substr(v, i, 1) == "@") return s userinfo(substr(v, 1, i - 1)) substr(v, i)
      return s v
    }
'

# pm_mask_text_credentials: a filter that hides the credentials of every proxy or URL in free text
# (a log line, `systemctl status`, a unit file, daemon.json, /etc/sysconfig/docker, a command
# line), changing nothing else. A value is masked as value() does when it is a URL with a scheme
# anywhere, or the value of a proxy variable, key or flag, scheme or not: `HTTP_PROXY=u:p@h:3128`,
# `--http-proxy=…`, `--http-proxy …`, `"https-proxy": "…"`, `HTTPS Proxy: …`. A value runs to the
# next blank, or, when a quote opens it or the word of its name (`"HTTPS_PROXY=…"`), to the
# closing quote. Lines without an @ (most) are passed as they are; the others are read once, left
# to right, their pieces printed as they come: linear in the text, whatever it holds.
pm_mask_text_credentials() {
  LC_ALL=C awk "$PM_MASK_AWK_FUNCTIONS"'
    # Where a value starting at s ends: at its closing quote q (a backslash escapes), or at a blank.
    function value_end(s, q,   i, c) {
      for (i = s; i <= n; i++) {
        c = substr(line, i, 1)
        if (q != "") { if (c == "\\") i++; else if (c == q) return i }
        else if (c == " " || c == "\t") return i
      }
      return n + 1
    }
    function quote(c) { return (c == "\"" || c == "\047") ? c : "" }
    function blanks(j) { while (substr(line, j, 1) == " " || substr(line, j, 1) == "\t") j++; return j }
    BEGIN {
      schemechars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-"
      namechars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    }
    !index($0, "@") || (!index($0, "://") && tolower($0) !~ /proxy/) { print; next }
    {
      line = $0; n = length(line); pos = 1; scheme = 0; name = 0
      for (i = 1; i <= n; i++) {
        c = substr(line, i, 1); s = 0
        if (c == ":" && scheme && substr(line, i + 1, 2) == "//") {
          s = scheme; q = quote(substr(line, s - 1, 1))
        } else if ((c == "y" || c == "Y") && i >= 5 && tolower(substr(line, i - 4, 5)) == "proxy" && !index(namechars, substr(line, i + 1, 1))) {
          # A proxy name ends here: its value follows after an optional closing quote (a JSON
          # key), `=` or `:`, and blanks; a quote opening the value, or else the name, closes it.
          j = i + 1; if (quote(substr(line, j, 1)) != "") j++
          j = blanks(j); if (substr(line, j, 1) == "=" || substr(line, j, 1) == ":") j = blanks(j + 1)
          q = quote(substr(line, j, 1))
          if (q != "") s = j + 1
          else { s = j; q = quote(substr(line, name - 1, 1)) }
        }
        if (s) {
          e = value_end(s, q)
          printf "%s%s", substr(line, pos, s - pos), value(substr(line, s, e - s))
          pos = e; i = e - 1; scheme = 0; name = 0
          continue
        }
        if (index(schemechars, c)) { if (!scheme) scheme = i } else scheme = 0
        if (index(namechars, c)) { if (!name) name = i } else name = 0
      }
      print substr(line, pos)
    }'
}

# pm_mask_toml_secrets: a filter for a TOML file (containerd's config.toml) that keeps every key
# and table header and masks the values that may hold a credential, in any of TOML's forms:
# - every value under a table whose header ends in `.auth]`, `.headers]` or `.header]` (until the
#   next header): registry credentials, and the headers containerd sends a registry
#   (`X-Auth-Token = ["…"]`, `Private-Token`, `X-JFrog-Art-Api`: any name, so all are masked);
# - elsewhere, an assignment whose key, or a dotted part of it, ends in a credential word
#   (password, passwd, auth, token, secret, authorization, api key, credential, headers; after any
#   character: `registry_token`, `identitytoken`, `client_secret`), as a dotted key
#   (`auth.password = …`, `headers."X-Auth-Token" = …`) or in an inline table
#   (`"host" = { auth = { password = … } }`).
# A masked value's continuation lines are dropped: a multi-line string (one opens only where its
# delimiter follows the `=` and does not close on that line: `password = 'ab"""cd'` opens none) or
# a multi-line array (its brackets counted with its strings taken out). Over-masking a line is
# harmless; a credential in the bundle is not. One pass, linear.
pm_mask_toml_secrets() {
  LC_ALL=C awk '
    function depth(s) {
      gsub(/"([^"\\]|\\.)*"/, "", s); gsub(/\047[^\047]*\047/, "", s)
      return gsub(/[[]/, "", s) - gsub(/[]]/, "", s)
    }
    BEGIN { word = "(password|passwd|auth|token|secret|authorization|api[_-]?key|credential|headers?)s?[\"\047]?[ \t]*" }
    closing != "" { if (index($0, closing)) closing = ""; next }
    open > 0 { open += depth($0); next }
    /^[ \t]*\[/ {
      secret = (tolower($0) ~ /[.][ \t]*["\047]?(auth|headers?)["\047]?[ \t]*\]\]?[ \t]*(#.*)?$/)
      print
      next
    }
    {
      line = tolower($0); key = line; sub(/=.*/, "", key)
      eq = index($0, "=")
      if (eq && (secret || line ~ (word "=") || key ~ (word "[.]"))) {
        if (match($0, /=[ \t]*("""|\047\047\047)/)) {
          closing = substr($0, RSTART + RLENGTH - 3, 3)
          if (index(substr($0, RSTART + RLENGTH), closing)) closing = ""
        } else open = depth(substr($0, eq + 1))
        print substr($0, 1, eq) " \"<masked>\""
        next
      }
      if (secret && $0 !~ /^[ \t]*$/) next
      print
    }'
}

# pm_masked FUNCTION [ARGS...]: runs FUNCTION in this shell (its section errors stay) and prints
# what it printed with credentials masked (pm_mask_text_credentials): for the sections of free
# text a proxy password may be in, such as daemon logs, `systemctl status`, unit files.
pm_masked() {
  local out="$PM_TMP/masked.$BASHPID" rc=0
  "$@" >"$out" 2>&1 || rc=$?
  pm_mask_text_credentials <"$out"
  return "$rc"
}

# pm_processes NAME WIDTH: each process named NAME with its command line (pgrep -a), masked before
# it is cut to WIDTH (a cut inside a password leaves no @ to mask at): dockerd 23+ takes
# `--http-proxy=http://user:pass@proxy`.
pm_processes() {
  pgrep -a -x -- "$1" 2>/dev/null | pm_mask_text_credentials | cut -c1-"$2" || printf '(no %s process running)\n' "$1"
}

# pm_mask_proxy_credentials: a filter for proxy lines only (a daemon's environ, unit proxy lines,
# DefaultEnvironment, docker info), masking as value() does: the whole rest of a `NAME=value` or
# `Name: value` line is the value. A systemd `Environment=` or `DefaultEnvironment=` line is a
# list of words, each maybe quoted: only its proxy words are kept, each masked alone, so no other
# variable's value reaches the bundle. Mask before any cut: a cut inside the userinfo leaves no @.
pm_mask_proxy_credentials() {
  LC_ALL=C awk "$PM_MASK_AWK_FUNCTIONS"'
    # One word of an Environment= line: a proxy assignment masked, any other word dropped.
    function word(w,   q, inner, eq) {
      q = substr(w, 1, 1)
      if (q == "\"" || q == "\047") { inner = substr(w, 2); if (substr(inner, length(inner)) == q) inner = substr(inner, 1, length(inner) - 1) }
      else { q = ""; inner = w }
      if (tolower(inner) !~ /^(https?|all|no)_proxy=/) return ""
      eq = index(inner, "=")
      return " " q substr(inner, 1, eq) value(substr(inner, eq + 1)) q
    }
    /^[ \t]*(Default)?Environment=/ {
      eq = index($0, "="); out = substr($0, 1, eq); rest = substr($0, eq + 1); n = length(rest); i = 1; words = ""
      while (i <= n) {
        c = substr(rest, i, 1)
        if (c == " " || c == "\t") { i++; continue }
        q = ""
        for (j = i; j <= n; j++) {
          c = substr(rest, j, 1)
          if (q != "") { if (c == q) q = "" }
          else if (c == "\"" || c == "\047") q = c
          else if (c == " " || c == "\t") break
        }
        words = words word(substr(rest, i, j - i))
        i = j
      }
      # Never a bare `Environment=`: that is how systemctl show prints an empty environment.
      if (words == "") print "(no proxy variable in " substr(out, 1, eq - 1) ")"
      else print out substr(words, 2)
      next
    }
    match($0, /^[^=:]*[=:][ \t]*/) { print substr($0, 1, RLENGTH) value(substr($0, RLENGTH + 1)); next }
    { print }'
}

# pm_probe_proxy DAEMON...: the proxy variables (HTTP(S)_PROXY, NO_PROXY, ALL_PROXY, any case) each
# running DAEMON process holds, read from /proc/PID/environ: what the process really got, whichever
# unit, drop-in or DefaultEnvironment set it, and never what a shell exported. Credentials masked.
# The heading names the daemon and its environ: that is what tells the classifier whose settings
# follow. A daemon that is not running has no environment to show; an unreadable one is an error,
# not "none". Under systemd, then, where each daemon's proxy is configured (pm_unit_proxy_lines)
# and the manager's DefaultEnvironment, which every unit inherits: a value set there and missing
# from the environ above is one systemd dropped.
pm_probe_proxy() {
  local daemon pid found systemd=0 environ="$PM_TMP/environ"
  if pm_have_systemd; then systemd=1; fi
  for daemon in "$@"; do
    printf '# proxy variables of %s from /proc/<pid>/environ (credentials masked)\n' "$daemon"
    found=0
    # At most 4 processes per name: a daemon is one process; more are forks of it.
    for pid in $(pgrep -x -- "$daemon" 2>/dev/null | head -n 4); do
      found=1
      if [ ! -r "/proc/$pid/environ" ]; then
        printf '(pid %s: environ not readable)\n' "$pid"
        pm_note_error "environ of $daemon not readable"
        continue
      fi
      # Readable by its mode is not readable: SELinux or ptrace rules refuse root an open. Only an
      # environ read whole may say "none", which the classifier reads as "the daemon got no proxy".
      if ! tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" >"$environ"; then
        printf '(pid %s: environ not readable)\n' "$pid"
        pm_note_error "environ of $daemon not readable"
        continue
      fi
      LC_ALL=C grep -a -m 16 -iE '^(https?|no|all)_proxy=' "$environ" | pm_mask_proxy_credentials \
        || printf '(pid %s: none)\n' "$pid"
    done
    [ "$found" -eq 1 ] || printf '(no %s process)\n' "$daemon"
    [ "$systemd" -eq 0 ] || pm_unit_proxy_lines "$daemon"
  done
  if [ "$systemd" -eq 1 ]; then
    printf '# proxy variables of the systemd manager from systemctl show --property=DefaultEnvironment: every unit inherits them (credentials masked)\n'
    pm_cmd 3 systemctl show --property=DefaultEnvironment --no-pager >"$PM_TMP/default-env"
    # The DefaultEnvironment= line with its proxy words only (the masker drops every other word),
    # masked before it is cut.
    LC_ALL=C grep -a -E '^(DefaultEnvironment=|\(systemctl )' "$PM_TMP/default-env" | head -n 2 \
      | pm_mask_proxy_credentials | cut -c1-4096
  else
    printf '# systemd is not running: no unit files or DefaultEnvironment to read\n'
  fi
}

# pm_unit_proxy_lines DAEMON: the proxy lines of the daemon's unit (dockerd runs as docker.service):
# each Environment= line that names a proxy variable and every EnvironmentFile= line, with the
# `# /path` line of the unit file or drop-in they are in. These are the lines systemd was given,
# before it resolved specifiers; the environ above is what it made of them. A unit that does not
# exist is no error: not every host runs every daemon.
pm_unit_proxy_lines() {
  local daemon=$1 unit out="$PM_TMP/unit-proxy" rc=$PM_SECTION_RC cat_rc=0
  case "$daemon" in dockerd) unit=docker.service ;; *) unit=$daemon.service ;; esac
  printf '# proxy lines of %s from systemctl cat, its unit file and drop-ins (credentials masked)\n' "$unit"
  pm_run 3 systemctl cat --no-pager -- "$unit" >"$out" 2>&1 || cat_rc=$?
  if LC_ALL=C grep -q '^No files found' "$out"; then
    PM_SECTION_RC=$rc
    printf '(no unit %s)\n' "$unit"
    return 0
  fi
  # A file's `# /path` line is printed before its first kept line only; 32 lines, each masked
  # whole and then cut to 512 characters.
  LC_ALL=C awk '
    /^# \// { file = $0; next }
    (/^[ \t]*Environment=/ && tolower($0) ~ /(https?|all|no)_proxy=/) || /^[ \t]*EnvironmentFile=/ || /^\(systemctl / {
      if (file != "") { print file; file = "" }
      print
      if (++kept >= 32) exit
    }' "$out" | pm_mask_proxy_credentials | cut -c1-512
  # Without this, a unit systemctl could not print would read as one without proxy lines.
  if [ "$cat_rc" -ne 0 ]; then
    printf '(systemctl cat failed)\n'
    pm_note_error "systemctl cat $unit failed"
  fi
}

# pm_probe_kernel_log: kernel lines of the window. dmesg stamps lines in seconds since boot; the
# uptime anchor printed first lets the classifier place them in time.
pm_probe_kernel_log() {
  local log="$PM_TMP/kernel.log" up now now_ms from
  # Uptime and wall time read together: the anchor that turns dmesg seconds into times.
  read -r up _ </proc/uptime 2>/dev/null || up=0
  pm_now_ms; now_ms=$REPLY
  pm_utc_iso now $((now_ms / 1000))
  printf -v now '%s.%03dZ' "${now%Z}" $((now_ms % 1000))
  # The uptime at the window start (2 s early: dmesg and uptime round differently).
  from=$((${up%.*} - (now_ms / 1000 - PM_FROM_EPOCH) - 2))
  if pm_have dmesg && timeout -k 1 4 dmesg >"$PM_TMP/dmesg.raw" 2>/dev/null; then
    awk -v from="$from" '
      match($0, /^\[ *[0-9]+\.[0-9]+\]/) { t = substr($0, 2, RLENGTH - 2) + 0; keep = (t >= from) }
      keep' "$PM_TMP/dmesg.raw" >"$log"
  elif pm_have_journal && timeout -k 1 4 journalctl -k --since "$PM_FROM_LOCAL" -n 2000 -o short-iso --no-pager >"$log" 2>/dev/null; then :
  else
    printf 'kernel log unreadable: neither dmesg nor journalctl -k worked\n'
    pm_note_error 'kernel log unreadable'
    PM_SECTION_RC=1
    return 0
  fi
  printf '# uptime-anchor: %s s at %s\n' "$up" "$now"
  printf '# kernel log since %s (uptime %ss and later)\n' "$PM_FROM_ISO" "$from"
  printf '# lines about OOM kills, I/O errors and full filesystems (last 60)\n'
  grep -Ei 'out of memory|oom[-_ ]kill|killed process|i/o error|blk_update_request|no space left|ext4-fs error|xfs.*error|hung task|blocked for more than' "$log" | tail -n 60 || true
  printf '# last 80 lines\n'
  tail -n 80 "$log"
}

# pm_loop_free_device: what `losetup -f` would answer, read from sysfs. losetup -f opens
# /dev/loop-control read-write and asks the kernel for a free device, and the kernel creates one
# when every device is attached: a collector changes nothing on the host it diagnoses.
# A device is free when its node exists and sysfs shows no backing file. When none is free and
# there is no loop-control to add one, prints losetup's own message, so the same signals read both.
pm_loop_free_device() {
  local dev name
  printf '$ free loop device (losetup -f, read from /sys/block without creating one)\n'
  for dev in /sys/block/loop[0-9]*; do
    [ -d "$dev" ] || continue
    name=${dev##*/}
    [ -b "/dev/$name" ] || continue
    [ -e "$dev/loop/backing_file" ] && continue
    printf '/dev/%s\n' "$name"
    return 0
  done
  if [ -c /dev/loop-control ]; then
    printf '# no free /dev/loopN node; /dev/loop-control can add one\n'
  else
    printf 'losetup: could not find any free loop device\n'
  fi
}

pm_probe_kernel_loop() {
  pm_cmd 3 losetup -a
  pm_loop_free_device
  printf '$ ls -l /dev/loop*\n'
  # shellcheck disable=SC2012
  ls -l /dev/loop* 2>&1 | head -n 300 || true
}

# pm_io_sample_start SECONDS: starts the block I/O sample now, in the background: two snapshots
# of /proc/PID/io SECONDS apart, and iostat beside them. The sample is the one wait of a
# collection, so it runs beside everything else; pm_probe_io_block reads it.
PM_IO_SAMPLER=''
PM_IO_SECONDS=0
pm_io_sample_start() {
  local secs=$1
  PM_IO_SECONDS=$secs
  [ -r /proc/self/io ] || return 0
  (
    if pm_have iostat; then (timeout -k 1 $((secs + 2)) iostat -dxk "$secs" 2 >"$PM_TMP/iostat.out" 2>&1 || true) & fi
    pm_now_ms; t0=$REPLY
    grep -H -E '^(read|write)_bytes' /proc/[0-9]*/io >"$PM_TMP/io.a" 2>/dev/null || true
    sleep "$secs"
    pm_now_ms; t1=$REPLY
    grep -H -E '^(read|write)_bytes' /proc/[0-9]*/io >"$PM_TMP/io.b" 2>/dev/null || true
    printf '%s\n' "$((t1 - t0))" >"$PM_TMP/io.ms"
    wait
  ) &
  PM_IO_SAMPLER=$!
}

# pm_probe_io_block PIDMAP: per-process block I/O rates from the sample pm_io_sample_start took
# (waits for it), plus iostat when installed. PIDMAP is a file of "CONTAINER_ID NAME" lines (may
# be empty). Runs in the shell that started the sample.
pm_probe_io_block() {
  local secs=$PM_IO_SECONDS map=$1 a="$PM_TMP/io.a" b="$PM_TMP/io.b" ms=1 iostat_out="$PM_TMP/iostat.out"
  if [ ! -r /proc/self/io ] || [ -z "$PM_IO_SAMPLER" ]; then
    printf '/proc/PID/io is not available on this kernel\n'
    pm_note_error '/proc/PID/io unavailable'
    return 1
  fi
  wait "$PM_IO_SAMPLER" || true
  read -r ms <"$PM_TMP/io.ms" || ms=1
  printf '# block I/O per process over %ss from /proc/PID/io (bytes/s), top 20 by writes\n' "$secs"
  printf 'PID COMM CONTAINER READ_B/S WRITE_B/S\n'
  LC_ALL=C awk -v ms="$ms" -v mapfile="$map" '
    function pidof(path,   p) { split(path, p, "/"); return p[3] }
    BEGIN {
      if (ms <= 0) ms = 1
      while ((getline line < mapfile) > 0) { split(line, f, " "); names[f[1]] = f[2] }
    }
    FNR == 1 { file++ }
    {
      split($0, kv, ":"); pid = pidof(kv[1]); key = kv[2]; val = kv[3] + 0
      if (file == 1) first[pid, key] = val
      else if ((pid, key) in first) { delta[pid, key] = val - first[pid, key]; seen[pid] = 1 }
    }
    END {
      for (pid in seen) {
        r = delta[pid, "read_bytes"] * 1000 / ms; w = delta[pid, "write_bytes"] * 1000 / ms
        if (r < 0) r = 0
        if (w < 0) w = 0
        comm = "?"; if ((getline comm < ("/proc/" pid "/comm")) <= 0) comm = "?"
        close("/proc/" pid "/comm")
        gsub(/[ \t]/, "_", comm)
        container = "-"
        # A 64-hex path component (docker/<id>, docker-<id>.scope, cri-containerd-<id>.scope) names
        # the container; no {64} interval, which mawk does not support.
        while (container == "-" && (getline cg < ("/proc/" pid "/cgroup")) > 0) {
          n = split(cg, parts, /[\/:]/)
          for (i = 1; i <= n; i++) {
            part = parts[i]; sub(/^(docker|cri-containerd|crio)-/, "", part); sub(/\.scope$/, "", part)
            if (length(part) == 64 && part !~ /[^0-9a-f]/) { container = (part in names) ? names[part] : substr(part, 1, 12); break }
          }
        }
        close("/proc/" pid "/cgroup")
        printf "%d %s %s %d %d\n", pid, comm, container, r, w
      }
    }' "$a" "$b" | sort -k5,5nr -k4,4nr | head -n 20
  printf '\n'
  if [ -s "$iostat_out" ]; then
    printf '# iostat -dxk %s 2 (second report is the sample)\n' "$secs"
    tail -n 60 "$iostat_out"
  elif ! pm_have iostat; then
    printf '# iostat: not installed (sysstat); /proc/PID/io table above only\n'
  fi
}

# pm_probe_strace PID SECONDS: syscall summary and timestamped tail of a process and its threads.
pm_probe_strace() {
  local pid=$1 secs=$2 out="$PM_TMP/strace.out"
  if ! pm_have strace; then
    printf 'strace: command not found on this host\n'
    pm_note_error 'strace not installed'
    return 127
  fi
  printf '# strace -f -tt -C -p %s for %ss (summary at the end, last 150 trace lines before it)\n' "$pid" "$secs"
  timeout -k 2 -s INT "$secs" strace -f -tt -C -p "$pid" -o "$out" >/dev/null 2>"$out.err" || true
  cat "$out.err"
  if [ -s "$out" ]; then
    # -C appends the summary table to the trace file; keep it whole and the trace tail before it.
    if grep -n '^% time' "$out" >/dev/null; then
      local at
      at=$(grep -n '^% time' "$out" | head -n 1 | cut -d: -f1)
      head -n $((at - 1)) "$out" | tail -n 150
      tail -n +"$at" "$out"
    else
      tail -n 150 "$out"
    fi
  fi
}
