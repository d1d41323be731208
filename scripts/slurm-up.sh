#!/usr/bin/env bash
# Starts a real Slurm on this machine for the Slurm launcher's tests: munged, slurmctld and
# several slurmd (logical nodes n1..nN) on loopback. Idempotent: installs the Debian
# packages only when missing, and starts only the daemons not already running.
#
#   bash scripts/slurm-up.sh            # 4 logical nodes
#   SLURM_NODES=6 bash scripts/slurm-up.sh
#
# Must run as root (it writes /etc/slurm and starts daemons as their service users).
# There is no systemd here, so every daemon is started by hand and stopped by
# scripts/slurm-down.sh through its pid file.
set -euo pipefail

NODES="${SLURM_NODES:-4}"
CPUS_PER_NODE="${SLURM_CPUS_PER_NODE:-4}"
CONF=/etc/slurm/slurm.conf

log() { printf 'slurm-up: %s\n' "$*" >&2; }
# shellcheck source=scripts/slurm-lib.sh
source "$(dirname "$0")/slurm-lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs packages, writes $CONF and starts daemons)"
  exit 1
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

# The host name is read now, never hard-coded: CI machines are named differently.
HOST="$(hostname -s)"

mkdir -p /etc/slurm /run/munge /var/log/slurm /var/spool/slurmctld
chown munge:munge /run/munge
chown slurm:slurm /var/spool/slurmctld /var/log/slurm
if [ ! -s /etc/munge/munge.key ]; then
  log "creating the munge key"
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi

node_lines=""
for i in $(seq 1 "$NODES"); do
  mkdir -p "/var/spool/slurmd/n$i"
  node_lines+="NodeName=n$i NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$((17000 + i)) CPUs=$CPUS_PER_NODE RealMemory=4000 State=UNKNOWN"$'\n'
done

new_conf="$(
  cat <<EOF
# Written by scripts/slurm-up.sh for launchpad-ts's tests; regenerated on every run.
ClusterName=local
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
# No systemd and emulated cgroups here: track processes by pid, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
# Heterogeneous jobs are scheduled only by backfill; its default 30 s cycle is too slow.
SchedulerParameters=bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Lets each logical node claim more CPUs than the machine really has.
SlurmdParameters=config_overrides
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd/%n
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd-%n.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd-%n.log
${node_lines}PartitionName=debug Nodes=n[1-$NODES] Default=YES MaxTime=INFINITE State=UP
EOF
)"

conf_changed=0
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$new_conf" ]; then
  printf '%s\n' "$new_conf" >"$CONF"
  conf_changed=1
fi

if [ "$conf_changed" = 1 ] && running /run/slurmctld.pid; then
  # A running cluster with another configuration is restarted rather than reconfigured:
  # a reconfigure keeps the old backfill cycle for the next job.
  log "configuration changed; restarting the daemons"
  bash "$(dirname "$0")/slurm-down.sh"
fi

if ! running /run/munge/munged.pid; then
  log "starting munged"
  su -s /bin/sh munge -c /usr/sbin/munged
fi
wait_for_munge

if ! running /run/slurmctld.pid; then
  log "starting slurmctld"
  /usr/sbin/slurmctld
fi
for i in $(seq 1 "$NODES"); do
  if ! running "/run/slurmd-n$i.pid"; then
    log "starting slurmd n$i"
    /usr/sbin/slurmd -N "n$i"
  fi
done

# Ready when every node is idle (or busy with a job: mixed/allocated).
wait_for_idle_nodes "$NODES" "n[1-$NODES]" "ready: $NODES nodes on $HOST"
