#!/usr/bin/env bash
# Installs and starts what the tests need beyond npm, on a fresh Debian machine (as root):
# tmux for the tmux output mode, and a real local Slurm for the Slurm launcher.
# Idempotent: packages are installed only when missing, daemons started only when down.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null; then
  echo 'test-setup: installing tmux' >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends tmux >/dev/null
fi

bash scripts/slurm-up.sh
