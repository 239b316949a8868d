#!/usr/bin/env bash
# Paramedic collector library: sections, bounds, JSON escaping. Sourced by the collectors, and
# inlined into the SSM document in place of their `# paramedic:include` line, so the document
# is one self-contained script. Read-only: the only files it writes are under its own mktemp dir.
# shellcheck shell=bash

# --- limits -------------------------------------------------------------------------------
PM_BUDGET_SECONDS=${PM_BUDGET_SECONDS:-30}     # whole run; later sections are skipped past it
PM_SECTION_MAX_BYTES=${PM_SECTION_MAX_BYTES:-65536}
PM_TOTAL_MAX_BYTES=${PM_TOTAL_MAX_BYTES:-1048576}
PM_CMD_TIMEOUT=${PM_CMD_TIMEOUT:-5}            # default per command, seconds

PM_START=$(date +%s)
PM_TMP=''
PM_FIRST_SECTION=1
PM_EMITTED_BYTES=0
PM_SECTION_ERROR=''
PM_SECTION_RC=0
PM_TAB=$(printf '\t')
PM_CR=$(printf '\r')

pm_cleanup() {
  # Refuse to delete anything but our own mktemp directory.
  case "$PM_TMP" in
    /tmp/paramedic-collect.*|"${TMPDIR:-/tmp}"/paramedic-collect.*) rm -rf -- "$PM_TMP" ;;
    *) : ;;
  esac
}

pm_init() {
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
  if [ -n "$value" ] && ! printf '%s' "$value" | grep -Eq "$3"; then
    pm_die_param "$var" "$value" "$3"
  fi
  # A newline would slip past grep's per-line match.
  case "$value" in *$'\n'*) pm_die_param "$var" '(multi-line)' "$3" ;; esac
  printf '%s' "$value"
}

pm_have() { command -v "$1" >/dev/null 2>&1; }

pm_elapsed() { echo $(( $(date +%s) - PM_START )); }

pm_note_error() {
  case "; $PM_SECTION_ERROR;" in *"; $1;"*) return 0 ;; esac
  if [ -z "$PM_SECTION_ERROR" ]; then PM_SECTION_ERROR=$1; else PM_SECTION_ERROR="$PM_SECTION_ERROR; $1"; fi
}

# pm_run SECONDS CMD [ARGS...]: runs a command under timeout; a missing tool or a timeout is
# printed and noted as the section's error, never fatal. Returns the command's exit code.
pm_run() {
  local secs=$1 rc=0
  shift
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

# pm_json_string: stdin -> one JSON string literal (quotes included), in pure sed/awk/tr.
pm_json_string() {
  LC_ALL=C tr -d '\000-\010\013\014\016-\037\177' \
    | LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/${PM_TAB}/\\\\t/g" -e "s/${PM_CR}/\\\\r/g" \
    | LC_ALL=C awk 'BEGIN { printf "%s", "\"" } NR > 1 { printf "%s", "\\n" } { printf "%s", $0 } END { printf "%s", "\"" }'
}

pm_json_value() { printf '%s' "$1" | pm_json_string; }

pm_json_or_null() { if [ -n "$1" ]; then pm_json_value "$1"; else printf 'null'; fi; }

# pm_emit NAME COMMAND RC ERROR FILE: prints one section (with its leading comma when needed),
# keeping only the tail of FILE beyond the section and total size bounds.
pm_emit() {
  local name=$1 command=$2 rc=$3 err=$4 file=$5 size limit truncated=false remaining
  size=$(wc -c <"$file" | tr -d ' ')
  limit=$PM_SECTION_MAX_BYTES
  remaining=$(( PM_TOTAL_MAX_BYTES - PM_EMITTED_BYTES ))
  [ "$remaining" -gt 4096 ] || remaining=4096
  [ "$limit" -le "$remaining" ] || limit=$remaining
  if [ "$size" -gt "$limit" ]; then
    # Keep the tail; drop the first (likely partial) line.
    tail -c "$limit" "$file" | tail -n +2 >"$file.cut"
    mv -f "$file.cut" "$file"
    truncated=true
    size=$(wc -c <"$file" | tr -d ' ')
  fi
  PM_EMITTED_BYTES=$(( PM_EMITTED_BYTES + size ))
  if [ "$PM_FIRST_SECTION" -eq 1 ]; then PM_FIRST_SECTION=0; else printf ','; fi
  printf '\n    %s: {"command": %s, "exitCode": %s, "truncated": %s, "error": %s, "output": ' \
    "$(pm_json_value "$name")" "$(pm_json_value "$command")" "$rc" "$truncated" "$(pm_json_or_null "$err")"
  pm_json_string <"$file"
  printf '}'
}

# pm_section NAME "COMMAND DESCRIPTION" FUNCTION [ARGS...]: runs FUNCTION with its output
# captured and emits it as a section. Skipped (and said so) once the time budget is spent.
pm_section() {
  local name=$1 command=$2 out
  shift 2
  out="$PM_TMP/section.out"
  PM_SECTION_ERROR=''
  PM_SECTION_RC=0
  if [ "$(pm_elapsed)" -ge "$PM_BUDGET_SECONDS" ]; then
    printf 'skipped: the collector time budget of %ss was spent before this section\n' "$PM_BUDGET_SECONDS" >"$out"
    pm_emit "$name" "$command" null "skipped: time budget spent" "$out"
    return 0
  fi
  if "$@" >"$out" 2>&1; then :; else
    local rc=$?
    [ "$PM_SECTION_RC" -ne 0 ] || PM_SECTION_RC=$rc
  fi
  pm_emit "$name" "$command" "$PM_SECTION_RC" "$PM_SECTION_ERROR" "$out"
}

# pm_begin PLATFORM: prints the bundle head.
pm_begin() {
  local platform=$1 instance='' node='' container=${2:-}
  if [ -r /var/lib/cloud/data/instance-id ]; then instance=$(head -c 64 /var/lib/cloud/data/instance-id | tr -cd 'a-zA-Z0-9-'); fi
  if [ "$platform" = eks ]; then node=$(hostname 2>/dev/null | tr -cd 'a-zA-Z0-9.-' || true); fi
  printf '{\n  "schema": "paramedic.evidence/v1",\n  "target": {"platform": %s, "instanceId": %s, "node": %s, "container": %s},\n  "collectedAt": %s,\n  "sections": {' \
    "$(pm_json_value "$platform")" "$(pm_json_or_null "$instance")" "$(pm_json_or_null "$node")" \
    "$(pm_json_or_null "$container")" "$(pm_json_value "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
}

pm_end() { printf '\n  }\n}\n'; }

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

# pm_probe_kernel_log SINCE_MIN: kernel lines of the window (by their monotonic timestamps).
pm_probe_kernel_log() {
  local since=$1 log="$PM_TMP/kernel.log" now
  now=$(cut -d' ' -f1 /proc/uptime 2>/dev/null || echo 0)
  if pm_have dmesg && timeout -k 1 4 dmesg >"$PM_TMP/dmesg.raw" 2>/dev/null; then
    awk -v from="$(awk -v n="$now" -v m="$since" 'BEGIN { printf "%d", n - m * 60 }')" '
      match($0, /^\[ *[0-9]+\.[0-9]+\]/) { t = substr($0, 2, RLENGTH - 2) + 0; keep = (t >= from) }
      keep' "$PM_TMP/dmesg.raw" >"$log"
  elif pm_have journalctl && timeout -k 1 4 journalctl -k --since "-${since}min" -n 2000 --no-pager >"$log" 2>/dev/null; then :
  else
    printf 'kernel log unreadable: neither dmesg nor journalctl -k worked\n'
    pm_note_error 'kernel log unreadable'
    PM_SECTION_RC=1
    return 0
  fi
  printf '# kernel log of the last %s minutes (uptime %ss)\n' "$since" "$now"
  printf '# lines about OOM kills, I/O errors and full filesystems (last 60)\n'
  grep -Ei 'out of memory|oom[-_ ]kill|killed process|i/o error|blk_update_request|no space left|ext4-fs error|xfs.*error|hung task|blocked for more than' "$log" | tail -n 60 || true
  printf '# last 80 lines\n'
  tail -n 80 "$log"
}

pm_probe_kernel_loop() {
  pm_cmd 3 losetup -a
  pm_cmd 3 losetup -f
  printf '$ ls -l /dev/loop*\n'
  # shellcheck disable=SC2012
  ls -l /dev/loop* 2>&1 | head -n 300 || true
}

# pm_probe_journal SINCE_MIN UNIT...: journal tail of units, or a note that there is no journal.
pm_probe_journal() {
  local since=$1 u args=()
  shift
  for u in "$@"; do args+=(-u "$u"); done
  if pm_have journalctl && [ -d /run/systemd/journal ] ; then
    pm_run 8 journalctl "${args[@]}" --since "-${since}min" --no-pager -o short-iso -n 2000
  else
    printf 'journalctl: no systemd journal on this host (units: %s)\n' "$*"
    pm_note_error 'no systemd journal'
    return 1
  fi
}

# pm_probe_io_block SAMPLE_SECONDS PIDMAP: per-process block I/O rates from /proc/PID/io deltas,
# plus iostat when installed. PIDMAP is a file of "CONTAINER_ID NAME" lines (may be empty).
pm_probe_io_block() {
  local secs=$1 map=$2 a="$PM_TMP/io.a" b="$PM_TMP/io.b" t0 t1 iostat_out="$PM_TMP/iostat.out"
  if [ ! -r /proc/self/io ]; then
    printf '/proc/PID/io is not available on this kernel\n'
    pm_note_error '/proc/PID/io unavailable'
    return 1
  fi
  if pm_have iostat; then (timeout -k 1 $((secs + 2)) iostat -dxk "$secs" 2 >"$iostat_out" 2>&1 || true) & fi
  t0=$(date +%s%N)
  grep -H -E '^(read|write)_bytes' /proc/[0-9]*/io >"$a" 2>/dev/null || true
  sleep "$secs"
  t1=$(date +%s%N)
  grep -H -E '^(read|write)_bytes' /proc/[0-9]*/io >"$b" 2>/dev/null || true
  printf '# block I/O per process over %ss from /proc/PID/io (bytes/s), top 20 by writes\n' "$secs"
  printf 'PID COMM CONTAINER READ_B/S WRITE_B/S\n'
  LC_ALL=C awk -v ms="$(( (t1 - t0) / 1000000 ))" -v mapfile="$map" '
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
  wait
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
