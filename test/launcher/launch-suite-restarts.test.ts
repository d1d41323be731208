/**
 * Restart policies and their checks, the same under every launch type: the local ones,
 * Slurm (the real local Slurm: a restarted node runs as a new step of the job) and
 * Kubernetes (the fake API server: a restarted node gets a replacement Pod).
 */
import * as lp from 'launchpad-ts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture.ts';
import { LOCAL_LAUNCH_TYPES } from '../helpers/launch-types.ts';
import { makeFlakyProgram, makeWaiterProgram } from '../fixtures/restarts.ts';
import { startFakeApiServer, type FakeApiServer } from '../kubernetes/fake-api-server.ts';
import {
  assertSlurmUp,
  cancelJobsNamed,
  queueDrained,
  RUN_SLURM_TESTS,
} from '../slurm/slurm-env.ts';

const SLURM_JOB = 'lp-session-restarts';
let fake: FakeApiServer | undefined;

/** Each launch type, with the options that reach its cluster. */
const LAUNCHES: readonly { type: lp.LaunchType; options: () => lp.LaunchOptions }[] = [
  ...LOCAL_LAUNCH_TYPES.map((type) => ({ type, options: () => ({}) })),
  ...(RUN_SLURM_TESTS
    ? [
        {
          type: 'slurm' as const,
          options: () => ({ slurm: { jobName: SLURM_JOB, pollIntervalMs: 200 } }),
        },
      ]
    : []),
  {
    type: 'kubernetes',
    options: () => ({
      kubernetes: {
        cluster: { server: fake?.url ?? '' },
        namespace: 'lp-test',
        controlHost: '127.0.0.1',
        defaults: { image: 'node:20-slim' },
      },
    }),
  },
];

beforeAll(async () => {
  if (RUN_SLURM_TESTS) assertSlurmUp();
  fake = await startFakeApiServer({ runPods: true });
});
afterAll(async () => {
  await fake?.close();
});
afterEach(async () => {
  if (!RUN_SLURM_TESTS) return;
  const left = await queueDrained(SLURM_JOB, 5_000);
  cancelJobsNamed(SLURM_JOB);
  expect(left, 'Slurm jobs left in squeue').toEqual([]);
});

describe.each(LAUNCHES)('under $type', ({ type, options }) => {
  const launchOptions = (restart: lp.RestartPolicies): lp.LaunchOptions => ({
    ...options(),
    launchType: type,
    restart,
    stdout: capture(),
    stderr: capture(),
  });

  it('restarts a node that fails once under on-failure, and counts the restart', async () => {
    const running = lp.launch(
      makeFlakyProgram('restarted_once', 1),
      launchOptions({ flaky: { mode: 'on-failure', maxRestarts: 2, backoffMs: 10 } }),
    );
    await running.wait();
    expect(running.nodes().get('flaky/0')).toEqual({ state: 'stopped', restarts: 1 });
    expect(running.nodes().get('counter/0')?.restarts).toBe(0);
  });

  it('stops the program, naming the node, once it has used up maxRestarts', async () => {
    const running = lp.launch(
      makeFlakyProgram('restarts_used_up', 10),
      launchOptions({ flaky: { mode: 'on-failure', maxRestarts: 1, backoffMs: 10 } }),
    );
    const error: unknown = await running.wait().catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'NODE_FAILED')).toBe(true);
    expect((error as Error).message).toContain('Node flaky/0 failed');
    expect((error as Error).message).toContain('flaky run 1 fails');
    expect(running.nodes().get('flaky/0')).toEqual({ state: 'failed', restarts: 1 });
  });

  it('restarts a running node on request, whatever its policy, or says why it cannot', async () => {
    const { program, counter } = makeWaiterProgram('restart_on_request');
    const running = lp.launch(program, launchOptions({}));
    try {
      await running.ready;
      const runs = running.client(counter);
      await vi.waitFor(
        async () => {
          expect(await runs.runs()).toBe(1);
        },
        { timeout: 30_000 },
      );
      expect(() => {
        running.restartNode('waiter/9');
      }).toThrow(/no such node; its nodes are counter\/0, waiter\/0/);
      // In-process nodes run in the launcher; a Slurm node in the job's first step is one
      // task of a step Slurm ends as a whole.
      if (type === 'in-process' || type === 'slurm') {
        expect(() => {
          running.restartNode('waiter/0');
        }).toThrow(type === 'slurm' ? /first step/ : /in-process nodes run in the launcher/);
        return;
      }
      running.restartNode('waiter/0');
      await vi.waitFor(
        async () => {
          expect(await runs.runs()).toBe(2);
        },
        { timeout: 30_000 },
      );
      await vi.waitFor(
        () => {
          expect(running.nodes().get('waiter/0')).toEqual({ state: 'running', restarts: 1 });
        },
        { timeout: 30_000 },
      );
      expect(running.nodes().get('counter/0')).toEqual({ state: 'running', restarts: 0 });
    } finally {
      await running.stop();
    }
    expect(running.nodes().get('waiter/0')).toEqual({ state: 'stopped', restarts: 1 });
  }, 120_000); // Three phases (start, restart, stop), each a node start or stop on a busy machine.

  it('refuses restart and resources keys that name no group or node', () => {
    const program = makeFlakyProgram('unknown_keys', 0);
    const base = { ...options(), launchType: type, stderr: capture() };
    expect(() =>
      lp.launch(program, { ...base, restart: { flakey: { mode: 'on-failure' } } }),
    ).toThrow(/flakey/);
    expect(() => lp.launch(program, { ...base, resources: { countr: { env: {} } } })).toThrow(
      /countr/,
    );
  });
});
