/**
 * The slurm launcher across simulated hosts (scripts/slurm-hosts-up.sh: three network and
 * UTS namespaces on a private bridge, each with its own slurmd, address and host name):
 * the shared launch suite, nodes that really run on different hosts and call each other
 * across them, a launch with no host option, where servers listen when restricted, the
 * unreachable-launcher error, and nothing left on any host after the launcher is killed.
 */
import { rmSync } from 'node:fs';
import * as lp from 'launchpad-ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchSuite } from '../helpers/launch-suite.ts';
import { ROOT, runScript, startScript } from '../helpers/scripts.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { makeRing } from './fixtures/ring.ts';
import {
  assertHostsUp,
  HOSTS_CONF,
  HOSTS_ENV,
  nodeListeners,
  processesOnHosts,
  RUN_HOSTS_TESTS,
} from './hosts-env.ts';
import { cancelJobsNamed, queueDrained, removeJobOutputs } from './slurm-env.ts';

const SLURM = '--lp_launch_type=slurm';
const JOB_NAMES = ['lp-hosts', 'lp-services', 'lp-caller', 'lp-witnesses', 'lp-failing'];
// One task per host, so that a small program spans every host.
const SPREAD = { slurm: { defaults: { sbatchOptions: ['--spread-job'] } } };

/** `[node, host, called node, its host]` from the surveyor's lines. */
function calls(stdout: string): [string, string, string, string][] {
  return [...stdout.matchAll(/\] (\S+) on (\S+) called (\S+) on (\S+)$/gm)].map(
    (m) => [m[1], m[2], m[3], m[4]] as [string, string, string, string],
  );
}

describe.skipIf(!RUN_HOSTS_TESTS)('slurm across simulated hosts', () => {
  let previousConf: string | undefined;
  beforeAll(() => {
    assertHostsUp();
    // The launcher (this process, or the scripts it starts) drives the multi-host cluster.
    previousConf = process.env['SLURM_CONF'];
    process.env['SLURM_CONF'] = HOSTS_CONF;
  });
  afterAll(() => {
    if (previousConf === undefined) delete process.env['SLURM_CONF'];
    else process.env['SLURM_CONF'] = previousConf;
  });
  afterEach(async () => {
    const left = await Promise.all(JOB_NAMES.map((name) => queueDrained(name, 10_000)));
    for (const name of JOB_NAMES) cancelJobsNamed(name);
    removeJobOutputs(ROOT);
    expect(left.flat(), 'jobs left in squeue').toEqual([]);
  });

  describe('the shared launch suite, one node per host', () => {
    launchSuite('slurm', SPREAD);
  });

  it('runs each node on its own host, and each calls its neighbour on another host', async () => {
    const { program, stations } = makeRing(3, false);
    await using running = lp.launch(program, { launchType: 'slurm', ...SPREAD });
    const seen = await Promise.all(stations.map((station) => running.client(station).relay()));
    const hosts = seen.map(([here]) => here.host);
    expect(new Set(hosts).size).toBe(3);
    for (const host of hosts) expect(host).toMatch(/^lphost\d$/);
    for (const [here, there] of seen) {
      expect(there.host).not.toBe(here.host);
      expect(there.host).toBe(hosts[Number(there.nodeId.split('/')[1])]);
    }
  });

  it('runs a program launched with --lp_launch_type=slurm and no host option across hosts', async () => {
    // Four tasks on hosts of two CPUs: Slurm must use at least two hosts.
    const { code, stdout, stderr } = await runScript(
      'test/slurm/fixtures/hosts.ts',
      [SLURM],
      HOSTS_ENV,
    );
    expect(stderr).toMatch(
      /control server on 10\.77\.0\.1:\d+ \(the address of \S+ that routes to the cluster's nodes\)/,
    );
    expect(code).toBe(0);
    const made = calls(stdout);
    expect(made).toHaveLength(3);
    expect(new Set(made.map(([, host]) => host)).size).toBeGreaterThanOrEqual(2);
    expect(made.some(([, host, , peerHost]) => host !== peerHost)).toBe(true);
    expect(stdout).toContain('hosts: launcher done');
  });

  it('listens on the interface and ports asked for, and stops on Ctrl-C', async () => {
    const options = { controlHost: '10.77.0.1', interface: 'eth0', ports: '47000-47099' };
    const run = startScript(
      'test/slurm/fixtures/hosts.ts',
      [SLURM, '--forever', `--slurm_options=${JSON.stringify(options)}`],
      HOSTS_ENV,
    );
    await run.waitForOutput('survey done');
    expect(run.stderr()).toMatch(
      /control server on 10\.77\.0\.1:470\d\d \(the slurm option controlHost\)/,
    );
    const hosts = [...processesOnHosts().keys()];
    expect(hosts.length).toBeGreaterThanOrEqual(2);
    // Three stations serve calls (the surveyor is a function node and serves none), and
    // each of the four node processes answers stack dumps on a socket of its own. A node
    // starts that socket's thread just after it registers, so the survey can end first.
    let listeners: string[] = [];
    await waitUntil(
      () => (listeners = hosts.flatMap(nodeListeners)).length >= 3 + 4,
      'the 3 RPC and 4 diagnostics listeners',
    );
    expect(listeners).toHaveLength(3 + 4);
    for (const address of listeners) expect(address).toMatch(/^10\.77\.0\.\d+:470\d\d$/);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stdout()).toContain('hosts: launcher done');
  });

  it('leaves no process on any host after the launcher is SIGKILLed', async () => {
    const run = startScript('test/slurm/fixtures/hosts.ts', [SLURM, '--forever'], HOSTS_ENV);
    await run.waitForOutput('survey done');
    expect(processesOnHosts().size).toBeGreaterThanOrEqual(2);
    run.child.kill('SIGKILL');
    await run.exited;
    await waitUntil(() => processesOnHosts().size === 0, 'no job process left on any host');
    expect(await queueDrained('lp-hosts', 15_000)).toEqual([]);
  });

  it('says where the user looks that a node cannot reach the launcher, and how to fix it', async () => {
    // `vm`-like host names resolve to a loopback address on the hosts, as on many machines.
    const { code, stdout, stderr } = await runScript(
      'test/slurm/fixtures/hosts.ts',
      [SLURM, '--slurm_options={"advertiseHost":"localhost"}'],
      HOSTS_ENV,
    );
    try {
      expect(code).toBe(3);
      // Whichever node tries first reports, under its own label: a station or the
      // surveyor, since the job ends at the first failure.
      expect(stderr).toMatch(
        /\[(\w+\/\d)\] launchpad-ts: node \1 on host lphost\d cannot reach its launcher at localhost:\d+ \(localhost resolves to 127\.0\.0\.1 here\): .*Set the slurm option advertiseHost to a name or address of the launcher's host/,
      );
      expect(stderr).toMatch(
        /hosts: launch failed: Node \S+ failed: LaunchpadError: Slurm job \d+ ended \(FAILED\) before node \S+ reported how it ended\. Its task said: launchpad-ts: node \S+ on host lphost\d cannot reach its launcher at localhost:\d+/,
      );
      expect(stderr).toMatch(/the output of Slurm job \d+ is kept in \S+lp-hosts-\d+\.out/);
      expect(stdout).not.toContain('called');
    } finally {
      const kept = /is kept in (\S+lp-hosts-\d+\.out)/.exec(stderr)?.[1];
      if (kept !== undefined) rmSync(kept, { force: true });
    }
  });
});
