/**
 * Where a Slurm launch listens, without Slurm: the choice from the route to the cluster's
 * nodes and from the host options, the checks of those options, servers confined to a
 * port range, nodes resolving where they listen on their own host, and reading the job's
 * labelled output file back.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { hostOf, resolveListen } from '../../src/node/node-listen.ts';
import { interfaceAddress } from '../../src/node/route-source.ts';
import { readJobOutput, unreportedEnds } from '../../src/launcher/backends/slurm/job-output.ts';
import { resolveGroupResources } from '../../src/launcher/backends/slurm/descriptor/slurm-options.ts';
import { slurmNetwork } from '../../src/launcher/backends/slurm/slurm-network.ts';
import { parsePortRange, portsToTry } from '../../src/rpc/port-range.ts';
import { RpcServer } from '../../src/rpc/server.ts';
import { makeRing } from './fixtures/ring.ts';

/** An IPv4 address of this machine other than loopback, if it has one. */
const OUTSIDE = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;

/** A node body for programs that are only checked. */
export function idle(): void {
  // Never runs: the launch is refused.
}

const nodesAt =
  (...addresses: string[]) =>
  (): Promise<string[]> =>
    Promise.resolve(addresses);

describe('where a Slurm launch listens', () => {
  it('stays on loopback when every Slurm node has a loopback address', async () => {
    const network = await slurmNetwork({}, undefined, nodesAt('127.0.0.1', '127.0.0.1'));
    expect(network).toMatchObject({
      controlHost: '127.0.0.1',
      advertiseHost: '127.0.0.1',
      nodeBindHost: '127.0.0.1',
    });
    expect(network.nodeListen).toBeUndefined();
  });

  it.skipIf(OUTSIDE === undefined)(
    'listens on the address that routes to the nodes; nodes on their route back',
    async () => {
      // A node at one of this machine's own addresses is reached from that address.
      const network = await slurmNetwork({}, undefined, nodesAt('127.0.0.1', OUTSIDE!));
      expect(network).toMatchObject({
        controlHost: OUTSIDE,
        advertiseHost: OUTSIDE,
        nodeListen: { towardLauncher: true },
      });
      expect(network.nodeBindHost).toBeUndefined();
      expect(network.why).toBe(`the address of ${hostname()} that routes to the cluster's nodes`);
    },
  );

  it('binds every interface and advertises the host name when Slurm names no node', async () => {
    const network = await slurmNetwork({}, undefined, nodesAt());
    expect(network).toMatchObject({
      controlHost: '0.0.0.0',
      advertiseHost: hostname(),
      nodeListen: { towardLauncher: true },
    });
  });

  it('follows controlHost, advertiseHost, interface and ports', async () => {
    const none = nodesAt();
    expect(await slurmNetwork({ controlHost: '0.0.0.0' }, undefined, none)).toMatchObject({
      controlHost: '0.0.0.0',
      advertiseHost: hostname(),
      nodeBindHost: '0.0.0.0',
    });
    expect(
      await slurmNetwork({ controlHost: '10.1.2.3', advertiseHost: 'login1' }, undefined, none),
    ).toMatchObject({
      controlHost: '10.1.2.3',
      advertiseHost: 'login1',
      nodeListen: { towardLauncher: true },
    });
    const onLo = await slurmNetwork({ interface: 'lo', ports: '47000-47009' }, undefined, none);
    expect(onLo).toMatchObject({
      controlHost: '127.0.0.1',
      ports: { first: 47000, last: 47009 },
      nodeListen: { interface: 'lo', ports: { first: 47000, last: 47009 } },
    });
    expect(onLo.unreachableHint).toContain('Set the slurm option advertiseHost');
    expect(onLo.unreachableHint).toContain('must let ports 47000-47009 through');
  });

  it('names the interfaces there are when the one asked for is missing', async () => {
    await expect(slurmNetwork({ interface: 'nope0' }, undefined, nodesAt())).rejects.toThrow(
      new RegExp(
        `The slurm option interface is "nope0", but host ${hostname()} has no such interface with an address; its interfaces are: .*lo`,
      ),
    );
    expect(() => interfaceAddress('lo', 'x')).not.toThrow();
  });

  it('rejects bad host options at launch, naming them', () => {
    const p = new lp.Program('p');
    p.addNode(new lp.FunctionNode(idle), 'idle');
    expect(() => lp.launch(p, { launchType: 'slurm', slurm: { ports: '0-9' } })).toThrow(
      /^Launch option slurm.ports must be a port range/,
    );
    const check = (slurm: object): void => {
      resolveGroupResources(p, slurm);
    };
    expect(() => {
      check({ ports: '5000' });
    }).toThrow(
      `Launch option slurm.ports must be a port range such as '50000-50999' (first ≤ last, within 1-65535), got "5000".`,
    );
    expect(() => {
      check({ ports: '6000-5000' });
    }).toThrow(/Launch option slurm.ports must be a port range/);
    expect(() => {
      check({ ports: '1-70000' });
    }).toThrow(/Launch option slurm.ports must be a port range/);
    expect(() => {
      check({ controlHost: 'a b' });
    }).toThrow(`Launch option slurm.controlHost must be a host name or address, got "a b".`);
    expect(() => {
      check({ interface: 42 });
    }).toThrow('Launch option slurm.interface must be a network interface name, got 42.');
  });
});

describe('a server confined to a port range', () => {
  const held: Server[] = [];
  afterEach(async () => {
    await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  const occupy = async (port = 0): Promise<number> => {
    const server = createServer();
    held.push(server);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  };

  it('tries every port of the range from a random start, and takes a free one', async () => {
    expect(portsToTry({ first: 10, last: 13 }, () => 0.5)).toEqual([12, 13, 10, 11]);
    expect(parsePortRange('7-7', 'x')).toEqual({ first: 7, last: 7 });
    const taken = await occupy();
    const server = await RpcServer.listen({
      secret: 's',
      nodeId: 'n/0',
      dispatch: () => undefined,
      ports: { first: taken - 1, last: taken },
    }).catch((error: unknown) => error);
    try {
      // The port below was free when the range was tried, or the range is exhausted.
      if (server instanceof RpcServer)
        expect(server.address).toBe(`127.0.0.1:${String(taken - 1)}`);
      else expect(lp.isLaunchpadError(server, 'RESOURCE_EXHAUSTED')).toBe(true);
    } finally {
      if (server instanceof RpcServer) await server.close();
    }
  });

  it('fails, naming the node and the range, when every port is taken', async () => {
    const taken = await occupy();
    const error: unknown = await RpcServer.listen({
      secret: 's',
      nodeId: 'n/0',
      dispatch: () => undefined,
      ports: { first: taken, last: taken },
    }).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'RESOURCE_EXHAUSTED')).toBe(true);
    expect((error as Error).message).toBe(
      `Node n/0 found no free port in ${String(taken)}-${String(taken)} on 127.0.0.1.`,
    );
  });
});

describe('where a node listens on its own host', () => {
  it('binds and advertises its route toward the launcher, or its interface', async () => {
    expect(await resolveListen(undefined, '127.0.0.1:1', 'n/0')).toEqual({});
    expect(await resolveListen({ towardLauncher: true }, '127.0.0.1:1', 'n/0')).toEqual({
      bindHost: '127.0.0.1',
      advertiseHost: '127.0.0.1',
    });
    expect(
      await resolveListen({ interface: 'lo', ports: { first: 5, last: 6 } }, 'x:1', 'n/0'),
    ).toEqual({
      bindHost: '127.0.0.1',
      advertiseHost: '127.0.0.1',
      portRange: { first: 5, last: 6 },
    });
    await expect(resolveListen({ interface: 'nope0' }, 'x:1', 'n/0')).rejects.toThrow(
      /The network interface asked for node n\/0 is "nope0", but host \S+ has no such interface/,
    );
    expect(hostOf('[::1]:80')).toBe('::1');
    expect(hostOf('login1:80')).toBe('login1');
  });
});

describe('local launch types', () => {
  it.each(['processes', 'threads'] as const)(
    'keep every server of a launch under %s on loopback',
    async (launchType) => {
      const { program, stations } = makeRing(2, false);
      await using running = lp.launch(program, { launchType });
      const pids = await Promise.all(stations.map((station) => running.client(station).pid()));
      const listening = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => pids.some((pid) => line.includes(`pid=${String(pid)},`)))
        .map((line) => line.trim().split(/\s+/)[3] ?? '');
      // Each station's server at least; under threads, the launcher's own servers too.
      expect(listening.length).toBeGreaterThanOrEqual(launchType === 'processes' ? 2 : 1);
      for (const address of listening) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    },
  );
});

describe("the job's output file", () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('gives each node that never reported what its task said, the explained ones first', () => {
    directory = mkdtempSync(join(tmpdir(), 'lp-output-'));
    const file = join(directory, 'lp-p-7.out');
    writeFileSync(
      file,
      [
        '0: up',
        '1: launchpad-ts: node b/0 on host h2 cannot reach its launcher at vm:1',
        'srun: error: h2: task 1: Exited with exit code 1',
        '0: slurmstepd-h1: error: *** STEP 7.0 ON h1 CANCELLED ***',
        '',
      ].join('\n'),
    );
    const output = readJobOutput(file);
    expect(output?.byTask.get(0)).toEqual([
      'up',
      'slurmstepd-h1: error: *** STEP 7.0 ON h1 CANCELLED ***',
    ]);
    expect(output?.unlabelled).toEqual(['srun: error: h2: task 1: Exited with exit code 1']);
    const ends = unreportedEnds(
      { jobId: '7', finalState: 'FAILED', file },
      ['a/0', 'b/0', 'c/0'],
      ['a/0', 'b/0', { kind: 'threads', nodeIds: ['c/0'] }],
    );
    expect(ends.map((end) => end.nodeId)).toEqual(['b/0', 'a/0', 'c/0']);
    expect(ends[0]?.error.message).toBe(
      'Slurm job 7 ended (FAILED) before node b/0 reported how it ended. Its task said: launchpad-ts: node b/0 on host h2 cannot reach its launcher at vm:1',
    );
    expect(ends[2]?.error.message).toContain('Its task printed nothing.');
    const missing = unreportedEnds(
      { jobId: '8', finalState: 'FAILED', file: join(directory, 'absent.out') },
      ['a/0'],
      ['a/0'],
    );
    expect(missing[0]?.error.message).toMatch(
      /absent\.out, is not readable here: set the slurm option `output` to a path the launcher shares with the cluster\./,
    );
  });
});
