/**
 * A restarted node's old job step that ends late must not end the node's new run: the
 * task of the node's second run reports its failure, the node restarts as a new step,
 * and only then does the old step's srun exit. Against the real local Slurm.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture.ts';
import { makeLateStepProgram } from './fixtures/late-step.ts';
import { assertSlurmUp, cancelJobsNamed, queueDrained, RUN_SLURM_TESTS } from './slurm-env.ts';

const JOB = 'lp-late-step';
const marker = join(process.cwd(), `.lp-late-step-${String(process.pid)}`);

/**
 * The pids of the `srun` processes this process started that it has not reaped yet (a
 * zombie still counts: its end has not reached the launcher).
 */
function sruns(): number[] {
  const own = String(process.pid);
  let children = '';
  try {
    children = readFileSync(`/proc/${own}/task/${own}/children`, 'utf8');
  } catch {
    // No /proc: no child to wait for.
  }
  return children
    .split(' ')
    .filter((pid) => pid !== '' && commandName(pid) === 'srun')
    .map(Number);
}

/** The command name of process `pid`, or '' once it is gone. */
function commandName(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

describe.runIf(RUN_SLURM_TESTS)('a restarted node on Slurm', () => {
  beforeAll(() => {
    assertSlurmUp();
  });
  afterEach(async () => {
    rmSync(marker, { force: true });
    const left = await queueDrained(JOB, 5_000);
    cancelJobsNamed(JOB);
    expect(left, 'Slurm jobs left in squeue').toEqual([]);
  });

  it("keeps its new run when its old step's srun exits after the restart", async () => {
    const stderr = capture();
    const running = lp.launch(makeLateStepProgram(marker), {
      launchType: 'slurm',
      slurm: { jobName: JOB, pollIntervalMs: 200 },
      restart: { late: { mode: 'on-failure', maxRestarts: 2, backoffMs: 10 } },
      stdout: capture(),
      stderr,
    });
    try {
      // The third run has started: the second run's task now exits, and its step ends.
      await vi.waitFor(
        () => {
          expect(readFileSync(marker, 'utf8')).toBe('run 2\n');
        },
        { timeout: 90_000, interval: 100 },
      );
      // Only the third run's srun is left once the second's has exited and been reaped;
      // its end is then delivered within a turn of the event loop.
      await vi.waitFor(
        () => {
          expect(sruns().length).toBeLessThanOrEqual(1);
        },
        { timeout: 30_000, interval: 50 },
      );
      for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(running.nodes().get('late/0')).toEqual({ state: 'running', restarts: 2 });
    } finally {
      await running.stop();
    }
    await running.wait();
    expect(running.nodes().get('late/0')).toEqual({ state: 'stopped', restarts: 2 });
  }, 150_000);
});
