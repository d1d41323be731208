#!/usr/bin/env bash
# Stops the Slurm started by scripts/slurm-up.sh: cancels every job still queued, then
# stops each daemon by its pid file (there is no systemd here). Safe to run twice.
set -uo pipefail

log() { printf 'slurm-down: %s\n' "$*" >&2; }
# shellcheck source=scripts/slurm-lib.sh
source "$(dirname "$0")/slurm-lib.sh"

if command -v scancel >/dev/null && [ -f /run/slurmctld.pid ]; then
  # Jobs left behind would otherwise be restored from the state directory on the next start.
  scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
  if [ "$(id -u)" -eq 0 ]; then
    squeue -h -o '%i' 2>/dev/null | xargs -r scancel 2>/dev/null || true
  fi
fi

for file in /run/slurmd-*.pid; do
  [ -e "$file" ] && stop_pidfile "$file"
done
stop_pidfile /run/slurmctld.pid
if [ "${1:-}" != "--keep-munge" ]; then
  stop_pidfile /run/munge/munged.pid
fi
exit 0
