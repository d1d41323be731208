#!/usr/bin/env bash
# Installs and starts what the tests need beyond npm, on a fresh Debian machine (as root):
# tmux for the tmux output mode, Chromium for the dashboard's browser tests, a real local Slurm for the Slurm launcher, and a Slurm of
# three simulated hosts (network namespaces) for the multi-host tests.
# Idempotent: packages are installed only when missing, daemons started only when down.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null; then
  echo 'test-setup: installing tmux' >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends tmux >/dev/null
fi

if [ ! -x /usr/bin/chromium ]; then
  echo 'test-setup: installing chromium' >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

bash scripts/slurm-up.sh
# Exit code 2: this machine cannot make network namespaces. The other tests still run;
# the multi-host ones then fail in CI (and skip elsewhere), saying why.
status=0
bash scripts/slurm-hosts-up.sh || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
  exit "$status"
fi
