/**
 * A Slurm job ended by the cluster rather than by the launcher: its time limit
 * (TIMEOUT) or the loss of its node (NODE_FAIL). The launch must fail saying which, not
 * hang, and leave nothing queued.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeForever } from './fixtures/forever.ts';
import {
  assertSlurmUp,
  cancelJobsNamed,
  queueDrained,
  queuedJobs,
  RUN_SLURM_TESTS,
} from './slurm-env.ts';

const JOB_NAMES = ['lp-timeout', 'lp-nodefail'];

/** The Slurm node a job runs on (the first one, for a job on several). */
function jobNode(jobId: string): string {
  const out = execFileSync('squeue', ['-h', '-j', jobId, '-o', '%N'], { encoding: 'utf8' });
  const list = out.trim();
  const host = execFileSync('scontrol', ['show', 'hostnames', list], { encoding: 'utf8' });
  return host.split('\n')[0] ?? '';
}

/** Launches a program that runs until stopped, and waits until its nodes are up. */
async function launchForever(name: string): Promise<{ running: lp.RunningProgram; jobId: string }> {
  const { program } = makeForever(name);
  const running = lp.launch(program, {
    launchType: 'slurm',
    stdout: new PassThrough(),
    stderr: new PassThrough(),
  });
  await running.ready;
  const [jobId] = queuedJobs(`lp-${name}`);
  if (jobId === undefined) throw new Error(`no job lp-${name} in squeue`);
  return { running, jobId };
}

describe.skipIf(!RUN_SLURM_TESTS)('a Slurm job ended by the cluster', () => {
  beforeAll(() => {
    assertSlurmUp();
  });
  afterEach(async () => {
    for (const name of JOB_NAMES) cancelJobsNamed(name);
    const left = await Promise.all(JOB_NAMES.map((name) => queueDrained(name, 10_000)));
    expect(left.flat(), 'jobs left in squeue').toEqual([]);
  });

  it(
    'fails the launch naming the time limit when the job times out',
    { timeout: 150_000 },
    async () => {
      const { running, jobId } = await launchForever('timeout');
      // Slurm counts limits in minutes; the shortest is one minute, enforced within ~30 s.
      execFileSync('scontrol', ['update', `JobId=${jobId}`, 'TimeLimit=1']);
      await expect(running.wait()).rejects.toThrow(/time limit \(TIMEOUT\)/);
    },
  );

  it(
    'fails the launch naming the node failure when the job loses its node',
    { timeout: 120_000 },
    async () => {
      const { running, jobId } = await launchForever('nodefail');
      const node = jobNode(jobId);
      try {
        execFileSync('scontrol', [
          'update',
          `NodeName=${node}`,
          'State=DOWN',
          'Reason=launchpad-ts test',
        ]);
        await expect(running.wait()).rejects.toThrow(
          new RegExp(`NODE_FAIL.*${node}|${node}.*NODE_FAIL`),
        );
      } finally {
        spawnSync('scontrol', ['update', `NodeName=${node}`, 'State=RESUME'], { stdio: 'ignore' });
      }
    },
  );
});
