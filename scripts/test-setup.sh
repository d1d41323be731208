#!/usr/bin/env bash
# Installs and starts what the tests need beyond npm, on a fresh Debian machine (as root):
# tmux for the tmux output mode, Chromium for the dashboard's browser tests, Debian's Python with numpy,
# and PyTorch for Python nodes (tests run /usr/bin/python3), a real local Slurm for the Slurm launcher, and a Slurm of
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

# Python nodes: the tests run Debian's /usr/bin/python3, which needs numpy (and PyTorch
# for the examples/apex_dqn_torch learner).
python_missing=()
for pair in numpy:python3-numpy torch:python3-torch; do
  if ! /usr/bin/python3 -c "import ${pair%%:*}" 2>/dev/null; then
    python_missing+=("${pair#*:}")
  fi
done
if [ ! -x /usr/bin/python3 ] || [ "${#python_missing[@]}" -gt 0 ]; then
  echo "test-setup: installing python3 ${python_missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3 "${python_missing[@]}" >/dev/null
fi

bash scripts/slurm-up.sh
# Exit code 2: this machine cannot make network namespaces. The other tests still run;
# the multi-host ones then fail in CI (and skip elsewhere), saying why.
status=0
bash scripts/slurm-hosts-up.sh || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
  exit "$status"
fi
