#!/usr/bin/env bash
# `npm test` as on a fresh Debian 12 + Node 20 machine with nothing else installed, on this one:
# in a private mount namespace, every tool that .ci/run installs beyond a standard Debian install
# (the Docker engine, chromium, shellcheck, strace, sysstat, the registry, dnsmasq, apache2-utils,
# busybox, iptables) is removed from view with an overlay whiteout, and the optional ../shared
# folder is covered by an empty directory. The mounts vanish with the namespace; nothing on the machine changes.
# Tests that need what is hidden skip, and the run ends with the list of what skipped and why.
# Needs root (unshare -m). Usage: bash test/fresh-machine.sh [vitest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "test/fresh-machine.sh: needs root to make a private mount namespace (unshare -m)" >&2
  exit 2
fi

HIDDEN_TOOLS=(
  docker dockerd containerd containerd-shim-runc-v2 runc docker-proxy docker-init  # docker.io
  chromium                                                                           # chromium
  shellcheck strace iostat pidstat mpstat                                            # collector test tools
  docker-registry dnsmasq htpasswd ab busybox iptables ip6tables                     # Docker fault lab
)

exec unshare --mount --propagation private -- bash -euo pipefail -c '
  scratch=$(mktemp -d) && mount -t tmpfs paramedic-fresh-machine "$scratch"
  hidden=()
  # Each directory holding a hidden tool becomes an overlay whose upper layer has a whiteout for
  # the tool: it is absent (command not found), as on a machine that never installed it.
  for dir in $(for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do readlink -f "$d"; done | sort -u); do
    whiteouts=()
    for tool in "$@"; do [ -e "$dir/$tool" ] && whiteouts+=("$tool"); done
    [ "${#whiteouts[@]}" -gt 0 ] || continue
    layer="$scratch/$(echo "$dir" | tr / _)" && mkdir -p "$layer/up" "$layer/work"
    for tool in "${whiteouts[@]}"; do mknod "$layer/up/$tool" c 0 0; hidden+=("$dir/$tool"); done
    mount -t overlay overlay -o "lowerdir=$dir,upperdir=$layer/up,workdir=$layer/work" "$dir"
  done
  if [ -e ../shared ]; then
    mkdir "$scratch/empty" && mount --bind "$scratch/empty" "$(readlink -f ../shared)"
    hidden+=("$(readlink -f ../shared)/")
  fi
  echo "fresh machine: hidden ${hidden[*]-nothing}" >&2
  exec env -u CI -u GITHUB_ACTIONS npx vitest run ${VITEST_ARGS-}
' fresh-machine "${HIDDEN_TOOLS[@]}"
