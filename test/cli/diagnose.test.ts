/**
 * `status --diagnose` on nodes in every kind of trouble (failed, restarting, not
 * answering), and a launch API that refuses the token: states a real launch cannot be
 * put in on demand, so these stay on the stand-in launch API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { fakeNode, startFakeTarget, writeRegistryRecord } from '../helpers/cli-target.ts';

let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('launchpad-ts status --diagnose', () => {
  it('exits with 3 naming each failed, restarting or unresponsive node', async () => {
    const failed = {
      ...fakeNode('learner/0', 'at learn'),
      state: 'failed' as const,
      deathCause: 'exit code 1: out of memory',
    };
    const restarting = {
      ...fakeNode('actor/0', 'at act'),
      state: 'restarting' as const,
      restarts: 2,
      deathCause: 'SIGKILL',
    };
    const target = await startFakeTarget([
      fakeNode('replay/0', 'at sample'),
      failed,
      restarting,
      fakeNode('stuck/0', 'hang'),
      fakeNode('old/0', '501'),
    ]);
    close = target.close;
    const run = await runCli(['status', '--diagnose', '--probe-timeout', '1'], {
      LP_STATE_DIR: target.stateDir,
    });
    expect(run.code, run.stderr).toBe(3);
    const diagnosis = JSON.parse(run.stdout) as {
      launch: string;
      healthy: boolean;
      nodes: { id: string; answered: boolean | null; problem?: string }[];
    };
    expect(diagnosis.launch).toBe(target.launchId);
    expect(diagnosis.healthy).toBe(false);
    const byId = new Map(diagnosis.nodes.map((node) => [node.id, node]));
    expect(byId.get('replay/0')).toEqual({
      id: 'replay/0',
      pid: 4242,
      state: 'running',
      restarts: 0,
      answered: true,
    });
    expect(byId.get('learner/0')).toEqual({
      id: 'learner/0',
      pid: 4242,
      state: 'failed',
      restarts: 0,
      deathCause: 'exit code 1: out of memory',
      answered: null,
      problem: 'failed: exit code 1: out of memory',
    });
    expect(byId.get('actor/0')?.problem).toBe('restarting (restart 2 after: SIGKILL)');
    expect(byId.get('stuck/0')?.answered).toBe(false);
    expect(byId.get('stuck/0')?.problem).toContain(
      'unresponsive: Launch cli_target-1 did not answer POST /api/nodes/stuck%2F0/stack within 1 s.',
    );
    // A build without stack dumps cannot probe: that is not the node's fault.
    expect(byId.get('old/0')).toEqual({
      id: 'old/0',
      pid: 4242,
      state: 'running',
      restarts: 0,
      answered: null,
    });
  }, 60_000);

  it('finds a node whose event-loop delay is over --max-delay blocked, naming where its stack is', async () => {
    const slow = {
      ...fakeNode('slow/0', 'node slow/0: main thread\n  crunch file:///app/learner.js:10:3'),
      eventLoopDelayMs: 2_500,
    };
    const target = await startFakeTarget([fakeNode('fine/0', 'at fine'), slow]);
    close = target.close;
    const env = { LP_STATE_DIR: target.stateDir };
    const [strict, lenient] = await Promise.all([
      runCli(['status', '--diagnose'], env),
      runCli(['status', '--diagnose', '--max-delay', '5000'], env),
    ]);
    expect(strict.code, strict.stderr).toBe(3);
    const nodes = (JSON.parse(strict.stdout) as { nodes: { id: string; problem?: string }[] })
      .nodes;
    expect(nodes.find((node) => node.id === 'fine/0')?.problem).toBeUndefined();
    expect(nodes.find((node) => node.id === 'slow/0')?.problem).toBe(
      'blocked: event-loop delay 2500 ms (p99), over 1000 ms; its stack: crunch file:///app/learner.js:10:3',
    );
    expect(lenient.code, lenient.stderr).toBe(0);
  }, 60_000);

  it('explains a launch API that refuses the recorded token', async () => {
    const target = await startFakeTarget([fakeNode('a/0', 'at a')]);
    close = target.close;
    writeRegistryRecord(
      target.stateDir,
      { id: target.launchId, programName: 'cli_target', workdir: '/tmp/wd' },
      { url: target.api.url, token: 'stale' },
    );
    const run = await runCli(['status'], { LP_STATE_DIR: target.stateDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Launch cli_target-1 answered GET \/api\/(launch|nodes) with 401: This launch API needs its token\./,
    );
  }, 60_000);
});
