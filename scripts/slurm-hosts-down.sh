#!/usr/bin/env bash
# Removes the simulated multi-host Slurm of scripts/slurm-hosts-up.sh: cancels its jobs,
# stops its daemons by their pid files, kills whatever still runs in a host's namespace,
# then deletes the namespaces, links, bridge, /etc/hosts entries, configuration, state
# and logs. Safe to run twice, and when nothing is up. The loopback Slurm of
# scripts/slurm-up.sh is not touched.
#
#   bash scripts/slurm-hosts-down.sh                  # everything
#   bash scripts/slurm-hosts-down.sh --keep-network   # the daemons only (for a restart)
set -uo pipefail

HOSTS_MAX=16
BRIDGE=lpbr0
ETC=/etc/slurm-lp-hosts
CONF="$ETC/slurm.conf"
RUN=/run/lp-slurm-hosts
SPOOL=/var/spool/lp-slurm-hosts
LOGS=/var/log/lp-slurm-hosts
MARKER='# launchpad-ts slurm-hosts'

log() { printf 'slurm-hosts-down: %s\n' "$*" >&2; }
# shellcheck source=scripts/slurm-lib.sh
source "$(dirname "$0")/slurm-lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root"
  exit 1
fi

if command -v squeue >/dev/null && [ -f "$CONF" ] && [ -f "$RUN/slurmctld.pid" ]; then
  # Jobs left behind would be restored from the state directory on the next start.
  SLURM_CONF="$CONF" squeue -h -o '%i' 2>/dev/null | xargs -r env SLURM_CONF="$CONF" scancel 2>/dev/null || true
fi

for file in "$RUN"/slurmd-*.pid; do
  [ -e "$file" ] && stop_pidfile "$file"
done
stop_pidfile "$RUN/slurmctld.pid"
stop_pidfile "$RUN/munge/munged.pid"

# Whatever is left in a host (a task whose slurmstepd died with its slurmd) goes too.
hosts=()
for path in /run/netns/lphost*; do
  [ -e "$path" ] && hosts+=("$(basename "$path")")
done
for name in "${hosts[@]}"; do
  pids="$(ip netns pids "$name" 2>/dev/null | tr '\n' ' ')"
  if [ -n "${pids// /}" ]; then
    log "killing what still runs on $name: $pids"
    # shellcheck disable=SC2086 # one pid per word
    kill -9 $pids 2>/dev/null || true
  fi
done

if [ "${1:-}" = "--keep-network" ]; then
  exit 0
fi

for name in "${hosts[@]}"; do
  ip netns delete "$name" 2>/dev/null || true
done
# Deleting a namespace deletes its veth end, and with it the peer on the bridge; links
# of a namespace deleted by hand are removed here.
for i in $(seq 1 "$HOSTS_MAX"); do
  ip link delete "lpv$i" 2>/dev/null || true
done
ip link delete "$BRIDGE" 2>/dev/null || true

if grep -q -F "$MARKER" /etc/hosts 2>/dev/null; then
  # /etc/hosts may be a bind mount, which cannot be replaced: rewrite it in place.
  kept="$(grep -v -F "$MARKER" /etc/hosts || true)"
  printf '%s\n' "$kept" >/etc/hosts
fi

rm -rf "$RUN" "$SPOOL" "$LOGS" "$ETC"
log "removed"
exit 0
