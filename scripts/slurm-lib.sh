# Shell functions shared by the scripts that start and stop the test Slurms
# (slurm-up.sh, slurm-down.sh, slurm-hosts-up.sh, slurm-hosts-down.sh). Sourced, not run;
# each script defines `log` before sourcing it.

# True while the process named by pid file $1 runs.
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process of pid file $1 (SIGTERM, then SIGKILL after 5 s) and removes the file.
stop_pidfile() {
  local file="$1" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $(basename "$file" .pid) ($pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Waits up to 5 s until munge answers; extra arguments go to munge and unmunge (a socket).
wait_for_munge() {
  for _ in $(seq 1 50); do
    munge "$@" -n 2>/dev/null | unmunge "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
}

# Waits up to 60 s until $1 nodes are idle (or busy with a job: mixed/allocated), resuming
# the nodes $2 (a node list) when one registered before its configuration settled and
# stayed down; then says $3, or fails saying what sinfo says.
wait_for_idle_nodes() {
  local want="$1" nodes="$2" ready="$3" states count
  for _ in $(seq 1 300); do
    states="$(sinfo -h -N -o '%t' 2>/dev/null | sort -u | tr '\n' ' ' || true)"
    count="$(sinfo -h -N -o '%N %t' 2>/dev/null | grep -cE ' (idle|mix|alloc)$' || true)"
    if [ "$count" -ge "$want" ]; then
      log "$ready ($states)"
      return 0
    fi
    if printf '%s' "$states" | grep -qE 'down|drain'; then
      scontrol update NodeName="$nodes" State=RESUME 2>/dev/null || true
    fi
    sleep 0.2
  done
  log "the nodes did not become idle within 60 s; sinfo says:"
  sinfo -N >&2 || true
  return 1
}
