/**
 * Stack dumps and CPU profiles of nodes on Slurm (the loopback cluster of
 * scripts/slurm-up.sh): the request travels over the network to the node's diagnostics
 * thread, never by pid or signal. Fails, as the other Slurm tests do, when Slurm is not
 * up.
 */
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { busyRun, Idle, Spinner } from '../../fixtures/spinning.ts';
import { isAlive } from '../../helpers/scripts.ts';
import { dumpNaming } from '../../helpers/stack-dumps.ts';
import { waitUntil } from '../../helpers/wait-until.ts';
import {
  assertSlurmUp,
  cancelJobsNamed,
  queueDrained,
  RUN_SLURM_TESTS,
} from '../../slurm/slurm-env.ts';

const JOB_NAME = 'lp-diagnosed';

describe.skipIf(!RUN_SLURM_TESTS)('stack dumps and CPU profiles on Slurm', () => {
  beforeAll(() => {
    assertSlurmUp();
  });
  afterEach(async () => {
    cancelJobsNamed(JOB_NAME);
    expect(await queueDrained(JOB_NAME, 10_000), 'jobs left in squeue').toEqual([]);
  });

  it(
    'shows a node blocked in a busy loop, an idle node, and a profile, over the network',
    { timeout: 150_000 },
    async () => {
      const program = new lp.Program('diagnosed');
      const spinner = program.addNode(new lp.ServiceNode(Spinner), 'spinner');
      const idle = program.addNode(new lp.ServiceNode(Idle), 'idle');
      program.addNode(new lp.FunctionNode(busyRun), 'busy');
      const running = lp.launch(program, {
        launchType: 'slurm',
        terminationGraceMs: 1_000,
        stdout: new PassThrough(),
        stderr: new PassThrough(),
      });
      const pids: number[] = [];
      try {
        await running.ready;
        pids.push(await running.client(idle).pid());
        expect(await running.stackDump('idle/0')).toMatch(
          /^node idle\/0: main thread of its process \(diagnostics at [^)]+:\d+\) \(pid \d+\)\n {2}\S/,
        );
        // busy/0's run() starts a moment after `ready`: profile it once it is burning.
        await dumpNaming(running, 'busy/0', 'burnCycles');
        const profile = await running.cpuProfile('busy/0', { durationMs: 300 });
        expect(profile.nodes.map((node) => node.callFrame.functionName)).toContain('fibonacci');
        pids.push(await running.client(spinner).spin());
        const text = await dumpNaming(running, 'spinner/0', 'spinForever');
        expect(text).toMatch(
          /\n {2}spinForever file:\/\/.*\/test\/fixtures\/spinning\.ts:\d+:\d+\n/,
        );
        await expect(running.stackDump('nobody/0')).rejects.toThrow(
          /has no node nobody\/0; its nodes are spinner\/0, idle\/0, busy\/0/,
        );
      } finally {
        await running.stop();
      }
      // Slurm's tasks run on this machine's loopback cluster: their pids are ours to see.
      await waitUntil(() => pids.every((pid) => !isAlive(pid)), 'the node processes to end');
    },
  );
});
