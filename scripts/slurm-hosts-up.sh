#!/usr/bin/env bash
# Starts a Slurm of several simulated hosts on this machine, for the multi-host tests:
# each host is a network and UTS namespace with its own address and host name, joined to
# the others and to this machine by a private bridge. slurmctld runs on this machine at
# the bridge's address; each host runs its own slurmd.
#
# It lives beside the loopback Slurm of scripts/slurm-up.sh and shares nothing with it:
# its own configuration file, ports, munged (socket and key), spool, state, logs and pid
# files. Clients select it with SLURM_CONF:
#
#   bash scripts/slurm-hosts-up.sh                # 3 hosts: lphost1..lphost3
#   SLURM_CONF=/etc/slurm-lp-hosts/slurm.conf sinfo
#   bash scripts/slurm-hosts-down.sh              # removes all of it
#
# Idempotent: an existing namespace, link, address or daemon is kept. Must run as root.
# Exits 2, saying why, when this machine cannot create network namespaces.
#
# Traffic stays inside the private subnet: the namespaces have no default route, and
# nothing is forwarded out of the bridge.
set -euo pipefail

HOSTS="${SLURM_HOSTS:-3}"
# Two CPUs a host, as this machine has: a program of more than two tasks spans hosts.
CPUS_PER_HOST="${SLURM_CPUS_PER_HOST:-2}"
# A private /24 that nothing else here uses; override with LP_HOSTS_SUBNET=10.x.y.
SUBNET="${LP_HOSTS_SUBNET:-10.77.0}"
BRIDGE=lpbr0
ETC=/etc/slurm-lp-hosts
CONF="$ETC/slurm.conf"
RUN=/run/lp-slurm-hosts
SPOOL=/var/spool/lp-slurm-hosts
LOGS=/var/log/lp-slurm-hosts
# Ports apart from the loopback Slurm's (6817/6818 and 17001…).
CTLD_PORT=6917
SLURMD_PORT=6918
MARKER='# launchpad-ts slurm-hosts'

log() { printf 'slurm-hosts-up: %s\n' "$*" >&2; }
# shellcheck source=scripts/slurm-lib.sh
source "$(dirname "$0")/slurm-lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it creates namespaces, writes $CONF and /etc/hosts, starts daemons)"
  exit 1
fi
if ! command -v ip >/dev/null || ! command -v nsenter >/dev/null || ! command -v unshare >/dev/null; then
  log "needs ip (iproute2), nsenter and unshare (util-linux)"
  exit 2
fi
if ! unshare --net --uts true 2>/dev/null; then
  log "this machine cannot create network and UTS namespaces (unshare --net --uts failed)"
  exit 2
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

# slurmctld accepts to run only where SlurmctldHost names this machine.
CONTROLLER="$(hostname -s)"
CONTROLLER_ADDR="$SUBNET.1"
host_name() { printf 'lphost%s' "$1"; }
host_addr() { printf '%s.%s' "$SUBNET" "$(($1 + 1))"; }

# --- The network: a bridge with the controller's address, one namespace per host. ---
if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  log "creating bridge $BRIDGE ($CONTROLLER_ADDR/24)"
  ip link add "$BRIDGE" type bridge
fi
[[ "$(ip addr show dev "$BRIDGE")" == *"inet $CONTROLLER_ADDR/"* ]] ||
  ip addr add "$CONTROLLER_ADDR/24" dev "$BRIDGE"
ip link set "$BRIDGE" up

for i in $(seq 1 "$HOSTS"); do
  name="$(host_name "$i")"
  addr="$(host_addr "$i")"
  [ -e "/run/netns/$name" ] || ip netns add "$name"
  if ! ip link show "lpv$i" >/dev/null 2>&1; then
    log "creating host $name ($addr)"
    ip link add "lpv$i" type veth peer name "lpe$i" netns "$name"
    ip -n "$name" link set "lpe$i" name eth0
  fi
  ip link set "lpv$i" master "$BRIDGE" up
  ip -n "$name" link set lo up
  [[ "$(ip -n "$name" addr show dev eth0)" == *"inet $addr/"* ]] ||
    ip -n "$name" addr add "$addr/24" dev eth0
  ip -n "$name" link set eth0 up
done

# --- Names: every host and the controller resolve to their bridge addresses. ---
# /etc/hosts may be a bind mount, which cannot be replaced: rewrite it in place.
hosts_now="$(grep -v -F "$MARKER" /etc/hosts || true)"
{
  printf '%s\n' "$hosts_now"
  printf '%s %s %s\n' "$CONTROLLER_ADDR" lpcontroller "$MARKER"
  for i in $(seq 1 "$HOSTS"); do
    printf '%s %s %s\n' "$(host_addr "$i")" "$(host_name "$i")" "$MARKER"
  done
} >/etc/hosts

# --- munged of its own: another cluster's slurm-down must not take it away. ---
mkdir -p "$ETC" "$RUN/munge" "$SPOOL/ctld" "$LOGS"
chown munge:munge "$RUN/munge"
chmod 0755 "$RUN/munge"
if [ ! -s "$ETC/munge.key" ]; then
  dd if=/dev/urandom bs=1 count=1024 of="$ETC/munge.key" 2>/dev/null
fi
chown munge:munge "$ETC/munge.key"
chmod 400 "$ETC/munge.key"
chown slurm:slurm "$SPOOL/ctld" "$LOGS"
MUNGE_SOCKET="$RUN/munge/munge.socket"

node_lines=""
for i in $(seq 1 "$HOSTS"); do
  name="$(host_name "$i")"
  mkdir -p "$SPOOL/$name"
  node_lines+="NodeName=$name NodeHostname=$name NodeAddr=$(host_addr "$i") CPUs=$CPUS_PER_HOST RealMemory=4000 State=UNKNOWN"$'\n'
done

new_conf="$(
  cat <<EOF
# Written by scripts/slurm-hosts-up.sh for launchpad-ts's multi-host tests; regenerated
# on every run. Each node is a network and UTS namespace on bridge $BRIDGE.
ClusterName=lphosts
SlurmctldHost=$CONTROLLER($CONTROLLER_ADDR)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
# No systemd and emulated cgroups here: track processes by pid, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
StateSaveLocation=$SPOOL/ctld
SlurmdSpoolDir=$SPOOL/%n
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd-%n.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd-%n.log
${node_lines}PartitionName=hosts Nodes=lphost[1-$HOSTS] Default=YES MaxTime=INFINITE State=UP
EOF
)"

if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$new_conf" ]; then
  if running "$RUN/slurmctld.pid"; then
    log "configuration changed; restarting the daemons"
    bash "$(dirname "$0")/slurm-hosts-down.sh" --keep-network
    mkdir -p "$RUN/munge" "$SPOOL/ctld" "$LOGS"
    chown munge:munge "$RUN/munge"
    chown slurm:slurm "$SPOOL/ctld" "$LOGS"
  fi
  printf '%s\n' "$new_conf" >"$CONF"
fi

if ! running "$RUN/munge/munged.pid"; then
  log "starting munged ($MUNGE_SOCKET)"
  su -s /bin/sh munge -c "/usr/sbin/munged --socket=$MUNGE_SOCKET --key-file=$ETC/munge.key \
    --pid-file=$RUN/munge/munged.pid --seed-file=$RUN/munge/munged.seed --log-file=$RUN/munge/munged.log"
fi
wait_for_munge -S "$MUNGE_SOCKET"

export SLURM_CONF="$CONF"
if ! running "$RUN/slurmctld.pid"; then
  log "starting slurmctld on $CONTROLLER ($CONTROLLER_ADDR:$CTLD_PORT)"
  /usr/sbin/slurmctld -f "$CONF"
fi
for i in $(seq 1 "$HOSTS"); do
  name="$(host_name "$i")"
  if ! running "$RUN/slurmd-$name.pid"; then
    log "starting slurmd on $name"
    # nsenter --net rather than `ip netns exec`, which remounts /sys and loses the cgroup
    # tree slurmd needs; unshare --uts gives the host (and every task) its own host name.
    nsenter --net="/run/netns/$name" unshare --uts \
      sh -c "hostname $name && exec /usr/sbin/slurmd -f $CONF -N $name"
  fi
done

wait_for_idle_nodes "$HOSTS" "lphost[1-$HOSTS]" "ready: $HOSTS hosts on $BRIDGE; use SLURM_CONF=$CONF"
