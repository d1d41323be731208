/**
 * A Python node on the real Slurm: its task starts the interpreter, the node serves the
 * launcher and calls a TypeScript node of the same job, forwards its output, and the
 * stop ends the job.
 */
import * as lp from 'launchpad-ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../helpers/capture.ts';
import { childrenOf } from '../helpers/processes.ts';
import {
  assertSlurmUp,
  cancelJobsNamed,
  queueDrained,
  RUN_SLURM_TESTS,
} from '../slurm/slurm-env.ts';
import { Doubler, type EchoApi } from './fixtures/services.ts';
import { TEST_PYTHON } from './python-interpreter.ts';

const JOBS = ['lp-py-slurm', 'lp-py-slurm-broken'];

describe.skipIf(!RUN_SLURM_TESTS)('a Python node under slurm', () => {
  beforeAll(() => {
    assertSlurmUp();
  });
  afterEach(async () => {
    const left = (await Promise.all(JOBS.map((name) => queueDrained(name, 5_000)))).flat();
    for (const name of JOBS) cancelJobsNamed(name);
    expect(left, 'jobs left in squeue').toEqual([]);
  });

  it('runs as a task of the job, calls a TypeScript task, and forwards its output', async () => {
    const program = new lp.Program('py-slurm');
    const doubler = program.addNode(new lp.ServiceNode(Doubler), 'doubler');
    const echo = program.addNode(
      new lp.PythonNode<EchoApi>('./fixtures/nodes.py', 'Echo', { doubler }),
      'echo',
    );
    const stdout = capture();
    const running = lp.launch(program, {
      launchType: 'slurm',
      python: TEST_PYTHON,
      stdout,
      stderr: capture(),
    });
    try {
      const client = lp.withOptions(running.client(echo), { timeoutMs: 60_000 });
      expect(await client.call_peer('doubler', 'double', 21)).toBe(42);
      expect(await client.echo(new Float32Array([1, 2, 3]))).toEqual(new Float32Array([1, 2, 3]));
      expect(await client.context()).toMatchObject({ nodeId: 'echo/0', launchType: 'slurm' });
      // The job's task runs the node: the launcher started no Python process of its own.
      expect(
        childrenOf(process.pid).filter((child) => child.cmdline.includes(' -m launchpad_ts')),
      ).toEqual([]);
      expect(await client.say('hello from a Slurm task')).toBe(true);
      await stdout.waitFor(/\[echo\/0\] hello from a Slurm task/);
    } finally {
      await running.stop();
    }
    await running.wait();
  }, 120_000);

  it('fails the program with the Python error of a node that fails', async () => {
    const program = new lp.Program('py-slurm-broken');
    program.addNode(new lp.PythonNode('./fixtures/nodes.py', 'Broken'), 'broken');
    const running = lp.launch(program, {
      launchType: 'slurm',
      python: TEST_PYTHON,
      stdout: capture(),
      stderr: capture(),
    });
    const error = await running.wait().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NODE_FAILED' });
    expect((error as Error).cause).toMatchObject({
      remoteName: 'RuntimeError',
      nodeId: 'broken/0',
    });
  }, 120_000);
});
