/**
 * The slurm launcher through the API, against the real Slurm: clients reach nodes that
 * run as Slurm tasks, `stop()` ends the job, and a pending job is cancelled at once.
 */
import * as lp from 'launchpad-ts';
import { capture } from '../helpers/capture.ts';
import { expectColocated } from '../helpers/colocation-checks.ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeColocatedProgram, waitForReports } from '../fixtures/colocation.ts';
import { makeForever } from './fixtures/forever.ts';
import {
  assertSlurmUp,
  cancelJobsNamed,
  queueDrained,
  queuedJobs,
  RUN_SLURM_TESTS,
} from './slurm-env.ts';

describe.skipIf(!RUN_SLURM_TESTS)('the slurm launcher through the API', () => {
  const names = ['lp-api_stop', 'lp-api_pending', 'lp-colocated'];
  beforeAll(() => {
    assertSlurmUp();
  });
  afterEach(async () => {
    const left = (await Promise.all(names.map((name) => queueDrained(name, 5_000)))).flat();
    for (const name of names) cancelJobsNamed(name);
    expect(left, 'jobs left in squeue').toEqual([]);
  });

  it('serves calls from the launcher, then stop() ends every node and the job', async () => {
    const out = capture();
    const err = capture();
    const { program, idle: handles } = makeForever('api_stop');
    const running = lp.launch(program, { launchType: 'slurm', stdout: out, stderr: err });
    try {
      await running.ready;
      const [first] = handles;
      if (first === undefined) throw new Error('no idle node');
      const idle = running.client(first);
      expect(await idle.ping()).toBe('pong from idle/0');
      expect(queuedJobs('lp-api_stop')).toHaveLength(1);
    } finally {
      await running.stop();
    }
    await running.wait();
    expect(out.text()).toContain('[announcer/0] stopped: announcer/0');
    expect(queuedJobs('lp-api_stop')).toEqual([]);
  });

  it('runs a colocation as one task: threads of one process, or children of one parent', async () => {
    const { program, learner } = makeColocatedProgram();
    const running = lp.launch(program, {
      launchType: 'slurm',
      stdout: capture(),
      stderr: capture(),
    });
    try {
      const seen = await waitForReports(running.client(learner));
      expectColocated(seen);
    } finally {
      await running.stop();
    }
    expect(queuedJobs('lp-colocated')).toEqual([]);
  });

  it('cancels a job that is still pending on stop()', async () => {
    const err = capture();
    const running = lp.launch(makeForever('api_pending').program, {
      launchType: 'slurm',
      stdout: capture(),
      stderr: err,
      // Held by Slurm for an hour: the job stays pending until cancelled.
      slurm: { defaults: { sbatchOptions: ['--begin=now+3600'] } },
    });
    await err.waitFor(/Slurm job \d+: PENDING \(BeginTime\)/);
    // The job would be held for an hour: stop() ends only because it cancels the job
    // (the test's timeout bounds it; no duration is asserted).
    await running.stop();
    expect(err.text()).toMatch(/cancelling Slurm job \d+/);
    expect(queuedJobs('lp-api_pending')).toEqual([]);
  });
});
