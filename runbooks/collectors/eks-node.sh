#!/usr/bin/env bash
# Paramedic evidence collector for an EKS worker node (containerd + kubelet). Prints one evidence
# bundle (paramedic.evidence/v1) on stdout; read-only; every command under timeout; each section
# bounded (tail kept), the bundle under 1 MiB; a few seconds, 10 s budget per section, no section
# skipped for time. Works with kubelet or containerd down.
# Every timestamped section (kernel log, kubelet and containerd logs) is read from the incident
# window: SINCE_MINUTES before INCIDENT_TIME (or before now).
#
# Parameters (environment, validated before use):
#   PARAMEDIC_INCIDENT_TIME   when the incident began, RFC 3339 UTC (default: now)
#   PARAMEDIC_SINCE_MINUTES   lookback before the incident time, minutes (default 15)
#   PARAMEDIC_REMEDIATED_AT   on evidence that verifies a fix: when the fix ran, RFC 3339 UTC
#   PARAMEDIC_KUBELET_LOG     kubelet's log file, when it is neither in the journal nor a usual file
#   PARAMEDIC_CONTAINERD_LOG  containerd's log file, likewise
#   (every log file: under /var/log only, no `..`, links resolved, and the file opened checked
#   again; PM_LOG_PATH_PATTERN, pm_log_inside, pm_log_read)
#   PARAMEDIC_IPAMD_LOG       the VPC CNI's ipamd log (default /var/log/aws-routed-eni/ipamd.log)
#   PARAMEDIC_POLICY_AGENT_LOG  the VPC CNI network policy agent's log, its flow verdicts
#                             (default /var/log/aws-routed-eni/network-policy-agent.log)
#   PARAMEDIC_PID             host pid to trace (with PARAMEDIC_STRACE_SECONDS > 0)
#   PARAMEDIC_STRACE_SECONDS  strace sample length, 0 = no trace (default 0, max 10)
#   PARAMEDIC_PROBE_HOST      a host name to resolve in net.dns (default: none)
set -euo pipefail
# shellcheck source=runbooks/collectors/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh" # paramedic:include runbooks/collectors/lib.sh

INCIDENT_TIME=$(pm_param INCIDENT_TIME '' "$PM_TIME_PATTERN")
SINCE=$(pm_param SINCE_MINUTES 15 '^[0-9]{1,5}$')
REMEDIATED_AT=$(pm_param REMEDIATED_AT '' "$PM_TIME_PATTERN")
KUBELET_LOG=$(pm_log_param KUBELET_LOG '')
CONTAINERD_LOG=$(pm_log_param CONTAINERD_LOG '')
IPAMD_LOG=$(pm_log_param IPAMD_LOG /var/log/aws-routed-eni/ipamd.log)
POLICY_AGENT_LOG=$(pm_log_param POLICY_AGENT_LOG /var/log/aws-routed-eni/network-policy-agent.log)
TRACE_PID=$(pm_param PID '' '^[1-9][0-9]{0,9}$')
STRACE_SECONDS=$(pm_param STRACE_SECONDS 0 '^([0-9]|10)$')
PROBE_HOST=$(pm_param PROBE_HOST '' '^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$')
IO_SECONDS=$(pm_param IO_SAMPLE_SECONDS 2 '^[1-5]$')

# Bottlerocket runs SSM's commands in its control container, whose own namespaces hold neither the
# kubelet, containerd, their logs nor the node's files: collected there, a healthy node would read
# as one whose kubelet is gone. The API's socket and its client (apiclient) are also in the admin
# container and on the host (after `sheltie`), where the node can be read; the control container
# alone has both and sees no kubelet process (a PID namespace of its own) and no host root at
# /.bottlerocket/rootfs (the admin container's mount of it). Only there is nothing collected, and
# the operator told where the node can be read. The process names are read from /proc/PID/comm,
# what `pgrep -x` matches, so a host without procps is read alike.
# PM_BOTTLEROCKET_API_SOCKET, PM_BOTTLEROCKET_ROOTFS: tests only.
if [ -S "${PM_BOTTLEROCKET_API_SOCKET:-/run/api.sock}" ] && command -v apiclient >/dev/null 2>&1 &&
  ! grep -qsx kubelet /proc/[0-9]*/comm && [ ! -d "${PM_BOTTLEROCKET_ROOTFS:-/.bottlerocket/rootfs}" ]; then
  printf '%s\n' "paramedic collector: this node runs Bottlerocket and SSM ran the collector in its control container, which sees neither the kubelet nor containerd; no node evidence was collected (the cluster's side is still read through the Kubernetes API). Read the node from its admin container (apiclient exec admin sheltie) or run the collector there." >&2
  exit 3
fi

pm_init
pm_window "$INCIDENT_TIME" "$SINCE"

crictl_run() {
  local secs=$1
  shift
  pm_cmd "$secs" crictl "$@"
}

# Filed through pm_masked: systemctl status shows the daemons' command lines and log lines.
probe_services() {
  if pm_have_systemd; then
    pm_cmd 4 systemctl --failed --no-pager
    pm_local_time_heading
    pm_cmd 5 systemctl status kubelet.service containerd.service sandbox-image.service --no-pager -l -n 15
  else
    printf 'systemctl: systemd is not running on this host\n'
    pm_note_error 'no systemd'
  fi
  printf '# processes\n'
  pm_processes kubelet 400
  pm_processes containerd 300
}

probe_crictl() {
  crictl_run 6 ps -a
  crictl_run 6 pods
  crictl_run 8 images
  crictl_run 6 stats
}

# The kubelet's configuration as the AMI wrote it: AL2's bootstrap.sh writes kubelet-config.json;
# AL2023's nodeadm writes config.json and, for kubelet 1.29+, the NodeConfig's own kubelet options
# (a clusterDNS, evictionHard, …) as drop-ins in config.json.d that override it, read in name order
# (https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/#kubelet-conf-d;
# amazon-eks-ami nodeadm/internal/kubelet/config.go). Tests point PM_KUBELET_CONFIG_DIR at a
# directory of their own; nothing else sets it.
KUBELET_CONFIG_DIR=${PM_KUBELET_CONFIG_DIR:-/etc/kubernetes/kubelet}
# containerd's configuration, with its registry credentials masked. PM_CONTAINERD_CONFIG: tests only.
CONTAINERD_CONFIG=${PM_CONTAINERD_CONFIG:-/etc/containerd/config.toml}
probe_kubelet_config() {
  local dropins="$KUBELET_CONFIG_DIR/config.json.d" f total=0
  pm_cat "$KUBELET_CONFIG_DIR/kubelet-config.json" "$KUBELET_CONFIG_DIR/config.json"
  # In the kubelet's order (byte order of the names): the last file printed wins, so beyond 8
  # drop-ins the last 8 are shown (the ones that take effect) and the skipped ones are counted.
  if [ -d "$dropins" ]; then
    total=$(compgen -G "$dropins/*.conf" | wc -l)
    if [ "$total" -gt 8 ]; then
      printf '# %s: %d drop-ins; the first %d (overridden by the ones below) are not shown\n' \
        "$dropins" "$total" $((total - 8))
    fi
    while IFS= read -r f; do pm_cat "$f"; done < <(compgen -G "$dropins/*.conf" | LC_ALL=C sort | tail -n 8)
  fi
  pm_cat /etc/eks/release
  pm_cat "$CONTAINERD_CONFIG" | pm_mask_toml_secrets
}

probe_sockets() {
  printf '# host\n'
  pm_run 4 ss -tlnp 2>&1 || true
}

probe_kubelet_log() {
  pm_probe_daemon_log "$KUBELET_LOG" '/var/log/kubelet.log /var/log/kubelet/kubelet.log' 'kubelet(\[[0-9]+\])?:' kubelet
}

probe_containerd_log() {
  pm_probe_daemon_log "$CONTAINERD_LOG" '/var/log/containerd.log /var/log/containerd/containerd.log' 'containerd(\[[0-9]+\])?:' containerd
}

# cni_log_heading FILE PARAMETER WHY_ABSENT WHICH_LINES: the heading of a VPC CNI log section, or
# (returning 1, so the probe stops) why the file cannot be read: absent on this node, or not a
# readable file. PARAMETER names the file elsewhere: the document parameter, its CLI flag and its
# environment variable.
cni_log_heading() {
  local file=$1 parameter=$2 absent=$3 lines=$4
  if [ ! -e "$file" ]; then
    printf '# %s: not on this node (%s; a log written elsewhere: give its path in the %s)\n' "$file" "$absent" "$parameter"
    return 1
  fi
  if [ ! -f "$file" ] || [ ! -r "$file" ]; then
    printf '# %s: not a readable file (run the collector as root, or give a readable copy in the %s)\n' "$file" "$parameter"
    return 1
  fi
  printf '# log file %s, %s (lines since %s)\n' "$file" "$lines" "$PM_FROM_ISO"
}

# The VPC CNI's IP address manager (aws-node's ipamd) logs why pod networking is not ready (EC2
# calls refused, no free IPs, the API server unreachable) on the node itself, where the kubelet's
# "cni plugin not initialized" does not say why. Its log is JSON at debug level (a line every few
# seconds): only warnings and errors of the window, so the section stays small.
probe_ipamd_log() {
  local log
  pm_log_inside log "$IPAMD_LOG" || return 0
  cni_log_heading "$log" 'ipamdLog parameter (--ipamd-log, PARAMEDIC_IPAMD_LOG)' 'no VPC CNI, or another CNI' 'warnings and errors' || return 0
  pm_log_read "$log" ipamd_window_warnings
}

# ipamd_window_warnings: probe_ipamd_log's filter.
ipamd_window_warnings() {
  { LC_ALL=C grep -E '"level": ?"(warn|warning|error|fatal|panic|dpanic)"|\[(WARN|WARNING|ERROR|FATAL)\]' || true; } |
    pm_window_filter | tail -n 500
}

# The VPC CNI's network policy agent (aws-eks-nodeagent in aws-node) enforces NetworkPolicies in
# eBPF; with policy event logs on (--enable-policy-event-logs, the add-on's
# nodeAgent.enablePolicyEventLogs) it logs one line per flow verdict to its log file, by default
# /var/log/aws-routed-eni/network-policy-agent.log (aws-network-policy-agent pkg/logger
# DEFAULT_LOG_LOCATION; the chart's nodeAgent.networkPolicyAgentLogFileLocation), zap JSON with an
# ISO "ts" in UTC, rotated by size (lumberjack, 200 MB: days of lines). Its DENY lines, in the
# wordings the classifier's netpol.verdict fact reads:
#   the fields as JSON keys: "msg":"Flow Info:  ","Src IP":"…",…,"Proto":"TCP","Verdict":"DENY"
#   later releases, inside the message: "msg":"Flow Info: Src IP: … Proto: TCP Verdict: DENY
#     Direction: egress" (IPv6); "… Proto TCP Verdict DENY Direction egress" (IPv4, no colons)
#   the text form (Node: …;SIP: …;PolicyVerdict: DENY) the agent sends to CloudWatch; kept when a
#     line of it carries a stamp (a file exported with one), as below.
# ACCEPT lines are the bulk (every allowed flow; at debug level from v1.2.2) and prove nothing: only
# DENY lines are kept. A stamp-less line would "go with the line before" in pm_window_filter, and
# before the first stamp it is kept: in a file that can hold days of flows a stale DENY could then
# pass as the incident's. So only lines carrying a stamp the filter places (a JSON "ts"/"time" near
# the start, or an ISO stamp first) are read; the agent writes no other kind to its file.
# https://github.com/aws/aws-network-policy-agent (README: log level, policy event logs)
probe_policy_agent_log() {
  local log
  pm_log_inside log "$POLICY_AGENT_LOG" || return 0
  cni_log_heading "$log" 'policyAgentLog parameter (--policy-agent-log, PARAMEDIC_POLICY_AGENT_LOG)' 'no VPC CNI network policy agent, or another CNI' 'DENY flow lines' || return 0
  pm_log_read "$log" policy_window_denies
}

# policy_window_denies: probe_policy_agent_log's filter. The newest 200 lines (about 60 KB, under
# the section cap): a flood repeats the same few flows.
policy_window_denies() {
  { LC_ALL=C grep -E '"Verdict": ?"DENY"|Verdict:? DENY([^A-Za-z/]|$)' || true; } |
    { LC_ALL=C grep -E '^\{.{0,88}"(ts|time)": ?"[0-9]{4}-[0-9]{2}-[0-9]{2}T|^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}' || true; } |
    pm_window_filter | tail -n 200 |
    LC_ALL=C awk '{ print } END { if (NR == 0) print "# no DENY flow line in the window (no flow denied, or policy event logs off: enable-policy-event-logs)" }'
}

probe_strace() { pm_probe_strace "$TRACE_PID" "$STRACE_SECONDS"; }

# crictl_names: "ID NAME" lines of the running containers, from `crictl ps -o json` on stdin. Each
# container object lists "id" before its "metadata" (whose "name" is the container's); label and
# annotation keys are dotted ("io.kubernetes.container.name"), never a bare "name". Read token by
# token, so pretty-printed and one-line JSON alike.
crictl_names() {
  LC_ALL=C grep -oE '"(id|name)": *"[^"]*"' |
    LC_ALL=C awk -F'"' '$2 == "id" { id = $4; next } $2 == "name" && id != "" { print id, $4; id = "" }'
}

# Container ids to names through crictl when it answers; otherwise ids are shown. One listing
# (one ListContainers call), inside the section's budget: a `crictl inspect` per container took
# 3 s each on a loaded node, which with 40 containers outran the document's 60 s, and SSM then
# kills the script before pm_end prints anything.
probe_io() {
  local map="$PM_TMP/io.map" secs=$((PM_SECTION_DEADLINE - SECONDS))
  [ "$secs" -le 5 ] || secs=5
  [ "$secs" -ge 1 ] || secs=1
  : >"$map"
  if pm_have crictl; then
    if timeout -k 1 "$secs" crictl ps -o json >"$PM_TMP/crictl-ps.json" 2>/dev/null; then
      crictl_names <"$PM_TMP/crictl-ps.json" >"$map" || true
    else
      printf '# crictl ps -o json did not answer within %ss: containers are shown by id\n' "$secs"
    fi
  fi
  pm_probe_io_block "$map"
}

# Lanes run side by side: most of a collection is waiting (on a daemon, a sample, a timeout).
lane_runtime() {
  pm_section crictl.ps 'crictl ps -a; crictl pods; crictl images; crictl stats' probe_crictl
  pm_section kubelet.config 'cat kubelet-config.json (AL2), config.json and config.json.d/*.conf (AL2023), /etc/eks/release, containerd config.toml' probe_kubelet_config
}
lane_host() {
  pm_section host.os 'uname -a; cat /etc/os-release; uptime' pm_probe_host_os
  pm_section host.services 'systemctl --failed; systemctl status kubelet containerd' pm_masked probe_services
  pm_section disk.df 'df -P' pm_probe_disk_df
  pm_section disk.inodes 'df -iP' pm_probe_disk_inodes
  pm_section disk.usage 'du -x -k --max-depth=2 /var/lib/containerd /var/lib/kubelet /var/log' pm_probe_disk_usage /var/lib/containerd /var/lib/kubelet /var/log
}

pm_begin eks
pm_io_sample_start "$IO_SECONDS"
pm_lane lane_runtime
pm_lane lane_host
pm_section kubelet.journal 'journalctl -u kubelet, or the kubelet log file, since the window start' pm_masked probe_kubelet_log
pm_section containerd.journal 'journalctl -u containerd, or the containerd log file, since the window start' pm_masked probe_containerd_log
pm_section cni.ipamd "warnings and errors of the VPC CNI's ipamd log ($IPAMD_LOG) since the window start" pm_masked probe_ipamd_log
pm_section cni.policy-verdicts "DENY flow lines of the VPC CNI network policy agent's log ($POLICY_AGENT_LOG) since the window start" pm_masked probe_policy_agent_log
pm_section net.sockets 'ss -tlnp' probe_sockets
pm_section net.addr 'ip addr; ip route' pm_probe_net_addr
pm_section net.dns 'cat /etc/resolv.conf; getent hosts <probeHost>' pm_probe_net_dns "$PROBE_HOST"
# The daemons that pull images and call the API: their proxy is the one that counts.
pm_section net.proxy 'proxy environment of kubelet, containerd, dockerd (/proc/PID/environ), their unit proxy lines (systemctl cat) and DefaultEnvironment' pm_probe_proxy kubelet containerd dockerd
pm_section kernel.log 'dmesg since the window start | tail' pm_probe_kernel_log
if [ "$STRACE_SECONDS" -gt 0 ] && [ -n "$TRACE_PID" ]; then
  pm_section trace.syscalls "strace -f -tt -C -p <pid> for ${STRACE_SECONDS}s" probe_strace
fi
# Last in this shell: it waits for the sample started first, which is its own child.
pm_section io.block "/proc/PID/io deltas over ${IO_SECONDS}s (sampled from the start); iostat -dxk" probe_io
pm_end "$SINCE" "$REMEDIATED_AT"
