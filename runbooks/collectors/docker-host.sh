#!/usr/bin/env bash
# Paramedic evidence collector for an EC2 host running Docker. Prints one evidence bundle
# (paramedic.evidence/v1) on stdout; read-only; every command under timeout; each section
# bounded (tail kept), the bundle under 1 MiB; a few seconds, 10 s budget per section, no section
# skipped for time. Works with the Docker daemon down.
# Every timestamped section (kernel log, daemon logs, docker events, container logs) is read from
# the incident window: SINCE_MINUTES before INCIDENT_TIME (or before now).
#
# Parameters (environment, validated before use):
#   PARAMEDIC_CONTAINER       container name or id to look at closely (logs, inspect, strace)
#   PARAMEDIC_PID             host pid to trace instead of the container's main process
#   PARAMEDIC_INCIDENT_TIME   when the incident began, RFC 3339 UTC (default: now)
#   PARAMEDIC_SINCE_MINUTES   lookback before the incident time, minutes (default 15)
#   PARAMEDIC_REMEDIATED_AT   on evidence that verifies a fix: when the fix ran, RFC 3339 UTC
#   PARAMEDIC_DAEMON_LOG      dockerd's log file, when it is neither in the journal nor a usual file
#   PARAMEDIC_CONTAINERD_LOG  containerd's log file, likewise
#   (log files: under /var/log only, no `..`, links resolved, and the file opened checked again;
#   PM_LOG_PATH_PATTERN, pm_log_inside, pm_log_read)
#   PARAMEDIC_STRACE_SECONDS  strace sample length, 0 = no trace (default 0, max 10)
#   PARAMEDIC_PROBE_HOST      a host name to resolve in net.dns (default: none)
# Local-run knobs (not SSM parameters): DOCKER_HOST, PARAMEDIC_DOCKER_LOG_FILE (old name of
#   DAEMON_LOG), PARAMEDIC_DOCKER_CONFIG_FILE, PARAMEDIC_IO_SAMPLE_SECONDS.
set -euo pipefail
# shellcheck source=runbooks/collectors/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" # paramedic:include runbooks/collectors/lib.sh

CONTAINER=$(pm_param CONTAINER '' '^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$')
TRACE_PID=$(pm_param PID '' '^[1-9][0-9]{0,9}$')
INCIDENT_TIME=$(pm_param INCIDENT_TIME '' "$PM_TIME_PATTERN")
SINCE=$(pm_param SINCE_MINUTES 15 '^[0-9]{1,5}$')
REMEDIATED_AT=$(pm_param REMEDIATED_AT '' "$PM_TIME_PATTERN")
STRACE_SECONDS=$(pm_param STRACE_SECONDS 0 '^([0-9]|10)$')
PROBE_HOST=$(pm_param PROBE_HOST '' '^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$')
IO_SECONDS=$(pm_param IO_SAMPLE_SECONDS 2 '^[1-5]$')
DOCKER_LOG_FILE=$(pm_param DOCKER_LOG_FILE '' "$PM_LOG_PATH_PATTERN")
DAEMON_LOG=$(pm_log_param DAEMON_LOG "$DOCKER_LOG_FILE")
CONTAINERD_LOG=$(pm_log_param CONTAINERD_LOG '')
DOCKER_CONFIG_FILE=$(pm_param DOCKER_CONFIG_FILE /etc/docker/daemon.json '^/[a-zA-Z0-9/_.-]{1,255}$')
MAX_INSPECT=10
MAX_LOGS=5
MAX_NETNS=30

pm_init
pm_window "$INCIDENT_TIME" "$SINCE"
DOCKER_OK=0
DOCKER_ROOT=/var/lib/docker
FAILING="$PM_TMP/failing"      # "id name" of unhealthy/exited/restarting/dead containers
RUNNING="$PM_TMP/running"      # "pid name id" of running containers
PORTS="$PM_TMP/ports"          # "name|addresses|ports" of running containers (net.probe)
INFO="$PM_TMP/docker-info"     # docker info, printed once and read by several sections
TARGET_ID=''                   # full id of CONTAINER, when the daemon knows it
: >"$FAILING"; : >"$RUNNING"; : >"$PORTS"; : >"$INFO"

socket_path() {
  case "${DOCKER_HOST:-}" in
    unix://*) printf '%s' "${DOCKER_HOST#unix://}" ;;
    '') printf '/var/run/docker.sock' ;;
    *) printf '' ;;
  esac
}

# --- docker CLI probes ------------------------------------------------------------------------

probe_docker_cli() {
  if ! pm_have docker; then
    printf 'docker: command not found on this host\n'
    pm_note_error 'docker CLI not installed'
    return 127
  fi
  local info_pid info_rc=0
  # docker info beside docker version: two round trips at once, on the path of every later section.
  timeout -k 2 8 docker info >"$INFO" 2>&1 &
  info_pid=$!
  printf '$ docker version\n'
  if pm_run 6 docker version 2>&1; then DOCKER_OK=1; fi
  wait "$info_pid" || info_rc=$?
  if [ "$DOCKER_OK" -eq 1 ]; then
    printf '$ docker info\n'
    cat "$INFO"
    if [ "$info_rc" -eq 124 ] || [ "$info_rc" -eq 137 ]; then
      printf '(docker timed out after 8s)\n'
      pm_note_error 'docker timed out after 8s'
    fi
  else
    : >"$INFO"
    printf '# docker info not shown: the daemon did not answer docker version\n'
  fi
}

daemon_skip() {
  printf 'skipped: the Docker daemon is not reachable (see docker.cli)\n'
  pm_note_error 'docker daemon not reachable'
  return 1
}

probe_docker_ps() {
  [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
  pm_run 8 docker ps -a -n 200
}

# target_in_listing: the full id of CONTAINER in the listing, resolved as docker resolves a
# reference: full id, then name, then a unique id prefix; empty when it is not listed.
target_in_listing() {
  [ -n "$CONTAINER" ] || return 0
  LC_ALL=C awk -v ref="$CONTAINER" '
    $1 == ref { id = $1 } $2 == ref && !byname { byname = $1 } index($1, ref) == 1 { prefixed++; pre = $1 }
    END { if (id == "") id = byname; if (id == "" && prefixed == 1) id = pre; print id }' "$PM_TMP/all"
}

# One listing of every container (failing ones, exited, restarting, dead, created, unhealthy, for
# inspect and logs), then one inspect of the running ones (pids for namespaces and I/O, addresses
# and ports for probes). Started first, in the background, beside docker version/info: each
# docker call is a second on a loaded host.
LISTING_PID=''
start_listing() {
  pm_have docker || return 0
  (
    local ids target
    timeout -k 1 10 docker ps -a -n 500 --no-trunc --format '{{.ID}} {{.Names}} {{.Status}}' >"$PM_TMP/all" 2>/dev/null || true
    # The MAX_NETNS newest running ones, and the alarmed container whatever its age: its pid is
    # what its trace, its sockets and its line in the I/O table need.
    target=$(target_in_listing)
    ids=$(LC_ALL=C awk -v target="$target" -v max="$MAX_NETNS" '$3 == "Up" && ($1 == target || n++ < max) { print $1 }' "$PM_TMP/all")
    [ -n "$ids" ] || exit 0
    # shellcheck disable=SC2086,SC2016 # ids are docker's own hex ids; $p is a Go template variable
    timeout -k 1 15 docker inspect -f '{{.State.Pid}} {{.Name}} {{.Id}}|{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}|{{range $p, $b := .NetworkSettings.Ports}}{{$p}}{{range $b}}->{{.HostIp}}:{{.HostPort}}{{end}} {{end}}' $ids 2>/dev/null \
      | LC_ALL=C awk -F'|' -v running="$RUNNING" -v ports="$PORTS" '
          { split($1, f, " "); sub(/^\//, "", f[2]); print f[1], f[2], f[3] >running; print f[2] "|" $2 "|" $3 >ports }' || true
  ) &
  LISTING_PID=$!
}

# list_containers: waits for the listing; the alarmed container's id and the failing ones.
list_containers() {
  [ -z "$LISTING_PID" ] || wait "$LISTING_PID" || true
  if [ "$DOCKER_OK" -ne 1 ]; then : >"$RUNNING"; : >"$PORTS"; return 0; fi
  : >>"$PM_TMP/all"
  if [ -n "$CONTAINER" ]; then
    TARGET_ID=$(target_in_listing)
    if [ -z "$TARGET_ID" ]; then
      # Beyond the 500 listed: ask the daemon.
      TARGET_ID=$(timeout -k 1 5 docker inspect -f '{{.Id}}' -- "$CONTAINER" 2>/dev/null | head -n 1 | tr -cd '0-9a-f' || true)
    fi
  fi
  # A container that exited before the window (last night's batch job, OOM-killed three days ago)
  # is no failure of this incident: its state would only crowd the inspect slots and mislead. Its
  # age is docker's HumanDuration ("3 days ago", "About an hour ago", rounded): one unit less is
  # the least it can be, so a container is left out only when it surely exited before the window.
  # Without an incident time the window is a guess, and the classifier keeps a state up to a day
  # old (UNTIMED_ENDED_STATE_LOOKBACK_MS): so does this.
  local span=$((PM_NOW_EPOCH - PM_FROM_EPOCH))
  [ -n "$INCIDENT_TIME" ] || [ "$span" -ge 86400 ] || span=86400
  LC_ALL=C awk -v target="$TARGET_ID" -v name="$CONTAINER" -v max="$MAX_INSPECT" -v span="$span" '
    function exited_at_least(   n, u, s) {
      n = $5; u = $6
      if (n == "About") return 0
      if (n !~ /^[0-9]+$/) return -1
      sub(/s$/, "", u)
      s = u == "second" ? 1 : u == "minute" ? 60 : u == "hour" ? 3600 : u == "day" ? 86400 : u == "week" ? 604800 : u == "month" ? 2592000 : u == "year" ? 31536000 : -1
      return s < 0 ? -1 : (n - 1) * s
    }
    BEGIN { if (target != "") { print target, name; seen[target] = 1; n = 1 } }
    $3 == "Exited" && span >= 0 && exited_at_least() > span { next }
    # Status, as every CLI version prints it: "Up 2 minutes (unhealthy)", "Exited (1) …", "Created".
    ($3 ~ /^(Exited|Restarting|Dead|Created)$/ || /\(unhealthy\)/) && !seen[$1]++ && n++ < max { print $1, $2 }' "$PM_TMP/all" >"$FAILING"
}

probe_docker_inspect() {
  [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
  if [ ! -s "$FAILING" ]; then
    printf '[]\n'
    return 0
  fi
  # shellcheck disable=SC2046 # ids are docker's own hex ids
  pm_run 8 docker inspect $(cut -d' ' -f1 "$FAILING")
}

probe_docker_logs() {
  [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
  local id name n=0 i rc pids=() names=()
  if [ ! -s "$FAILING" ]; then printf '# no unhealthy, exited or restarting containers\n'; return 0; fi
  # Side by side (at most MAX_LOGS): each is a round trip to the daemon.
  while read -r id name; do
    n=$((n + 1))
    [ "$n" -le "$MAX_LOGS" ] || break
    timeout -k 1 5 docker logs --since "$PM_FROM_EPOCH" --tail 60 --timestamps "$id" >"$PM_TMP/logs.$n" 2>&1 &
    pids+=("$!"); names+=("$name")
  done <"$FAILING"
  for i in "${!pids[@]}"; do
    rc=0
    wait "${pids[$i]}" || rc=$?
    printf '# logs container=%s (last 60 lines of the window)\n' "${names[$i]}"
    cat -- "$PM_TMP/logs.$((i + 1))"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
      printf '(docker timed out after 5s)\n'
      pm_note_error 'docker timed out after 5s'
    fi
    [ "$rc" -eq 0 ] || [ "$PM_SECTION_RC" -ne 0 ] || PM_SECTION_RC=$rc
  done
}

probe_system_df() {
  [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
  pm_run 10 docker system df
}

probe_journal() {
  pm_probe_daemon_log "$DAEMON_LOG" '/var/log/docker.log /var/log/docker /var/log/upstart/docker.log' \
    '(dockerd|docker)(\[[0-9]+\])?:' docker docker.socket containerd
  local containerd_log
  if [ -n "$CONTAINERD_LOG" ] && pm_log_inside containerd_log "$CONTAINERD_LOG" && [ -r "$containerd_log" ]; then
    pm_log_file "$containerd_log"
  fi
}

# What the daemon did in the window: OOM, die (with exit codes), restarts, pulls.
probe_events() {
  [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
  local now_ms until
  # Millisecond precision: a whole-second --until drops every event of the current second, such as
  # the pull that just completed and proves a fix.
  pm_now_ms; now_ms=$REPLY
  printf -v until '%d.%03d000000' $((now_ms / 1000)) $((now_ms % 1000))
  pm_run 5 docker events --since "$PM_FROM_EPOCH" --until "$until" 2>&1 | tail -n 300
}

# Filed through pm_masked: config files, units and dockerd's command line may carry a proxy password.
probe_daemon_config() {
  pm_cat "$DOCKER_CONFIG_FILE" /etc/sysconfig/docker /etc/default/docker
  if pm_have_systemd; then
    pm_cmd 4 systemctl cat docker.service docker.socket --no-pager
  fi
  printf '# dockerd processes\n'
  pm_processes dockerd 400
}

# Filed through pm_masked: systemctl status shows the daemons' command lines and log lines.
probe_services() {
  if pm_have_systemd; then
    pm_cmd 4 systemctl --failed --no-pager
    pm_local_time_heading
    pm_cmd 5 systemctl status docker.service docker.socket containerd.service --no-pager -l -n 20
  else
    printf 'systemctl: systemd is not running on this host\n'
    pm_note_error 'no systemd'
    if pm_have service; then pm_cmd 4 service docker status; fi
  fi
  printf '# processes\n'
  pm_processes dockerd 300
  pm_processes containerd 300
}

probe_sockets() {
  local pid name id pids=()
  printf '# host\n'
  pm_run 4 ss -tlnp 2>&1 || true
  [ "$DOCKER_OK" -eq 1 ] || { printf '# per-container namespaces skipped: the Docker daemon is not reachable\n'; return 0; }
  # Each container's namespace from /proc/PID/net/tcp{,6}: ss -tln rows, headed by its name.
  while read -r pid name id; do
    [[ "$pid" =~ ^[1-9][0-9]*$ ]] && pids+=("$pid")
  done <"$RUNNING"
  pm_listeners "${pids[@]}" | awk -v map="$RUNNING" '
    BEGIN { while ((getline l < map) > 0) { split(l, f, " "); name[f[1]] = f[2] } }
    /^# pid / { printf "# netns container=%s pid=%s\n", name[$3], $3; next }
    { print }'
}

# TCP connect to each exposed port of each running container, at the container's own address,
# from the host side (what docker-proxy and peers do). Bounded: 40 probes, all of them side by
# side in one bash (a fork each, no exec) under one 3 s timeout: a probe without an answer by
# then is reported as timed out, so a filtered port costs 3 s once, not per port.
probe_ports() {
  [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
  if [ ! -s "$PORTS" ]; then printf '# no running containers\n'; return 0; fi
  # shellcheck disable=SC2016 # the inner script's own variables
  timeout -k 1 3 bash -c '
    n=0
    while IFS="|" read -r name addrs ports; do
      for port in $ports; do
        case "$port" in */tcp*) ;; *) continue ;; esac
        for ip in $addrs; do
          n=$((n + 1))
          [ "$n" -le 40 ] || { printf "# more probes skipped (limit 40)\n" >"$1/probe.zz"; break 3; }
          printf -v f "%s/probe.%04d" "$1" "$n"
          # What to say if no answer comes in time, replaced by the answer when it does.
          printf "%s|%s|%s|%s\n" "$name" "$port" "$ip" "${port%%/*}" >"$f.plan"
          (
            p=${port%%/*}
            if exec 3<>"/dev/tcp/$ip/$p"; then
              printf "connected to %s port %s (tcp)\n" "$ip" "$p" >"$f.done"
            else
              IFS= read -r err <"$f.err" || true
              err=${err##*connect: }; err=${err#bash: }
              printf "connect to %s port %s (tcp) failed: %s\n" "$ip" "$p" "${err:-timed out}" >"$f.done"
            fi
          ) 2>"$f.err" &
        done
      done
    done <"$1/ports"
    wait
    [ "$n" -gt 0 ] || printf "# no exposed tcp ports on running containers\n" >"$1/probe.zz"
  ' probe "$PM_TMP" || true
  local f name port ip p answer
  for f in "$PM_TMP"/probe.*.plan; do
    [ -e "$f" ] || continue
    IFS='|' read -r name port ip p <"$f"
    answer="connect to $ip port $p (tcp) failed: timed out"
    [ ! -s "${f%.plan}.done" ] || IFS= read -r answer <"${f%.plan}.done" || true
    printf '# probe container=%s port=%s\n%s\n' "$name" "$port" "$answer"
  done
  if [ -e "$PM_TMP/probe.zz" ]; then IFS= read -r answer <"$PM_TMP/probe.zz" || true; printf '%s\n' "$answer"; fi
}

# dockerd's own environment (the library's probe), then what the daemon says it uses.
probe_proxy() {
  pm_probe_proxy dockerd
  if [ "$DOCKER_OK" -eq 1 ]; then
    printf '# docker info proxy settings\n'
    grep -E '^ *(HTTPS? Proxy|No Proxy):' "$INFO" | pm_mask_proxy_credentials || printf '(none)\n'
  fi
}

probe_selinux() {
  pm_cmd 2 getenforce
  pm_cmd 2 sestatus
  if [ "$DOCKER_OK" -eq 1 ]; then
    printf '# docker security options\n'
    sed -n '/^ *Security Options:/,/^ *[A-Z][A-Za-z ]*:[^:]*$/p' "$INFO" | head -n 12
  fi
}

probe_groups() {
  local sock
  sock=$(socket_path)
  pm_cmd 2 getent group docker
  if [ -n "$sock" ]; then
    printf '$ ls -l %s\n' "$sock"
    ls -l -- "$sock" 2>&1 || true
    pm_cmd 2 stat -c '%n owner=%U group=%G mode=%a type=%F' -- "$sock"
  else
    printf '# DOCKER_HOST=%s is not a unix socket\n' "${DOCKER_HOST:-}"
  fi
}

probe_strace() {
  local pid=$TRACE_PID
  if [ -z "$pid" ] && [ -n "$CONTAINER" ]; then
    [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
    # The listing of running containers has the pid; a stopped target has none to trace.
    pid=$(awk -v id="$TARGET_ID" 'id != "" && $3 == id { print $1; exit }' "$RUNNING")
    if [ -z "$pid" ] && [ -n "$TARGET_ID" ]; then
      # Beyond the 500 listed, or the inspect of the running ones failed: ask for its pid alone.
      pid=$(timeout -k 1 5 docker inspect -f '{{.State.Pid}}' -- "$TARGET_ID" 2>/dev/null | head -n 1 | tr -cd '0-9' || true)
    fi
    if [ -z "$pid" ] || [ "$pid" = 0 ]; then
      printf 'container %s has no running main process to trace\n' "$CONTAINER"
      pm_note_error 'container not running'
      return 1
    fi
  fi
  pm_probe_strace "$pid" "$STRACE_SECONDS"
}

probe_io() {
  local map="$PM_TMP/io.map" pid name id
  while read -r pid name id; do printf '%s %s\n' "$id" "$name"; done <"$RUNNING" >"$map"
  pm_probe_io_block "$map"
}

# --- the run ----------------------------------------------------------------------------------

# Lanes run side by side: most of a collection is waiting (on the daemon, a sample, a timeout).
# Those that need nothing from the daemon start at once, beside docker version/info; those that
# need its answer once it came; those about containers once they are listed. Eight at most, each
# a few sections long, each section with its own budget: nothing is skipped for time.
lane_host() {
  pm_section host.os 'uname -a; cat /etc/os-release; uptime' pm_probe_host_os
  pm_section host.services 'systemctl --failed; systemctl status docker docker.socket containerd' pm_masked probe_services
  pm_section docker.daemon-config "cat $DOCKER_CONFIG_FILE /etc/sysconfig/docker; systemctl cat docker" pm_masked probe_daemon_config
}
lane_logs() {
  pm_section docker.journal 'journalctl -u docker -u docker.socket -u containerd, or the daemon log file, since the window start' pm_masked probe_journal
  pm_section kernel.log 'dmesg since the window start | tail' pm_probe_kernel_log
  pm_section kernel.loop 'losetup -a; losetup -f; ls -l /dev/loop*' pm_probe_kernel_loop
}
lane_host_network() {
  pm_section net.addr 'ip addr; ip route' pm_probe_net_addr
  pm_section net.dns 'cat /etc/resolv.conf; getent hosts <probeHost>' pm_probe_net_dns "$PROBE_HOST"
  pm_section security.groups 'getent group docker; ls -l <docker socket>' probe_groups
  pm_section disk.df 'df -P' pm_probe_disk_df
  pm_section disk.inodes 'df -iP' pm_probe_disk_inodes
}
lane_history() {
  pm_section docker.ps 'docker ps -a' probe_docker_ps
  pm_section docker.events 'docker events --since <window> --until now' probe_events
  pm_section docker.system-df 'docker system df' probe_system_df
}
lane_daemon_settings() {
  pm_section disk.usage "du -x -k --max-depth=2 $DOCKER_ROOT /var/log /var/lib/containerd" pm_probe_disk_usage "$DOCKER_ROOT" /var/log /var/lib/containerd
  pm_section net.proxy 'proxy environment of dockerd (/proc/PID/environ), its unit proxy lines (systemctl cat) and DefaultEnvironment; docker info' probe_proxy
  pm_section security.selinux 'getenforce; sestatus' probe_selinux
}
lane_failing() {
  pm_section docker.inspect 'docker inspect <unhealthy|exited|restarting containers>' probe_docker_inspect
  pm_section docker.logs 'docker logs --since <window> --tail 60 <failing containers>' probe_docker_logs
}

pm_io_sample_start "$IO_SECONDS"
start_listing
pm_lane lane_host
pm_lane lane_logs
pm_lane lane_host_network
pm_section docker.cli 'docker version; docker info' probe_docker_cli
DOCKER_ROOT=$(sed -n 's/^ *Docker Root Dir: *//p' "$INFO" | head -n 1)
[ -n "$DOCKER_ROOT" ] || DOCKER_ROOT=/var/lib/docker
pm_lane lane_history
pm_lane lane_daemon_settings
list_containers
pm_begin docker "$CONTAINER" "$TARGET_ID"
pm_lane lane_failing
pm_lane pm_section net.sockets 'ss -tlnp; /proc/<pid>/net/tcp{,6} LISTEN rows per running container' probe_sockets
pm_lane pm_section net.probe 'tcp connect to exposed ports of running containers' probe_ports
if [ "$STRACE_SECONDS" -gt 0 ] && { [ -n "$TRACE_PID" ] || [ -n "$CONTAINER" ]; }; then
  pm_section trace.syscalls "strace -f -tt -C -p <pid> for ${STRACE_SECONDS}s" probe_strace
fi
# Last in this shell: it waits for the sample started first, which is its own child.
pm_section io.block "/proc/PID/io deltas over ${IO_SECONDS}s (sampled from the start); iostat -dxk" probe_io
pm_end "$SINCE" "$REMEDIATED_AT"
