#!/usr/bin/env bash
# Paramedic evidence collector for an EKS worker node (containerd + kubelet). Prints one evidence
# bundle (paramedic.evidence/v1) on stdout; read-only; every command under timeout; each section
# bounded (tail kept); ~30 s budget. Works with kubelet or containerd down.
#
# Parameters (environment, validated before use):
#   PARAMEDIC_SINCE_MINUTES   journal window, minutes (default 30)
#   PARAMEDIC_PID             host pid to trace (with PARAMEDIC_STRACE_SECONDS > 0)
#   PARAMEDIC_STRACE_SECONDS  strace sample length, 0 = no trace (default 0, max 10)
#   PARAMEDIC_PROBE_HOST      a host name to resolve in net.dns (default: none)
set -euo pipefail
# shellcheck source=runbooks/collectors/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" # paramedic:include runbooks/collectors/lib.sh

SINCE=$(pm_param SINCE_MINUTES 30 '^[1-9][0-9]{0,4}$')
TRACE_PID=$(pm_param PID '' '^[1-9][0-9]{0,9}$')
STRACE_SECONDS=$(pm_param STRACE_SECONDS 0 '^([0-9]|10)$')
PROBE_HOST=$(pm_param PROBE_HOST '' '^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$')
IO_SECONDS=$(pm_param IO_SAMPLE_SECONDS 2 '^[1-5]$')

pm_init

crictl_run() {
  local secs=$1
  shift
  pm_cmd "$secs" crictl "$@"
}

probe_services() {
  if pm_have systemctl && [ -d /run/systemd/system ]; then
    pm_cmd 4 systemctl --failed --no-pager
    pm_cmd 5 systemctl status kubelet.service containerd.service sandbox-image.service --no-pager -l -n 15
  else
    printf 'systemctl: systemd is not running on this host\n'
    pm_note_error 'no systemd'
  fi
  printf '# processes\n'
  pgrep -a -x kubelet 2>/dev/null | cut -c1-400 || printf '(no kubelet process running)\n'
  pgrep -a -x containerd 2>/dev/null | cut -c1-300 || printf '(no containerd process running)\n'
}

probe_crictl() {
  crictl_run 6 ps -a
  crictl_run 6 pods
  crictl_run 8 images
  crictl_run 6 stats
}

probe_kubelet_config() {
  pm_cat /etc/kubernetes/kubelet/kubelet-config.json /etc/eks/release /etc/containerd/config.toml
}

probe_sockets() {
  printf '# host\n'
  pm_run 4 ss -tlnp 2>&1 || true
}

probe_strace() { pm_probe_strace "$TRACE_PID" "$STRACE_SECONDS"; }

probe_io() {
  local map="$PM_TMP/io.map"
  # Map container ids to names through crictl when it answers; otherwise ids are shown.
  timeout -k 1 5 crictl ps -q 2>/dev/null | while read -r id; do
    timeout -k 1 3 crictl inspect --output go-template --template '{{.status.id}} {{.status.metadata.name}}' "$id" 2>/dev/null || true
    printf '\n'
  done >"$map" || true
  pm_probe_io_block "$IO_SECONDS" "$map"
}

pm_begin eks
pm_section host.os 'uname -a; cat /etc/os-release; uptime' pm_probe_host_os
pm_section host.services 'systemctl --failed; systemctl status kubelet containerd' probe_services
pm_section kubelet.journal "journalctl -u kubelet --since -${SINCE}min" pm_probe_journal "$SINCE" kubelet
pm_section containerd.journal "journalctl -u containerd --since -${SINCE}min" pm_probe_journal "$SINCE" containerd
pm_section crictl.ps 'crictl ps -a; crictl pods; crictl images; crictl stats' probe_crictl
pm_section kubelet.config 'cat kubelet-config.json /etc/eks/release containerd config.toml' probe_kubelet_config
pm_section disk.df 'df -P' pm_probe_disk_df
pm_section disk.inodes 'df -iP' pm_probe_disk_inodes
pm_section net.sockets 'ss -tlnp' probe_sockets
pm_section net.addr 'ip addr; ip route' pm_probe_net_addr
pm_section net.dns 'cat /etc/resolv.conf; getent hosts <probeHost>' pm_probe_net_dns "$PROBE_HOST"
pm_section kernel.log "dmesg (last ${SINCE} min) | tail" pm_probe_kernel_log "$SINCE"
pm_section io.block "/proc/PID/io deltas over ${IO_SECONDS}s; iostat -dxk" probe_io
if [ "$STRACE_SECONDS" -gt 0 ] && [ -n "$TRACE_PID" ]; then
  pm_section trace.syscalls "strace -f -tt -C -p <pid> for ${STRACE_SECONDS}s" probe_strace
fi
pm_section disk.usage 'du -x -k --max-depth=2 /var/lib/containerd /var/lib/kubelet /var/log' pm_probe_disk_usage /var/lib/containerd /var/lib/kubelet /var/log
pm_end
