#!/usr/bin/env bash
# Paramedic evidence collector for an EC2 host running Docker. Prints one evidence bundle
# (paramedic.evidence/v1) on stdout; read-only; every command under timeout; each section
# bounded (tail kept); ~30 s budget. Works with the Docker daemon down.
#
# Parameters (environment, validated before use):
#   PARAMEDIC_CONTAINER       container name or id to look at closely (logs, inspect, strace)
#   PARAMEDIC_PID             host pid to trace instead of the container's main process
#   PARAMEDIC_SINCE_MINUTES   journal window, minutes (default 30)
#   PARAMEDIC_STRACE_SECONDS  strace sample length, 0 = no trace (default 0, max 10)
#   PARAMEDIC_PROBE_HOST      a host name to resolve in net.dns (default: none)
# Local-run knobs (not SSM parameters): DOCKER_HOST, PARAMEDIC_DOCKER_LOG_FILE,
#   PARAMEDIC_DOCKER_CONFIG_FILE, PARAMEDIC_IO_SAMPLE_SECONDS.
set -euo pipefail
# shellcheck source=runbooks/collectors/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" # paramedic:include runbooks/collectors/lib.sh

CONTAINER=$(pm_param CONTAINER '' '^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$')
TRACE_PID=$(pm_param PID '' '^[1-9][0-9]{0,9}$')
SINCE=$(pm_param SINCE_MINUTES 30 '^[1-9][0-9]{0,4}$')
STRACE_SECONDS=$(pm_param STRACE_SECONDS 0 '^([0-9]|10)$')
PROBE_HOST=$(pm_param PROBE_HOST '' '^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$')
IO_SECONDS=$(pm_param IO_SAMPLE_SECONDS 2 '^[1-5]$')
DOCKER_LOG_FILE=$(pm_param DOCKER_LOG_FILE '' '^/[a-zA-Z0-9/_.-]{1,255}$')
DOCKER_CONFIG_FILE=$(pm_param DOCKER_CONFIG_FILE /etc/docker/daemon.json '^/[a-zA-Z0-9/_.-]{1,255}$')
MAX_INSPECT=10
MAX_LOGS=5
MAX_NETNS=30

pm_init
DOCKER_OK=0
DOCKER_ROOT=/var/lib/docker
FAILING="$PM_TMP/failing"      # "id name" of unhealthy/exited/restarting/dead containers
RUNNING="$PM_TMP/running"      # "pid name id" of running containers
IDMAP="$PM_TMP/idmap"          # "id name" of all containers
: >"$FAILING"; : >"$RUNNING"; : >"$IDMAP"

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
  printf '$ docker version\n'
  if pm_run 6 docker version 2>&1; then DOCKER_OK=1; fi
  if [ "$DOCKER_OK" -eq 1 ]; then
    pm_cmd 8 docker info
  else
    printf '# docker info skipped: the daemon did not answer docker version\n'
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

list_containers() {
  [ "$DOCKER_OK" -eq 1 ] || return 0
  local ids
  timeout -k 1 5 docker ps -a -n 500 --no-trunc --format '{{.ID}} {{.Names}}' >"$IDMAP" 2>/dev/null || true
  {
    [ -z "$CONTAINER" ] || timeout -k 1 5 docker inspect -f '{{.Id}} {{.Name}}' "$CONTAINER" 2>/dev/null || true
    timeout -k 1 5 docker ps -a -n 200 --no-trunc --format '{{.ID}} {{.Names}}' \
      --filter status=exited --filter status=restarting --filter status=dead --filter status=created 2>/dev/null || true
    timeout -k 1 5 docker ps -n 200 --no-trunc --format '{{.ID}} {{.Names}}' --filter health=unhealthy 2>/dev/null || true
  } | sed 's# /# #' | awk '!seen[$1]++' | head -n "$MAX_INSPECT" >"$FAILING"
  ids=$(timeout -k 1 5 docker ps -q --no-trunc 2>/dev/null | head -n "$MAX_NETNS" || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # ids are docker's own hex ids
    timeout -k 1 8 docker inspect -f '{{.State.Pid}} {{.Name}} {{.Id}}' $ids 2>/dev/null | sed 's# /# #' >"$RUNNING" || true
  fi
  DOCKER_ROOT=$(timeout -k 1 5 docker info -f '{{.DockerRootDir}}' 2>/dev/null || printf '/var/lib/docker')
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
  local id name n=0
  if [ ! -s "$FAILING" ]; then printf '# no unhealthy, exited or restarting containers\n'; return 0; fi
  while read -r id name; do
    n=$((n + 1))
    [ "$n" -le "$MAX_LOGS" ] || break
    printf '# logs container=%s (last 60 lines)\n' "$name"
    pm_run 5 docker logs --tail 60 --timestamps "$id" 2>&1 || true
  done <"$FAILING"
}

probe_system_df() {
  [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
  pm_run 10 docker system df
}

probe_journal() {
  local log=$DOCKER_LOG_FILE
  if pm_probe_journal "$SINCE" docker docker.socket containerd; then return 0; fi
  # Hosts without systemd (and local runs) log dockerd to a file.
  for log in $log /var/log/docker /var/log/docker.log /var/log/upstart/docker.log; do
    if [ -r "$log" ]; then
      printf '# tail of %s\n' "$log"
      tail -n 300 -- "$log"
      PM_SECTION_ERROR=''
      PM_SECTION_RC=0
      return 0
    fi
  done
  return 1
}

probe_daemon_config() {
  pm_cat "$DOCKER_CONFIG_FILE" /etc/sysconfig/docker /etc/default/docker
  if pm_have systemctl && [ -d /run/systemd/system ]; then
    pm_cmd 4 systemctl cat docker.service docker.socket --no-pager
  fi
  printf '# dockerd processes\n'
  pgrep -a -x dockerd 2>/dev/null | cut -c1-400 || printf '(no dockerd process)\n'
}

probe_services() {
  if pm_have systemctl && [ -d /run/systemd/system ]; then
    pm_cmd 4 systemctl --failed --no-pager
    pm_cmd 5 systemctl status docker.service docker.socket containerd.service --no-pager -l -n 20
  else
    printf 'systemctl: systemd is not running on this host\n'
    pm_note_error 'no systemd'
    if pm_have service; then pm_cmd 4 service docker status; fi
  fi
  printf '# processes\n'
  pgrep -a -x dockerd 2>/dev/null | cut -c1-300 || printf '(no dockerd process running)\n'
  pgrep -a -x containerd 2>/dev/null | cut -c1-300 || printf '(no containerd process running)\n'
}

probe_sockets() {
  local pid name id
  printf '# host\n'
  pm_run 4 ss -tlnp 2>&1 || true
  [ "$DOCKER_OK" -eq 1 ] || { printf '# per-container namespaces skipped: the Docker daemon is not reachable\n'; return 0; }
  while read -r pid name id; do
    if [ -z "$pid" ] || [ "$pid" = 0 ]; then continue; fi
    printf '# netns container=%s pid=%s\n' "$name" "$pid"
    pm_run 3 nsenter -t "$pid" -n ss -tlnp 2>&1 || true
  done <"$RUNNING"
}

# TCP connect to each exposed port of each running container, at the container's own address,
# from the host side (what docker-proxy and peers do). Bounded: 40 probes, 2 s each.
probe_ports() {
  [ "$DOCKER_OK" -eq 1 ] || { daemon_skip; return 1; }
  local ids n=0 name addrs ports ip port
  ids=$(cut -d' ' -f3 "$RUNNING")
  if [ -z "$ids" ]; then printf '# no running containers\n'; return 0; fi
  # shellcheck disable=SC2086,SC2016 # ids are docker's own hex ids; $p is a Go template variable
  timeout -k 1 8 docker inspect -f '{{.Name}}|{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}|{{range $p, $b := .NetworkSettings.Ports}}{{$p}}{{range $b}}->{{.HostIp}}:{{.HostPort}}{{end}} {{end}}' $ids 2>/dev/null \
    | sed 's#^/##' >"$PM_TMP/ports" || true
  while IFS='|' read -r name addrs ports; do
    for port in $ports; do
      case "$port" in */tcp*) ;; *) continue ;; esac
      for ip in $addrs; do
        n=$((n + 1))
        [ "$n" -le 40 ] || { printf '# more probes skipped (limit 40)\n'; return 0; }
        printf '# probe container=%s port=%s\n' "$name" "$port"
        # shellcheck disable=SC2016 # $0 and $1 are the inner shell's arguments
        if timeout -k 1 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$ip" "${port%%/*}" 2>"$PM_TMP/probe.err"; then
          printf 'connected to %s port %s (tcp)\n' "$ip" "${port%%/*}"
        else
          printf 'connect to %s port %s (tcp) failed: %s\n' "$ip" "${port%%/*}" \
            "$(sed -e 's/^.*connect: //' -e 's/^bash: //' "$PM_TMP/probe.err" | head -n 1 | tr -d '\r')"
        fi
      done
    done
  done <"$PM_TMP/ports"
  [ "$n" -gt 0 ] || printf '# no exposed tcp ports on running containers\n'
}

probe_proxy() {
  local pid
  printf '# proxy variables of dockerd (credentials masked)\n'
  for pid in $(pgrep -x dockerd 2>/dev/null || true); do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -iE '^(https?|no|all)_proxy=' || printf '(pid %s: none)\n' "$pid"
  done | sed -E 's#(://)[^/@]*@#\1****@#'
  if [ "$DOCKER_OK" -eq 1 ]; then
    printf '# docker info proxy settings\n'
    timeout -k 1 5 docker info -f 'HTTPProxy={{.HTTPProxy}} HTTPSProxy={{.HTTPSProxy}} NoProxy={{.NoProxy}}' 2>&1 | sed -E 's#(://)[^/@]*@#\1****@#' || true
  fi
}

probe_selinux() {
  pm_cmd 2 getenforce
  pm_cmd 2 sestatus
  if [ "$DOCKER_OK" -eq 1 ]; then
    printf '# docker security options\n'
    timeout -k 1 5 docker info -f '{{.SecurityOptions}}' 2>&1 || true
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
    pid=$(timeout -k 1 5 docker inspect -f '{{.State.Pid}}' "$CONTAINER" 2>/dev/null || true)
    if [ -z "$pid" ] || [ "$pid" = 0 ]; then
      printf 'container %s has no running main process to trace\n' "$CONTAINER"
      pm_note_error 'container not running'
      return 1
    fi
  fi
  pm_probe_strace "$pid" "$STRACE_SECONDS"
}

probe_io() {
  local map="$PM_TMP/io.map"
  awk '{ print $3, $2 }' "$RUNNING" >"$map"
  pm_probe_io_block "$IO_SECONDS" "$map"
}

# --- the run ----------------------------------------------------------------------------------

pm_begin docker "$CONTAINER"
pm_section docker.cli 'docker version; docker info' probe_docker_cli
list_containers
pm_section host.os 'uname -a; cat /etc/os-release; uptime' pm_probe_host_os
pm_section host.services 'systemctl --failed; systemctl status docker docker.socket containerd' probe_services
pm_section docker.journal "journalctl -u docker -u docker.socket -u containerd --since -${SINCE}min" probe_journal
pm_section docker.daemon-config "cat $DOCKER_CONFIG_FILE /etc/sysconfig/docker; systemctl cat docker" probe_daemon_config
pm_section docker.ps 'docker ps -a' probe_docker_ps
pm_section docker.inspect 'docker inspect <unhealthy|exited|restarting containers>' probe_docker_inspect
pm_section docker.logs 'docker logs --tail 60 <failing containers>' probe_docker_logs
pm_section disk.df 'df -P' pm_probe_disk_df
pm_section disk.inodes 'df -iP' pm_probe_disk_inodes
pm_section net.sockets 'ss -tlnp; nsenter -t <pid> -n ss -tlnp per running container' probe_sockets
pm_section net.probe 'tcp connect to exposed ports of running containers' probe_ports
pm_section net.addr 'ip addr; ip route' pm_probe_net_addr
pm_section net.dns 'cat /etc/resolv.conf; getent hosts <probeHost>' pm_probe_net_dns "$PROBE_HOST"
pm_section net.proxy 'proxy environment of dockerd' probe_proxy
pm_section kernel.log "dmesg (last ${SINCE} min) | tail" pm_probe_kernel_log "$SINCE"
pm_section kernel.loop 'losetup -a; losetup -f; ls -l /dev/loop*' pm_probe_kernel_loop
pm_section security.selinux 'getenforce; sestatus' probe_selinux
pm_section security.groups 'getent group docker; ls -l <docker socket>' probe_groups
pm_section io.block "/proc/PID/io deltas over ${IO_SECONDS}s; iostat -dxk" probe_io
if [ "$STRACE_SECONDS" -gt 0 ] && { [ -n "$TRACE_PID" ] || [ -n "$CONTAINER" ]; }; then
  pm_section trace.syscalls "strace -f -tt -C -p <pid> for ${STRACE_SECONDS}s" probe_strace
fi
pm_section docker.system-df 'docker system df' probe_system_df
pm_section disk.usage "du -x -k --max-depth=2 $DOCKER_ROOT /var/log /var/lib/containerd" pm_probe_disk_usage "$DOCKER_ROOT" /var/log /var/lib/containerd
pm_end
