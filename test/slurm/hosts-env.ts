/**
 * The simulated multi-host Slurm of `scripts/slurm-hosts-up.sh`: whether its tests run,
 * how to point Slurm's commands at it, and what runs on each of its hosts. The tests skip
 * only where network namespaces cannot be made; anywhere else (and always in CI) a
 * cluster that is not up fails them, saying how to start it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

/** The cluster's configuration file; Slurm's commands select the cluster with `SLURM_CONF`. */
export const HOSTS_CONF = '/etc/slurm-lp-hosts/slurm.conf';

/** The environment of a Slurm command aimed at the simulated hosts. */
export const HOSTS_ENV = { SLURM_CONF: HOSTS_CONF };

const NAMESPACES_POSSIBLE = spawnSync('unshare', ['--net', '--uts', 'true']).status === 0;

/** True when the multi-host tests run: namespaces can be made here, or this is CI. */
export const RUN_HOSTS_TESTS = NAMESPACES_POSSIBLE || (process.env['CI'] ?? '') !== '';

if (!RUN_HOSTS_TESTS) {
  console.warn(
    'Skipping the multi-host Slurm tests: this machine cannot create network and UTS namespaces ' +
      '(`unshare --net --uts true` failed; it needs root or CAP_SYS_ADMIN).',
  );
}

/** The cluster's host names; throws, saying how to start it, unless every host is up. */
export function assertHostsUp(): string[] {
  const sinfo = spawnSync('sinfo', ['-h', '-N', '-o', '%N %t'], {
    encoding: 'utf8',
    env: { ...process.env, ...HOSTS_ENV },
  });
  const hosts = sinfo.stdout
    .split('\n')
    .filter((line) => /^lphost\d+ (idle|mix|alloc)/.test(line))
    .map((line) => line.split(' ')[0] ?? '');
  if (sinfo.status !== 0 || hosts.length < 3) {
    throw new Error(
      `The simulated multi-host Slurm is not up (sinfo: ${sinfo.stdout.trim() || sinfo.stderr.trim() || 'no answer'}); ` +
        'start it with `sudo bash scripts/slurm-hosts-up.sh`.',
    );
  }
  return hosts;
}

/** The host names that have a network namespace now. */
export function hostNamespaces(): string[] {
  try {
    return readdirSync('/run/netns').filter((name) => /^lphost\d+$/.test(name));
  } catch {
    return [];
  }
}

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/**
 * What runs on each host besides its slurmd: the job's processes (slurmstepd, the tasks'
 * node processes). Hosts with nothing are left out.
 */
export function processesOnHosts(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const host of hostNamespaces()) {
    const pids = execFileSync('ip', ['netns', 'pids', host], { encoding: 'utf8' })
      .split('\n')
      .filter((pid) => pid.trim() !== '');
    const others = pids
      .map((pid) => `${pid} ${commandLine(pid)}`)
      .filter((line) => !/\/slurmd\b/.test(line) && !line.endsWith(' '));
    if (others.length > 0) found.set(host, others);
  }
  return found;
}

/** The listening TCP sockets of node processes on `host`: `address:port` each. */
export function nodeListeners(host: string): string[] {
  const out = execFileSync('nsenter', [`--net=/run/netns/${host}`, 'ss', '-Hltnp'], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((line) => line.includes('"node"'))
    .map((line) => line.trim().split(/\s+/)[3] ?? '');
}
