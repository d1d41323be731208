/**
 * The slurm launcher against a real Slurm (slurmctld and several slurmd on loopback,
 * started by scripts/slurm-up.sh): examples run to completion through Slurm, a node that
 * throws fails the launch and its exit code, Ctrl-C and SIGKILL of the launcher leave
 * nothing in squeue, and a dry run submits nothing.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runScript, startScript } from '../helpers/scripts.ts';
import {
  assertSlurmUp,
  cancelJobsNamed,
  queueDrained,
  queuedJobs,
  removeJobOutputs,
  RUN_SLURM_TESTS,
} from './slurm-env.ts';

const SLURM = '--lp_launch_type=slurm';
const JOB_NAMES = [
  'lp-hello_world',
  'lp-consumer_producers',
  'lp-program_wait',
  'lp-het',
  'lp-thrower',
  'lp-forever',
  'lp-stubborn',
];

describe.skipIf(!RUN_SLURM_TESTS)('the slurm launcher on a real Slurm', () => {
  beforeAll(() => {
    assertSlurmUp();
  });
  afterEach(async () => {
    const left = await Promise.all(JOB_NAMES.map((name) => queueDrained(name, 5_000)));
    for (const name of JOB_NAMES) cancelJobsNamed(name);
    removeJobOutputs(ROOT);
    expect(left.flat(), 'jobs left in squeue').toEqual([]);
  });

  it('runs consumer_producers unchanged, prints the job id and node states', async () => {
    const { code, stdout, stderr } = await runScript('examples/consumer_producers/main.ts', [
      SLURM,
      '--num_producers=3',
    ]);
    expect(stderr).toMatch(/submitted program consumer_producers as Slurm job \d+/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\[consumer\/0\] Results: \[ 0, 1, 2 \]$/m);
    expect(stderr).toMatch(/consumer\/0.*: running/);
    expect(stderr).toContain('consumer/0: done');
    expect(stderr).toMatch(/Slurm job \d+: COMPLETED/);
  });

  it('runs hello_world and program_wait to completion', async () => {
    const hello = await runScript('examples/hello_world/main.ts', [SLURM]);
    expect(hello.code).toBe(0);
    expect(hello.stdout).toContain(
      '[hello_printer/0] Hello World! (from hello_printer/0, launched as slurm)',
    );
    const wait = await runScript('examples/program_wait/main.ts', [SLURM]);
    expect(wait.code).toBe(0);
    for (const line of [
      'poller: stopped after',
      'waiter: stopped',
      'handler: stopped',
      'program_wait: every node has stopped',
    ]) {
      expect(wait.stdout).toContain(line);
    }
  });

  it('gives groups their own resources through a heterogeneous job', async () => {
    const { code, stdout, stderr } = await runScript('test/slurm/fixtures/het.ts', [SLURM]);
    expect(stderr).toMatch(/Slurm job \d+ \(3 nodes, heterogeneous, 2 components\)/);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '[learner/0] learner: heard actor/0 in a Slurm job: true; actor/1 in a Slurm job: true',
    );
  });

  it('fails the launch, naming the node, when a node throws; the job leaves the queue', async () => {
    const { code, stdout, stderr } = await runScript('test/slurm/fixtures/thrower.ts', [SLURM]);
    expect(code).toBe(3);
    expect(stderr).toContain(
      'thrower: launch failed: Node thrower/0 failed: Error: boom from the thrower',
    );
    expect(stderr).toContain('thrower/0: failed');
    expect(stdout).toContain('[waiter/0] waiter: stopped');
  });

  it('stops every node on Ctrl-C and exits 130 with nothing left in squeue', async () => {
    const run = startScript('test/slurm/fixtures/forever-main.ts', [SLURM]);
    await run.waitForOutput('[announcer/0] up: announcer/0');
    expect(queuedJobs('lp-forever')).toHaveLength(1);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stdout()).toContain('[announcer/0] stopped: announcer/0');
    expect(run.stdout()).toContain('forever: launcher done');
    expect(queuedJobs('lp-forever')).toEqual([]);
  });

  it('cancels the job when the launcher dies (SIGKILL): tasks lose their launcher and exit', async () => {
    const run = startScript('test/slurm/fixtures/forever-main.ts', [SLURM]);
    await run.waitForOutput('[announcer/0] up: announcer/0');
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await queueDrained('lp-forever', 15_000)).toEqual([]);
  });

  it(
    'cancels the job at once on a second Ctrl-C, whatever the grace period',
    { timeout: 150_000 },
    async () => {
      const run = startScript('test/slurm/fixtures/stubborn.ts', [SLURM]);
      await run.waitForOutput('[stubborn/0] up: stubborn/0');
      run.child.kill('SIGINT');
      await run.waitForError('Ctrl-C again to kill it at once');
      expect(queuedJobs('lp-stubborn')).toHaveLength(1);
      // The grace period is ten minutes: only the second Ctrl-C can end the job in time.
      run.child.kill('SIGINT');
      await run.exited;
      expect(run.stdout()).toContain('stubborn: launcher done');
      expect(await queueDrained('lp-stubborn', 15_000)).toEqual([]);
    },
  );

  it(
    'fails the launch, saying so, when the job is cancelled from outside',
    { timeout: 150_000 },
    async () => {
      const run = startScript('test/slurm/fixtures/forever-main.ts', [SLURM]);
      await run.waitForOutput('[announcer/0] up: announcer/0');
      const [jobId] = queuedJobs('lp-forever');
      expect(jobId).toBeDefined();
      // Someone else's scancel: the launcher did not ask for it.
      execFileSync('scancel', [jobId!]);
      const { code } = await run.exited;
      expect(code).not.toBe(0);
      expect(run.stderr()).toMatch(
        /Node \S+ was sent SIGTERM by the cluster before the launcher stopped the program: its task was ended from outside the launcher/,
      );
      expect(run.stderr()).toMatch(/was cancelled from outside the launcher \(CANCELLED: scancel/);
      expect(run.stdout()).not.toContain('forever: launcher done');
    },
  );

  it('prints the batch script on --lp_dry_run and submits nothing', async () => {
    const { code, stdout, stderr } = await runScript('examples/hello_world/main.ts', [
      SLURM,
      '--lp_dry_run',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('#SBATCH --job-name=lp-hello_world');
    expect(stdout).toContain('export LP_SLURM_NODE_IDS=\'["hello_printer/0"]\'');
    expect(stdout).not.toContain('--lp_dry_run');
    expect(stderr).not.toContain('submitted');
    expect(queuedJobs('lp-hello_world')).toEqual([]);
  });
});
